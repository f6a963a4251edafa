// Writing: exact escaping, untouched records byte-identical, patched texts, conversions.
#include <gtest/gtest.h>

#include "dadeum/dedup_run.hpp"
#include "dadeum/pipeline.hpp"
#include "dadeum/writer.hpp"
#include "json_equal.hpp"
#include "test_util.hpp"

namespace dadeum {
namespace {

std::string write(const Example& record, Schema to) {
  std::string out, error;
  EXPECT_TRUE(append_example(out, record, to, error)) << error;
  return out;
}

TEST(JsonString, EscapesQuotesBackslashesAndControls) {
  std::string out;
  using namespace std::string_view_literals;
  append_json_string(out, "따옴표\" 역슬래시\\ 줄\n탭\t벨\x07 널\0끝"sv);
  EXPECT_EQ(out, "\"따옴표\\\" 역슬래시\\\\ 줄\\n탭\\t벨\\u0007 널\\u0000끝\"");
  out.clear();
  append_json_string(out, "이모지 👩‍👩‍👧 그대로");
  EXPECT_EQ(out, "\"이모지 👩‍👩‍👧 그대로\"");
}

TEST(Writer, UntouchedRecordIsByteIdentical) {
  std::string line = R"({"id": 1, "instruction" : "\uac00\ub098 \ud83d\ude00", "output":"x\ty", "extra": {"a": [1, 2.50]}})";
  auto batch = parse_lines({line});
  ASSERT_TRUE(batch->records[0].kept()) << batch->records[0].outcome.message;
  EXPECT_EQ(write(batch->records[0], Schema::kAuto), line + "\n");
  EXPECT_EQ(write(batch->records[0], Schema::kAlpaca), line + "\n");
}

TEST(Writer, ChangedTextIsPatchedInPlace) {
  std::string line = R"({"id": 1, "instruction" : "before", "input": null, "output":"그대로", "z": true})";
  auto batch = parse_lines({line});
  Example& record = batch->records[0];
  record.turns[0].text = "after \"quoted\"";
  record.turns[0].changed = true;
  EXPECT_EQ(write(record, Schema::kAuto),
            R"({"id": 1, "instruction" : "after \"quoted\"", "input": null, "output":"그대로", "z": true})" "\n");
}

// Read through --map instruction=q,output=a: as read without --to, and with the schema's field
// names when that schema is asked for (it was written as read, `q` and `a`, before).
TEST(Writer, RenamedRecordGetsTheSchemaNamesWhenItsSchemaIsAskedFor) {
  const std::string line = R"({"q":"질문입니다","a":"답입니다","category":"일상"})";
  auto batch = parse_lines({line}, Schema::kAuto, parse_field_map("instruction=q,output=a").value());
  const Example& record = batch->records[0];
  ASSERT_TRUE(record.kept()) << record.outcome.message;
  EXPECT_TRUE(record.renamed);
  EXPECT_TRUE(written_as_read(record, Schema::kAuto));
  EXPECT_FALSE(written_as_read(record, Schema::kAlpaca));
  EXPECT_EQ(write(record, Schema::kAuto), line + "\n");
  EXPECT_EQ(write(record, Schema::kAlpaca), R"({"instruction":"질문입니다","input":"","output":"답입니다","category":"일상"})" "\n");
  // A map that names the fields as they are, or only the id, renames nothing.
  auto same = parse_lines({R"({"instruction":"질문","output":"답","key":"k1"})"}, Schema::kAuto,
                          parse_field_map("instruction=instruction,output=output,id=key").value());
  EXPECT_FALSE(same->records[0].renamed);
  EXPECT_TRUE(written_as_read(same->records[0], Schema::kAlpaca));
}

TEST(Writer, ConvertsAlpacaToMessagesKeepingOtherFieldsInPlace) {
  auto batch = parse_lines({R"({"id":"a1","instruction":"번역하세요","input":"hello","output":"안녕","category":"번역"})"});
  EXPECT_EQ(write(batch->records[0], Schema::kMessages),
            R"({"id":"a1","messages":[{"role":"user","content":"번역하세요\n\nhello"},{"role":"assistant","content":"안녕"}],"category":"번역"})"
            "\n");
  EXPECT_EQ(write(batch->records[0], Schema::kShareGpt),
            R"({"id":"a1","conversations":[{"from":"human","value":"번역하세요\n\nhello"},{"from":"gpt","value":"안녕"}],"category":"번역"})"
            "\n");
}

TEST(Writer, ConvertsSingleTurnDialogueToAlpacaAndRefusesMultiTurn) {
  auto batch = parse_lines({R"({"messages":[{"role":"system","content":"친절하게"},{"role":"user","content":"질문"},{"role":"assistant","content":"답"}]})",
                            R"({"messages":[{"role":"user","content":"1"},{"role":"assistant","content":"2"},{"role":"user","content":"3"},{"role":"assistant","content":"4"}]})"});
  EXPECT_EQ(write(batch->records[0], Schema::kAlpaca),
            R"({"system":"친절하게","instruction":"질문","input":"","output":"답"})" "\n");
  std::string out, error;
  EXPECT_FALSE(append_example(out, batch->records[1], Schema::kAlpaca, error));
  EXPECT_NE(error.find("4 turns"), std::string::npos);
}

TEST(Writer, RefusesToDropTurnFields) {
  auto batch = parse_lines({R"({"messages":[{"role":"user","content":"q","name":"kim"},{"role":"assistant","content":"a"}]})"});
  std::string out, error;
  EXPECT_FALSE(append_example(out, batch->records[0], Schema::kShareGpt, error));
  EXPECT_EQ(write(batch->records[0], Schema::kMessages).substr(0, 12), R"({"messages":)");
}

TEST(Writer, ConversionsRoundTripValues) {
  std::string line = R"({"messages":[{"role":"user","content":"질문 \"인용\"\n둘째 줄"},{"role":"assistant","content":"답 😀"}],"source":"x"})";
  auto batch = parse_lines({line});
  std::string sharegpt = write(batch->records[0], Schema::kShareGpt);
  sharegpt.pop_back();
  auto back = parse_lines({sharegpt});
  std::string messages = write(back->records[0], Schema::kMessages);
  messages.pop_back();
  std::string why;
  EXPECT_TRUE(testing::same_json(messages, line, why)) << why << "\n" << messages;
}

