// Issue 4, must-shows 2 and 3: normalization is idempotent on real data, and clean text
// passes through byte for byte with zero changes.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "../unit/test_util.hpp"

namespace dadeum {
namespace {

using testing::run_cli;

uint64_t records_changed(const std::string& json) {
  simdjson::dom::parser parser;
  auto report = parser.parse(json);
  if (report.error()) return UINT64_MAX;
  return report.value()["records_changed"].get_uint64().value();
}

TEST(NormalizeData, SeedSetPassesThroughUntouched) {
  for (const char* seed : {"seeds/ko-instruct-400.jsonl", "seeds/ko-chat-60.jsonl"}) {
    testing::TempDir dir;
    std::string input = testing::source_path(seed);
    auto result = run_cli("normalize -q --json " + input + " -o " + dir.file("out.jsonl"));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(records_changed(result.err), 0u) << seed;
    EXPECT_EQ(testing::read_file(dir.file("out.jsonl")), testing::read_file(input)) << seed;
    EXPECT_NE(result.err.find("\"pii\":{\"records\":0"), std::string::npos) << result.err;
  }
}

// Normalizing the output of a normalization changes nothing, on the samples and on every
// public set that reads as instruction data.
TEST(NormalizeData, IdempotentOnSamplesAndPublicSets) {
  struct Input {
    std::string path;
    std::string map;
  };
  std::vector<Input> inputs = {
      {testing::source_path("samples/noisy-alpaca.jsonl"), ""},
      {testing::source_path("samples/noisy-sharegpt.jsonl"), ""},
      {testing::source_path("samples/noisy-messages.jsonl"), ""},
      {testing::source_path("samples/qa-korean-columns.csv"), "instruction=질문,output=답변"},
      {testing::shared_data("koalpaca_v1_subset/ko_alpaca_data.json"), ""},
      {testing::shared_data("vaiv_rlhf/instructions_all.jsonl"), ""},
      {testing::shared_data("chatbot_data/ChatbotData.csv"), "instruction=Q,output=A"},
      {testing::shared_data("hrc/counsel.jsonl.json"), "instruction=상담 내용,output=원본 상담 답변"},
      {testing::shared_data("kullm_user_oriented_eval/user_oriented_instructions_eval.jsonl"),
       "instruction=instruction,input=instances.0.input,output=instances.0.output"},
  };
  for (const Input& input : inputs) {
    if (!testing::exists(input.path)) continue;  // ../shared/data absent: nothing to read
    testing::TempDir dir;
    std::string map = input.map.empty() ? "" : " --map '" + input.map + "'";
    for (const char* rules : {"default", "default,repeat=3,quotes"}) {
      auto once = run_cli("normalize -q --rules " + std::string(rules) + map + " " + input.path + " -o " + dir.file("once.jsonl"));
      ASSERT_EQ(once.exit_code, 0) << once.err;
      // The output is plain JSONL in the input's schema with its field names: read it again.
      auto twice = run_cli("normalize -q --json --rules " + std::string(rules) + map + " " + dir.file("once.jsonl") + " -o " +
                           dir.file("twice.jsonl"));
      ASSERT_EQ(twice.exit_code, 0) << twice.err;
      EXPECT_EQ(records_changed(twice.err), 0u) << input.path << " " << rules;
      // Byte for byte too, unless normalization emptied a required text (a filler-only answer),
      // which the second read then rejects as empty_text.
      if (twice.err.find("\"rejected\":0") != std::string::npos) {
        EXPECT_TRUE(testing::read_file(dir.file("twice.jsonl")) == testing::read_file(dir.file("once.jsonl"))) << input.path;
      }
    }
  }
}

}  // namespace
}  // namespace dadeum
