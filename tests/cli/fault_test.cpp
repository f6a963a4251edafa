// Issue 9: fault injection through the dadeum binary. Every fault gives a clear message and the
// documented exit code, leaves no output under a final name (a failed run removes its
// temporaries; a killed one may leave `.NAME.dadeum-tmp.*` files, never NAME), and leaves the
// inputs byte for byte as they were.
//
// Some faults need privileges or tools the machine may not have: unreadable files and
// read-only directories are not enforced for root, a tmpfs needs CAP_SYS_ADMIN, truncated
// inputs are made with gzip / zstd. Those tests skip (with the reason) instead of passing.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <thread>

#include "../unit/test_util.hpp"

namespace dadeum {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::read_file;
using testing::run_cli;
using testing::split_lines;
using testing::TempDir;
using testing::write_file;

const char* const kPrepOutputs[] = {"train.jsonl", "validation.jsonl", "test.jsonl", "dropped.jsonl",
                                    "rejects.jsonl", "duplicates.jsonl", "manifest.json"};

std::string q(const std::string& path) { return "'" + path + "'"; }

// `count` alpaca records of about `bytes` bytes each, every one distinct.
std::string make_jsonl(size_t count, size_t bytes = 200) {
  std::string out;
  out.reserve(count * (bytes + 80));
  for (size_t idx = 0; idx < count; ++idx) {
    std::string id = std::to_string(idx);
    out += "{\"id\":\"r" + id + "\",\"instruction\":\"질문 " + id + "번: 다음을 설명해 주세요\",\"input\":\"\",\"output\":\"";
    std::string answer = "답변 " + id + " ";
    while (answer.size() < bytes) answer += "내용 " + std::to_string(idx * 7 + answer.size()) + " ";
    out += answer + "\"}\n";
  }
  return out;
}

// Path -> content of every file under `root`, to show that inputs did not change.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files[entry.path().string()] = read_file(entry.path().string());
  }
  return files;
}

// The files (not directories) in `dir`: temporaries (`.NAME.dadeum-tmp.*`) or the others.
std::vector<std::string> names_in(const fs::path& dir, bool temporaries) {
  std::vector<std::string> names;
  std::error_code error;
  if (!fs::is_directory(dir, error)) return names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory()) continue;
    std::string name = entry.path().filename().string();
    if ((name.find(".dadeum-tmp.") != std::string::npos) == temporaries) names.push_back(name);
  }
  return names;
}
std::vector<std::string> final_names(const fs::path& dir) { return names_in(dir, false); }
std::vector<std::string> temporaries(const fs::path& dir) { return names_in(dir, true); }

// Runs a whole shell command (not only dadeum), like run_cli.
CommandResult run_shell(const std::string& command) {
  TempDir dir;
  std::string full = "{ " + command + " ; } >" + dir.file("out") + " 2>" + dir.file("err");
  int status = std::system(full.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(dir.file("out"));
  result.err = read_file(dir.file("err"));
  return result;
}

bool have_tool(const std::string& name) { return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0; }

// A fixture with an input directory (checked unchanged at the end) and an output directory.
class Fault : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(in_dir());
    fs::create_directories(out_dir());
    write_file(input(), make_jsonl(50));
  }
  void TearDown() override {
    if (!before_.empty()) EXPECT_EQ(snapshot(in_dir()), before_) << "an input changed";
    // Give permissions back so that TempDir can remove everything.
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
      std::error_code ignored;
      fs::permissions(entry.path(), fs::perms::owner_all, fs::perm_options::add, ignored);
    }
  }
  //! Call once the inputs are in place: TearDown compares them with this.
  void remember_inputs() { before_ = snapshot(in_dir()); }
  std::string in_dir() const { return dir_.file("in"); }
  std::string out_dir() const { return dir_.file("out"); }
  std::string input() const { return dir_.file("in/data.jsonl"); }
  std::string out(const std::string& name) const { return dir_.file("out/" + name); }

  void expect_no_outputs(const std::string& dir) {
    EXPECT_EQ(final_names(dir), std::vector<std::string>{}) << "outputs under final names in " << dir;
    EXPECT_EQ(temporaries(dir), std::vector<std::string>{}) << "temporaries left in " << dir;
  }

  TempDir dir_;
  std::map<std::string, std::string> before_;
};

// --- inputs that cannot be read --------------------------------------------------------

