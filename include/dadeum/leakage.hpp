// dadeum check: leakage between splits and against reference (benchmark) files. The smaller
// side of every comparison (validation, test, benchmarks) is indexed in memory; train is
// streamed: of its records only line, id and full-example hash are kept (within-file
// duplicates), besides the findings.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dadeum/dedup_engine.hpp"
#include "dadeum/pipeline.hpp"
#include "dadeum/reader.hpp"

namespace dadeum {

enum class LeakKind : uint8_t { kExact, kPrompt, kNear, kNgram };
std::string_view leak_kind_name(LeakKind kind);  //!< exact, prompt, near, ngram

enum class NgramUnit : uint8_t { kEojeol, kChar };

struct LeakageOptions {
  bool kinds[4] = {true, true, true, true};  //!< by LeakKind
  double threshold = 0.8;        //!< near: verified Jaccard of character 5-grams of the full example
  uint32_t ngram = 10;           //!< n-gram length in units
  NgramUnit unit = NgramUnit::kEojeol;
  uint32_t template_records = 10;  //!< an n-gram in at least this many records of one file is a template, not evidence
  uint64_t seed = kDefaultHashSeed;
};

//! A file taking part in the check.
struct CheckInput {
  std::string role;   //!< "train", "validation", "test" or "against"
  std::string path;
  ReadOptions read;
};

//! One side of a finding. A check can report millions of findings, so the file is a number:
//! LeakageReport::file_names holds the paths.
struct RecordRef {
  uint32_t file = 0;  //!< index into LeakageReport::file_names (the inputs, in order)
  uint64_t line = 0;
  std::string id;
};

struct LeakFinding {
  LeakKind kind = LeakKind::kExact;
  uint32_t pair = 0;         //!< index into LeakageReport::pair_names ("train-validation", "train-against", ...)
  RecordRef a, b;            //!< a from the streamed (larger) file, b from the indexed one
  double similarity = 0;     //!< near: verified Jaccard; exact/prompt: 1
  std::string shared_span;   //!< ngram: the longest shared run (canonical text)
  uint32_t span_units = 0;
};

//! A duplicate inside one file (exact canonical full example).
struct WithinDuplicate {
  std::string role;
  RecordRef a, b;
};

struct LeakageReport {
  std::vector<std::string> file_names;      //!< the inputs' paths, in input order (RecordRef::file)
  std::vector<std::string> pair_names;      //!< the compared pairs (LeakFinding::pair)
  std::vector<LeakFinding> findings;        //!< in input order of the streamed files
  std::vector<WithinDuplicate> within;      //!< reported apart from leaks
  std::vector<std::pair<std::string, Counts>> files;  //!< role:path -> read counts
  std::vector<std::pair<std::string, uint64_t>> rejects;  //!< problems found while reading (file:line: message)
  uint64_t templates_skipped = 0;           //!< n-gram matches ignored as templates

  const std::string& file(const RecordRef& ref) const { return file_names[ref.file]; }
  const std::string& pair(const LeakFinding& finding) const { return pair_names[finding.pair]; }
};

//! Sees every batch of every file as the check reads it (each record once, each file in its
//! order, with the file's path): e.g. to write a rejects file, or to stop at the first rejected
//! record. A status that is not ok stops the check, and check_leakage() returns it.
using ReadObserver = std::function<Status(const Batch& batch, const std::string& path)>;

//! Runs the check over `inputs` (one train, one validation, optional test and any number of
//! "against" files): every pair of splits, and every split against every against file.
Result<LeakageReport> check_leakage(const std::vector<CheckInput>& inputs, const LeakageOptions& options,
                                    const PipelineOptions& pipeline, const ReadObserver& on_read = nullptr);

}  // namespace dadeum
