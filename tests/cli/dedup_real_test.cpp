// Issue 5, must-show 2: on ChatbotData, dadeum dedup reports the repeated questions, the
// identical question+answer rows and the questions with several answers with the same counts
// as a plain comparison of canonical forms computed here.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "../unit/test_util.hpp"
#include "dadeum/normalize.hpp"

namespace dadeum {
namespace {

uint64_t get(const std::string& json, const char* pointer) {
  simdjson::dom::parser parser;
  auto value = parser.parse(json).value().at_pointer(pointer);
  return value.error() ? 0 : value.get_uint64().value();
}

TEST(DedupRealData, ChatbotDataMatchesAPlainComparison) {
  std::string path = testing::shared_data("chatbot_data/ChatbotData.csv");
  if (!testing::exists(path)) GTEST_SKIP() << "../shared/data absent";
  ReadOptions options;
  options.map = parse_field_map("instruction=Q,output=A").value();
  auto all = testing::read_all_records({path}, options);
  ASSERT_TRUE(all.status.is_ok());
  // The plain comparison: canonical question, canonical (question, answer).
  std::map<std::string, std::set<std::string>> answers_of;
  uint64_t rows = 0, repeated_pairs = 0;
  std::set<std::pair<std::string, std::string>> pairs;
  for (const Example* record : testing::records_of(all)) {
    ++rows;
    std::string question = canonical_form(record->turns[0].text);
    std::string answer = canonical_form(record->turns[1].text);
    if (!pairs.insert({question, answer}).second) ++repeated_pairs;
    answers_of[question].insert(answer);
  }
  uint64_t repeated_questions = rows - answers_of.size();
  uint64_t several_answers = 0;
  for (const auto& [question, answers] : answers_of) several_answers += answers.size() > 1;

  std::string common = "dedup -q --json --no-near -o /dev/null --map instruction=Q,output=A " + path;
  auto full = testing::run_cli(common);
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_EQ(get(full.err, "/dropped_by_reason/exact_duplicate"), repeated_pairs);
  auto conflicts = testing::run_cli(common + " --conflicts keep-first");
  EXPECT_EQ(get(conflicts.err, "/dropped_by_reason/exact_duplicate"), repeated_pairs);
  // keep-first removes all but one answer of every question with several answers.
  uint64_t extra_answers = 0;
  for (const auto& [question, answers] : answers_of) extra_answers += answers.size() - 1;
  EXPECT_EQ(get(conflicts.err, "/dropped_by_reason/conflict"), extra_answers);
  auto prompt = testing::run_cli(common + " --key prompt");
  EXPECT_EQ(get(prompt.err, "/dropped_by_reason/exact_duplicate"), repeated_questions);
  // The conflict groups in --clusters are the questions with several answers.
  testing::TempDir dir;
  auto clusters = testing::run_cli(common + " --clusters " + dir.file("c.jsonl"));
  uint64_t groups = 0;
  for (const std::string& line : testing::split_lines(testing::read_file(dir.file("c.jsonl")))) {
    groups += line.find("\"kind\":\"conflict\"") != std::string::npos;
  }
  EXPECT_EQ(groups, several_answers);
  std::cout << "ChatbotData: repeated questions " << repeated_questions << ", repeated (Q,A) rows " << repeated_pairs
            << ", questions with several answers " << several_answers << '\n';
}

}  // namespace
}  // namespace dadeum
