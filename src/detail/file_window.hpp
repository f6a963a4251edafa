// A window over a file read front to back: fetch() returns the bytes at an offset, reading
// ahead in large blocks, so that callers asking for many small ranges in increasing order
// (the records of a spill or of an input read again) cost few system calls.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "dadeum/status.hpp"

namespace dadeum::detail {

class FileWindow {
 public:
  //! `fd` stays owned by the caller; `name` is for messages.
  FileWindow(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}

  //! The `length` bytes at `offset`, followed by the next byte of the file when there is one
  //! (`bytes` then has length + 1 characters). Offsets must not go back before an earlier one.
  //! A file that ends before offset + length is an error.
  Status fetch(uint64_t offset, uint64_t length, std::string_view& bytes) {
    if (offset < start_) return Status(StatusCode::kInternal, "read of " + name_ + " went back");
    if (offset + length + 1 > start_ + filled_) {
      // Keep what is still needed at the front, then read on.
      const size_t keep = offset < start_ + filled_ ? static_cast<size_t>(start_ + filled_ - offset) : 0;
      std::memmove(buffer_.data(), buffer_.data() + (filled_ - keep), keep);
      start_ = offset;
      filled_ = keep;
      if (buffer_.size() < length + 1) buffer_.resize(std::max<size_t>(length + 1, 2 * buffer_.size()));
      while (filled_ < buffer_.size()) {
        ssize_t got = ::pread(fd_, buffer_.data() + filled_, buffer_.size() - filled_, static_cast<off_t>(start_ + filled_));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return io_error("cannot read " + name_ + " again: " + std::strerror(errno));
        if (got == 0) break;
        filled_ += static_cast<size_t>(got);
      }
    }
    if (offset + length > start_ + filled_) return io_error(name_ + " is shorter than when it was first read (changed during the run?)");
    const size_t at = static_cast<size_t>(offset - start_);
    bytes = std::string_view(buffer_.data() + at, std::min<size_t>(length + 1, filled_ - at));
    return Status::ok();
  }

 private:
  int fd_;
  std::string name_;
  std::vector<char> buffer_ = std::vector<char>(8 << 20);
  uint64_t start_ = 0;  // file offset of buffer_[0]
  size_t filled_ = 0;
};

}  // namespace dadeum::detail