TEST_F(Fault, UnreadableInputIsFatalBeforeAnyOutput) {
  ASSERT_EQ(::chmod(input().c_str(), 0), 0);
  if (::access(input().c_str(), R_OK) == 0) GTEST_SKIP() << "running as root: file permissions are not enforced";
  remember_inputs();
  const std::string expected = "dadeum: cannot read " + input() + ": permission denied\n";
  for (const std::string& command : {"validate " + q(input()), "convert " + q(input()) + " -o " + q(out("c.jsonl")),
                                     "normalize " + q(input()) + " -o " + q(out("n.jsonl")),
                                     "prep " + q(input()) + " -o " + q(out("prep"))}) {
    auto result = run_cli(command);
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_EQ(result.err, expected) << command;
  }
  expect_no_outputs(out_dir());
}

TEST_F(Fault, DirectoryAsInputIsFatalBeforeAnyOutput) {
  remember_inputs();
  const std::string expected = "dadeum: cannot read " + in_dir() + ": is a directory\n";
  for (const std::string& command :
       {"validate " + q(in_dir()), "convert " + q(input()) + " " + q(in_dir()) + " -o " + q(out("c.jsonl")),
        "dedup " + q(in_dir()) + " -o " + q(out("d.jsonl")), "prep " + q(in_dir()) + " -o " + q(out("prep")),
        "split " + q(in_dir()) + " -o " + q(out("split"))}) {
    auto result = run_cli(command);
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_EQ(result.err, expected) << command;
  }
  expect_no_outputs(out_dir());
  expect_no_outputs(out("prep"));  // prep and split make OUTDIR before they open the inputs
  expect_no_outputs(out("split"));
}

// --- outputs that cannot be written --------------------------------------------------------

TEST_F(Fault, OutputUnderAFileIsFatal) {
  write_file(out("file"), "x");
  remember_inputs();
  auto convert = run_cli("convert " + q(input()) + " -o " + q(out("file/c.jsonl")));
  EXPECT_EQ(convert.exit_code, 2);
  EXPECT_EQ(convert.err, "dadeum: cannot write " + out("file/c.jsonl") + ": Not a directory\n");
  auto prep = run_cli("prep " + q(input()) + " -o " + q(out("file/prep")));
  EXPECT_EQ(prep.exit_code, 2);
  EXPECT_EQ(prep.err, "dadeum: cannot create " + out("file/prep") + ": Not a directory\n");
  auto onto_file = run_cli("prep " + q(input()) + " -o " + q(out("file")));
  EXPECT_EQ(onto_file.exit_code, 2);
  EXPECT_EQ(onto_file.err, "dadeum: " + out("file") + " is not a directory\n");
  auto rejects = run_cli("validate " + q(input()) + " --rejects " + q(out("file/r.jsonl")));
  EXPECT_EQ(rejects.exit_code, 2);
  EXPECT_EQ(rejects.err, "dadeum: cannot write " + out("file/r.jsonl") + ": Not a directory\n");
  EXPECT_EQ(read_file(out("file")), "x");
  EXPECT_EQ(final_names(out_dir()), std::vector<std::string>{"file"});
  EXPECT_EQ(temporaries(out_dir()), std::vector<std::string>{});
}

TEST_F(Fault, OutputDirectoryNotWritableIsFatal) {
  fs::create_directories(out("locked"));
  ASSERT_EQ(::chmod(out("locked").c_str(), 0555), 0);
  if (::access(out("locked").c_str(), W_OK) == 0) GTEST_SKIP() << "running as root: directory permissions are not enforced";
  remember_inputs();
  auto convert = run_cli("convert " + q(input()) + " -o " + q(out("locked/c.jsonl")));
  EXPECT_EQ(convert.exit_code, 2);
  EXPECT_EQ(convert.err, "dadeum: cannot write " + out("locked/c.jsonl") + ": Permission denied\n");
  auto prep = run_cli("prep " + q(input()) + " -o " + q(out("locked")));
  EXPECT_EQ(prep.exit_code, 2);
  EXPECT_NE(prep.err.find("dadeum: cannot write " + out("locked/")), std::string::npos) << prep.err;
  auto nested = run_cli("prep " + q(input()) + " -o " + q(out("locked/sub")));
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_EQ(nested.err.rfind("dadeum: cannot create " + out("locked/sub") + ": ", 0), 0u) << nested.err;
  expect_no_outputs(out("locked"));
}

