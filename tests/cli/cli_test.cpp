// The dadeum binary: exit codes, messages, rejects file, stdin, safe outputs.
#include <gtest/gtest.h>

#include "../unit/test_util.hpp"

namespace dadeum {
namespace {

using testing::read_file;
using testing::run_cli;
using testing::split_lines;
using testing::TempDir;
using testing::write_file;

const std::string kGood =
    "{\"id\":\"a\",\"instruction\":\"인사말을 써 주세요\",\"input\":\"\",\"output\":\"안녕하세요.\"}\n"
    "{\"id\":\"b\",\"instruction\":\"번역해 주세요\",\"input\":\"thank you\",\"output\":\"감사합니다.\"}\n";
const std::string kWithBadLines = kGood + "{\"id\":\"c\",\"instruction\":\"답 없음\"}\n" + "not json\n";

TEST(Cli, VersionAndHelp) {
  auto version = run_cli("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("dadeum ", 0), 0u) << version.out;
  auto help = run_cli("help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("validate"), std::string::npos);
  EXPECT_NE(help.out.find("convert"), std::string::npos);
  auto command_help = run_cli("validate --help");
  EXPECT_EQ(command_help.exit_code, 0);
  EXPECT_NE(command_help.out.find("Examples"), std::string::npos);
  EXPECT_EQ(run_cli("no-such-command").exit_code, 2);
  EXPECT_EQ(run_cli("validate").exit_code, 2);
  EXPECT_EQ(run_cli("help no-such-command").exit_code, 2);
}

TEST(Cli, ValidateCleanFileExitsZero) {
  TempDir dir;
  write_file(dir.file("good.jsonl"), kGood);
  auto result = run_cli("validate " + dir.file("good.jsonl"));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("schema alpaca"), std::string::npos);
  EXPECT_NE(result.out.find("records: 2  valid: 2  rejected: 0"), std::string::npos) << result.out;
}

TEST(Cli, ValidateReportsEveryBadLine) {
  TempDir dir;
  std::string input = dir.file("bad.jsonl");
  write_file(input, kWithBadLines);
  auto result = run_cli("validate " + input + " --rejects " + dir.file("rejects.jsonl") + " --json");
  EXPECT_EQ(result.exit_code, 1);
  auto messages = split_lines(result.err);
  ASSERT_EQ(messages.size(), 2u) << result.err;
  EXPECT_EQ(messages[0], "dadeum: " + input + ":3: missing field 'output' [missing_field]");
  EXPECT_EQ(messages[1].rfind("dadeum: " + input + ":4: not valid JSON", 0), 0u) << messages[1];
  auto rejects = split_lines(read_file(dir.file("rejects.jsonl")));
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_NE(rejects[0].find("\"line\":3"), std::string::npos);
  EXPECT_NE(rejects[0].find("\"stage\":\"parse\""), std::string::npos);
  EXPECT_NE(rejects[1].find("\"raw\":\"not json\""), std::string::npos);
  EXPECT_NE(result.out.find("\"records\":4,\"valid\":2,\"rejected\":2"), std::string::npos) << result.out;
}

TEST(Cli, MissingInputIsAUsageError) {
  auto result = run_cli("validate /nonexistent/file.jsonl");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err.rfind("dadeum: cannot open /nonexistent/file.jsonl", 0), 0u) << result.err;
}

// `@FILE` stands for the lines of FILE, one argument each (for lists of inputs too long for a
// command line); a file that cannot be read is a usage error.
TEST(Cli, ArgumentFileGivesOneArgumentPerLine) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), kGood);
  write_file(dir.file("b c.jsonl"), kGood);  // a space in a name needs no quoting in the list
  write_file(dir.file("list.txt"), dir.file("a.jsonl") + "\r\n\n" + dir.file("b c.jsonl") + "\n--json\n");
  auto listed = run_cli("validate -q @" + dir.file("list.txt"));
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("\"records\":4,\"valid\":4"), std::string::npos) << listed.out;
  auto missing = run_cli("validate @" + dir.file("none.txt"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "dadeum: cannot read argument file " + dir.file("none.txt") + "\n");
}

TEST(Cli, ConvertFromStdinToMessagesAndBack) {
  TempDir dir;
  write_file(dir.file("in.jsonl"), kWithBadLines);
  auto result = run_cli("convert - --to messages -o " + dir.file("m.jsonl") + " --rejects " + dir.file("r.jsonl"),
                        dir.file("in.jsonl"));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("dadeum: read 4 = written 2 + dropped 0 + rejected 2"), std::string::npos) << result.err;
  auto lines = split_lines(read_file(dir.file("m.jsonl")));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1],
            R"({"id":"b","messages":[{"role":"user","content":"번역해 주세요\n\nthank you"},{"role":"assistant","content":"감사합니다."}]})");
  EXPECT_EQ(split_lines(read_file(dir.file("r.jsonl"))).size(), 2u);
  EXPECT_NE(read_file(dir.file("r.jsonl")).find("\"source\":\"<stdin>\""), std::string::npos);
}

TEST(Cli, ConvertOwnSchemaIsByteIdentical) {
  TempDir dir;
  write_file(dir.file("in.jsonl"), kGood);
  auto result = run_cli("convert " + dir.file("in.jsonl") + " -q");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, kGood);
  EXPECT_EQ(result.err, "");
}

TEST(Cli, MultiTurnToAlpacaIsRejectedNotGuessed) {
  TempDir dir;
  write_file(dir.file("chat.jsonl"),
             R"({"messages":[{"role":"user","content":"1"},{"role":"assistant","content":"2"},{"role":"user","content":"3"},{"role":"assistant","content":"4"}]})"
             "\n");
  auto result = run_cli("convert " + dir.file("chat.jsonl") + " --to alpaca");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("[conversion_lossy]"), std::string::npos) << result.err;
}

TEST(Cli, StrictStopsAtFirstRejectWithoutOutput) {
  TempDir dir;
  write_file(dir.file("in.jsonl"), kWithBadLines);
  auto result = run_cli("convert " + dir.file("in.jsonl") + " --strict -o " + dir.file("out.jsonl"));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_FALSE(testing::exists(dir.file("out.jsonl")));
  EXPECT_NE(result.err.find("--strict"), std::string::npos);
}

TEST(Cli, NeverOverwritesAnInput) {
  TempDir dir;
  write_file(dir.file("in.jsonl"), kGood);
  auto result = run_cli("convert " + dir.file("in.jsonl") + " --to messages -o " + dir.file("in.jsonl"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(read_file(dir.file("in.jsonl")), kGood);
  EXPECT_NE(result.err.find("is also an input"), std::string::npos);
}

TEST(Cli, SameOutputAtOneAndTwoThreads) {
  TempDir dir;
  std::string lines;
  for (int idx = 0; idx < 20000; ++idx) {
    lines += "{\"id\":" + std::to_string(idx) + ",\"instruction\":\"질문 " + std::to_string(idx % 97) +
             "\",\"output\":\"답\"}\n";
    if (idx % 1000 == 0) lines += "broken line\n";
  }
  write_file(dir.file("in.jsonl"), lines);
  auto one = run_cli("convert " + dir.file("in.jsonl") + " --to messages --threads 1 -q --rejects " + dir.file("r1"));
  auto two = run_cli("convert " + dir.file("in.jsonl") + " --to messages --threads 2 -q --rejects " + dir.file("r2"));
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(read_file(dir.file("r1")), read_file(dir.file("r2")));
  EXPECT_EQ(split_lines(one.out).size(), 20000u);
}

}  // namespace
}  // namespace dadeum
