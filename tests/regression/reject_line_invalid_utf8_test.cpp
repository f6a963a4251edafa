// Regression (found by tests/fuzz/fuzz_reader): a reject line must be valid JSON whatever the
// input bytes. append_reject_line() base64-encodes a raw record that is not UTF-8, but the
// message and the source are written as they are, so
//   - a CSV header naming a column twice, the name not UTF-8 ("header names column 'a\xff'
//     twice"), and
//   - an input file whose name is not UTF-8
// give a rejects.jsonl line that no JSON parser reads.
#include <gtest/gtest.h>

#include "../unit/json_equal.hpp"
#include "../unit/test_util.hpp"
#include "dadeum/writer.hpp"

namespace dadeum {
namespace {

using testing::read_file;
using testing::run_cli;
using testing::split_lines;
using testing::TempDir;
using testing::write_file;

void expect_every_line_is_json(const std::string& path) {
  auto lines = split_lines(read_file(path));
  ASSERT_FALSE(lines.empty()) << path;
  for (const std::string& line : lines) {
    std::string why;
    EXPECT_TRUE(testing::same_json(line, line, why)) << why << ": " << line;
  }
}

TEST(RejectLineInvalidUtf8, CsvHeaderNamingANonUtf8ColumnTwice) {
  TempDir dir;
  write_file(dir.file("dup.csv"), "a\xff,a\xff\n1,2\n");
  auto result = run_cli("validate " + dir.file("dup.csv") + " --map instruction=a,output=b --rejects " + dir.file("r.jsonl"));
  EXPECT_EQ(result.exit_code, 1) << result.err;
  expect_every_line_is_json(dir.file("r.jsonl"));
}

TEST(RejectLineInvalidUtf8, InputFileNameThatIsNotUtf8) {
  TempDir dir;
  std::string input = dir.file("bad\xff.jsonl");
  write_file(input, "not json\n");
  auto result = run_cli("validate '" + input + "' --rejects " + dir.file("r.jsonl"));
  EXPECT_EQ(result.exit_code, 1) << result.err;
  expect_every_line_is_json(dir.file("r.jsonl"));
}

TEST(RejectLineInvalidUtf8, MessageWithStrayBytes) {
  Example record;
  record.raw = "{}";
  record.reject("read", "duplicate_field", "header names column '\xed\xa0\x80\xc3' twice");
  std::string line;
  append_reject_line(line, record, "in\xfe.csv");
  line.pop_back();
  std::string why;
  EXPECT_TRUE(testing::same_json(line, line, why)) << why << ": " << line;
}

}  // namespace
}  // namespace dadeum
