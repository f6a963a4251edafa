// Reading: formats, compression, schemas, --map, and one reject per bad line.
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include "dadeum/dedup_run.hpp"  // hash_file
#include "dadeum/reader.hpp"
#include "test_util.hpp"

namespace dadeum {
namespace {

using testing::read_all_records;
using testing::records_of;
using testing::TempDir;
using testing::write_file;

std::string gzip(const std::string& data) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, data.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

const std::string kAlpacaLines =
    "{\"instruction\":\"한국의 수도는?\",\"input\":\"\",\"output\":\"서울입니다.\"}\n"
    "{\"id\":7,\"instruction\":\"요약해 주세요\",\"input\":\"긴 글\",\"output\":\"짧은 글\",\"category\":\"요약\"}\n";

TEST(FieldMap, ParsesTargetsPathsAndCommasInNames) {
  auto map = parse_field_map("instruction=질의,output=상담례, 결정례 기반 답변,id=meta.no");
  ASSERT_TRUE(map.is_ok()) << map.status().message();
  ASSERT_EQ(map.value().size(), 3u);
  EXPECT_EQ(map.value()[1].path, std::vector<std::string>{"상담례, 결정례 기반 답변"});
  EXPECT_EQ(map.value()[2].path, (std::vector<std::string>{"meta", "no"}));
  EXPECT_FALSE(parse_field_map("answer=답").is_ok());
  EXPECT_FALSE(parse_field_map("instruction=").is_ok());
  EXPECT_FALSE(parse_field_map("instruction=a,instruction=b").is_ok());
}

TEST(Parse, DetectsEachSchema) {
  struct Case {
    std::string line;
    Schema schema;
    size_t turns;
  };
  std::vector<Case> cases = {
      {R"({"instruction":"a","input":"b","output":"c"})", Schema::kAlpaca, 3},
      {R"({"instruction":"a","input":null,"output":"c"})", Schema::kAlpaca, 2},
      {R"({"conversations":[{"from":"human","value":"안녕"},{"from":"gpt","value":"네"}]})", Schema::kShareGpt, 2},
      {R"({"messages":[{"role":"system","content":"s"},{"role":"user","content":"u"},{"role":"assistant","content":"a"}]})",
       Schema::kMessages, 3},
      {R"({"prompt":"p","completion":"c"})", Schema::kPromptCompletion, 2},
  };
  for (const Case& test : cases) {
    auto batch = parse_lines({test.line});
    const Example& record = batch->records[0];
    EXPECT_TRUE(record.kept()) << test.line << ": " << record.outcome.message;
    EXPECT_EQ(record.schema, test.schema) << test.line;
    EXPECT_EQ(record.turns.size(), test.turns) << test.line;
  }
}

TEST(Parse, KeepsTextSpansAndId) {
  auto batch = parse_lines({R"({"id":"seed-0001","instruction":"가\"나","output":"다"})"});
  const Example& record = batch->records[0];
  ASSERT_TRUE(record.kept());
  EXPECT_EQ(record.id, "seed-0001");
  EXPECT_EQ(record.turns[0].text, "가\"나");
  std::string_view token = record.raw.substr(record.turns[0].token.begin, record.turns[0].token.end - record.turns[0].token.begin);
  EXPECT_EQ(token, R"("가\"나")");
  ASSERT_EQ(record.members.size(), 3u);
  EXPECT_FALSE(record.members[0].known);
  EXPECT_TRUE(record.members[1].known);
}

// Every validation problem of brief §2 has its code.
TEST(Parse, RejectsWithCodes) {
  struct Case {
    std::string line;
    std::string code;
  };
  std::vector<Case> cases = {
      {"{\"instruction\":\"a\",\"output\":\"b\"", "invalid_json"},
      {"{\"instruction\":\"a\xff\",\"output\":\"b\"}", "invalid_utf8"},
      {std::string("{\"instruction\":\"a\",\"output\":\"b\0\"}", 31), "nul_byte"},
      {"[1,2]", "not_object"},
      {"\"text\"", "not_object"},
      {R"({"instruction":"a"})", "missing_field"},
      {R"({"instruction":"a","output":3})", "wrong_type"},
      {R"({"instruction":"a","output":""})", "empty_text"},
      {R"({"instruction":"a","output":"b","output":"c"})", "duplicate_field"},
      {R"({"messages":[{"role":"robot","content":"x"}]})", "unknown_role"},
      {R"({"messages":[{"role":"assistant","content":"x"},{"role":"user","content":"y"}]})", "role_order"},
      {R"({"messages":[{"role":"user","content":"x"},{"role":"user","content":"y"},{"role":"assistant","content":"z"}]})", "role_order"},
      {R"({"messages":[{"role":"user","content":"x"}]})", "role_order"},
      {R"({"messages":"x"})", "wrong_type"},
      {R"({"conversations":[{"from":"human"}]})", "missing_field"},
  };
  for (const Case& test : cases) {
    auto batch = parse_lines({test.line}, Schema::kAuto);
    const Example& record = batch->records[0];
    EXPECT_EQ(record.outcome.verdict, Verdict::kReject) << test.line;
    EXPECT_EQ(record.outcome.code, test.code) << test.line << " -> " << record.outcome.message;
    EXPECT_FALSE(record.outcome.message.empty());
  }
}

TEST(Parse, MapReadsKoreanAndDottedFields) {
  std::string line = R"({"번호":3,"meta":{"q":"질문입니다","tags":["a"]},"답변":"답입니다"})";
  auto map = parse_field_map("instruction=meta.q,output=답변,id=번호");
  ASSERT_TRUE(map.is_ok());
  auto batch = parse_lines({line}, Schema::kAuto, map.value());
  const Example& record = batch->records[0];
  ASSERT_TRUE(record.kept()) << record.outcome.message;
  EXPECT_EQ(record.schema, Schema::kAlpaca);
  EXPECT_EQ(record.id, "3");
  EXPECT_EQ(record.turns[0].text, "질문입니다");
  EXPECT_EQ(record.turns[1].text, "답입니다");
}

TEST(Parse, MappedArrayOfStringsGivesOneTurnEach) {
  auto map = parse_field_map("prompt=turns");
  auto batch = parse_lines({R"({"question_id":81,"turns":["첫 질문","둘째 질문"]})"}, Schema::kAuto, map.value());
  const Example& record = batch->records[0];
  ASSERT_TRUE(record.kept()) << record.outcome.message;
  EXPECT_EQ(record.turns.size(), 2u);
}

// The corrupted file of issue 2: one clear reject per bad line, good lines kept (BOM and
// CRLF lines are good), counts balance.
TEST(Reader, CorruptedFileGivesOneRejectPerBadLine) {
  TempDir dir;
  std::string good = R"({"instruction":"좋은 줄","output":"네"})";
  std::string text;
  text += "\xEF\xBB\xBF" + good + "\r\n";                                   // 1 BOM + CRLF: good
  text += "{\"instruction\":\"깨진 \xC3\x28\",\"output\":\"x\"}\n";          // 2 invalid UTF-8
  text += "{\"instruction\":\"잘린 JSON\",\"output\":\n";                    // 3 truncated JSON
  text += std::string("{\"instruction\":\"n\0l\",\"output\":\"x\"}\n", 35);  // 4 NUL byte
  text += good + "\r\n";                                                     // 5 CRLF: good
  text += "{\"instruction\":[\"a\"],\"output\":\"x\"}\n";                    // 6 wrong type
  text += "{\"instruction\":\"답이 없음\"}\n";                                // 7 missing field
  text += "[\"not\",\"an\",\"object\"]\n";                                   // 8 not an object
  text += "\n   \n";                                                         // 9-10 blank
  text += good + "\n";                                                       // 11 good
  write_file(dir.file("corrupt.jsonl"), text);
  auto all = read_all_records({dir.file("corrupt.jsonl")});
  ASSERT_TRUE(all.status.is_ok()) << all.status.message();
  std::vector<std::pair<uint64_t, std::string>> rejects;
  for (const Example* record : records_of(all)) {
    if (record->outcome.verdict == Verdict::kReject) rejects.emplace_back(record->where.line, record->outcome.code);
  }
  std::vector<std::pair<uint64_t, std::string>> expected = {
      {2, "invalid_utf8"}, {3, "invalid_json"}, {4, "nul_byte"}, {6, "wrong_type"}, {7, "missing_field"}, {8, "not_object"}};
  EXPECT_EQ(rejects, expected);
  EXPECT_EQ(all.counts.read, 9u);
  EXPECT_EQ(all.counts.kept, 3u);
  EXPECT_EQ(all.counts.rejected, 6u);
  EXPECT_TRUE(all.counts.balanced());
}

TEST(Reader, EmptyFileHasNoRecords) {
  TempDir dir;
  write_file(dir.file("empty.jsonl"), "");
  auto all = read_all_records({dir.file("empty.jsonl")});
  ASSERT_TRUE(all.status.is_ok());
  EXPECT_EQ(all.counts.read, 0u);
}

TEST(Reader, GzipAndZstdByMagicBytes) {
  TempDir dir;
  write_file(dir.file("a.data"), gzip(kAlpacaLines));  // no telling extension on purpose
  write_file(dir.file("b.jsonl.zst"), zstd(kAlpacaLines));
  auto all = read_all_records({dir.file("a.data"), dir.file("b.jsonl.zst")});
  ASSERT_TRUE(all.status.is_ok()) << all.status.message();
  EXPECT_EQ(all.counts.kept, 4u);
  EXPECT_EQ(all.inputs[0].compression, "gzip");
  EXPECT_EQ(all.inputs[1].compression, "zstd");
}

// The reader hashes each input's own bytes as it reads them (prep's manifest takes them from
// there): the same size and XXH3-128 as hashing the file alone, compressed or not, any format.
TEST(Reader, HashesEachInputAsItReadsIt) {
  TempDir dir;
  std::string big;  // several batches
  for (int k = 0; k < 40000; ++k) big += "{\"instruction\":\"질문 " + std::to_string(k) + "\",\"output\":\"답\"}\n";
  write_file(dir.file("big.jsonl"), big);
  write_file(dir.file("a.data"), gzip(kAlpacaLines));
  write_file(dir.file("b.jsonl.zst"), zstd(kAlpacaLines));
  write_file(dir.file("c.csv"), "instruction,output\n질문,답\n");
  write_file(dir.file("empty.jsonl"), "");
  const std::vector<std::string> paths = {dir.file("big.jsonl"), dir.file("a.data"), dir.file("b.jsonl.zst"),
                                          dir.file("c.csv"), dir.file("empty.jsonl")};
  auto reader = InputReader::open(paths, ReadOptions{});
  ASSERT_TRUE(reader.is_ok());
  EXPECT_TRUE(reader.value()->inputs()[0].xxh3.empty());  // nothing read yet
  size_t batches = 0;
  for (;;) {
    auto batch = reader.value()->next();
    ASSERT_TRUE(batch.is_ok());
    if (!batch.value()) break;
    ++batches;
  }
  EXPECT_GT(batches, 2u);
  for (size_t idx = 0; idx < paths.size(); ++idx) {
    auto hashed = hash_file(paths[idx]);
    ASSERT_TRUE(hashed.is_ok());
    EXPECT_EQ(reader.value()->inputs()[idx].bytes, hashed.value().first) << paths[idx];
    EXPECT_EQ(reader.value()->inputs()[idx].xxh3, hashed.value().second) << paths[idx];
  }
}

TEST(Reader, TruncatedGzipKeepsGoodLinesAndRejectsTheRest) {
  TempDir dir;
  std::string lines;
  for (int idx = 0; idx < 2000; ++idx) {
    lines += "{\"instruction\":\"질문 " + std::to_string(idx) + "\",\"output\":\"답 " + std::to_string(idx * 7919) + "\"}\n";
  }
  std::string compressed = gzip(lines);
  write_file(dir.file("cut.jsonl.gz"), compressed.substr(0, compressed.size() / 2));
  auto all = read_all_records({dir.file("cut.jsonl.gz")});
  ASSERT_TRUE(all.status.is_ok()) << all.status.message();
  auto records = records_of(all);
  ASSERT_FALSE(records.empty());
  EXPECT_GT(all.counts.kept, 100u);
  EXPECT_LT(all.counts.kept, 2000u);
  EXPECT_EQ(all.counts.rejected, 1u);
  EXPECT_EQ(records.back()->outcome.code, "truncated_input");
  EXPECT_TRUE(all.counts.balanced());
}

TEST(Reader, TruncatedZstdIsReported) {
  TempDir dir;
  std::string compressed = zstd(kAlpacaLines + kAlpacaLines + kAlpacaLines);
  write_file(dir.file("cut.zst"), compressed.substr(0, compressed.size() - 5));
  auto all = read_all_records({dir.file("cut.zst")});
  ASSERT_TRUE(all.status.is_ok());
  auto records = records_of(all);
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.back()->outcome.code, "truncated_input");
}

TEST(Reader, JsonArrayElementsBecomeRecords) {
  TempDir dir;
  write_file(dir.file("a.json"),
             "[\n  {\"instruction\": \"첫째\",\n   \"output\": \"하나\"},\n  {\"instruction\": \"둘째\", \"output\": \"둘\"},\n  {\"output\": 3}\n]\n");
  auto all = read_all_records({dir.file("a.json")});
  ASSERT_TRUE(all.status.is_ok());
  auto records = records_of(all);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]->raw, R"({"instruction":"첫째","output":"하나"})");
  EXPECT_EQ(records[1]->where.line, 4u);
  EXPECT_EQ(records[2]->outcome.verdict, Verdict::kReject);
  EXPECT_EQ(all.inputs[0].format, InputFormat::kJson);
}

