// Regression (found by the fault tests under AddressSanitizer once batches became 512 KiB):
// when a serial stage stopped the pipeline (a write failing with a full disk), oneTBB dropped
// the batches still in flight without passing them to the stage that frees them, and they
// leaked (LeakSanitizer made `prep` exit 1 instead of 2). run_batches now frees them itself.
// Here a sink fails at the third of 40 batches, after waiting (up to 5 s) until the other
// thread has read more batches: every batch made must be destroyed, and the sink's error comes
// back.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "dadeum/pipeline.hpp"
#include "dadeum/reader.hpp"

namespace dadeum {
namespace {

TEST(StoppedPipeline, FreesTheBatchesInFlight) {
  for (size_t threads : {2, 1}) {
    std::atomic<int> made{0}, destroyed{0};
    int handed_out = 0;
    auto source = [&]() -> Result<std::unique_ptr<Batch>> {
      if (handed_out == 40) return std::unique_ptr<Batch>();
      auto batch = parse_lines({"{\"instruction\":\"질문\",\"output\":\"답\"}"}, Schema::kAuto);
      batch->sequence = static_cast<uint64_t>(handed_out++);
      ++made;
      // Destroyed with its batch, however the batch goes.
      batch->stage_counts = std::shared_ptr<int>(new int(0), [&destroyed](int* counter) {
        ++destroyed;
        delete counter;
      });
      return batch;
    };
    auto sink = [&](Batch& batch) -> Status {
      if (batch.sequence != 2) return Status::ok();
      // At 2 threads the other one reads on meanwhile: some batches are in flight when it fails.
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (threads > 1 && made.load() < 6 && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      return io_error("disk full");
    };
    Counts counts;
    PipelineOptions options;
    options.threads = threads;
    Status status = run_batches(source, ReadOptions{}, options, nullptr, sink, counts);
    EXPECT_EQ(status.code(), StatusCode::kIoError) << threads << " threads";
    EXPECT_GE(made.load(), threads > 1 ? 6 : 3) << threads << " threads";
    EXPECT_EQ(destroyed.load(), made.load()) << threads << " threads";
  }
}

}  // namespace
}  // namespace dadeum
