// PrepOptions::on_progress: what a progress display is told as a prep runs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "dadeum/prep.hpp"
#include "test_util.hpp"

namespace dadeum {
namespace {

struct Step {
  std::string phase;
  uint64_t done, total;
};

std::vector<Step> progress_of(const std::string& input, const std::string& out_dir) {
  std::vector<Step> steps;
  PrepOptions options;
  options.out_dir = out_dir;
  options.split.val_size = 10;
  options.pipeline.threads = 2;
  options.read.batch_bytes = 16 << 10;  // many batches from a small file
  options.on_progress = [&](std::string_view phase, uint64_t done, uint64_t total) {
    steps.push_back({std::string(phase), done, total});
  };
  auto report = run_prep({input}, options, nullptr);
  EXPECT_TRUE(report.is_ok()) << report.status().message();
  return steps;
}

TEST(PrepProgress, ReadInBytesThenWriteInRecordsEachEndingAtItsTotal) {
  testing::TempDir dir;
  const std::string seeds = testing::source_path("seeds/ko-instruct-400.jsonl");
  const std::vector<Step> steps = progress_of(seeds, dir.file("out"));
  ASSERT_GT(steps.size(), 4u);
  const uint64_t file_bytes = std::filesystem::file_size(seeds);
  const uint64_t records = testing::split_lines(testing::read_file(seeds)).size();
  size_t at = 0;
  uint64_t last = 0;
  for (; at < steps.size() && steps[at].phase == "read"; ++at) {
    EXPECT_EQ(steps[at].total, file_bytes);
    EXPECT_GE(steps[at].done, last);  // never goes back
    last = steps[at].done;
  }
  ASSERT_GT(at, 2u);  // several batches
  EXPECT_EQ(last, file_bytes);
  last = 0;
  for (; at < steps.size(); ++at) {
    EXPECT_EQ(steps[at].phase, "write");
    EXPECT_EQ(steps[at].total, records);
    EXPECT_GE(steps[at].done, last);
    last = steps[at].done;
  }
  EXPECT_EQ(last, records);
}

TEST(PrepProgress, CompressedInputHasNoByteTotal) {
  testing::TempDir dir;
  const std::string gzip = "gzip -c " + testing::source_path("seeds/ko-instruct-400.jsonl") + " > " + dir.file("in.jsonl.gz");
  ASSERT_EQ(std::system(gzip.c_str()), 0);
  const std::vector<Step> steps = progress_of(dir.file("in.jsonl.gz"), dir.file("out"));
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps.front().phase, "read");
  EXPECT_EQ(steps.front().total, 0u);
  EXPECT_EQ(steps.back().phase, "write");
  EXPECT_EQ(steps.back().done, steps.back().total);
}

}  // namespace
}  // namespace dadeum