// A small tmpfs, mounted for one test (needs CAP_SYS_ADMIN: root in this sandbox).
class Tmpfs {
 public:
  Tmpfs(const std::string& dir, const std::string& size) : dir_(dir) {
    fs::create_directories(dir);
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  std::string dir_;
  bool mounted_ = false;
};

TEST_F(Fault, DiskFullWhileWritingLeavesNoOutput) {
  write_file(input(), make_jsonl(4000, 300));  // ~1.8 MB in, far more than the 256 KiB disk
  remember_inputs();
  Tmpfs disk(out("disk"), "256k");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs CAP_SYS_ADMIN); WriteFailure covers the path";
  for (const std::string& command :
       {"convert " + q(input()) + " -o " + q(out("disk/c.jsonl")), "convert " + q(input()) + " --to messages -o " + q(out("disk/m.jsonl")),
        "normalize " + q(input()) + " -o " + q(out("disk/n.jsonl")), "dedup " + q(input()) + " -o " + q(out("disk/d.jsonl")),
        "prep " + q(input()) + " -o " + q(out("disk/prep")), "split " + q(input()) + " -o " + q(out("disk/split"))}) {
    auto result = run_cli(command + " -q");
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_NE(result.err.find(": No space left on device"), std::string::npos) << command << "\n" << result.err;
    EXPECT_EQ(result.err.rfind("dadeum: cannot write " + out("disk/"), 0), 0u) << result.err;
  }
  expect_no_outputs(out("disk"));
  expect_no_outputs(out("disk/prep"));
  expect_no_outputs(out("disk/split"));
}

// The same write failure without privileges: a file-size limit (ulimit -f, SIGXFSZ ignored)
// makes write() fail with EFBIG once an output passes 256 KiB.
TEST_F(Fault, WriteFailureLeavesNoOutput) {
  write_file(input(), make_jsonl(4000, 300));
  remember_inputs();
  for (const std::string& command : {"convert " + q(input()) + " -o " + q(out("c.jsonl")),
                                     "prep " + q(input()) + " -o " + q(out("prep"))}) {
    auto result = run_shell("trap '' XFSZ; ulimit -f 512 && " + std::string(DADEUM_CLI) + " " + command + " -q");
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_EQ(result.err.rfind("dadeum: cannot write " + out(""), 0), 0u) << result.err;
    EXPECT_NE(result.err.find(": File too large"), std::string::npos) << result.err;
  }
  expect_no_outputs(out_dir());
  expect_no_outputs(out("prep"));
}

// --- a run killed with SIGKILL ---------------------------------------------------------

// Starts dadeum with `args`, waits until a temporary appears in `watch` (writing has begun),
// then kills it with SIGKILL. Returns false when the run ended before it could be killed.
bool kill_while_writing(const std::vector<std::string>& args, const std::string& watch) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> argv{const_cast<char*>(DADEUM_CLI)};
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(DADEUM_CLI, argv.data());
    ::_exit(127);
  }
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (!temporaries(watch).empty() || std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

TEST_F(Fault, KilledRunLeavesNothingUnderAFinalName) {
  write_file(input(), make_jsonl(60000, 200));  // ~20 MB: writing takes long enough to be hit
  remember_inputs();
  // Writing the outputs takes tens of milliseconds: on a busy machine the kill can come too
  // late, so a run that finished is cleared and tried again.
  bool killed = false;
  for (int attempt = 0; attempt < 5 && !killed; ++attempt) {
    fs::remove_all(out("prep"));
    killed = kill_while_writing({"prep", input(), "-o", out("prep"), "--threads", "1", "-q"}, out("prep"));
  }
  ASSERT_TRUE(killed) << "prep finished before it could be killed, 5 times";
  EXPECT_EQ(final_names(out("prep")), std::vector<std::string>{});
  EXPECT_FALSE(temporaries(out("prep")).empty());  // what a killed run leaves: temporaries only

  ASSERT_TRUE(kill_while_writing({"convert", input(), "--to", "messages", "-o", out("c.jsonl"), "--threads", "1", "-q"},
                                 out_dir()))
      << "convert finished before it could be killed";
  EXPECT_FALSE(fs::exists(out("c.jsonl")));

  // A new run is refused into the non-empty OUTDIR without --force, and works with it.
  auto again = run_cli("prep -q " + q(input()) + " -o " + q(out("prep")));
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("is not empty (use --force"), std::string::npos) << again.err;
  auto forced = run_cli("prep -q --no-near " + q(input()) + " -o " + q(out("prep")) + " --force");
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_TRUE(fs::exists(out("prep/manifest.json")));
}

// --- damaged inputs ----------------------------------------------------------------------

