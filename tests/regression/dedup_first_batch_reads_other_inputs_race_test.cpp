// Regression (found by ThreadSanitizer, tools/dev.sh test --tsan, once oneTBB was built with
// TSan): DedupRun sized its index in the serial stage that takes the first batch, and read
// every input's InputInfo::compression there, while the input stage, on the other thread, could
// be opening the next input and writing that field: a data race whenever a run had more than one
// input and two threads (Determinism.Dedup, .Prep and .Split reported it). It now reads only
// the file sizes. Under TSan this test fails on the race; in every build it checks that inputs
// of all kinds (plain, gzip, a later input repeating an earlier one) still dedup exactly.
#include <gtest/gtest.h>
#include <zlib.h>

#include "../unit/test_util.hpp"
#include "dadeum/dedup_run.hpp"

namespace dadeum {
namespace {

std::string records(int from, int to) {
  std::string lines;
  for (int k = from; k < to; ++k) {
    lines += "{\"instruction\":\"질문 " + std::to_string(k) + "번을 설명해 주세요\",\"output\":\"답 " + std::to_string(k) + "\"}\n";
  }
  return lines;
}

void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
}

TEST(DedupFirstBatchRace, SeveralInputsAtTwoThreads) {
  testing::TempDir dir;
  const std::string first = dir.file("a.jsonl"), second = dir.file("b.jsonl.gz"), third = dir.file("c.jsonl");
  testing::write_file(first, records(0, 5));
  write_gzip(second, records(5, 300));
  testing::write_file(third, records(300, 600) + records(0, 5));  // its last 5 repeat a.jsonl
  for (int run_number = 0; run_number < 10; ++run_number) {
    DedupRun run({first, second, third}, ReadOptions{}, PipelineOptions{2}, DedupOptions{}, dir.path().string());
    Status indexed = run.index(nullptr, nullptr, Schema::kAuto);
    ASSERT_TRUE(indexed.is_ok()) << indexed.message();
    size_t read = 0, removed = 0;
    Status replayed = run.replay([&](uint32_t ordinal, const SpilledRecord&) {
      ++read;
      removed += run.removal(ordinal).has_value();
      return Status::ok();
    });
    ASSERT_TRUE(replayed.is_ok()) << replayed.message();
    EXPECT_EQ(read, 605u);
    EXPECT_EQ(removed, 5u);
  }
}

}  // namespace
}  // namespace dadeum
