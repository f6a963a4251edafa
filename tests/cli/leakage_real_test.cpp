// Issue 7, must-show 3: on public sets that overlap, the exact and prompt findings of
// dadeum check equal a plain comparison of canonical texts computed here.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "../unit/test_util.hpp"
#include "dadeum/dedup.hpp"
#include "dadeum/normalize.hpp"

namespace dadeum {
namespace {

struct PlainCounts {
  uint64_t exact = 0;
  uint64_t prompt = 0;
};

// Every (a, b) pair with the same canonical full example (exact) or only the same canonical
// prompt (prompt), a from `train`, b from `validation`.
PlainCounts plain_pairs(const std::string& train, const std::string& validation, const std::string& map) {
  ReadOptions options;
  options.map = parse_field_map(map).value();
  auto indexed = testing::read_all_records({validation}, options);
  std::multimap<std::string, std::string> full_by_prompt;  // canonical prompt -> canonical full
  std::string prompt, full;
  for (const Example* record : testing::records_of(indexed)) {
    if (!record->kept()) continue;
    canonical_key_text(*record, DedupKey::kPrompt, prompt);
    canonical_key_text(*record, DedupKey::kFull, full);
    full_by_prompt.emplace(prompt, full);
  }
  PlainCounts counts;
  auto streamed = testing::read_all_records({train}, options);
  for (const Example* record : testing::records_of(streamed)) {
    if (!record->kept()) continue;
    canonical_key_text(*record, DedupKey::kPrompt, prompt);
    canonical_key_text(*record, DedupKey::kFull, full);
    auto [begin, end] = full_by_prompt.equal_range(prompt);
    for (auto it = begin; it != end; ++it) (it->second == full ? counts.exact : counts.prompt)++;
  }
  return counts;
}

uint64_t get(simdjson::dom::element report, const std::string& pointer) {
  auto value = report.at_pointer(pointer);
  return value.error() ? 0 : value.get_uint64().value();
}

TEST(LeakageRealData, ExactAndPromptFindingsMatchAPlainComparison) {
  struct Case {
    std::string train, validation, map;
  };
  std::vector<Case> cases = {
      {"question_pair/kor_pair_train.csv", "question_pair/kor_Pair_test.csv", "prompt=question1,completion=question2"},
      {"kornlu/sts-dev.tsv", "kornlu/sts-test.tsv", "prompt=sentence1,completion=sentence2"},
      {"kornlu/xnli.test.ko.tsv", "kornlu/xnli.dev.ko.tsv", "prompt=sentence1,completion=sentence2"},
  };
  for (const Case& test : cases) {
    std::string train = testing::shared_data(test.train), validation = testing::shared_data(test.validation);
    if (!testing::exists(train) || !testing::exists(validation)) GTEST_SKIP() << "../shared/data absent";
    PlainCounts plain = plain_pairs(train, validation, test.map);
    auto result = testing::run_cli("check -q --json --kinds exact,prompt --train " + train + " --validation " + validation +
                                   " --map " + test.map);
    simdjson::dom::parser parser;
    auto report = parser.parse(result.out).value();
    EXPECT_EQ(get(report, "/by_pair/train-validation/exact"), plain.exact) << test.train;
    EXPECT_EQ(get(report, "/by_pair/train-validation/prompt"), plain.prompt) << test.train;
    EXPECT_GT(plain.exact + plain.prompt, 0u) << test.train << ": these public sets are known to overlap";
    EXPECT_EQ(result.exit_code, 1);
  }
}


// KorQuAD read as SQuAD: a PPO prompt that is a KorQuAD question alone is a prompt finding.
TEST(LeakageRealData, KoChatGptPromptsAreKorQuadQuestions) {
  std::string train = testing::shared_data("kochatgpt/kochatgpt_3_PPO.jsonl");
  std::string korquad = testing::shared_data("korquad/KorQuAD_v1.0_dev.json");
  if (!testing::exists(train) || !testing::exists(korquad)) GTEST_SKIP() << "../shared/data absent";
  std::multiset<std::string> questions;
  auto bench = testing::read_all_records({korquad});
  ASSERT_EQ(bench.counts.kept, 5774u);
  for (const Example* record : testing::records_of(bench)) questions.insert(canonical_form(record->turns[0].text));
  ReadOptions options;
  options.map = parse_field_map("prompt=prompt").value();
  uint64_t plain = 0;
  std::string prompt;
  auto streamed = testing::read_all_records({train}, options);
  for (const Example* record : testing::records_of(streamed)) {
    if (!record->kept()) continue;
    canonical_key_text(*record, DedupKey::kPrompt, prompt);
    plain += questions.count(prompt);
  }
  auto result = testing::run_cli("check -q --json --kinds exact,prompt --train " + train + " --map prompt=prompt --against " + korquad);
  simdjson::dom::parser parser;
  auto report = parser.parse(result.out).value();
  EXPECT_EQ(get(report, "/by_pair/train-against/prompt"), plain);
  EXPECT_GT(plain, 2900u);  // the PPO prompts were taken from KorQuAD
}

}  // namespace
}  // namespace dadeum
