// dadeum check against a SQuAD-style benchmark (docs/leakage.md, "SQuAD-style benchmarks").
#include <gtest/gtest.h>
#include <simdjson.h>

#include "../unit/test_util.hpp"

namespace dadeum {
namespace {

uint64_t count_at(simdjson::dom::element report, const std::string& pointer) {
  auto value = report.at_pointer(pointer);
  return value.error() ? 0 : value.get_uint64().value();
}

// One passage with twelve questions (more than --template-records), written for this test.
std::string squad_benchmark() {
  const std::string passage =
      "바닷가 작은 마을의 등대는 백 년 동안 밤마다 불을 밝혔고 마을 사람들은 그 불빛을 보며 고깃배가 "
      "무사히 돌아오기를 기다렸다.";
  std::string qas;
  for (int idx = 1; idx <= 12; ++idx) {
    if (idx > 1) qas += ",\n";
    qas += "{\"id\": \"light-" + std::to_string(idx) + "\", \"question\": \"등대에 관한 질문 " + std::to_string(idx) +
           "번은 무엇인가?\", \"answers\": [{\"text\": \"등대\", \"answer_start\": 0}]}";
  }
  return "{\"version\": \"t\", \"data\": [{\"title\": \"등대\", \"paragraphs\": [{\"context\": \"" + passage +
         "\",\n\"qas\": [\n" + qas + "]}]}]}\n";
}

TEST(CheckSquad, QuestionAloneAndPassageAreLeaks) {
  testing::TempDir dir;
  testing::write_file(dir.file("bench.json"), squad_benchmark());
  testing::write_file(dir.file("train.jsonl"),
                      "{\"id\":\"t1\",\"instruction\":\"등대에 관한 질문 3번은 무엇인가?\",\"output\":\"모릅니다.\"}\n"
                      "{\"id\":\"t2\",\"instruction\":\"다음 글을 요약하세요.\",\"input\":\"옛이야기에 따르면 바닷가 작은 마을의 "
                      "등대는 백 년 동안 밤마다 불을 밝혔고 마을 사람들은 그 불빛을 보며 고깃배가 무사히 돌아오기를 "
                      "기다렸다고 한다.\",\"output\":\"등대 이야기.\"}\n"
                      "{\"id\":\"t3\",\"instruction\":\"김치찌개 끓이는 법을 알려 주세요.\",\"output\":\"물을 끓입니다.\"}\n");
  auto result = testing::run_cli("check -q --json --train " + dir.file("train.jsonl") + " --against " + dir.file("bench.json"));
  EXPECT_EQ(result.exit_code, 1) << result.err;
  simdjson::dom::parser parser;
  auto report = parser.parse(result.out).value();
  EXPECT_EQ(count_at(report, "/by_pair/train-against/prompt"), 1u);  // t1 asks question 3 alone
  EXPECT_EQ(count_at(report, "/by_pair/train-against/ngram"), 12u);  // t2 holds the passage of all 12
  EXPECT_EQ(count_at(report, "/findings"), 13u);
  EXPECT_EQ(count_at(report, "/templates_skipped"), 0u);
  auto first = report.at_pointer("/details/0").value();
  EXPECT_EQ(std::string_view(first.at_pointer("/b/id").get_string().value()), "light-3");
  EXPECT_EQ(first.at_pointer("/b/line").get_uint64().value(), 5u);  // the line of question 3
}

TEST(CheckSquad, MalformedBenchmarkIsReportedNotFatal) {
  testing::TempDir dir;
  std::string bench = squad_benchmark();
  std::string fifth = "\"등대에 관한 질문 5번은 무엇인가?\"";
  bench.replace(bench.find(fifth), fifth.size(), "5");  // a question that is not a string
  testing::write_file(dir.file("bench.json"), bench.substr(0, bench.size() - 6));  // and cut short
  testing::write_file(dir.file("train.jsonl"), "{\"id\":\"t3\",\"instruction\":\"김치찌개 끓이는 법\",\"output\":\"물을 끓입니다.\"}\n");
  auto result = testing::run_cli("check --json --train " + dir.file("train.jsonl") + " --against " + dir.file("bench.json"));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find(dir.file("bench.json") + ":7:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("invalid_json"), std::string::npos) << result.err;
  simdjson::dom::parser parser;
  auto report = parser.parse(result.out).value();
  EXPECT_EQ(count_at(report, "/rejected"), 2u);
}

}  // namespace
}  // namespace dadeum