TEST(Writer, RejectLineKeepsRawOrBase64) {
  auto batch = parse_lines({"{\"instruction\":\"a\xff\"}", "{\"instruction\":\"빠짐\"}"});
  std::string out;
  append_reject_line(out, batch->records[0], "in.jsonl");
  EXPECT_EQ(out, R"({"source":"in.jsonl","line":1,"byte_offset":0,"stage":"parse","code":"invalid_utf8","message":"not valid UTF-8","raw_b64":"eyJpbnN0cnVjdGlvbiI6ImH/In0="})" "\n");
  out.clear();
  append_reject_line(out, batch->records[1], "in.jsonl");
  EXPECT_NE(out.find(R"("raw":"{\"instruction\":\"빠짐\"}")"), std::string::npos) << out;
  EXPECT_EQ(describe_problem(batch->records[1], "in.jsonl"), "in.jsonl:2: missing field 'output' [missing_field]");
}

TEST(AtomicFile, AppearsOnlyOnCommit) {
  testing::TempDir dir;
  std::string path = dir.file("out.jsonl");
  {
    auto file = AtomicFile::create(path);
    ASSERT_TRUE(file.is_ok());
    ASSERT_TRUE(file.value().write("abc\n").is_ok());
    EXPECT_FALSE(testing::exists(path));
  }
  EXPECT_FALSE(testing::exists(path));  // destroyed uncommitted: nothing under the final name
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  auto file = AtomicFile::create(path);
  ASSERT_TRUE(file.value().write("abc\n").is_ok());
  ASSERT_TRUE(file.value().commit().is_ok());
  EXPECT_EQ(testing::read_file(path), "abc\n");
}

// Full buffers are written by a task while the next one fills: the file must still hold the
// bytes in the order written, and the hash taken on the way must be the file's.
TEST(AtomicFile, WritesBehindInOrderAndHashesWhatItWrote) {
  testing::TempDir dir;
  std::string expected;
  for (int k = 0; k < 60000; ++k) expected += "{\"line\":" + std::to_string(k) + ",\"text\":\"가나다라\"}\n";
  const std::string big(3 << 20, 'y');  // then one write larger than the buffer
  for (size_t threads : {1, 2}) {
    ThreadLimit limit(threads);
    const std::string path = dir.file("out-" + std::to_string(threads) + ".jsonl");
    auto file = AtomicFile::create(path);
    ASSERT_TRUE(file.is_ok());
    file.value().hash_contents();
    std::string_view rest = expected;
    for (size_t size = 1; !rest.empty(); size = size * 7 % 40009 + 1) {  // uneven pieces
      const size_t piece = std::min(size, rest.size());
      ASSERT_TRUE(file.value().write(rest.substr(0, piece)).is_ok());
      rest.remove_prefix(piece);
    }
    ASSERT_TRUE(file.value().write(big).is_ok());
    ASSERT_TRUE(file.value().commit().is_ok());
    const std::string written = testing::read_file(path);
    EXPECT_TRUE(written == expected + big);
    EXPECT_EQ(file.value().bytes_written(), written.size());
    auto hashed = hash_file(path);
    ASSERT_TRUE(hashed.is_ok());
    EXPECT_EQ(file.value().content_hash(), hashed.value().second);
  }
}

// write_through() writes large pieces at once, small ones through the buffer: mixed with
// write(), the file still holds everything in order, and the hash is the file's.
TEST(AtomicFile, WriteThroughMixedWithWriteKeepsTheOrder) {
  testing::TempDir dir;
  std::string expected;
  for (int k = 0; k < 200000; ++k) expected += "{\"line\":" + std::to_string(k) + ",\"text\":\"가나다라\"}\n";
  for (size_t threads : {1, 2}) {
    ThreadLimit limit(threads);
    const std::string path = dir.file("through-" + std::to_string(threads) + ".jsonl");
    auto file = AtomicFile::create(path);
    ASSERT_TRUE(file.is_ok());
    file.value().hash_contents();
    std::string_view rest = expected;
    bool through = false;
    for (size_t size = 1; !rest.empty(); size = size * 13 % 1500007 + 1, through = !through) {  // up to 1.5 MB
      const size_t piece = std::min(size, rest.size());
      Status status = through ? file.value().write_through(rest.substr(0, piece)) : file.value().write(rest.substr(0, piece));
      ASSERT_TRUE(status.is_ok()) << status.message();
      rest.remove_prefix(piece);
    }
    ASSERT_TRUE(file.value().commit().is_ok());
    const std::string written = testing::read_file(path);
    EXPECT_TRUE(written == expected);
    EXPECT_EQ(file.value().bytes_written(), written.size());
    auto hashed = hash_file(path);
    ASSERT_TRUE(hashed.is_ok());
    EXPECT_EQ(file.value().content_hash(), hashed.value().second);
  }
}

TEST(AtomicFile, DestroyedWithAWriteInFlightLeavesNothing) {
  testing::TempDir dir;
  {
    ThreadLimit limit(2);
    auto file = AtomicFile::create(dir.file("out.jsonl"));
    ASSERT_TRUE(file.is_ok());
    for (int k = 0; k < 5; ++k) ASSERT_TRUE(file.value().write(std::string(1 << 20, 'a')).is_ok());
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(AtomicFile, RefusesToWriteAnInput) {
  testing::TempDir dir;
  testing::write_file(dir.file("in.jsonl"), "x\n");
  EXPECT_FALSE(check_not_an_input(dir.file("in.jsonl"), {dir.file("in.jsonl")}).is_ok());
  EXPECT_FALSE(check_not_an_input(dir.path().string() + "/./in.jsonl", {dir.file("in.jsonl")}).is_ok());
  EXPECT_TRUE(check_not_an_input(dir.file("out.jsonl"), {dir.file("in.jsonl")}).is_ok());
}

}  // namespace
}  // namespace dadeum
