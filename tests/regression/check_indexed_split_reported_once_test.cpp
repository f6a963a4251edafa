// Regression (found while profiling the check benchmark): a split that is indexed (validation,
// test) had its duplicates and its bad lines reported while it was indexed and again while it
// was streamed, so every duplicate inside validation appeared twice (and, with a test file or a
// benchmark, every reject), and validation was read a second time even when no later file
// needed it. Each is now reported once.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "../unit/test_util.hpp"
#include "dadeum/leakage.hpp"

namespace dadeum {
namespace {

std::string record(const std::string& instruction, const std::string& output) {
  return "{\"instruction\":\"" + instruction + "\",\"output\":\"" + output + "\"}\n";
}

TEST(CheckIndexedSplit, EachSplitsDuplicateIsReportedOnce) {
  testing::TempDir dir;
  const std::string train = dir.file("train.jsonl"), validation = dir.file("validation.jsonl"),
                    test = dir.file("test.jsonl");
  testing::write_file(train, record("사과는 무슨 색인가요?", "빨간색입니다.") +
                                 record("사과는 무슨 색인가요?", "빨간색입니다.") +
                                 record("바나나는 무슨 색인가요?", "노란색입니다."));
  testing::write_file(validation, record("하늘은 무슨 색인가요?", "파란색입니다.") +
                                      record("하늘은 무슨 색인가요?", "파란색입니다."));
  testing::write_file(test, record("풀은 무슨 색인가요?", "초록색입니다.") +
                                record("풀은 무슨 색인가요?", "초록색입니다.") +
                                record("눈은 무슨 색인가요?", "하얀색입니다."));
  // Without a test file validation is indexed only; with one it is also streamed against it.
  for (bool with_test : {false, true}) {
    std::vector<CheckInput> inputs = {{"train", train, {}}, {"validation", validation, {}}};
    if (with_test) inputs.push_back({"test", test, {}});
    auto report = check_leakage(inputs, LeakageOptions{}, PipelineOptions{1});
    ASSERT_TRUE(report.is_ok()) << report.status().message();
    std::vector<std::string> seen;
    for (const WithinDuplicate& duplicate : report.value().within) {
      seen.push_back(duplicate.role + ":" + std::to_string(duplicate.a.line) + "=" + std::to_string(duplicate.b.line));
    }
    std::sort(seen.begin(), seen.end());
    std::vector<std::string> expected = {"train:1=2", "validation:1=2"};
    if (with_test) expected = {"test:1=2", "train:1=2", "validation:1=2"};
    EXPECT_EQ(seen, expected) << (with_test ? "with" : "without") << " a test file";
    EXPECT_TRUE(report.value().findings.empty());
  }
}

TEST(CheckIndexedSplit, EachBadLineOfAnIndexedSplitIsReportedOnce) {
  testing::TempDir dir;
  const std::string train = dir.file("train.jsonl"), validation = dir.file("validation.jsonl"),
                    test = dir.file("test.jsonl");
  testing::write_file(train, record("사과는 무슨 색인가요?", "빨간색입니다."));
  testing::write_file(validation, record("하늘은 무슨 색인가요?", "파란색입니다.") + "{\"instruction\":\"broken\n");
  testing::write_file(test, record("풀은 무슨 색인가요?", "초록색입니다."));
  for (bool with_test : {false, true}) {
    std::vector<CheckInput> inputs = {{"train", train, {}}, {"validation", validation, {}}};
    if (with_test) inputs.push_back({"test", test, {}});
    size_t observed_validation = 0, observed_rejects = 0;  // what a --rejects file would get
    auto observe = [&](const Batch& batch, const std::string& path) {
      for (const Example& example : batch.records) {
        observed_validation += path == validation;
        observed_rejects += example.outcome.verdict == Verdict::kReject;
      }
      return Status::ok();
    };
    auto report = check_leakage(inputs, LeakageOptions{}, PipelineOptions{1}, observe);
    ASSERT_TRUE(report.is_ok()) << report.status().message();
    EXPECT_EQ(observed_validation, 2u);
    EXPECT_EQ(observed_rejects, 1u);
    ASSERT_EQ(report.value().rejects.size(), 1u) << (with_test ? "with" : "without") << " a test file";
    EXPECT_NE(report.value().rejects[0].first.find("validation.jsonl:2"), std::string::npos) << report.value().rejects[0].first;
    size_t validation_entries = 0;
    for (const auto& [name, counts] : report.value().files) validation_entries += name.starts_with("validation:");
    EXPECT_EQ(validation_entries, 1u);
  }
}

}  // namespace
}  // namespace dadeum
