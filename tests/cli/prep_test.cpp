// Issue 6: prep and split from the command line.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "../unit/test_util.hpp"
#include "dadeum/dedup_run.hpp"
#include "dadeum/tokenizer.hpp"

namespace dadeum {
namespace {

using testing::read_file;
using testing::run_cli;
using testing::source_path;
using testing::split_lines;
using testing::TempDir;

const std::string kSeeds = source_path("seeds/ko-instruct-400.jsonl");

// id -> value of a top-level string field, for every line of a JSONL file.
std::map<std::string, std::string> field_by_id(const std::string& path, const char* field) {
  std::map<std::string, std::string> values;
  simdjson::dom::parser parser;
  for (const std::string& line : split_lines(read_file(path))) {
    auto record = parser.parse(line).value();
    std::string id(record["id"].get_string().value());
    auto value = record[field];
    values[id] = value.error() ? "" : std::string(value.get_string().value());
  }
  return values;
}

std::string without_run_line(const std::string& manifest) {
  std::string out;
  for (const std::string& line : split_lines(manifest)) {
    if (line.find("\"run\":") == std::string::npos) out += line + "\n";
  }
  return out;
}

TEST(Prep, SeedSetExactStratifiedValidation) {
  TempDir dir;
  auto result = run_cli("prep -q " + kSeeds + " -o " + dir.file("out") + " --val-size 40 --stratify-by category --seed 7");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto validation = field_by_id(dir.file("out/validation.jsonl"), "category");
  auto train = field_by_id(dir.file("out/train.jsonl"), "category");
  EXPECT_EQ(validation.size(), 40u);
  EXPECT_EQ(train.size() + validation.size(), 396u);
  std::map<std::string, int> all, in_validation;
  for (const auto& [id, category] : train) ++all[category];
  for (const auto& [id, category] : validation) {
    ++all[category];
    ++in_validation[category];
  }
  for (const auto& [category, count] : all) {
    double exact = 40.0 * count / 396.0;
    EXPECT_LE(std::abs(in_validation[category] - exact), 1.0) << category;
  }
  std::string manifest = read_file(dir.file("out/manifest.json"));
  EXPECT_NE(manifest.find("\"holds\": true"), std::string::npos);
  EXPECT_NE(manifest.find("\"validation\": 40"), std::string::npos);
}

TEST(Prep, ByteIdenticalAcrossThreadsAndRuns) {
  TempDir dir;
  std::string inputs = kSeeds + " " + source_path("samples/noisy-alpaca.jsonl");
  for (const char* run : {"a --threads 1", "b --threads 2", "c --threads 2"}) {
    std::string name(run, 1);
    auto result = run_cli("prep -q " + inputs + " -o " + dir.file(name) + " --val-ratio 0.1 --test-ratio 0.05 --seed 3 " + (run + 2));
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  for (const char* file : {"train.jsonl", "validation.jsonl", "test.jsonl", "dropped.jsonl", "rejects.jsonl", "duplicates.jsonl"}) {
    std::string first = read_file(dir.file(std::string("a/") + file));
    EXPECT_EQ(first, read_file(dir.file(std::string("b/") + file))) << file;
    EXPECT_EQ(first, read_file(dir.file(std::string("c/") + file))) << file;
  }
  std::string manifest = without_run_line(read_file(dir.file("a/manifest.json")));
  EXPECT_EQ(manifest, without_run_line(read_file(dir.file("b/manifest.json"))));
  EXPECT_EQ(manifest, without_run_line(read_file(dir.file("c/manifest.json"))));
}

TEST(Prep, HashModeNeverMovesOldRecords) {
  TempDir dir;
  auto lines = split_lines(read_file(kSeeds));
  std::string first_part, all;
  for (size_t idx = 0; idx < lines.size(); ++idx) {
    if (idx < 250) first_part += lines[idx] + "\n";
    all += lines[idx] + "\n";
  }
  testing::write_file(dir.file("old.jsonl"), first_part);
  testing::write_file(dir.file("new.jsonl"), all);
  for (const char* name : {"old", "new"}) {
    auto result = run_cli(std::string("prep -q ") + dir.file(std::string(name) + ".jsonl") + " -o " + dir.file(std::string("out-") + name) +
                          " --split-mode hash --val-ratio 0.2");
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  auto old_validation = field_by_id(dir.file("out-old/validation.jsonl"), "category");
  auto old_train = field_by_id(dir.file("out-old/train.jsonl"), "category");
  auto new_validation = field_by_id(dir.file("out-new/validation.jsonl"), "category");
  auto new_train = field_by_id(dir.file("out-new/train.jsonl"), "category");
  EXPECT_GT(old_validation.size(), 20u);
  for (const auto& [id, category] : old_validation) EXPECT_TRUE(new_validation.count(id)) << id;
  for (const auto& [id, category] : old_train) EXPECT_TRUE(new_train.count(id)) << id;
}

TEST(Prep, GroupsNeverSpanSplitsAndSamplesCountsHold) {
  TempDir dir;
  auto result = run_cli("prep -q " + source_path("samples/noisy-alpaca.jsonl") + " -o " + dir.file("out") +
                        " --val-ratio 0.3 --seed 11 --group-by category");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto train = field_by_id(dir.file("out/train.jsonl"), "category");
  auto validation = field_by_id(dir.file("out/validation.jsonl"), "category");
  EXPECT_EQ(train.size() + validation.size(), 37u);  // 42 valid - 3 exact - 2 near
  std::set<std::string> train_categories, validation_categories;
  for (const auto& [id, category] : train) train_categories.insert(category);
  for (const auto& [id, category] : validation) {
    validation_categories.insert(category);
    EXPECT_FALSE(train_categories.count(category)) << category << " is in both splits";
  }
  // The conflict group (noisy-026, noisy-047) shares a split.
  EXPECT_EQ(train.count("noisy-026"), train.count("noisy-047"));
  EXPECT_EQ(split_lines(read_file(dir.file("out/dropped.jsonl"))).size(), 5u);
  EXPECT_EQ(split_lines(read_file(dir.file("out/rejects.jsonl"))).size(), 5u);
  EXPECT_EQ(split_lines(read_file(dir.file("out/duplicates.jsonl"))).size(), 6u);  // 3 exact, 2 near, 1 conflict
  std::string manifest = read_file(dir.file("out/manifest.json"));
  EXPECT_NE(manifest.find("\"read\": 47"), std::string::npos);
  EXPECT_NE(manifest.find("\"holds\": true"), std::string::npos);
  // Every dropped duplicate names the record it duplicates.
  for (const std::string& line : split_lines(read_file(dir.file("out/dropped.jsonl")))) {
    EXPECT_NE(line.find("\"duplicate_of\":"), std::string::npos) << line;
  }
}

// A --group-by value is the same however its string is escaped, and a null value is no group:
// the four records with "doc": null are not one group that cannot fit validation. With the
// first fixed, the pair "한" / "\uD55C" shares a split at every seed.
TEST(Prep, GroupValuesAreDecodedAndNullIsNoGroup) {
  TempDir dir;
  std::string input;
  const char* docs[] = {"\"한\"", "\"\\uD55C\"", "null", "null", "null", "null"};
  for (int idx = 0; idx < 6; ++idx) {
    input += "{\"id\":\"r" + std::to_string(idx) + "\",\"instruction\":\"질문 " + std::to_string(idx) +
             "번에 답해 주세요.\",\"output\":\"답 " + std::to_string(idx) + "번입니다.\",\"doc\":" + docs[idx] + "}\n";
  }
  testing::write_file(dir.file("in.jsonl"), input);
  std::set<std::string> validation_sets;
  for (int seed = 1; seed <= 12; ++seed) {
    const std::string out = dir.file("out" + std::to_string(seed));
    auto result = run_cli("prep -q " + dir.file("in.jsonl") + " -o " + out + " --val-size 2 --group-by doc --seed " +
                          std::to_string(seed));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto validation = field_by_id(out + "/validation.jsonl", "instruction");
    ASSERT_EQ(validation.size(), 2u) << "seed " << seed;  // exact: no group is too big to fit
    EXPECT_EQ(validation.count("r0"), validation.count("r1")) << "seed " << seed;
    std::string ids;
    for (const auto& [id, text] : validation) ids += id + " ";
    validation_sets.insert(ids);
  }
  EXPECT_GT(validation_sets.size(), 2u);  // the null records go to validation on their own, two at a time
}

// A CSV read through --map gets alpaca field names in the splits with --to alpaca (it kept
// `q` and `a`, which no fine-tuning stack reads); without --to records stay as read.
TEST(Prep, MappedCsvWithToGetsTheSchemasFieldNames) {
  TempDir dir;
  testing::write_file(dir.file("in.csv"), "q,a,topic\n\"김치찌개는 어떻게 끓여요?\",\"물을 먼저 끓여요.\",요리\n"
                                           "\"봄꽃을 알려 주세요.\",\"개나리가 있어요.\",자연\n");
  auto renamed = run_cli("prep -q " + dir.file("in.csv") + " --map instruction=q,output=a --to alpaca --val-size 0 -o " +
                         dir.file("alpaca"));
  ASSERT_EQ(renamed.exit_code, 0) << renamed.err;
  EXPECT_EQ(read_file(dir.file("alpaca/train.jsonl")),
            "{\"instruction\":\"김치찌개는 어떻게 끓여요?\",\"input\":\"\",\"output\":\"물을 먼저 끓여요.\",\"topic\":\"요리\"}\n"
            "{\"instruction\":\"봄꽃을 알려 주세요.\",\"input\":\"\",\"output\":\"개나리가 있어요.\",\"topic\":\"자연\"}\n");
  auto as_read = run_cli("prep -q " + dir.file("in.csv") + " --map instruction=q,output=a --val-size 0 -o " + dir.file("as-read"));
  ASSERT_EQ(as_read.exit_code, 0) << as_read.err;
  EXPECT_NE(read_file(dir.file("as-read/train.jsonl")).find("{\"q\":"), std::string::npos);
}

// --config: a recipe file gives what its options give on the command line; the command line
// wins over it; a section for another command is skipped; mistakes name the file and line.
TEST(Prep, ConfigFileIsTheCommandLineInAFile) {
  TempDir dir;
  testing::write_file(dir.file("recipe.toml"),
                      "# 시드 세트의 분할\n"
                      "inputs = [\"" + kSeeds + "\"]\n"
                      "output = '" + dir.file("from-recipe") + "'\n"
                      "val-size = 40          # exact\n"
                      "stratify-by = \"category\"\n"
                      "seed = 7\n"
                      "near = false             # as --no-near\n"
                      "[split]\n"
                      "seed = 99\n");
  auto recipe = run_cli("prep -q --config " + dir.file("recipe.toml"));
  ASSERT_EQ(recipe.exit_code, 0) << recipe.err;
  auto flags = run_cli("prep -q " + kSeeds + " -o " + dir.file("from-flags") +
                       " --val-size 40 --stratify-by category --seed 7 --no-near");
  ASSERT_EQ(flags.exit_code, 0) << flags.err;
  for (const char* name : {"train.jsonl", "validation.jsonl", "dropped.jsonl", "duplicates.jsonl"}) {
    EXPECT_EQ(read_file(dir.file(std::string("from-recipe/") + name)), read_file(dir.file(std::string("from-flags/") + name)))
        << name;
  }
  const std::string manifest = read_file(dir.file("from-recipe/manifest.json"));
  EXPECT_NE(manifest.find("\"seed\": 7,"), std::string::npos);
  EXPECT_NE(manifest.find("\"near\": false"), std::string::npos);  // a flag set false in the file
  EXPECT_NE(manifest.find("\"config\": \"" + dir.file("recipe.toml") + "\""), std::string::npos);

  auto overridden = run_cli("prep -q --config " + dir.file("recipe.toml") + " --seed 8 -o " + dir.file("seed-8"));
  ASSERT_EQ(overridden.exit_code, 0) << overridden.err;
  EXPECT_NE(read_file(dir.file("seed-8/manifest.json")).find("\"seed\": 8,"), std::string::npos);

  testing::write_file(dir.file("typo.toml"), "val-size = 40\nstratfy-by = \"category\"\n");
  auto typo = run_cli("prep " + kSeeds + " -o " + dir.file("typo") + " --config " + dir.file("typo.toml"));
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("typo.toml:2: 'stratfy-by' is not an option of dadeum prep"), std::string::npos) << typo.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("typo")));
}

// --spm with --max-tokens: an example (every turn) over the budget in the model's tokens is
// dropped as example_too_many_tokens and every kept one fits, counted here with the model.
TEST(Prep, TokenLimitDropsExamplesOverTheBudget) {
  TempDir dir;
  auto trained = run_cli("tokenizer train " + kSeeds + " -o " + dir.file("ko") + " --vocab-size 2000 -q");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  auto tokenizer = Tokenizer::load(dir.file("ko.model"));
  ASSERT_TRUE(tokenizer.is_ok()) << tokenizer.status().message();
  auto tokens_of = [&](const std::string& line, bool answer_only = false) {
    auto batch = parse_lines({line});
    uint64_t tokens = 0;
    for (const Turn& turn : batch->records[0].turns) {
      if (!answer_only || turn.role == Role::kAssistant) tokens += tokenizer.value()->count(turn.text);
    }
    return tokens;
  };
  std::vector<uint64_t> seed_tokens;
  for (const std::string& line : split_lines(read_file(kSeeds))) seed_tokens.push_back(tokens_of(line));
  std::vector<uint64_t> sorted = seed_tokens;
  std::sort(sorted.begin(), sorted.end());
  const uint64_t budget = sorted[sorted.size() / 2];
  const auto over = static_cast<size_t>(std::count_if(seed_tokens.begin(), seed_tokens.end(), [&](uint64_t n) { return n > budget; }));
  ASSERT_GT(over, 100u);

  auto result = run_cli("prep -q " + kSeeds + " -o " + dir.file("out") + " --val-size 20 --seed 3 --spm " +
                        dir.file("ko.model") + " --max-tokens " + std::to_string(budget));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  size_t kept = 0;
  for (const char* split : {"out/train.jsonl", "out/validation.jsonl"}) {
    for (const std::string& line : split_lines(read_file(dir.file(split)))) {
      EXPECT_LE(tokens_of(line), budget) << line;
      ++kept;
    }
  }
  size_t dropped_for_tokens = 0;
  for (const std::string& line : split_lines(read_file(dir.file("out/dropped.jsonl")))) {
    dropped_for_tokens += line.find("\"reason\":\"example_too_many_tokens\"") != std::string::npos;
  }
  EXPECT_EQ(dropped_for_tokens, over);  // the seed set is clean: nothing else drops them first
  EXPECT_EQ(kept + over, seed_tokens.size());
  EXPECT_NE(read_file(dir.file("out/manifest.json")).find("\"max_tokens\": " + std::to_string(budget)), std::string::npos);

  // The answer limits count the assistant's turns only.
  std::vector<uint64_t> answers;
  for (const std::string& line : split_lines(read_file(kSeeds))) answers.push_back(tokens_of(line, true));
  std::sort(answers.begin(), answers.end());
  const uint64_t floor = answers[answers.size() / 4], ceiling = answers[3 * answers.size() / 4];
  const auto short_ones = static_cast<size_t>(std::count_if(answers.begin(), answers.end(), [&](uint64_t n) { return n < floor; }));
  const auto long_ones = static_cast<size_t>(std::count_if(answers.begin(), answers.end(), [&](uint64_t n) { return n > ceiling; }));
  auto answers_run = run_cli("prep -q " + kSeeds + " -o " + dir.file("answers") + " --val-size 20 --spm " +
                             dir.file("ko.model") + " --min-answer-tokens " + std::to_string(floor) +
                             " --max-answer-tokens " + std::to_string(ceiling));
  ASSERT_EQ(answers_run.exit_code, 0) << answers_run.err;
  const std::string dropped = read_file(dir.file("answers/dropped.jsonl"));
  auto count_reason = [&](const std::string& reason) {
    size_t count = 0;
    for (size_t at = dropped.find(reason); at != std::string::npos; at = dropped.find(reason, at + 1)) ++count;
    return count;
  };
  EXPECT_EQ(count_reason("\"reason\":\"answer_too_few_tokens\""), short_ones);
  EXPECT_EQ(count_reason("\"reason\":\"answer_too_many_tokens\""), long_ones);

  auto no_model = run_cli("prep -q " + kSeeds + " -o " + dir.file("no-model") + " --max-tokens 100");
  EXPECT_EQ(no_model.exit_code, 2);
  EXPECT_NE(no_model.err.find("--spm"), std::string::npos) << no_model.err;
}

// The progress bar: drawn on a terminal (here the pseudo-terminal of util-linux's script(1)),
// erased before the summary, and never written into a file or a pipe.
TEST(Prep, ProgressBarOnlyOnATerminal) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1) to give a terminal";
  TempDir dir;
  const std::string command = std::string(DADEUM_CLI) + " prep " + kSeeds + " -o " + dir.file("tty") + " --val-size 10";
  const std::string in_terminal = "script -qfec '" + command + "' " + dir.file("typescript") + " >/dev/null 2>&1 </dev/null";
  ASSERT_EQ(std::system(in_terminal.c_str()), 0);
  const std::string screen = read_file(dir.file("typescript"));
  EXPECT_NE(screen.find("\rdadeum prep: read  ["), std::string::npos) << screen;
  EXPECT_NE(screen.find("] 100%"), std::string::npos) << screen;
  EXPECT_NE(screen.find("\rdadeum prep: write ["), std::string::npos) << screen;
  EXPECT_NE(screen.find("\r\x1b[Kdadeum: "), std::string::npos) << screen;  // erased before the summary
  auto piped = run_cli("prep " + kSeeds + " -o " + dir.file("pipe") + " --val-size 10");
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err.find('\r'), std::string::npos) << piped.err;
  EXPECT_NE(piped.err.find("dadeum: read "), std::string::npos) << piped.err;
}

