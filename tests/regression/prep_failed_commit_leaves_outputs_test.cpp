// Regression (found by fault injection, tests/cli/fault_test.cpp): prep renames its outputs one
// by one (train, validation, ..., manifest last) and stops at the first failure, so a run that
// fails while renaming leaves the files renamed so far under their final names and exits 2.
// Seen with a disk that fills up exactly at manifest.json (train, validation, dropped, rejects
// and duplicates are all in place, the run "failed"); reproduced here without a tmpfs by
// making one final name impossible to take (a non-empty directory of that name). Over an
// earlier run (--force) it is worse: the old manifest.json stays and describes files that are
// no longer there.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>

#include "../unit/test_util.hpp"

namespace dadeum {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run_cli;
using testing::source_path;
using testing::TempDir;

const std::string kSeeds = source_path("seeds/ko-instruct-400.jsonl");
const char* const kData[] = {"train.jsonl", "validation.jsonl", "dropped.jsonl", "rejects.jsonl", "duplicates.jsonl"};

TEST(PrepFailedCommit, FailureAtTheLastRenameLeavesNoOutputs) {
  TempDir dir;
  const std::string out = dir.file("out");
  fs::create_directories(out + "/manifest.json/keep");  // manifest.json cannot be renamed into place
  auto result = run_cli("prep -q " + kSeeds + " -o " + out + " --force --val-size 40");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err.rfind("dadeum: cannot rename output to " + out + "/manifest.json", 0), 0u) << result.err;
  for (const char* name : kData) EXPECT_FALSE(fs::exists(out + "/" + name)) << name << " left under its final name";
}

TEST(PrepFailedCommit, FailedRunOverAnEarlierOneLeavesNoStaleManifest) {
  TempDir dir;
  const std::string out = dir.file("out");
  ASSERT_EQ(run_cli("prep -q " + kSeeds + " -o " + out + " --val-size 40 --seed 1").exit_code, 0);
  fs::remove(out + "/duplicates.jsonl");
  fs::create_directories(out + "/duplicates.jsonl/keep");  // the second run fails at this rename
  auto result = run_cli("prep -q " + kSeeds + " -o " + out + " --force --val-size 40 --seed 2");
  EXPECT_EQ(result.exit_code, 2);
  if (!fs::exists(out + "/manifest.json")) return;  // no manifest: nothing claims to be complete
  // A manifest that stays must describe the files that are there.
  simdjson::dom::parser parser;
  simdjson::padded_string text(read_file(out + "/manifest.json"));
  auto manifest = parser.parse(text);
  ASSERT_FALSE(manifest.error());
  for (auto output : manifest.value()["outputs"].get_array()) {
    std::string name(output["path"].get_string().value());
    if (fs::is_directory(out + "/" + name)) continue;  // the name this test blocked
    std::error_code error;
    uint64_t size = fs::file_size(out + "/" + name, error);
    EXPECT_EQ(size, output["bytes"].get_uint64().value()) << "manifest.json describes another " << name;
  }
}

}  // namespace
}  // namespace dadeum
