// Issue 9: every command gives byte-identical outputs (files, stdout, stderr) at --threads 1
// and --threads 2, and again on a repeated run. prep manifests are compared without their
// "run" line (thread count and finish time, the only values documented to differ).
//
// Inputs: every file of samples/ (planted problems of every kind), and a generated ~9 MB
// input of several 4 MiB batches, so that two threads really work on different batches; it
// holds exact and near duplicates across batches, conflicts, PII, normalization problems and
// broken lines.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "../unit/test_util.hpp"

namespace dadeum {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run_cli;
using testing::source_path;
using testing::split_lines;
using testing::TempDir;
using testing::write_file;

std::string sample(const std::string& name) { return source_path("samples/" + name); }

// A line-congruential generator: the same words on every machine.
struct Lcg {
  uint64_t state;
  uint32_t next() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(state >> 33);
  }
};

const char* const kWords[] = {"서울", "부산", "학교", "컴퓨터", "데이터", "정리", "문장", "설명", "방법", "예시",
                              "고양이", "강아지", "바다", "하늘", "음식", "요리", "운동", "건강", "여행", "역사",
                              "과학", "수학", "음악", "영화", "경제", "사회", "문화", "기술", "언어", "번역",
                              "model", "data", "code", "test", "value", "list", "함수", "변수", "질문", "답변"};
const char* const kCategories[] = {"qa", "writing", "code", "translation", "chat"};

std::string words(Lcg& rng, int count) {
  std::string out;
  for (int idx = 0; idx < count; ++idx) {
    if (idx) out += ' ';
    out += kWords[rng.next() % (sizeof kWords / sizeof kWords[0])];
    out += std::to_string(rng.next() % 100);
  }
  return out;
}

// About `count` records of ~330 bytes, with planted duplicates, conflicts, noise and broken
// lines spread over the whole file.
std::string generated_input(size_t count) {
  Lcg rng{42};
  std::vector<std::string> lines;
  std::vector<std::string> noisy = split_lines(read_file(sample("noisy-alpaca.jsonl")));
  for (size_t idx = 0; idx < count; ++idx) {
    if (idx % 997 == 500 && !noisy.empty()) {
      lines.push_back(noisy[idx % noisy.size()]);  // broken lines, rule cases and PII
      continue;
    }
    if (idx % 401 == 200 && idx > 300) {
      lines.push_back(lines[idx - 300]);  // an exact duplicate, far back
      continue;
    }
    std::string id = "g" + std::to_string(idx);
    std::string instruction = words(rng, 6) + " 에 대해 설명해 주세요";
    std::string output = words(rng, 30);
    if (idx % 503 == 300 && idx > 400) {  // a near duplicate: one word more than an earlier record
      instruction = "다시: " + instruction;
    }
    if (idx % 211 == 100) output += " 연락처는 010-2345-6789 입니다";
    if (idx % 157 == 50) output = "\u3000" + output + "　！！";
    lines.push_back("{\"id\":\"" + id + "\",\"category\":\"" + kCategories[idx % 5] + "\",\"instruction\":\"" +
                    instruction + "\",\"input\":\"\",\"output\":\"" + output + "\"}");
    if (idx % 613 == 7) lines.push_back("{\"id\":\"c" + id + "\",\"category\":\"qa\",\"instruction\":\"" + instruction +
                                        "\",\"input\":\"\",\"output\":\"다른 답: " + words(rng, 10) + "\"}");
  }
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

// Everything a run produced: stdout, stderr, exit code and every file of its output directory.
std::map<std::string, std::string> outputs_of(const testing::CommandResult& result, const fs::path& dir) {
  std::map<std::string, std::string> all{{"<exit>", std::to_string(result.exit_code)},
                                         {"<stdout>", result.out},
                                         {"<stderr>", result.err}};
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string name = fs::relative(entry.path(), dir).string();
    std::string text = read_file(entry.path().string());
    if (entry.path().filename() == "manifest.json") {
      std::string kept;
      for (const std::string& line : split_lines(text)) {
        if (line.find("\"run\":") == std::string::npos) kept += line + "\n";
      }
      EXPECT_NE(kept.size(), text.size()) << "manifest without a run line: " << name;
      text = kept;
    }
    all[name] = text;
  }
  return all;
}

// Runs `command` (OUT stands for the output directory) at --threads 1, --threads 2 and
// --threads 2 again, always with the same output path, and compares everything.
void expect_deterministic(const std::string& command, int expected_exit) {
  TempDir dir;
  const std::string out = dir.file("out");
  std::vector<std::map<std::string, std::string>> runs;
  for (const char* threads : {"1", "2", "2"}) {
    fs::create_directories(out);
    std::string line = command;
    for (size_t at = line.find("OUT"); at != std::string::npos; at = line.find("OUT", at + out.size())) {
      line.replace(at, 3, out);
    }
    auto result = run_cli(line + " --threads " + threads);
    EXPECT_EQ(result.exit_code, expected_exit) << line << "\n" << result.err.substr(0, 2000);
    runs.push_back(outputs_of(result, out));
    fs::remove_all(out);
  }
  ASSERT_GT(runs[0].size(), 3u) << command << ": no output files";
  for (size_t run = 1; run < runs.size(); ++run) {
    for (const auto& [name, text] : runs[0]) {
      auto other = runs[run].find(name);
      ASSERT_NE(other, runs[run].end()) << command << ": run " << run << " has no " << name;
      EXPECT_TRUE(other->second == text) << command << ": " << name << " differs between --threads 1 and run " << run
                                         << " (" << text.size() << " vs " << other->second.size() << " bytes)";
    }
    EXPECT_EQ(runs[run].size(), runs[0].size()) << command;
  }
  // Something was written: the comparison is not between empty files.
  size_t bytes = 0;
  for (const auto& [name, text] : runs[0]) bytes += name.starts_with("<") ? 0 : text.size();
  EXPECT_GT(bytes, 0u) << command;
}

