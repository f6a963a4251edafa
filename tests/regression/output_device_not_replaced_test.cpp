// Regression (found when the TSan step's apt-get failed with "cannot create /dev/null:
// Permission denied"): outputs are written to a temporary and renamed over their final name,
// and so was an output that is a device or a pipe. The CLI tests write `-o /dev/null`; run as
// root, that replaced /dev/null with a regular file, which broke every later program on the
// machine that wrote to it. AtomicFile now writes such a path in place. Here: a named pipe (no
// privileges needed) and, where mknod is allowed, a null device in the test's own directory.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "../unit/test_util.hpp"
#include "dadeum/writer.hpp"

namespace dadeum {
namespace {

TEST(OutputDevice, NamedPipeIsWrittenInPlace) {
  testing::TempDir dir;
  const std::string pipe = dir.file("pipe");
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  // The read end is open first (without blocking), so the writer's open does not wait, and the
  // few bytes fit in the pipe's buffer: no thread, and no hang if the pipe is not written.
  const int read_end = ::open(pipe.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(read_end, 0);
  auto file = AtomicFile::create(pipe);
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  file.value().hash_contents();
  ASSERT_TRUE(file.value().write("{\"a\":1}\n").is_ok());
  ASSERT_TRUE(file.value().commit().is_ok());
  char received[64] = {};
  const ssize_t got = ::read(read_end, received, sizeof received);
  ::close(read_end);
  EXPECT_EQ(std::string(received, got > 0 ? static_cast<size_t>(got) : 0), "{\"a\":1}\n");
  struct stat info {};
  ASSERT_EQ(::stat(pipe.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode)) << "the pipe was replaced";
  EXPECT_EQ(file.value().bytes_written(), 8u);
  EXPECT_FALSE(file.value().content_hash().empty());
}

TEST(OutputDevice, NullDeviceStaysADevice) {
  testing::TempDir dir;
  const std::string null = dir.file("null");
  if (::mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) GTEST_SKIP() << "mknod needs CAP_MKNOD";
  for (int run = 0; run < 2; ++run) {
    auto file = AtomicFile::create(null);
    ASSERT_TRUE(file.is_ok()) << file.status().message();
    ASSERT_TRUE(file.value().write(std::string(3 << 20, 'x')).is_ok());
    ASSERT_TRUE(file.value().commit().is_ok());
  }
  struct stat info {};
  ASSERT_EQ(::stat(null.c_str(), &info), 0);
  EXPECT_TRUE(S_ISCHR(info.st_mode)) << "the device was replaced";
}

}  // namespace
}  // namespace dadeum
