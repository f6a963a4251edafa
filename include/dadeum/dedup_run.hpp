// Running deduplication over inputs in passes: pass 1 runs the per-record stages, indexes
// every record (keys only) and spills each record as it will be written; pass 2 reads the
// inputs again for the records of near-duplicate candidate pairs only (their shingles) and
// verifies each pair; pass 3 replays the spill in input order with every record's verdict.
// stdin, and any input that can be read only once (a pipe such as bash's <(...)), is copied to
// a temporary file first (in TMPDIR), as the later passes read it again.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "dadeum/dedup.hpp"
#include "dadeum/pipeline.hpp"
#include "dadeum/reader.hpp"
#include "dadeum/spill.hpp"
#include "dadeum/text_list.hpp"

namespace dadeum {

//! The name of every record of a run ("id", or "file:line" when it has none), packed in one
//! buffer: about the length of the id per record instead of a std::string each.
class RecordNames {
 public:
  void add(const Example& record);
  void reserve(size_t records, size_t bytes) {
    ends_.reserve(records);
    bytes_.reserve(bytes);
  }
  //! `displays`: the inputs' names, for records without an id.
  std::string get(uint32_t ordinal, const std::vector<std::string>& displays) const;
  //! Appends the same name to `out` (no string of its own: the clusters file names 10^5
  //! records).
  void append(std::string& out, uint32_t ordinal, const std::vector<std::string>& displays) const;
  size_t size() const { return ends_.size(); }

 private:
  static constexpr uint64_t kPlace = uint64_t{1} << 63;  // entry is "source:line", not an id
  std::string bytes_;
  std::vector<uint64_t> ends_;  // end of each entry in bytes_, kPlace set for "source:line"
};

//! Reference records (--against): exact prompt/full hashes and canonical prompts, indexed by
//! LSH bands. Matching is read-only and thread-safe.
class ReferenceSet {
 public:
  explicit ReferenceSet(const DedupOptions& options);
  //! Reads every record of `paths` (any supported format). A file none of whose records can be
  //! read (all rejected: its fields need --against-map) is an error, named with its first
  //! problem: removing nothing against it would pass silently.
  Status load(const std::vector<std::string>& paths, const ReadOptions& read, const PipelineOptions& pipeline);

  struct Match {
    bool found = false;
    bool exact = false;
    size_t reference = 0;    //!< index into names()
    double similarity = 0;   //!< verified Jaccard of the prompts (1 for exact)
  };
  //! The best reference match of a kept record's prompt or full text, if any.
  Match match(const Example& example) const;
  std::string name(size_t reference) const { return names_.get(static_cast<uint32_t>(reference), displays_); }  //!< "file:line" or id
  size_t size() const { return names_.size(); }

 private:
  DedupOptions options_;
  MinHashConfig config_;
  RecordNames names_;
  std::vector<std::string> displays_;  // the reference files' names, for records without an id
  // Near only: the canonical prompts. A candidate is verified by shingling both prompts
  // (shingle_jaccard), cheaper than sorting and keeping every reference's shingle set.
  TextList prompt_texts_;
  ExactIndex prompts_, fulls_;
  std::unordered_multimap<uint64_t, uint32_t> bands_;
};

//! One line per cluster of `run` (duplicates.jsonl): kind, kept, removed (or kept_together
//! for a conflict group kept whole) and similarity per member.
void append_cluster_lines(std::string& out, const class DedupRun& run);

//! Size and XXH3-128 (hex) of a file's bytes.
Result<std::pair<uint64_t, std::string>> hash_file(const std::string& path);

class DedupRun {
 public:
  //! The spill file goes to `spill_dir` (empty: the system's temporary directory).
  DedupRun(std::vector<std::string> inputs, ReadOptions read, PipelineOptions pipeline, DedupOptions options,
           std::string spill_dir = "");
  ~DedupRun();

  //! Optional references (--against), before index().
  Status load_references(const std::vector<std::string>& paths, const ReadOptions& read);

