// The dadeum binary: stats (text, JSON, HTML, exit codes) and tokenizer train.
#include <gtest/gtest.h>

#include "../unit/test_util.hpp"
#include "dadeum/stats.hpp"

namespace dadeum {
namespace {

using testing::read_file;
using testing::run_cli;
using testing::source_path;
using testing::TempDir;
using testing::write_file;

const std::string kTwo =
    "{\"id\":\"a\",\"category\":\"인사\",\"instruction\":\"인사말을 써 주세요\",\"input\":\"\",\"output\":\"안녕하세요.\"}\n"
    "{\"id\":\"b\",\"category\":\"번역\",\"instruction\":\"번역해 주세요\",\"input\":\"thank you\",\"output\":\"감사합니다.\"}\n";

TEST(StatsCli, TextSummaryOfTheSeedSet) {
  auto result = run_cli("stats " + source_path("seeds/ko-instruct-400.jsonl"));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_NE(result.out.find("records valid / rejected"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("396 / 0"), std::string::npos);
  EXPECT_NE(result.out.find("lengths in chars"), std::string::npos);
  EXPECT_NE(result.out.find("lengths in 어절"), std::string::npos);
  EXPECT_NE(result.out.find("by category"), std::string::npos);
  EXPECT_NE(result.out.find("  요약"), std::string::npos);
  EXPECT_NE(result.out.find("합니다체"), std::string::npos);
}

TEST(StatsCli, JsonFromStdinAndSameAtOneAndTwoThreads) {
  TempDir dir;
  std::string lines;
  for (int idx = 0; idx < 30000; ++idx) {  // > 4 MiB: several batches
    lines += "{\"id\":" + std::to_string(idx) + ",\"category\":\"c" + std::to_string(idx % 7) +
             "\",\"instruction\":\"질문 " + std::to_string(idx % 97) + " 에 대한 긴 설명을 부탁합니다 " +
             std::string(60, 'x') + "\",\"output\":\"답은 " + std::to_string(idx % 1013) +
             "입니다.\\n1. 첫째\\n2. 둘째\"}\n";
    if (idx % 5000 == 0) lines += "broken line\n";
  }
  write_file(dir.file("in.jsonl"), lines);
  auto one = run_cli("stats " + dir.file("in.jsonl") + " --json --threads 1 -q");
  auto two = run_cli("stats - --json --threads 2 -q", dir.file("in.jsonl"));
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(two.exit_code, 0) << two.err;
  EXPECT_TRUE(is_json_document(one.out));
  // The same but for the path of the input.
  std::string expected = one.out;
  std::string path = "\"path\":\"" + dir.file("in.jsonl") + "\"";
  expected.replace(expected.find(path), path.size(), "\"path\":\"-\"");
  EXPECT_EQ(expected, two.out);
  EXPECT_NE(one.out.find("\"records\":{\"read\":30006,\"valid\":30000,\"rejected\":6}"), std::string::npos);
  EXPECT_NE(one.out.find("\"numbered_list\":30000"), std::string::npos);
}

TEST(StatsCli, RejectsAreReportedAndCounted) {
  TempDir dir;
  write_file(dir.file("bad.jsonl"), kTwo + "not json\n");
  auto result = run_cli("stats " + dir.file("bad.jsonl") + " --json --rejects " + dir.file("rejects.jsonl"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.err.find(dir.file("bad.jsonl") + ":3: not valid JSON"), std::string::npos) << result.err;
  EXPECT_NE(result.out.find("\"rejected\":1"), std::string::npos);
  EXPECT_EQ(testing::split_lines(read_file(dir.file("rejects.jsonl"))).size(), 1u);
  auto strict = run_cli("stats " + dir.file("bad.jsonl") + " --strict");
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_EQ(strict.out, "");
}

TEST(StatsCli, HtmlReportIsWrittenAndSelfContained) {
  TempDir dir;
  write_file(dir.file("validation.jsonl"), kTwo);
  auto result = run_cli("stats " + source_path("seeds/ko-instruct-400.jsonl") + " " + dir.file("validation.jsonl") +
                        " --html " + dir.file("report.html"));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("records valid / rejected"), std::string::npos);  // text still printed
  std::string html = read_file(dir.file("report.html"));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Comparison"), std::string::npos);
  EXPECT_NE(html.find("요약"), std::string::npos);
}

TEST(StatsCli, UsageErrors) {
  TempDir dir;
  write_file(dir.file("in.jsonl"), kTwo);
  EXPECT_EQ(run_cli("stats").exit_code, 2);
  auto missing = run_cli("stats /nonexistent/file.jsonl");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err.rfind("dadeum: cannot open /nonexistent/file.jsonl", 0), 0u) << missing.err;
  auto budget = run_cli("stats " + dir.file("in.jsonl") + " --max-tokens 100");
  EXPECT_EQ(budget.exit_code, 2);
  EXPECT_NE(budget.err.find("--spm"), std::string::npos);
  EXPECT_EQ(run_cli("stats " + dir.file("in.jsonl") + " --spm " + dir.file("none.model")).exit_code, 2);
  EXPECT_EQ(run_cli("stats " + dir.file("in.jsonl") + " --near-threshold 2").exit_code, 2);
  auto overwrite = run_cli("stats " + dir.file("in.jsonl") + " --html " + dir.file("in.jsonl"));
  EXPECT_EQ(overwrite.exit_code, 2);
  EXPECT_EQ(read_file(dir.file("in.jsonl")), kTwo);
  auto help = run_cli("stats --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Examples"), std::string::npos);
  EXPECT_EQ(run_cli("tokenizer").exit_code, 2);
  EXPECT_EQ(run_cli("tokenizer train " + dir.file("in.jsonl")).exit_code, 2);  // no -o
}

TEST(StatsCli, ByAnotherFieldOrNone) {
  TempDir dir;
  write_file(dir.file("in.jsonl"), kTwo);
  auto by_id = run_cli("stats " + dir.file("in.jsonl") + " --by id --json");
  EXPECT_NE(by_id.out.find("\"value\":\"a\",\"records\":1"), std::string::npos) << by_id.out;
  auto none = run_cli("stats " + dir.file("in.jsonl") + " --by '' --json");
  EXPECT_NE(none.out.find("\"by\":{\"field\":\"\",\"records_with_field\":0,\"groups\":[]}"), std::string::npos) << none.out;
  auto absent = run_cli("stats " + dir.file("in.jsonl") + " --by 없는필드");
  EXPECT_NE(absent.out.find("by 없는필드"), std::string::npos);  // asked for: shown even when absent
  EXPECT_NE(absent.out.find("(missing)"), std::string::npos);
}

TEST(StatsCli, TrainTokenizerThenCountTokens) {
  TempDir dir;
  auto train = run_cli("tokenizer train " + source_path("seeds/ko-instruct-400.jsonl") + " " +
                       source_path("seeds/ko-chat-60.jsonl") + " -o " + dir.file("ko") + " --vocab-size 3000 -q");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_TRUE(testing::exists(dir.file("ko.model")));
  EXPECT_TRUE(testing::exists(dir.file("ko.vocab")));
  EXPECT_NE(train.out.find(dir.file("ko.model") + ": unigram"), std::string::npos) << train.out;
  EXPECT_EQ(train.err, "");

  auto stats = run_cli("stats " + source_path("seeds/ko-chat-60.jsonl") + " --spm " + dir.file("ko.model") +
                       " --max-tokens 300 --json");
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_TRUE(is_json_document(stats.out));
  EXPECT_NE(stats.out.find("\"spm\":\"" + dir.file("ko.model") + "\""), std::string::npos);
  EXPECT_NE(stats.out.find("\"max_tokens\":300"), std::string::npos);
  EXPECT_NE(stats.out.find("\"tokens\":{\"count\":"), std::string::npos);
  EXPECT_EQ(stats.out.find("\"over_max_tokens\":null"), std::string::npos);
  auto text = run_cli("stats " + source_path("seeds/ko-chat-60.jsonl") + " --spm " + dir.file("ko.model") +
                      " --max-tokens 300");
  EXPECT_NE(text.out.find("lengths in tokens"), std::string::npos);
  EXPECT_NE(text.out.find("records over 300 tokens"), std::string::npos);

  // Too small a vocabulary for the characters is a clear error, not a crash.
  auto tiny = run_cli("tokenizer train " + source_path("seeds/ko-instruct-400.jsonl") + " -o " + dir.file("tiny") +
                      " --vocab-size 100 -q");
  EXPECT_EQ(tiny.exit_code, 2);
  EXPECT_EQ(tiny.err.rfind("dadeum: --vocab-size 100 is smaller than the ", 0), 0u) << tiny.err;
  EXPECT_NE(tiny.err.find("characters the texts need"), std::string::npos) << tiny.err;
}

// The same texts give the same model, byte for byte, at any thread count and on every run
// (sentencepiece's generator is seeded, its trainer runs in one thread, and the model does not
// record the name of the temporary text file).
TEST(StatsCli, TokenizerTrainingIsDeterministic) {
  TempDir dir;
  std::vector<std::string> models, vocabs;
  for (const char* threads : {"1", "2", "2"}) {
    auto train = run_cli("tokenizer train " + source_path("seeds/ko-instruct-400.jsonl") + " -o " + dir.file("ko") +
                         " --vocab-size 2000 -q --threads " + threads);
    ASSERT_EQ(train.exit_code, 0) << train.err;
    models.push_back(read_file(dir.file("ko.model")));
    vocabs.push_back(read_file(dir.file("ko.vocab")));
  }
  ASSERT_GT(models[0].size(), 1000u);
  for (size_t run = 1; run < models.size(); ++run) {
    EXPECT_TRUE(models[run] == models[0]) << "model of run " << run << " differs";
    EXPECT_TRUE(vocabs[run] == vocabs[0]) << "vocabulary of run " << run << " differs";
  }
  EXPECT_EQ(models[0].find(".train-"), std::string::npos) << "the model names the temporary text file";
}

}  // namespace
}  // namespace dadeum
