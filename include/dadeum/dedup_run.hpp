// Running deduplication over inputs in passes: index every record (keys only), verify the
// near-duplicate candidates (a second read, shingles only for candidate records), then
// stream a final time with every record's verdict applied. Inputs are read again rather
// than spilled; stdin is copied to a temporary file first.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "dadeum/dedup.hpp"
#include "dadeum/pipeline.hpp"
#include "dadeum/reader.hpp"

namespace dadeum {

//! Reference records (--against): exact prompt/full hashes and prompt shingles, indexed by
//! LSH bands. Matching is read-only and thread-safe.
class ReferenceSet {
 public:
  explicit ReferenceSet(const DedupOptions& options);
  //! Reads every record of `paths` (any supported format).
  Status load(const std::vector<std::string>& paths, const ReadOptions& read, const PipelineOptions& pipeline);

  struct Match {
    bool found = false;
    bool exact = false;
    size_t reference = 0;    //!< index into names()
    double similarity = 0;   //!< verified Jaccard of the prompts (1 for exact)
  };
  //! The best reference match of a kept record's prompt or full text, if any.
  Match match(const Example& example) const;
  const std::string& name(size_t reference) const { return names_[reference]; }  //!< "file:line" or id
  size_t size() const { return names_.size(); }

 private:
  DedupOptions options_;
  MinHashConfig config_;
  std::vector<std::string> names_;
  std::vector<std::vector<uint64_t>> shingles_;
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
  DedupRun(std::vector<std::string> inputs, ReadOptions read, PipelineOptions pipeline, DedupOptions options);
  ~DedupRun();

  //! Optional references (--against), before index().
  Status load_references(const std::vector<std::string>& paths, const ReadOptions& read);

  //! Pass 1 and 2. `transform` (may be empty) runs on every batch after parsing, in
  //! parallel, and must be deterministic: it runs again in write(). `observe` (may be
  //! empty) sees every batch of pass 1 in order, after the reference check.
  //! `verify_transform` (default: `transform`) runs in the verification read instead.
  Status index(const BatchStage& transform, const BatchSink& observe, const BatchStage& verify_transform = nullptr);

  //! Pass 3: every record with its final verdict (dedup drops applied: stage "dedup", codes
  //! exact_duplicate, conflict, near_duplicate, reference_duplicate, reference_near_duplicate)
  //! before `stage` (parallel) and `sink` (in order).
  Status write(const BatchStage& transform, const BatchStage& stage, const BatchSink& sink, Counts& counts);

  const DedupIndex& index_data() const { return index_; }
  //! Ordinal (position in the whole run) of a batch's record; valid in every pass.
  uint32_t ordinal(const Batch& batch, size_t record) const { return ordinal_of(batch, record); }
  //! "id" of the record at `ordinal`, or "file:line" when it has none.
  const std::string& record_name(uint32_t ordinal) const { return names_[ordinal]; }
  const std::vector<InputInfo>& inputs() const { return infos_; }
  uint64_t records() const { return index_.size(); }
  uint64_t verified_pairs() const { return verified_pairs_; }
  uint64_t candidate_pairs() const { return index_.candidates().size(); }
  const ReferenceSet* references() const { return references_.get(); }

 private:
  Result<std::unique_ptr<InputReader>> open_reader();
  Status verify_candidates(const BatchStage& transform);
  uint32_t ordinal_of(const Batch& batch, size_t record) const { return static_cast<uint32_t>(batch_first_[batch.sequence] + record); }

  std::vector<std::string> paths_;
  std::vector<std::string> display_;
  std::string stdin_copy_;
  ReadOptions read_;
  PipelineOptions pipeline_;
  DedupOptions options_;
  KeyMaker keys_;
  DedupIndex index_;
  std::unique_ptr<ReferenceSet> references_;
  std::vector<uint64_t> batch_first_;  // first ordinal of every batch, by sequence
  std::vector<std::string> names_;
  std::unordered_map<uint32_t, Outcome> early_;  // reference drops decided in pass 1
  std::vector<InputInfo> infos_;
  uint64_t verified_pairs_ = 0;
};

}  // namespace dadeum
