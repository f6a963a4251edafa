// SQuAD-style JSON input (src/squad_splitter.cpp): one alpaca record per question.
#include <gtest/gtest.h>

#include "dadeum/reader.hpp"
#include "test_util.hpp"

namespace dadeum {
namespace {

using testing::read_all_records;
using testing::records_of;
using testing::TempDir;
using testing::write_file;

// Two articles written for this test, members in KorQuAD's order ("qas" before "context",
// "paragraphs" before "title") and in SQuAD's.
const std::string kSquad = R"({"version": "test-1",
 "data": [
  {"paragraphs": [
    {"qas": [
      {"answers": [{"text": "1907년", "answer_start": 9}], "id": "q-1",
       "question": "이 다리가 처음 놓인 해는?"},
      {"answers": [{"text": "돌", "answer_start": 20}, {"text": "돌로", "answer_start": 20}],
       "id": "q-2",
       "question": "다리는 무엇으로 지었나?"}
     ],
     "context": "강마을의 옛 다리는 1907년에 처음 놓였고 돌로 지었다."}
   ],
   "title": "옛 다리"},
  {"title": "\uc0b0\uae38",
   "paragraphs": [
    {"context": "산길은 \"봄\"에 가장 붐빈다.",
     "qas": [{"id": 17, "question": "산길이 가장 붐비는 계절은?", "answers": [{"text": "봄"}]}]}
   ]}
 ]}
)";

TEST(Squad, OneAlpacaRecordPerQuestion) {
  TempDir dir;
  write_file(dir.file("bench.json"), kSquad);
  auto all = read_all_records({dir.file("bench.json")});
  ASSERT_TRUE(all.status.is_ok()) << all.status.message();
  EXPECT_EQ(all.inputs[0].format, InputFormat::kSquad);
  EXPECT_EQ(all.inputs[0].schema, Schema::kAlpaca);
  auto records = records_of(all);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(all.counts.kept, 3u);

  EXPECT_EQ(records[0]->id, "q-1");
  ASSERT_EQ(records[0]->turns.size(), 3u);
  EXPECT_EQ(records[0]->turns[0].text, "이 다리가 처음 놓인 해는?");
  EXPECT_EQ(records[0]->turns[0].slot, Slot::kInstruction);
  EXPECT_EQ(records[0]->turns[1].text, "강마을의 옛 다리는 1907년에 처음 놓였고 돌로 지었다.");
  EXPECT_EQ(records[0]->turns[1].slot, Slot::kInput);
  EXPECT_EQ(records[0]->turns[2].text, "1907년");
  EXPECT_EQ(records[0]->where.line, 6u);  // the line of the question

  EXPECT_EQ(records[1]->id, "q-2");
  EXPECT_EQ(records[1]->turns[2].text, "돌");  // the first answer
  EXPECT_EQ(records[1]->where.line, 9u);
  EXPECT_NE(records[1]->raw.find(R"("title":"옛 다리")"), std::string_view::npos);

  EXPECT_EQ(records[2]->id, "17");
  EXPECT_EQ(records[2]->turns[1].text, "산길은 \"봄\"에 가장 붐빈다.");  // escapes kept and decoded once
  EXPECT_NE(records[2]->raw.find(R"("title":"\uc0b0\uae38")"), std::string_view::npos);
  EXPECT_EQ(records[2]->where.line, 17u);
}

TEST(Squad, OtherJsonObjectsAreNotSquad) {
  TempDir dir;
  write_file(dir.file("one.json"), R"({"instruction": "요약", "output": "짧게", "data": [1]})");
  auto all = read_all_records({dir.file("one.json")});
  ASSERT_TRUE(all.status.is_ok());
  EXPECT_EQ(all.inputs[0].format, InputFormat::kJsonl);
  EXPECT_EQ(all.counts.kept, 1u);
}

TEST(Squad, BrokenQuestionsAreRejectsWithTheirLine) {
  TempDir dir;
  write_file(dir.file("bad.json"), R"({"data": [{"paragraphs": [
  {"context": "문단 하나.", "qas": [
    {"id": "a", "question": "답이 없는 질문은?", "answers": []},
    {"id": "b", "question": 7, "answers": [{"text": "칠"}]},
    "질문이 아님",
    {"id": "c", "question": "좋은 질문은?", "answers": [{"text": "이것"}]}]},
  {"qas": [{"id": "d", "question": "문단이 없는 질문은?", "answers": [{"text": "없음"}]}]},
  {"context": "둘째 문단.", "qas": [{"id": "e", "question": "가능한 답은?", "answers": [],
    "plausible_answers": [{"text": "둘째"}], "is_impossible": true}]}
]}]})");
  auto all = read_all_records({dir.file("bad.json")});
  ASSERT_TRUE(all.status.is_ok());
  auto records = records_of(all);
  ASSERT_EQ(records.size(), 6u);
  EXPECT_EQ(records[0]->outcome.code, "missing_field");
  EXPECT_EQ(records[0]->where.line, 3u);
  EXPECT_EQ(records[1]->outcome.code, "wrong_type");
  EXPECT_EQ(records[1]->where.line, 4u);
  EXPECT_EQ(records[2]->outcome.code, "not_object");
  EXPECT_EQ(records[2]->where.line, 5u);
  EXPECT_TRUE(records[3]->kept());
  EXPECT_EQ(records[3]->id, "c");
  EXPECT_EQ(records[4]->outcome.code, "missing_field");  // the paragraph without a context
  EXPECT_EQ(records[4]->where.line, 7u);
  EXPECT_TRUE(records[5]->kept());  // SQuAD 2.0: the plausible answer stands in
  EXPECT_EQ(records[5]->turns[2].text, "둘째");
  EXPECT_EQ(all.counts.kept, 2u);
  EXPECT_EQ(all.counts.rejected, 4u);
  EXPECT_TRUE(all.counts.balanced());
}

TEST(Squad, TruncatedDocumentKeepsTheQuestionsBefore) {
  TempDir dir;
  std::string cut = kSquad.substr(0, kSquad.find("\"title\": \"\\uc0b0"));
  write_file(dir.file("cut.json"), cut);
  auto all = read_all_records({dir.file("cut.json")});
  ASSERT_TRUE(all.status.is_ok());
  auto records = records_of(all);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_TRUE(records[0]->kept());
  EXPECT_TRUE(records[1]->kept());
  EXPECT_EQ(records[2]->outcome.code, "invalid_json");
  EXPECT_EQ(records[2]->where.line, 14u);
  EXPECT_TRUE(all.counts.balanced());
}

TEST(Squad, KorQuadDevHasEveryQuestion) {
  std::string path = testing::shared_data("korquad/KorQuAD_v1.0_dev.json");
  if (!testing::exists(path)) GTEST_SKIP() << "../shared/data/korquad absent";
  auto all = read_all_records({path});
  ASSERT_TRUE(all.status.is_ok()) << all.status.message();
  EXPECT_EQ(all.inputs[0].format, InputFormat::kSquad);
  EXPECT_EQ(all.counts.read, 5774u);
  EXPECT_EQ(all.counts.kept, 5774u);
  auto records = records_of(all);
  EXPECT_EQ(records.front()->id, "6548850-0-0");
  EXPECT_EQ(records.front()->where.line, 1u);
  EXPECT_GT(records.back()->where.byte_offset, records.front()->where.byte_offset);
}

}  // namespace
}  // namespace dadeum