// An --against file none of whose records can be read (a CSV benchmark without --against-map)
// is an error: decontamination against it removed nothing and passed silently.
TEST(Prep, AgainstFileWithNoReadableRecordIsAnError) {
  TempDir dir;
  testing::write_file(dir.file("data.jsonl"),
                      "{\"instruction\":\"김치찌개 끓이는 법을 알려 주세요.\",\"output\":\"물을 먼저 끓입니다.\"}\n"
                      "{\"instruction\":\"봄꽃을 알려 주세요.\",\"output\":\"개나리가 있어요.\"}\n");
  testing::write_file(dir.file("bench.csv"), "question,answer\n\"김치찌개 끓이는 법을 알려 주세요.\",\"물을 먼저 끓입니다.\"\n");
  for (const std::string command : {"prep -q --val-size 0 -o " + dir.file("out"), "dedup -q -o " + dir.file("kept.jsonl")}) {
    auto unmapped = run_cli(command + " " + dir.file("data.jsonl") + " --against " + dir.file("bench.csv"));
    EXPECT_EQ(unmapped.exit_code, 2) << command;
    EXPECT_NE(unmapped.err.find("no record of --against file " + dir.file("bench.csv") + " could be read (1 rejected"),
              std::string::npos)
        << unmapped.err;
    EXPECT_NE(unmapped.err.find("bench.csv:2: no known schema"), std::string::npos) << unmapped.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("out")));
  auto mapped = run_cli("prep -q --val-size 0 -o " + dir.file("out") + " " + dir.file("data.jsonl") + " --against " +
                        dir.file("bench.csv") + " --against-map instruction=question,output=answer");
  ASSERT_EQ(mapped.exit_code, 0) << mapped.err;
  EXPECT_EQ(split_lines(read_file(dir.file("out/train.jsonl"))).size(), 1u);  // the leaked record is gone
}