TEST(Reader, UnclosedJsonArrayIsAReject) {
  TempDir dir;
  write_file(dir.file("a.json"), "[{\"instruction\":\"a\",\"output\":\"b\"},{\"instruction\":\"c\",");
  auto all = read_all_records({dir.file("a.json")});
  ASSERT_TRUE(all.status.is_ok());
  EXPECT_EQ(all.counts.kept, 1u);
  EXPECT_GE(all.counts.rejected, 1u);
  EXPECT_TRUE(all.counts.balanced());
}

TEST(Reader, CsvWithKoreanHeaderQuotesAndBadRow) {
  TempDir dir;
  write_file(dir.file("qa.csv"),
             "\xEF\xBB\xBF질문,답변,label\r\n"
             "안녕?,\"반가워요, 정말로\",0\r\n"
             "\"여러 줄\n질문\",\"따옴표 \"\"예시\"\"\",1\r\n"
             "열이 모자람,1\r\n");
  ReadOptions options;
  options.map = parse_field_map("instruction=질문,output=답변").value();
  auto all = read_all_records({dir.file("qa.csv")}, options);
  ASSERT_TRUE(all.status.is_ok()) << all.status.message();
  auto records = records_of(all);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]->turns[1].text, "반가워요, 정말로");
  EXPECT_EQ(records[1]->turns[0].text, "여러 줄\n질문");
  EXPECT_EQ(records[1]->turns[1].text, "따옴표 \"예시\"");
  EXPECT_EQ(records[2]->outcome.code, "invalid_csv");
  EXPECT_EQ(records[2]->where.line, 5u);
}

