// check_leakage()'s ReadObserver (what `dadeum check --rejects/--strict` builds on).
#include <gtest/gtest.h>

#include <string>

#include "dadeum/leakage.hpp"
#include "test_util.hpp"

namespace dadeum {
namespace {

std::string record(const std::string& instruction, const std::string& output) {
  return "{\"instruction\":\"" + instruction + "\",\"output\":\"" + output + "\"}\n";
}

// The observer's error stops the check and is what check_leakage() returns (check --strict).
TEST(CheckObserver, ItsErrorStopsTheCheck) {
  testing::TempDir dir;
  const std::string train = dir.file("train.jsonl"), validation = dir.file("validation.jsonl");
  testing::write_file(train, record("사과는 무슨 색인가요?", "빨간색입니다."));
  testing::write_file(validation, record("사과는 무슨 색인가요?", "빨간색입니다."));
  size_t calls = 0;
  auto stop = [&](const Batch&, const std::string&) {
    ++calls;
    return Status(StatusCode::kStopped, "stopped by the observer");
  };
  auto report = check_leakage({{"train", train, {}}, {"validation", validation, {}}}, LeakageOptions{},
                              PipelineOptions{1}, stop);
  ASSERT_FALSE(report.is_ok());
  EXPECT_EQ(report.status().code(), StatusCode::kStopped);
  EXPECT_EQ(report.status().message(), "stopped by the observer");
  EXPECT_EQ(calls, 1u);  // validation's only batch; train was never read
}

}  // namespace
}  // namespace dadeum
