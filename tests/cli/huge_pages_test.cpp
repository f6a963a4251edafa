// The CLI restarts itself once with glibc's heap on transparent huge pages (tools/main.cpp):
// the running process has the tunable in its environment, keeps the user's own tunables, and
// still reads its stdin and does its job after the restart.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
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

struct Finished {
  std::string environment;  // as seen while the process waited for its stdin
  int exit_code = -1;
  std::string out;
};

// Starts `dadeum validate -q -` with GLIBC_TUNABLES set to `tunables` (unset when empty),
// waits (up to 10 s) until its environment holds the huge-page tunable, then gives it one
// record on stdin and waits for it to finish.
Finished validate_from_stdin(const std::string& tunables, const TempDir& dir) {
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
    if (tunables.empty()) ::unsetenv("GLIBC_TUNABLES");
    else ::setenv("GLIBC_TUNABLES", tunables.c_str(), 1);
    ::unsetenv("DADEUM_HUGE_PAGES");
    ::execl(DADEUM_CLI, DADEUM_CLI, "validate", "-q", "--json", "-", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(pipe_fds[0]);
  Finished finished;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    finished.environment = environment_of(pid);
    if (finished.environment.find("glibc.malloc.hugetlb=1\n") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::string record = "{\"instruction\":\"인사말을 써 주세요\",\"input\":\"\",\"output\":\"안녕하세요.\"}\n";
  EXPECT_EQ(::write(pipe_fds[1], record.data(), record.size()), static_cast<ssize_t>(record.size()));
  ::close(pipe_fds[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  finished.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  finished.out = read_file(out_path);
  return finished;
}

TEST(HugePages, TheCliRestartsWithTheHeapOnHugePages) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizer builds keep their own allocator and do not restart";
#endif
  if (!huge_pages_offered()) GTEST_SKIP() << "this kernel gives no transparent huge pages";
  TempDir dir;
  Finished plain = validate_from_stdin("", dir);
  EXPECT_NE(plain.environment.find("\nGLIBC_TUNABLES=glibc.malloc.hugetlb=1\n"), std::string::npos) << plain.environment;
  EXPECT_EQ(plain.exit_code, 0);
  EXPECT_NE(plain.out.find("\"records\":1,\"valid\":1"), std::string::npos) << plain.out;

  Finished kept = validate_from_stdin("glibc.malloc.tcache_count=3", dir);  // the user's own stays
  EXPECT_NE(kept.environment.find("\nGLIBC_TUNABLES=glibc.malloc.tcache_count=3\n"), std::string::npos) << kept.environment;
  EXPECT_NE(kept.environment.find("glibc.malloc.hugetlb=1\n"), std::string::npos) << kept.environment;
  EXPECT_EQ(kept.exit_code, 0);
  EXPECT_NE(kept.out.find("\"records\":1,\"valid\":1"), std::string::npos) << kept.out;
}

}  // namespace
}  // namespace dadeum