class Determinism : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    big_ = dir_->file("generated.jsonl");
    write_file(big_, generated_input(21000));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string jsonl_samples() {
    return sample("noisy-alpaca.jsonl") + " " + sample("noisy-sharegpt.jsonl") + " " + sample("noisy-messages.jsonl") +
           " " + sample("check-train.jsonl") + " " + sample("check-validation.jsonl");
  }
  static std::string all_inputs() { return jsonl_samples() + " " + big_; }

  static TempDir* dir_;
  static std::string big_;
};
TempDir* Determinism::dir_ = nullptr;
std::string Determinism::big_;

TEST_F(Determinism, GeneratedInputSpansSeveralBatches) {
  EXPECT_GT(fs::file_size(big_), size_t{8} << 20) << "the generated input should fill many 512 KiB batches";
}

TEST_F(Determinism, Validate) {
  expect_deterministic("validate --json " + all_inputs() + " --rejects OUT/rejects.jsonl", 1);
  expect_deterministic("validate --json " + sample("qa-korean-columns.csv") +
                           " --map instruction=질문,output=답변 --rejects OUT/rejects.jsonl",
                       1);
}

TEST_F(Determinism, Convert) {
  expect_deterministic("convert " + all_inputs() + " -o OUT/same.jsonl --rejects OUT/rejects.jsonl", 0);
  expect_deterministic("convert " + all_inputs() + " --to messages -o OUT/messages.jsonl --rejects OUT/rejects.jsonl", 0);
  expect_deterministic("convert " + sample("qa-korean-columns.csv") +
                           " --map instruction=질문,output=답변 --to sharegpt -o OUT/csv.jsonl --rejects OUT/rejects.jsonl",
                       0);
}

TEST_F(Determinism, Normalize) {
  expect_deterministic("normalize " + all_inputs() + " --rules default,repeat=3,quotes --pii mask --json -o OUT/n.jsonl "
                                                     "--rejects OUT/rejects.jsonl",
                       0);
  expect_deterministic("normalize " + big_ + " --pii drop -o OUT/n.jsonl --dropped OUT/dropped.jsonl", 0);
}

TEST_F(Determinism, Dedup) {
  expect_deterministic("dedup " + all_inputs() + " -o OUT/d.jsonl --dropped OUT/dropped.jsonl --clusters OUT/clusters.jsonl "
                                                 "--rejects OUT/rejects.jsonl --json",
                       0);
  expect_deterministic("dedup " + big_ + " --key prompt --keep longest --conflicts keep-longest -o OUT/d.jsonl --dropped "
                                         "OUT/dropped.jsonl --clusters OUT/clusters.jsonl",
                       0);
}

TEST_F(Determinism, Prep) {
  expect_deterministic("prep " + all_inputs() + " -o OUT/prep --val-ratio 0.1 --test-ratio 0.05 --stratify-by category "
                                                "--seed 3 --pii mask --rules default,repeat=3",
                       0);
  expect_deterministic("prep " + big_ + " -o OUT/prep --val-size 500 --split-mode hash --group-by category --seed 11", 0);
  expect_deterministic("prep " + sample("noisy-alpaca.jsonl") + " -o OUT/prep --val-size 5 --against " +
                           sample("check-benchmark.jsonl") + " --against-map prompt=question,completion=answer",
                       0);
}

TEST_F(Determinism, Split) {
  expect_deterministic("split " + all_inputs() + " -o OUT/split --val-size 300 --test-ratio 0.02 --seed 9", 0);
}

TEST_F(Determinism, Check) {
  expect_deterministic("check --json --train " + sample("check-train.jsonl") + " --validation " +
                           sample("check-validation.jsonl") + " --against " + sample("check-benchmark.jsonl") +
                           " --against-map prompt=question,completion=answer --pairs OUT/pairs.jsonl",
                       1);
  // Two halves of the generated input: findings in both directions, over several batches.
  TempDir dir;
  auto lines = split_lines(read_file(big_));
  std::string first, second;
  for (size_t idx = 0; idx < lines.size(); ++idx) (idx < lines.size() / 2 ? first : second) += lines[idx] + "\n";
  write_file(dir.file("a.jsonl"), first);
  write_file(dir.file("b.jsonl"), second);
  expect_deterministic("check --json -q --train " + dir.file("a.jsonl") + " --validation " + dir.file("b.jsonl") +
                           " --pairs OUT/pairs.jsonl",
                       1);
}

}  // namespace
}  // namespace dadeum
