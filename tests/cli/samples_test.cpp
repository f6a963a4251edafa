// Issue 3, must-show 3: the counts samples/README.md promises, asserted through the CLI as
// each capability lands.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>

#include "../unit/test_util.hpp"

namespace dadeum {
namespace {

using testing::run_cli;
using testing::source_path;

simdjson::dom::element parse_json(simdjson::dom::parser& parser, const std::string& text) {
  auto result = parser.parse(text);
  EXPECT_FALSE(result.error()) << text;
  return result.value();
}

uint64_t get(simdjson::dom::element element, const char* pointer) {
  auto value = element.at_pointer(pointer);
  if (value.error()) return UINT64_MAX;
  return value.get_uint64().value();
}

std::string sample(const std::string& name) { return source_path("samples/" + name); }

TEST(Samples, ValidateCounts) {
  struct Case {
    std::string args;
    uint64_t records, valid, rejected;
    std::vector<std::pair<std::string, uint64_t>> codes;
  };
  std::vector<Case> cases = {
      {sample("noisy-alpaca.jsonl"), 47, 42, 5,
       {{"invalid_json", 1}, {"invalid_utf8", 1}, {"wrong_type", 1}, {"not_object", 1}, {"missing_field", 1}}},
      {sample("noisy-sharegpt.jsonl"), 15, 10, 5, {{"unknown_role", 1}, {"role_order", 3}, {"missing_field", 1}}},
      {sample("noisy-messages.jsonl"), 15, 10, 5, {{"unknown_role", 1}, {"role_order", 3}, {"missing_field", 1}}},
      {sample("qa-korean-columns.csv") + " --map instruction=질문,output=답변", 15, 14, 1, {{"invalid_csv", 1}}},
      {sample("qa-korean-columns.csv"), 15, 0, 15, {{"missing_field", 14}, {"invalid_csv", 1}}},
      {sample("check-train.jsonl") + " " + sample("check-validation.jsonl"), 42, 42, 0, {}},
      {sample("check-benchmark.jsonl") + " --map prompt=question,completion=answer", 10, 10, 0, {}},
  };
  for (const Case& test : cases) {
    auto result = run_cli("validate -q --json " + test.args);
    EXPECT_EQ(result.exit_code, test.rejected ? 1 : 0) << test.args;
    simdjson::dom::parser parser;
    auto report = parse_json(parser, result.out);
    EXPECT_EQ(get(report, "/records"), test.records) << test.args;
    EXPECT_EQ(get(report, "/valid"), test.valid) << test.args;
    EXPECT_EQ(get(report, "/rejected"), test.rejected) << test.args;
    for (const auto& [code, count] : test.codes) {
      EXPECT_EQ(get(report, ("/rejects_by_code/" + code).c_str()), count) << test.args << " " << code;
    }
  }
}

TEST(Samples, NormalizeCountsPerRule) {
  struct Case {
    std::string args;
    std::vector<std::pair<std::string, uint64_t>> rules;
    uint64_t changed;
  };
  std::vector<Case> cases = {
      {sample("noisy-alpaca.jsonl"),
       {{"newlines", 1}, {"invisible", 2}, {"filler", 2}, {"nfc", 2}, {"jamo", 1}, {"width", 3}, {"spaces", 2}, {"repeat", 0}, {"quotes", 0}},
       13},
      {sample("noisy-alpaca.jsonl") + " --rules default,repeat=3", {{"repeat", 2}, {"width", 3}}, 15},
      {sample("noisy-sharegpt.jsonl"), {{"nfc", 1}, {"invisible", 1}, {"newlines", 0}, {"width", 0}}, 2},
      {sample("noisy-messages.jsonl"), {{"nfc", 1}, {"invisible", 1}, {"spaces", 0}}, 2},
  };
  for (const Case& test : cases) {
    auto result = run_cli("normalize -q --json -o /dev/null " + test.args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    simdjson::dom::parser parser;
    auto report = parse_json(parser, result.err);
    EXPECT_EQ(get(report, "/records_changed"), test.changed) << test.args;
    for (const auto& [rule, count] : test.rules) {
      EXPECT_EQ(get(report, ("/changed_per_rule/" + rule).c_str()), count) << test.args << " " << rule;
    }
  }
}

TEST(Samples, NormalizeLeavesTrapsAlone) {
  testing::TempDir dir;
  auto result = run_cli("normalize -q --rules default,repeat=3 " + sample("noisy-alpaca.jsonl") + " -o " + dir.file("out.jsonl"));
  ASSERT_EQ(result.exit_code, 0);
  std::string out = testing::read_file(dir.file("out.jsonl"));
  for (const char* kept : {"10000원", "ㅋㅋ"}) EXPECT_NE(out.find(kept), std::string::npos) << kept;
  EXPECT_EQ(out.find("ㅋㅋㅋㅋ"), std::string::npos);
  // The emoji ZWJ sequence, the code block and the CRLF line come out byte for byte.
  auto line_with = [](const std::string& text, const std::string& id) {
    for (const std::string& line : testing::split_lines(text)) {
      if (line.find("\"" + id + "\"") != std::string::npos) return line.back() == '\r' ? line.substr(0, line.size() - 1) : line;
    }
    return std::string();
  };
  std::string in = testing::read_file(sample("noisy-alpaca.jsonl"));
  for (const char* id : {"noisy-018", "noisy-023", "noisy-024", "noisy-025"}) {
    EXPECT_FALSE(line_with(in, id).empty()) << id;
    EXPECT_EQ(line_with(out, id), line_with(in, id)) << id;
  }
  // Normalizing the output again changes nothing (idempotent through the CLI).
  auto again = run_cli("normalize -q --json --rules default,repeat=3 " + dir.file("out.jsonl") + " -o /dev/null");
  simdjson::dom::parser parser;
  EXPECT_EQ(get(parse_json(parser, again.err), "/records_changed"), 0u);
}

TEST(Samples, PiiCountsPerTypeAndField) {
  auto result = run_cli("normalize -q --json -o /dev/null " + sample("noisy-alpaca.jsonl"));
  simdjson::dom::parser parser;
  auto report = parse_json(parser, result.err);
  std::map<std::string, uint64_t> per_type, per_field;
  for (auto hit : report.at_pointer("/pii/hits").get_array()) {
    uint64_t count = hit["count"].get_uint64().value();
    per_type[std::string(hit["type"].get_string().value())] += count;
    per_field[std::string(hit["field"].get_string().value())] += count;
  }
  std::map<std::string, uint64_t> expected_types = {{"resident_id", 2}, {"foreigner_id", 1}, {"phone", 5},
                                                    {"email", 1},       {"card", 1},         {"business_id", 2},
                                                    {"passport", 1},    {"driver_license", 1}, {"ipv4", 4}};
  EXPECT_EQ(per_type, expected_types);
  EXPECT_EQ(per_field, (std::map<std::string, uint64_t>{{"instruction", 1}, {"input", 12}, {"output", 5}}));
  EXPECT_EQ(get(report, "/pii/records"), 9u);
  auto dropped = run_cli("normalize -q --json --pii drop -o /dev/null " + sample("noisy-alpaca.jsonl"));
  EXPECT_EQ(get(parse_json(parser, dropped.err), "/dropped"), 9u);
}

TEST(Samples, DedupCounts) {
  struct Case {
    std::string conflicts;
    uint64_t kept;
    std::vector<std::pair<std::string, uint64_t>> reasons;
  };
  for (const Case& test : std::vector<Case>{{"keep-first", 36, {{"exact_duplicate", 3}, {"near_duplicate", 2}, {"conflict", 1}}},
                                            {"keep-all", 37, {{"exact_duplicate", 3}, {"near_duplicate", 2}}},
                                            {"drop-all", 35, {{"conflict", 2}}}}) {
    auto result = run_cli("dedup -q --json -o /dev/null --conflicts " + test.conflicts + " " + sample("noisy-alpaca.jsonl"));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    simdjson::dom::parser parser;
    auto report = parse_json(parser, result.err);
    EXPECT_EQ(get(report, "/kept"), test.kept) << test.conflicts;
    EXPECT_EQ(get(report, "/rejected"), 5u);
    for (const auto& [reason, count] : test.reasons) {
      EXPECT_EQ(get(report, ("/dropped_by_reason/" + reason).c_str()), count) << test.conflicts << " " << reason;
    }
  }
  for (const std::string& file : {"noisy-sharegpt.jsonl", "noisy-messages.jsonl"}) {
    auto result = run_cli("dedup -q --json -o /dev/null " + sample(file));
    simdjson::dom::parser parser;
    auto report = parse_json(parser, result.err);
    EXPECT_EQ(get(report, "/dropped_by_reason/exact_duplicate"), 1u) << file;
    EXPECT_EQ(get(report, "/kept"), 9u) << file;
  }
}

TEST(Samples, ConvertToAlpacaRejectsMultiTurn) {
  for (const auto& [file, lossy] : std::vector<std::pair<std::string, size_t>>{{"noisy-sharegpt.jsonl", 4}, {"noisy-messages.jsonl", 2}}) {
    auto result = run_cli("convert --to alpaca " + sample(file));
    size_t count = 0;
    for (size_t pos = result.err.find("[conversion_lossy]"); pos != std::string::npos; pos = result.err.find("[conversion_lossy]", pos + 1)) ++count;
    EXPECT_EQ(count, lossy) << file;
  }
}

}  // namespace
}  // namespace dadeum

namespace dadeum {
namespace {

TEST(Samples, CheckFindsExactlyThePlantedLeaks) {
  auto result = testing::run_cli("check --json --train " + sample("check-train.jsonl") + " --validation " +
                                 sample("check-validation.jsonl") + " --against " + sample("check-benchmark.jsonl") +
                                 " --against-map prompt=question,completion=answer --pairs /dev/null");
  EXPECT_EQ(result.exit_code, 1) << result.err;
  simdjson::dom::parser parser;
  auto report = parse_json(parser, result.out);
  EXPECT_EQ(get(report, "/findings"), 8u);
  EXPECT_EQ(get(report, "/by_pair/train-validation/exact"), 2u);
  EXPECT_EQ(get(report, "/by_pair/train-validation/prompt"), 1u);
  EXPECT_EQ(get(report, "/by_pair/train-validation/near"), 1u);
  EXPECT_EQ(get(report, "/by_pair/train-validation/ngram"), 1u);
  EXPECT_EQ(get(report, "/by_pair/train-against/exact"), 1u);
  EXPECT_EQ(get(report, "/by_pair/train-against/near"), 1u);
  EXPECT_EQ(get(report, "/by_pair/train-against/ngram"), 1u);
  EXPECT_EQ(report.at_pointer("/by_pair/validation-against").error(), simdjson::NO_SUCH_FIELD);
  EXPECT_EQ(report.at_pointer("/within_split_duplicates").get_array().size(), 1u);
  // Every finding names both records; n-gram findings show the shared span.
  for (auto finding : report.at_pointer("/details").get_array()) {
    EXPECT_GT(finding["a"]["line"].get_uint64().value(), 0u);
    EXPECT_FALSE(finding["b"]["id"].get_string().value().empty());
    if (finding["kind"].get_string().value() == "ngram") EXPECT_GE(finding["span_units"].get_uint64().value(), 19u);
  }
  auto allowed = testing::run_cli("check -q --max-leaks 8 --train " + sample("check-train.jsonl") + " --validation " +
                                  sample("check-validation.jsonl") + " --against " + sample("check-benchmark.jsonl") +
                                  " --against-map prompt=question,completion=answer");
  EXPECT_EQ(allowed.exit_code, 0);
  EXPECT_EQ(testing::run_cli("check --train " + sample("check-train.jsonl")).exit_code, 2);
}

TEST(Samples, CheckIsCleanOnAPrepSplitOfTheSeeds) {
  testing::TempDir dir;
  auto prep = testing::run_cli("prep -q " + source_path("seeds/ko-instruct-400.jsonl") + " -o " + dir.file("out") +
                               " --val-size 40 --stratify-by category --seed 7");
  ASSERT_EQ(prep.exit_code, 0) << prep.err;
  auto check = testing::run_cli("check --json --kinds exact,prompt,near --train " + dir.file("out/train.jsonl") +
                                " --validation " + dir.file("out/validation.jsonl"));
  EXPECT_EQ(check.exit_code, 0) << check.out;
  simdjson::dom::parser parser;
  EXPECT_EQ(get(parse_json(parser, check.out), "/findings"), 0u);
}

}  // namespace
}  // namespace dadeum
