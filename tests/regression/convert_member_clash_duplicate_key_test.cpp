// Regression (found by tests/fuzz/fuzz_json_roundtrip): converting a record to another schema
// keeps the members the source schema does not know, even when one has the name of a field of
// the target schema, so the written line holds that key twice, e.g.
//   {"instruction":"질문","input":"","output":"답","completion":"다른 답"}  --to prompt-completion
//   -> {"prompt":"질문","completion":"답","completion":"다른 답"}
// which dadeum itself then rejects (duplicate_field). Such a record cannot be converted
// exactly: it should be a conversion_lossy reject (or the output must not repeat a key).
#include <gtest/gtest.h>

#include "../unit/test_util.hpp"
#include "dadeum/writer.hpp"

namespace dadeum {
namespace {

using testing::read_file;
using testing::run_cli;
using testing::split_lines;
using testing::TempDir;
using testing::write_file;

struct Clash {
  const char* from;
  const char* to;
  const char* line;
};

const Clash kClashes[] = {
    {"alpaca", "prompt-completion", R"({"id":"1","instruction":"질문","input":"","output":"답","completion":"다른 답"})"},
    {"alpaca", "prompt-completion", R"({"id":"2","instruction":"질문","input":"","output":"답","prompt":"다른 질문"})"},
    {"alpaca", "messages", R"({"id":"3","instruction":"질문","input":"","output":"답","messages":[1,2]})"},
    {"alpaca", "sharegpt", R"({"id":"4","instruction":"질문","input":"","output":"답","conversations":"x"})"},
    {"messages", "alpaca", R"({"id":"5","messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}],"output":"o"})"},
};

TEST(ConvertMemberClash, ConvertedRecordsNeverRepeatAKey) {
  for (const Clash& clash : kClashes) {
    TempDir dir;
    write_file(dir.file("in.jsonl"), std::string(clash.line) + "\n");
    auto convert = run_cli("convert -q " + dir.file("in.jsonl") + " --schema " + clash.from + " --to " + clash.to + " -o " +
                           dir.file("out.jsonl"));
    EXPECT_EQ(convert.exit_code, 0) << convert.err;
    // Whatever was written must read back cleanly (or the record was rejected instead).
    auto validate = run_cli("validate " + dir.file("out.jsonl") + " --schema " + clash.to);
    EXPECT_EQ(validate.err.find("duplicate_field"), std::string::npos)
        << clash.line << " --to " << clash.to << " wrote: " << read_file(dir.file("out.jsonl"));
  }
}

TEST(ConvertMemberClash, AppendExampleRefusesOrWritesEachKeyOnce) {
  for (const Clash& clash : kClashes) {
    auto batch = parse_lines({clash.line}, *parse_schema(clash.from));
    const Example& record = batch->records[0];
    ASSERT_TRUE(record.kept()) << clash.line << ": " << record.outcome.message;
    std::string out, error;
    if (!append_example(out, record, *parse_schema(clash.to), error)) continue;  // refused: fine
    out.pop_back();
    auto again = parse_lines({out}, *parse_schema(clash.to));
    EXPECT_NE(again->records[0].outcome.code, "duplicate_field") << clash.line << " -> " << out;
  }
}

}  // namespace
}  // namespace dadeum
