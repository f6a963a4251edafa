// dadeum prep: read → validate → normalize → filter → personal data → exact and near dedup
// (and references) → split → write, with a manifest that accounts for every record.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "dadeum/dedup.hpp"
#include "dadeum/filter.hpp"
#include "dadeum/normalize.hpp"
#include "dadeum/pipeline.hpp"
#include "dadeum/reader.hpp"
#include "dadeum/record_stages.hpp"
#include "dadeum/split.hpp"

namespace dadeum {

struct PrepOptions {
  ReadOptions read;
  PipelineOptions pipeline;
  bool normalize = true;
  NormalizeOptions rules;
  PiiAction pii = PiiAction::kReport;
  bool filter = true;
  FilterOptions filters;
  bool dedup = true;                  //!< false: nothing removed, records sharing a prompt grouped
  DedupOptions dedup_options;
  std::vector<std::string> against;   //!< reference files (decontamination)
  ReadOptions against_read;
  SplitOptions split;
  std::string stratify_by;            //!< top-level field
  std::string group_by;               //!< top-level field
  Schema to = Schema::kAuto;          //!< output schema (kAuto: each record's own)
  std::string out_dir;
  bool force = false;                 //!< allow a non-empty output directory
  bool strict = false;                //!< stop at the first reject
  std::string command;                //!< "prep" or "split", for the manifest
  std::string options_json;           //!< the resolved options as a JSON object, for the manifest
  //! For a progress display: called from the run's serial stages as work gets done. Phase
  //! "read" counts input bytes (total 0 when unknown: compressed input, stdin, pipes), phase
  //! "write" counts records. `done` only grows within a phase and reaches `total` at its end.
  std::function<void(std::string_view phase, uint64_t done, uint64_t total)> on_progress;
};

struct PrepOutput {
  std::string name;  //!< file name inside out_dir
  uint64_t records = 0;
  uint64_t bytes = 0;
  std::string xxh3;  //!< XXH3-128 of the file, hex
};

struct PrepReport {
  Counts counts;
  uint64_t train = 0, validation = 0, test = 0;
  uint64_t asked_validation = 0, asked_test = 0;
  std::map<std::string, uint64_t> rejected_by_code;
  std::map<std::string, uint64_t> dropped_by_reason;
  NormalizeCounts normalize;
  PiiCounts pii;
  uint64_t clusters = 0, conflict_groups = 0, candidate_pairs = 0, verified_pairs = 0;
  uint64_t split_units = 0;
  std::vector<PrepOutput> outputs;
  bool balanced() const { return counts.read == train + validation + test + counts.dropped + counts.rejected; }
};

//! Called in input order for every rejected record (the CLI prints it).
using RejectCallback = std::function<void(const Example&, const std::string& source)>;

//! Runs the whole job. Outputs appear under their final names only when everything
//! succeeded and the accounting identity holds.
Result<PrepReport> run_prep(const std::vector<std::string>& inputs, const PrepOptions& options,
                            const RejectCallback& on_reject);

}  // namespace dadeum