TEST_F(Fault, TruncatedGzipAndZstdKeepTheGoodRecordsAndSayWhat) {
  for (const char* tool : {"gzip", "zstd", "head"}) {
    if (!have_tool(tool)) GTEST_SKIP() << tool << " is not installed";
  }
  write_file(input(), make_jsonl(3000, 200));  // ~0.8 MB: several zstd blocks, so half a stream holds records
  // Each stream cut in the middle.
  for (const std::string& make : {"gzip -c", "zstd -q -c"}) {
    std::string cut = in_dir() + (make == "gzip -c" ? "/cut.jsonl.gz" : "/cut.jsonl.zst");
    auto made = run_shell(make + " " + q(input()) + " > " + q(cut + ".full") + " && head -c $(( $(wc -c < " + q(cut + ".full") +
                          ") / 2 )) " + q(cut + ".full") + " > " + q(cut) + " && rm " + q(cut + ".full"));
    ASSERT_EQ(made.exit_code, 0) << made.err;
    ASSERT_GT(fs::file_size(cut), 1000u);
  }
  remember_inputs();
  for (const std::string name : {"cut.jsonl.gz", "cut.jsonl.zst"}) {
    const std::string path = in_dir() + "/" + name;
    const std::string kind = name.ends_with(".gz") ? "gzip" : "zstd";
    // validate: exit 1, one truncated_input reject naming the line, the good records counted.
    auto validate = run_cli("validate " + q(path) + " --json");
    EXPECT_EQ(validate.exit_code, 1) << validate.err;
    auto messages = split_lines(validate.err);
    ASSERT_EQ(messages.size(), 1u) << validate.err;
    EXPECT_EQ(messages[0].rfind("dadeum: " + path + ":", 0), 0u) << messages[0];
    EXPECT_NE(messages[0].find("truncated " + kind + " stream (unexpected end of file) [truncated_input]"), std::string::npos)
        << messages[0];
    EXPECT_NE(validate.out.find("\"rejects_by_code\":{\"truncated_input\":1}"), std::string::npos) << validate.out;

    // convert: the good records are written (exit 0) and the loss is a reject.
    const std::string converted = out(name + ".jsonl"), rejects = out(name + ".rejects.jsonl");
    auto convert = run_cli("convert " + q(path) + " -o " + q(converted) + " --rejects " + q(rejects));
    EXPECT_EQ(convert.exit_code, 0) << convert.err;
    size_t written = split_lines(read_file(converted)).size();
    EXPECT_GT(written, 10u) << name;
    EXPECT_LT(written, 3000u) << name;
    EXPECT_NE(convert.err.find("dadeum: read " + std::to_string(written + 1) + " = written " + std::to_string(written) +
                               " + dropped 0 + rejected 1"),
              std::string::npos)
        << convert.err;
    EXPECT_NE(read_file(rejects).find("\"code\":\"truncated_input\""), std::string::npos);

    // --strict: exit 1 and nothing under a final name.
    auto strict = run_cli("convert --strict -q " + q(path) + " -o " + q(out("strict.jsonl")));
    EXPECT_EQ(strict.exit_code, 1) << strict.err;
    EXPECT_FALSE(fs::exists(out("strict.jsonl")));
    auto prep = run_cli("prep --strict -q " + q(path) + " -o " + q(out("strict-prep")));
    EXPECT_EQ(prep.exit_code, 1) << prep.err;
    EXPECT_NE(prep.err.find("[truncated_input]"), std::string::npos) << prep.err;
    expect_no_outputs(out("strict-prep"));
  }
}

TEST_F(Fault, LineOverMaxLineBytesIsRejectedAndReadingGoesOn) {
  std::string big = "{\"instruction\":\"긴 줄\",\"input\":\"\",\"output\":\"" + std::string(1 << 20, 'x') + "\"}\n";
  write_file(input(), make_jsonl(3) + big + make_jsonl(2));
  remember_inputs();
  const std::string rejects = out("r.jsonl");
  auto result = run_cli("validate " + q(input()) + " --max-line-bytes 65536 --rejects " + q(rejects) + " --json");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "dadeum: " + input() + ":4: line is " + std::to_string(big.size() - 1) +
                            " bytes, over the limit of 65536 (--max-line-bytes); raw keeps its first 1024 bytes "
                            "[line_too_long]\n");
  EXPECT_NE(result.out.find("\"records\":6,\"valid\":5,\"rejected\":1"), std::string::npos) << result.out;
  auto lines = split_lines(read_file(rejects));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"line\":4"), std::string::npos);
  EXPECT_LT(lines[0].size(), 2000u);  // only the first 1024 bytes of the line are kept

  auto convert = run_cli("convert " + q(input()) + " --max-line-bytes 65536 -o " + q(out("c.jsonl")));
  EXPECT_EQ(convert.exit_code, 0);
  EXPECT_EQ(split_lines(read_file(out("c.jsonl"))).size(), 5u);
  auto strict = run_cli("prep --strict -q " + q(input()) + " --max-line-bytes 65536 -o " + q(out("prep")));
  EXPECT_EQ(strict.exit_code, 1);
  expect_no_outputs(out("prep"));
}