  //! Pass 1 and 2. `transform` (may be empty) runs on every batch after parsing, in
  //! parallel; then records matching a reference are dropped, and every record is spilled
  //! (kept ones formatted in `output_schema`, which may reject them) before its keys are
  //! taken. `observe` (may be empty) sees every batch of pass 1 in order, final but for the
  //! dedup decisions. `verify_transform` (default: `transform`) runs in the verification
  //! read instead, on candidate records only, and must give them the same texts.
  Status index(const BatchStage& transform, const BatchSink& observe, Schema output_schema,
               const BatchStage& verify_transform = nullptr);

  //! Pass 3: every record as pass 1 spilled it, in input order, with its ordinal.
  using ReplaySink = std::function<Status(uint32_t ordinal, const SpilledRecord& record)>;
  Status replay(const ReplaySink& each) const;
  //! Pass 3 in parallel: the records come in chunks of consecutive ones (pass 1's batches);
  //! `place` sees each record of a chunk, chunks in parallel, and may add to the chunk (its
  //! `out` strings, its `state`); `commit` then takes the chunks one at a time in input order,
  //! so what it writes does not depend on the thread count.
  using ReplayPlace = std::function<Status(uint32_t ordinal, const SpilledRecord& record, OrderedItem& chunk)>;
  Status replay(const ReplayPlace& place, const std::function<Status(OrderedItem& chunk)>& commit) const;
  //! For a record spilled as kept: its removal by dedup (stage "dedup", codes
  //! exact_duplicate, conflict, near_duplicate), if any.
  std::optional<Outcome> removal(uint32_t ordinal) const;

  const DedupIndex& index_data() const { return index_; }
  //! Ordinal (position in the whole run) of a batch's record; valid in every pass.
  uint32_t ordinal(const Batch& batch, size_t record) const { return ordinal_of(batch, record); }
  //! "id" of the record at `ordinal`, or "file:line" when it has none.
  std::string record_name(uint32_t ordinal) const { return names_.get(ordinal, display_); }
  void append_record_name(std::string& out, uint32_t ordinal) const { names_.append(out, ordinal, display_); }
  const std::vector<InputInfo>& inputs() const { return infos_; }
  //! The files read, after index(): stdin and pipes as their temporary copies (gone with the run).
  const std::vector<std::string>& read_paths() const { return paths_; }
  uint64_t records() const { return index_.size(); }
  uint64_t verified_pairs() const { return verified_pairs_; }
  uint64_t candidate_pairs() const { return index_.candidates().size(); }
  const ReferenceSet* references() const { return references_.get(); }

 private:
  Result<std::unique_ptr<InputReader>> open_reader();
  Status verify_candidates(const BatchStage& transform);
  Status replay_chunk(size_t chunk, const ReplaySink& each) const;
  //! A descriptor of input `source` opened again, once it is still the file the first pass read.
  Result<int> open_again(uint32_t source) const;
  Status read_again(uint32_t source, uint64_t offset, char* into, size_t length, size_t& got) const;
  Status check_inputs_unchanged() const;
  void reserve_for(const Batch& first);
  uint32_t ordinal_of(const Batch& batch, size_t record) const { return static_cast<uint32_t>(batch_first_[batch.sequence] + record); }

  std::vector<std::string> paths_;
  std::string spill_dir_;
  std::optional<SpillFile> spill_;
  std::vector<std::string> input_states_;  // inode, size, mtime of each input at the first read
  std::vector<std::string> display_;
  std::vector<std::string> copies_;  // temporary copies of inputs that can be read only once
  ReadOptions read_;
  PipelineOptions pipeline_;
  DedupOptions options_;
  KeyMaker keys_;
  DedupIndex index_;
  std::unique_ptr<ReferenceSet> references_;
  std::vector<uint64_t> batch_first_;  // first ordinal of every batch, by sequence
  std::vector<uint64_t> batch_spill_;  // where every batch's entries start in the spill
  RecordNames names_;
  std::vector<InputInfo> infos_;
  uint64_t verified_pairs_ = 0;
};

}  // namespace dadeum