TEST(Prep, RefusesNonEmptyOutputAndStrictLeavesNoFiles) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("busy"));
  testing::write_file(dir.file("busy/keep.txt"), "x");
  auto refused = run_cli("prep " + kSeeds + " -o " + dir.file("busy"));
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("not empty"), std::string::npos);
  EXPECT_EQ(run_cli("prep -q " + kSeeds + " -o " + dir.file("busy") + " --force").exit_code, 0);

  auto strict = run_cli("prep " + source_path("samples/noisy-alpaca.jsonl") + " -o " + dir.file("strict") + " --strict");
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_NE(strict.err.find("noisy-alpaca.jsonl:11"), std::string::npos) << strict.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("strict")));  // created by the run, taken back
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
  return text;
}

// Most records of a plain JSONL input are not copied into the spill but read again from the
// input in the last pass (spill.hpp). Whatever the line endings, a byte order mark or a
// missing last newline, the outputs must be those of a gzip input, whose records are spilled.
TEST(Prep, RecordsReadAgainFromThePlainInputMatchTheSpilledOnes) {
  TempDir dir;
  std::string text = "\xEF\xBB\xBF{\"id\":\"a\",\"instruction\":\"첫 번째 질문입니다\",\"output\":\"답 하나\"}\r\n";
  text += "{\"id\":\"b\",\"instruction\":\"두 번째 질문\u200b입니다\",\"output\":\"답 둘\"}\r\n";  // normalized: stored
  text += "{\"id\":\"c\",\"instruction\":\"첫 번째 질문입니다\",\"output\":\"답 하나\"}\n";      // duplicate of a
  text += "{\"id\":\"d\", broken\n";
  for (int k = 0; k < 40; ++k) {
    text += "{\"id\":\"r" + std::to_string(k) + "\",\"instruction\":\"질문 " + std::to_string(k * 7919) +
            "번에 대해 알려 주세요\",\"output\":\"" + std::string(static_cast<size_t>(k) * 37 + 1, 'x') + "\"}" + (k % 3 ? "\n" : "\r\n");
  }
  text += "{\"id\":\"last\",\"instruction\":\"마지막 줄에는 줄바꿈이 없습니다\",\"output\":\"끝\"}";
  const std::string plain = dir.file("in.jsonl"), packed = dir.file("in.jsonl.gz");
  testing::write_file(plain, text);
  if (std::system(("gzip -c " + plain + " > " + packed).c_str()) != 0) GTEST_SKIP() << "gzip is not available";
  for (const std::string& input : {plain, packed}) {
    auto result = run_cli("prep -q " + input + " -o " + dir.file(input == plain ? "p" : "z") + " --val-size 8 --seed 5");
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  for (const char* file : {"train.jsonl", "validation.jsonl", "dropped.jsonl", "rejects.jsonl"}) {
    std::string from_plain = read_file(dir.file(std::string("p/") + file));
    EXPECT_EQ(replace_all(from_plain, plain, packed), read_file(dir.file(std::string("z/") + file))) << file;
  }
  auto kept = split_lines(read_file(dir.file("p/train.jsonl")) + read_file(dir.file("p/validation.jsonl")));
  EXPECT_EQ(kept.size(), 43u);  // 45 read: 1 duplicate dropped, 1 rejected
  EXPECT_EQ(split_lines(read_file(dir.file("p/rejects.jsonl"))).size(), 1u);
  EXPECT_EQ(split_lines(read_file(dir.file("p/dropped.jsonl"))).size(), 1u);
  for (const std::string& line : kept) EXPECT_EQ(line.find('\r'), std::string::npos) << line;
}

TEST(Prep, ReadsStdinAndConvertsSchema) {
  TempDir dir;
  auto result = run_cli("prep -q - -o " + dir.file("out") + " --val-size 5 --to messages", kSeeds);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto validation = split_lines(read_file(dir.file("out/validation.jsonl")));
  ASSERT_EQ(validation.size(), 5u);
  EXPECT_NE(validation[0].find("\"messages\":[{\"role\":\"user\""), std::string::npos);
  const std::string manifest = read_file(dir.file("out/manifest.json"));
  EXPECT_NE(manifest.find("\"path\": \"<stdin>\""), std::string::npos);
  // Its bytes and hash are those of what was read (the temporary copy).
  auto hashed = hash_file(kSeeds);
  ASSERT_TRUE(hashed.is_ok());
  EXPECT_NE(manifest.find("\"bytes\": " + std::to_string(hashed.value().first) + ", \"xxh3\": \"" + hashed.value().second + "\""),
            std::string::npos) << manifest.substr(0, 800);
}

// A pipe (bash's <(...), here a FIFO) can be read only once: it is copied like stdin, keeping
// its extension, and the run gives the same outputs as the file itself.
TEST(Prep, ReadsAPipeLikeAFile) {
  TempDir dir;
  const std::string fifo = dir.file("in.jsonl");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The writer waits for prep to open the FIFO, and gives up once prep has ended (so that a
  // failing prep fails the test instead of hanging it).
  std::signal(SIGPIPE, SIG_IGN);
  std::atomic<bool> ended{false};
  std::thread writer([&] {
    int fd = -1;
    while (!ended && (fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK)) < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // ENXIO: no reader yet
    }
    if (fd < 0) return;
    ::fcntl(fd, F_SETFL, 0);
    const std::string bytes = read_file(kSeeds);
    for (size_t at = 0; at < bytes.size();) {
      ssize_t done = ::write(fd, bytes.data() + at, bytes.size() - at);
      if (done <= 0) break;
      at += static_cast<size_t>(done);
    }
    ::close(fd);
  });
  auto piped = run_cli("prep -q " + fifo + " -o " + dir.file("piped") + " --val-size 40 --seed 3");
  ended = true;
  writer.join();
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  auto direct = run_cli("prep -q " + kSeeds + " -o " + dir.file("direct") + " --val-size 40 --seed 3");
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  for (const char* name : {"train.jsonl", "validation.jsonl", "dropped.jsonl", "duplicates.jsonl"}) {
    EXPECT_TRUE(read_file(dir.file(std::string("piped/") + name)) == read_file(dir.file(std::string("direct/") + name))) << name;
  }
  EXPECT_EQ(split_lines(read_file(dir.file("piped/validation.jsonl"))).size(), 40u);
}

TEST(Split, KeepsRecordsAsReadAndPromptsTogether) {
  TempDir dir;
  auto result = run_cli("split -q " + source_path("samples/noisy-alpaca.jsonl") + " -o " + dir.file("out") + " --val-size 10");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto train = field_by_id(dir.file("out/train.jsonl"), "category");
  auto validation = field_by_id(dir.file("out/validation.jsonl"), "category");
  EXPECT_EQ(train.size() + validation.size(), 42u);  // nothing removed
  EXPECT_EQ(validation.size(), 10u);
  EXPECT_EQ(train.count("noisy-001"), train.count("noisy-034"));  // same prompt, same split
}

}  // namespace
}  // namespace dadeum