// 10^5 files of one record each. Their names are given by the shell's glob from inside their
// directory: 10^5 full paths would pass the kernel's 2 MiB argument limit (docs/limits.md), and
// short names with a raised stack limit (ARG_MAX is a quarter of it) stay well inside it.
TEST_F(Fault, HundredThousandTinyFiles) {
  constexpr int kFiles = 100000;
  const std::string many = dir_.file("in/many");
  fs::create_directories(many);
  for (int idx = 0; idx < kFiles; ++idx) {
    char name[32];
    std::snprintf(name, sizeof name, "/%05d.jsonl", idx);
    write_file(many + name, "{\"instruction\":\"질문 " + std::to_string(idx) + "\",\"output\":\"답 " + std::to_string(idx) + "\"}\n");
  }
  remember_inputs();
  const auto run_in_many = [&](const std::string& args) {
    return run_shell("ulimit -s 65536 2>/dev/null; cd " + q(many) + " && " + std::string(DADEUM_CLI) + " " + args);
  };
  auto validate = run_in_many("validate -q --json *.jsonl");
  EXPECT_EQ(validate.exit_code, 0) << validate.err.substr(0, 500);
  EXPECT_NE(validate.out.find("\"records\":100000,\"valid\":100000,\"rejected\":0"), std::string::npos)
      << validate.out.substr(validate.out.size() > 300 ? validate.out.size() - 300 : 0);
  auto convert = run_in_many("convert *.jsonl -o " + q(out("all.jsonl")));
  EXPECT_EQ(convert.exit_code, 0) << convert.err.substr(0, 500);
  auto lines = split_lines(read_file(out("all.jsonl")));
  ASSERT_EQ(lines.size(), static_cast<size_t>(kFiles));
  EXPECT_EQ(lines[kFiles - 1], "{\"instruction\":\"질문 99999\",\"output\":\"답 99999\"}");
  auto prep = run_in_many("prep -q *.jsonl -o " + q(out("prep")) + " --val-size 1000 --no-near");  // short texts, near alike
  EXPECT_EQ(prep.exit_code, 0) << prep.err.substr(0, 500);
  EXPECT_EQ(split_lines(read_file(out("prep/validation.jsonl"))).size(), 1000u);
  EXPECT_EQ(split_lines(read_file(out("prep/train.jsonl"))).size(), 99000u);
  // The manifest lists every input with its size and hash.
  const std::string manifest = read_file(out("prep/manifest.json"));
  EXPECT_NE(manifest.find("\"99999.jsonl\""), std::string::npos);
}

// --- an input named as an output ------------------------------------------------------

TEST_F(Fault, InputNamedAsOutputIsRefused) {
  ASSERT_EQ(::link(input().c_str(), (in_dir() + "/hardlink.jsonl").c_str()), 0);
  fs::create_directories(in_dir() + "/prev");
  write_file(in_dir() + "/prev/train.jsonl", make_jsonl(20));
  remember_inputs();
  const std::string in = q(input());
  const std::string refused = " is also an input; inputs are never overwritten\n";
  struct Case {
    std::string command, output;
  };
  const std::vector<Case> cases = {
      {"convert " + in + " -o " + in, input()},
      {"convert " + in + " -o " + q(in_dir() + "/hardlink.jsonl"), in_dir() + "/hardlink.jsonl"},
      {"convert " + in + " -o " + q(out("c.jsonl")) + " --rejects " + in, input()},
      {"normalize " + in + " -o " + in, input()},
      {"dedup " + in + " -o " + in, input()},
      {"validate " + in + " --rejects " + in, input()},
      {"prep " + q(in_dir() + "/prev/train.jsonl") + " -o " + q(in_dir() + "/prev") + " --force",
       in_dir() + "/prev/train.jsonl"},
      {"split " + q(in_dir() + "/prev/train.jsonl") + " -o " + q(in_dir() + "/prev") + " --force",
       in_dir() + "/prev/train.jsonl"},
  };
  for (const Case& c : cases) {
    auto result = run_cli(c.command);
    EXPECT_EQ(result.exit_code, 2) << c.command;
    EXPECT_EQ(result.err, "dadeum: output " + c.output + refused) << c.command;
  }
  EXPECT_EQ(temporaries(in_dir()), std::vector<std::string>{});
  EXPECT_EQ(final_names(in_dir() + "/prev"), std::vector<std::string>{"train.jsonl"});
  expect_no_outputs(out_dir());
}

}  // namespace
}  // namespace dadeum
