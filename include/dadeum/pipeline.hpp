// The streaming pass: read (serial, in order) -> parse + stages (parallel) -> sink (serial,
// in order). The only place that knows about threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dadeum/reader.hpp"
#include "dadeum/status.hpp"

namespace dadeum {

struct PipelineOptions {
  size_t threads = 0;           //!< 0: all cores
  size_t tokens_per_thread = 4; //!< batches in flight per thread; bounds memory
};

//! Record counts of one run. The identity read == kept + dropped + rejected always holds.
struct Counts {
  uint64_t read = 0;
  uint64_t kept = 0;
  uint64_t dropped = 0;
  uint64_t rejected = 0;
  bool balanced() const { return read == kept + dropped + rejected; }
};

//! Runs under `threads` worker threads (0 = all cores).
class ThreadLimit {
 public:
  explicit ThreadLimit(size_t threads);
  ~ThreadLimit();
  static size_t resolve(size_t threads);  //!< 0 -> hardware concurrency

 private:
  struct Impl;
  Impl* impl_;
};

using BatchStage = std::function<void(Batch&)>;    //!< runs in parallel on whole batches
using BatchSink = std::function<Status(Batch&)>;   //!< runs serially, in input order

//! Hands out the next batch, or nullptr at the end (an error stops the run).
using BatchSource = std::function<Result<std::unique_ptr<Batch>>()>;

//! Streams every batch of `next` through parse (with `read`'s options), then `stage` (may be
//! empty), then `sink`, as run_stream() does for a reader's batches.
Status run_batches(const BatchSource& next, const ReadOptions& read, const PipelineOptions& options,
                   const BatchStage& stage, const BatchSink& sink, Counts& counts,
                   const BatchStage& before_parse = nullptr);

//! Streams every record of `reader` through parse, then `stage` (may be empty), then `sink`.
//! A sink error stops the run and is returned. `counts` is filled from the records' verdicts
//! as the sink saw them. `before_parse` (may be empty) runs in parallel on the unparsed
//! batch, e.g. to remove the records a pass does not need before paying for their parse.
Status run_stream(InputReader& reader, const PipelineOptions& options, const BatchStage& stage,
                  const BatchSink& sink, Counts& counts, const BatchStage& before_parse = nullptr);

//! One item of run_in_order(): what its work made, for its commit.
struct OrderedItem {
  size_t index = 0;
  std::vector<std::string> out;  //!< e.g. the bytes for each output file
  std::shared_ptr<void> state;   //!< anything else the caller needs, e.g. counts
};

//! Runs `work` on items 0 .. count-1 in parallel, a few per thread in flight, and `commit` on
//! each finished item serially in index order; the first error stops the run and is returned.
Status run_in_order(size_t count, const PipelineOptions& options, const std::function<Status(OrderedItem&)>& work,
                    const std::function<Status(OrderedItem&)>& commit);

}  // namespace dadeum