TEST(Reader, TenMegabyteLineIsReadAndOverLimitIsRejected) {
  TempDir dir;
  std::string big(10u << 20, 'a');
  std::string text = "{\"instruction\":\"큰 줄\",\"output\":\"" + big + "\"}\n" + kAlpacaLines;
  write_file(dir.file("big.jsonl"), text);
  auto all = read_all_records({dir.file("big.jsonl")});
  ASSERT_TRUE(all.status.is_ok());
  EXPECT_EQ(all.counts.kept, 3u);
  EXPECT_EQ(records_of(all)[0]->turns[1].text.size(), big.size());

  ReadOptions small;
  small.max_line_bytes = 1u << 20;
  small.batch_bytes = 1u << 16;
  auto limited = read_all_records({dir.file("big.jsonl")}, small);
  ASSERT_TRUE(limited.status.is_ok());
  auto records = records_of(limited);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]->outcome.code, "line_too_long");
  EXPECT_LE(records[0]->raw.size(), 1024u);
  EXPECT_EQ(records[1]->where.line, 2u);
  EXPECT_TRUE(records[1]->kept());
}

TEST(Reader, MissingInputAndDirectoryFailBeforeWork) {
  TempDir dir;
  auto missing = InputReader::open({dir.file("nope.jsonl")}, {});
  EXPECT_FALSE(missing.is_ok());
  auto directory = InputReader::open({dir.path().string()}, {});
  ASSERT_FALSE(directory.is_ok());
  EXPECT_NE(directory.status().message().find("directory"), std::string::npos);
}

TEST(Reader, OrderIsInputOrderAtAnyThreadCount) {
  TempDir dir;
  std::string lines;
  for (int idx = 0; idx < 5000; ++idx) {
    lines += "{\"id\":" + std::to_string(idx) + ",\"instruction\":\"질문\",\"output\":\"답\"}\n";
  }
  write_file(dir.file("many.jsonl"), lines);
  ReadOptions options;
  options.batch_bytes = 4096;  // many small batches
  for (size_t threads : {1u, 2u, 4u}) {
    auto all = read_all_records({dir.file("many.jsonl")}, options, threads);
    auto records = records_of(all);
    ASSERT_EQ(records.size(), 5000u);
    for (size_t idx = 0; idx < records.size(); ++idx) ASSERT_EQ(records[idx]->id, std::to_string(idx));
  }
}

}  // namespace
}  // namespace dadeum
