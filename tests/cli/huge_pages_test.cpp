// The CLI restarts itself once with glibc's heap on transparent huge pages (tools/main.cpp)
// when its input files are large or when asked: the running process has the tunable in its
// environment, keeps the user's own tunables, and still reads its stdin and does its job.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "../unit/test_util.hpp"

namespace dadeum {
namespace {

using testing::read_file;
using testing::TempDir;
using testing::write_file;

bool huge_pages_offered() {
  std::ifstream mode("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  return std::getline(mode, modes) && modes.find("[never]") == std::string::npos;
}

// A running process's environment, one variable per line, and GLIBC_TUNABLES one tunable per
// line: glibc splits that variable at its ':' in place as it parses it, so it reads either way.
std::string environment_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (char& byte : all) byte = byte == '\0' || byte == ':' ? '\n' : byte;
  return all;
}

// Whether a thread of `pid` is blocked in read(0, ...) (x86-64: syscall 0, first argument 0).
bool reading_stdin(pid_t pid) {
  std::error_code ignored;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ignored)) {
    std::ifstream in(task.path() / "syscall");
    std::string line;
    if (std::getline(in, line) && line.rfind("0 0x0 ", 0) == 0) return true;
  }
  return false;
}

struct Finished {
  std::string environment;  // as seen while the process waited for its stdin
  int exit_code = -1;
  std::string out;
};

// Runs `dadeum validate -q --json [FILE] -` with GLIBC_TUNABLES and DADEUM_HUGE_PAGES set as
// given (unset when empty); once it waits for its stdin (at most 10 s), reads its environment,
// then gives it one record and waits for it to finish.
Finished validate_with_stdin(const std::string& tunables, const std::string& huge_pages, const std::string& file,
                             const TempDir& dir) {
  int pipe_fds[2];
  EXPECT_EQ(::pipe(pipe_fds), 0);
  const std::string out_path = dir.file("out.txt");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_fds[0], 0);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    for (const auto& [name, value] : {std::pair{"GLIBC_TUNABLES", tunables}, std::pair{"DADEUM_HUGE_PAGES", huge_pages}}) {
      if (value.empty()) ::unsetenv(name);
      else ::setenv(name, value.c_str(), 1);
    }
    if (file.empty()) ::execl(DADEUM_CLI, DADEUM_CLI, "validate", "-q", "--json", "-", static_cast<char*>(nullptr));
    else ::execl(DADEUM_CLI, DADEUM_CLI, "validate", "-q", "--json", file.c_str(), "-", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(pipe_fds[0]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!reading_stdin(pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  Finished finished;
  finished.environment = environment_of(pid);
  const std::string record = "{\"instruction\":\"인사말을 써 주세요\",\"input\":\"\",\"output\":\"안녕하세요.\"}\n";
  EXPECT_EQ(::write(pipe_fds[1], record.data(), record.size()), static_cast<ssize_t>(record.size()));
  ::close(pipe_fds[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  finished.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  finished.out = read_file(out_path);
  return finished;
}

bool restarted(const Finished& run) { return run.environment.find("glibc.malloc.hugetlb=1\n") != std::string::npos; }

TEST(HugePages, TheCliRestartsWithTheHeapOnHugePagesForLargeInputs) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizer builds keep their own allocator and do not restart";
#endif
  if (!huge_pages_offered()) GTEST_SKIP() << "this kernel gives no transparent huge pages";
  TempDir dir;
  // Asked for: restarted, and the record read from stdin after the restart.
  Finished forced = validate_with_stdin("", "1", "", dir);
  EXPECT_TRUE(restarted(forced)) << forced.environment;
  EXPECT_NE(forced.environment.find("\nGLIBC_TUNABLES=glibc.malloc.hugetlb=1\n"), std::string::npos) << forced.environment;
  EXPECT_EQ(forced.exit_code, 0);
  EXPECT_NE(forced.out.find("\"records\":1,\"valid\":1"), std::string::npos) << forced.out;

  // The user's own tunables stay.
  Finished kept = validate_with_stdin("glibc.malloc.tcache_count=3", "1", "", dir);
  EXPECT_TRUE(restarted(kept)) << kept.environment;
  EXPECT_NE(kept.environment.find("\nGLIBC_TUNABLES=glibc.malloc.tcache_count=3\n"), std::string::npos) << kept.environment;
  EXPECT_EQ(kept.exit_code, 0);

  // By default only when the named files hold 64 MiB or more: a small one is not enough, a
  // large one (sparse: 64 MiB of zero bytes, one over-long line, rejected) is; never with 0.
  const std::string small = dir.file("small.jsonl"), large = dir.file("large.jsonl");
  write_file(small, "{\"instruction\":\"a\",\"input\":\"\",\"output\":\"b\"}\n");
  std::filesystem::resize_file((write_file(large, ""), large), uint64_t{64} << 20);
  Finished small_run = validate_with_stdin("", "", small, dir);
  EXPECT_FALSE(restarted(small_run)) << small_run.environment;
  EXPECT_NE(small_run.out.find("\"records\":2,\"valid\":2"), std::string::npos) << small_run.out;
  Finished large_run = validate_with_stdin("", "", large, dir);
  EXPECT_TRUE(restarted(large_run)) << large_run.environment;
  EXPECT_NE(large_run.out.find("\"valid\":1"), std::string::npos) << large_run.out;
  Finished off = validate_with_stdin("", "0", large, dir);
  EXPECT_FALSE(restarted(off)) << off.environment;
}

// An @FILE list that is a pipe is read by the first start: the program must not start again
// (the second start would wait for a pipe nobody writes to any more).
TEST(HugePages, NoRestartWhenTheArgumentListIsAPipe) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizer builds do not restart";
#endif
  if (!huge_pages_offered()) GTEST_SKIP() << "this kernel gives no transparent huge pages";
  TempDir dir;
  const std::string input = dir.file("in.jsonl");
  write_file(input, "{\"instruction\":\"a\",\"input\":\"\",\"output\":\"b\"}\n");
  const std::string list = dir.file("list"), out = dir.file("out.txt");
  ASSERT_EQ(::mkfifo(list.c_str(), 0600), 0);
  const std::string command = "echo '" + input + "' >'" + list + "' & DADEUM_HUGE_PAGES=1 timeout 20 " DADEUM_CLI
                              " validate -q --json @'" + list + "' >'" + out + "'";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);  // 124: timed out, waiting for the list a second time
  const std::string report = read_file(out);
  EXPECT_NE(report.find("\"records\":1,\"valid\":1"), std::string::npos) << report;
}

}  // namespace
}  // namespace dadeum
