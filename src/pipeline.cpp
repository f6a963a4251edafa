// The streaming pass as a oneTBB pipeline over batches: read serially in input order, parse
// and run the caller's stage in parallel, hand batches to the sink serially in input order.
#include "dadeum/pipeline.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>

#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_set>

namespace dadeum {
namespace {

// Carries a Status out of a pipeline filter; TBB cancels the pipeline on any exception.
struct StopPipeline {
  Status status;
};

// Runs a oneTBB pipeline; what stopped it, if anything, becomes the Status.
template <typename RunPipeline>
Status stopped_by(RunPipeline&& run) {
  try {
    run();
  } catch (StopPipeline& stop) {
    return stop.status;
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kInternal, "out of memory");
  } catch (const std::exception& error) {
    return Status(StatusCode::kInternal, error.what());
  }
  return Status::ok();
}

}  // namespace

struct ThreadLimit::Impl {
  tbb::global_control control;
};

size_t ThreadLimit::resolve(size_t threads) {
  if (threads > 0) return threads;
  int cores = tbb::info::default_concurrency();
  return cores > 0 ? static_cast<size_t>(cores) : 1;
}

ThreadLimit::ThreadLimit(size_t threads)
    : impl_(new Impl{tbb::global_control(tbb::global_control::max_allowed_parallelism, resolve(threads))}) {}

ThreadLimit::~ThreadLimit() { delete impl_; }

Status run_stream(InputReader& reader, const PipelineOptions& options, const BatchStage& stage,
                  const BatchSink& sink, Counts& counts, const BatchStage& before_parse) {
  return run_batches([&reader] { return reader.next(); }, reader.options(), options, stage, sink, counts,
                     before_parse);
}

Status run_batches(const BatchSource& next_batch, const ReadOptions& read_options, const PipelineOptions& options,
                   const BatchStage& stage, const BatchSink& sink, Counts& counts, const BatchStage& before_parse) {
  size_t threads = ThreadLimit::resolve(options.threads);
  ThreadLimit limit(threads);
  RecordParser parser(read_options);
  size_t tokens = std::max<size_t>(2, threads * options.tokens_per_thread);

  // Every batch from its read to its release. When a stage stops the pipeline, oneTBB drops
  // the batches still in flight without passing them to the later stages: they are freed
  // here afterwards (with 512 KiB batches a failed write left several behind).
  std::mutex live_mutex;
  std::unordered_set<Batch*> live;
  auto read = [&](tbb::flow_control& control) -> Batch* {
    Result<std::unique_ptr<Batch>> next = next_batch();
    if (!next.is_ok()) throw StopPipeline{next.status()};
    if (!next.value()) {
      control.stop();
      return nullptr;
    }
    std::lock_guard lock(live_mutex);
    return *live.insert(next.value().release()).first;
  };
  auto work = [&](Batch* batch) -> Batch* {
    if (before_parse) before_parse(*batch);
    parser.parse(*batch);
    if (stage) stage(*batch);
    return batch;
  };
  auto finish = [&](Batch* batch) -> Batch* {
    for (const Example& record : batch->records) {
      ++counts.read;
      switch (record.outcome.verdict) {
        case Verdict::kKeep: ++counts.kept; break;
        case Verdict::kDrop: ++counts.dropped; break;
        case Verdict::kReject: ++counts.rejected; break;
      }
    }
    Status status = sink(*batch);
    if (!status.is_ok()) throw StopPipeline{std::move(status)};
    return batch;
  };
  // Freeing a batch (thousands of strings) is real work: keep it out of the serial stages.
  auto release = [&](Batch* batch) {
    {
      std::lock_guard lock(live_mutex);
      live.erase(batch);
    }
    delete batch;
  };

  Status status = stopped_by([&] {
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, Batch*>(tbb::filter_mode::serial_in_order, read) &
            tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel, work) &
            tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::serial_in_order, finish) &
            tbb::make_filter<Batch*, void>(tbb::filter_mode::parallel, release));
  });
  for (Batch* batch : live) delete batch;  // none unless the pipeline was stopped
  return status;
}

Status run_in_order(size_t count, const PipelineOptions& options, const std::function<Status(OrderedItem&)>& work,
                    const std::function<Status(OrderedItem&)>& commit) {
  size_t threads = ThreadLimit::resolve(options.threads);
  ThreadLimit limit(threads);
  size_t tokens = std::max<size_t>(2, threads * options.tokens_per_thread);
  // At most `tokens` items are in flight: they are made once and reused (their strings keep
  // their capacity, so a long run does not fault in fresh pages for every item). Owned here,
  // not by the pipeline, so a stopped run frees them too.
  std::vector<OrderedItem> items(tokens);
  std::vector<OrderedItem*> idle;
  for (OrderedItem& item : items) idle.push_back(&item);
  std::mutex idle_mutex;
  size_t next = 0;
  auto hand_out = [&](tbb::flow_control& control) -> OrderedItem* {
    if (next == count) {
      control.stop();
      return nullptr;
    }
    OrderedItem* item = nullptr;
    {
      std::lock_guard lock(idle_mutex);
      item = idle.back();
      idle.pop_back();
    }
    item->index = next++;
    item->state.reset();
    for (std::string& out : item->out) out.clear();
    return item;
  };
  auto run_work = [&](OrderedItem* item) -> OrderedItem* {
    Status status = work(*item);
    if (!status.is_ok()) throw StopPipeline{std::move(status)};
    return item;
  };
  auto run_commit = [&](OrderedItem* item) {
    Status status = commit(*item);
    {
      std::lock_guard lock(idle_mutex);
      idle.push_back(item);
    }
    if (!status.is_ok()) throw StopPipeline{std::move(status)};
  };
  return stopped_by([&] {
    tbb::parallel_pipeline(tokens, tbb::make_filter<void, OrderedItem*>(tbb::filter_mode::serial_in_order, hand_out) &
                                       tbb::make_filter<OrderedItem*, OrderedItem*>(tbb::filter_mode::parallel, run_work) &
                                       tbb::make_filter<OrderedItem*, void>(tbb::filter_mode::serial_in_order, run_commit));
  });
}

}  // namespace dadeum
