// dadeum check and bad records (docs/leakage.md): bad lines of any file land in the --rejects
// file with their reason, stop the check under --strict, and a file with no readable record
// fails the check.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "../unit/test_util.hpp"

namespace dadeum {
namespace {

// Two good records and, on lines 2 and 4, two bad ones (not JSON; no output field).
const char* kTrainWithBadLines =
    "{\"instruction\":\"김치찌개 끓이는 법을 알려 주세요.\",\"output\":\"물을 먼저 끓입니다.\"}\n"
    "{\"instruction\": 고장 난 줄\n"
    "{\"instruction\":\"서울에서 부산까지 얼마나 걸려요?\",\"output\":\"기차로 세 시간쯤 걸려요.\"}\n"
    "{\"instruction\":\"대답이 없는 질문\"}\n";

// One good record and, on line 2, one with an empty answer.
const char* kValidationWithBadLine =
    "{\"instruction\":\"봄에 피는 꽃을 알려 주세요.\",\"output\":\"개나리와 진달래가 있어요.\"}\n"
    "{\"instruction\":\"답이 비어 있는 질문\",\"output\":\"\"}\n";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Checks the two files above with `flags`, asking for dir/rejects.jsonl.
testing::CommandResult check_bad_files(const testing::TempDir& dir, const std::string& flags) {
  testing::write_file(dir.file("train.jsonl"), kTrainWithBadLines);
  testing::write_file(dir.file("validation.jsonl"), kValidationWithBadLine);
  return testing::run_cli("check -q " + flags + " --train " + dir.file("train.jsonl") + " --validation " +
                          dir.file("validation.jsonl") + " --rejects " + dir.file("rejects.jsonl"));
}

TEST(CheckRejects, EveryBadLineOfEveryFileLandsInTheRejectsFile) {
  testing::TempDir dir;
  auto result = check_bad_files(dir, "");
  EXPECT_EQ(result.exit_code, 0) << result.err;  // no leaks: rejects alone do not fail the check
  const auto lines = lines_of(testing::read_file(dir.file("rejects.jsonl")));
  ASSERT_EQ(lines.size(), 3u);
  // The indexed file (validation) is read first, then train, each in its order.
  EXPECT_NE(lines[0].find("validation.jsonl\",\"line\":2,"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"code\":\"empty_text\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("train.jsonl\",\"line\":2,"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("\"code\":\"invalid_json\""), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("train.jsonl\",\"line\":4,"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find("\"code\":\"missing_field\""), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find("\"raw\":"), std::string::npos) << lines[2];
}

TEST(CheckRejects, StrictStopsAtTheFirstBadLineAndWritesNothing) {
  testing::TempDir dir;
  auto result = check_bad_files(dir, "--strict --json");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("--strict"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("validation.jsonl:2:"), std::string::npos) << result.err;  // even under -q
  EXPECT_TRUE(result.out.empty()) << result.out;  // no report of a check that did not finish
  EXPECT_FALSE(std::filesystem::exists(dir.file("rejects.jsonl")));
}

TEST(CheckRejects, StrictPassesCleanFilesAndStillCountsLeaks) {
  testing::TempDir dir;
  testing::write_file(dir.file("train.jsonl"),
                      "{\"instruction\":\"김치찌개 끓이는 법을 알려 주세요.\",\"output\":\"물을 먼저 끓입니다.\"}\n");
  testing::write_file(dir.file("validation.jsonl"),
                      "{\"instruction\":\"봄에 피는 꽃을 알려 주세요.\",\"output\":\"개나리와 진달래가 있어요.\"}\n");
  auto clean = testing::run_cli("check -q --strict --train " + dir.file("train.jsonl") + " --validation " +
                                dir.file("validation.jsonl"));
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  auto leaking = testing::run_cli("check -q --strict --train " + dir.file("train.jsonl") + " --validation " +
                                  dir.file("train.jsonl"));
  EXPECT_EQ(leaking.exit_code, 1) << leaking.err;
  EXPECT_NE(leaking.out.find("exact 1"), std::string::npos) << leaking.out;
}

// A file none of whose records can be read was not checked: the check fails (exit 2) rather
// than pass with "0 findings" (here a CSV benchmark read without --against-map).
TEST(CheckRejects, AFileWithNoReadableRecordFailsTheCheck) {
  testing::TempDir dir;
  testing::write_file(dir.file("train.jsonl"),
                      "{\"instruction\":\"김치찌개 끓이는 법을 알려 주세요.\",\"output\":\"물을 먼저 끓입니다.\"}\n");
  testing::write_file(dir.file("bench.csv"), "question,answer\n\"김치찌개 끓이는 법을 알려 주세요.\",\"물을 먼저 끓입니다.\"\n");
  auto unmapped = testing::run_cli("check --train " + dir.file("train.jsonl") + " --against " + dir.file("bench.csv"));
  EXPECT_EQ(unmapped.exit_code, 2);
  EXPECT_NE(unmapped.err.find("no record of " + dir.file("bench.csv") + " could be read (1 rejected; --against-map"),
            std::string::npos)
      << unmapped.err;
  EXPECT_TRUE(unmapped.out.empty()) << unmapped.out;
  auto mapped = testing::run_cli("check -q --train " + dir.file("train.jsonl") + " --against " + dir.file("bench.csv") +
                                 " --against-map instruction=question,output=answer");
  EXPECT_EQ(mapped.exit_code, 1) << mapped.err;  // now read, and the record leaked
  EXPECT_NE(mapped.out.find("exact 1"), std::string::npos) << mapped.out;
}

}  // namespace
}  // namespace dadeum
