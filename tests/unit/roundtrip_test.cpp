// Issue 2, must-show 2 and 4: the public sets in ../shared/data read with the record counts
// of their SOURCE.md, and every valid record written back in its own schema is the same
// value, key order included — both from its original bytes and re-escaped from its texts.
#include <gtest/gtest.h>

#include "dadeum/writer.hpp"
#include "json_equal.hpp"
#include "test_util.hpp"

namespace dadeum {
namespace {

struct PublicSet {
  std::string path;
  std::string map;
  uint64_t records;
};

const std::vector<PublicSet> kPublicSets = {
    {"koalpaca_v1_subset/ko_alpaca_data.json", "", 1040},
    {"vaiv_rlhf/instructions_all.jsonl", "", 2461},
    {"hrc/humane_right_copus_v1.jsonl.json", "instruction=질의,output=상담례, 결정례 기반 답변", 1549},
    {"hrc/counsel.jsonl.json", "instruction=상담 내용,output=원본 상담 답변", 149},
    {"chatbot_data/ChatbotData.csv", "instruction=Q,output=A", 11823},
    {"komt_bench/question_ko.jsonl", "prompt=turns", 80},
    {"kullm_user_oriented_eval/user_oriented_instructions_eval.jsonl",
     "instruction=instruction,input=instances.0.input,output=instances.0.output", 252},
};

class PublicSetTest : public ::testing::TestWithParam<PublicSet> {};

TEST_P(PublicSetTest, ReadsStatedCountAndRoundTrips) {
  const PublicSet& set = GetParam();
  std::string path = testing::shared_data(set.path);
  if (!testing::exists(path)) GTEST_SKIP() << "../shared/data absent: " << path;
  ReadOptions options;
  if (!set.map.empty()) options.map = parse_field_map(set.map).value();
  auto all = testing::read_all_records({path}, options);
  ASSERT_TRUE(all.status.is_ok()) << all.status.message();
  EXPECT_EQ(all.counts.read, set.records);
  EXPECT_EQ(all.counts.kept, set.records);
  for (const Example* record : testing::records_of(all)) {
    ASSERT_TRUE(record->kept()) << record->where.line << ": " << record->outcome.message;
    std::string out, error;
    ASSERT_TRUE(append_example(out, *record, Schema::kAuto, error));
    ASSERT_EQ(out, std::string(record->raw) + "\n");

    Example rewritten = *record;  // force every text through the escaper
    for (Turn& turn : rewritten.turns) turn.changed = true;
    std::string patched;
    ASSERT_TRUE(append_example(patched, rewritten, Schema::kAuto, error));
    patched.pop_back();
    std::string why;
    ASSERT_TRUE(testing::same_json(patched, std::string(record->raw), why)) << set.path << ":" << record->where.line << ": " << why;
  }
}

INSTANTIATE_TEST_SUITE_P(SharedData, PublicSetTest, ::testing::ValuesIn(kPublicSets),
                         [](const ::testing::TestParamInfo<PublicSet>& info) {
                           std::string name = info.param.path.substr(0, info.param.path.find('/'));
                           return name + "_" + std::to_string(info.index);
                         });

// A JSON array's elements, written as lines, are the array's values (same keys, order, text).
TEST(PublicSets, JsonArrayElementsEqualTheDocument) {
  std::string path = testing::shared_data("koalpaca_v1_subset/ko_alpaca_data.json");
  if (!testing::exists(path)) GTEST_SKIP() << "../shared/data absent";
  auto all = testing::read_all_records({path});
  simdjson::dom::parser parser;
  simdjson::padded_string doc = simdjson::padded_string::load(path).value();
  simdjson::dom::array array = parser.parse(doc).get_array().value();
  auto records = testing::records_of(all);
  size_t idx = 0;
  for (simdjson::dom::element element : array) {
    ASSERT_LT(idx, records.size());
    simdjson::dom::parser line_parser;
    simdjson::padded_string line(records[idx]->raw);
    std::string why;
    ASSERT_TRUE(testing::same_json_value(line_parser.parse(line).value(), element, why)) << idx << ": " << why;
    ++idx;
  }
  EXPECT_EQ(idx, records.size());
}

}  // namespace
}  // namespace dadeum
