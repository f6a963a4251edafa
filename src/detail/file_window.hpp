// A window over a file read front to back: fetch() returns the bytes at an offset, reading
// ahead in large blocks, so that callers asking for many small ranges in increasing order
// (the records of a spill or of an input read again) cost few system calls.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "dadeum/status.hpp"

namespace dadeum::detail {

// Reads up to `length` bytes at `offset` of `fd` into `into`, through short reads and EINTR;
// fewer only at the end of the file. The count read, or -1 with errno set.
inline ssize_t pread_full(int fd, char* into, size_t length, uint64_t offset) {
  size_t filled = 0;
  while (filled < length) {
    ssize_t got = ::pread(fd, into + filled, length - filled, static_cast<off_t>(offset + filled));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return -1;
    if (got == 0) break;
    filled += static_cast<size_t>(got);
  }
  return static_cast<ssize_t>(filled);
}

class FileWindow {
 public:
  //! `fd` stays owned by the caller; `name` is for messages.
  FileWindow(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}

  //! Moves on to another file, keeping the buffer (a run over 10^5 small inputs allocates it once).
  void reset(int fd, std::string name) {
    fd_ = fd;
    name_ = std::move(name);
    start_ = 0;
    filled_ = 0;
  }

  //! The `length` bytes at `offset`, followed by the next byte of the file when there is one
  //! (`bytes` then has length + 1 characters). Offsets must not go back before an earlier one.
  //! A file that ends before offset + length is an error.
  Status fetch(uint64_t offset, uint64_t length, std::string_view& bytes) {
    if (offset < start_) return Status(StatusCode::kInternal, "read of " + name_ + " went back");
    if (offset + length + 1 > start_ + filled_) {
      // Keep what is still needed at the front, then read on.
      const size_t keep = offset < start_ + filled_ ? static_cast<size_t>(start_ + filled_ - offset) : 0;
      if (capacity_ < length + 1) {
        // Not zero-filled: only the bytes read are ever looked at.
        const size_t capacity = std::max<size_t>({length + 1, 2 * capacity_, kInitialBytes});
        auto larger = std::make_unique_for_overwrite<char[]>(capacity);
        if (keep > 0) std::memcpy(larger.get(), buffer_.get() + (filled_ - keep), keep);
        buffer_ = std::move(larger);
        capacity_ = capacity;
      } else if (keep > 0) {
        std::memmove(buffer_.get(), buffer_.get() + (filled_ - keep), keep);
      }
      start_ = offset;
      filled_ = keep;
      const ssize_t got = pread_full(fd_, buffer_.get() + filled_, capacity_ - filled_, start_ + filled_);
      if (got < 0) return io_error("cannot read " + name_ + " again: " + std::strerror(errno));
      filled_ += static_cast<size_t>(got);
    }
    if (offset + length > start_ + filled_) return io_error(name_ + " is shorter than when it was first read (changed during the run?)");
    const size_t at = static_cast<size_t>(offset - start_);
    bytes = std::string_view(buffer_.get() + at, std::min<size_t>(length + 1, filled_ - at));
    return Status::ok();
  }

 private:
  // 1 MiB: the spill of a plain JSONL input is a few tens of bytes per record, and a larger
  // window only faults in more fresh pages (8 MiB cost 2,000 faults in prep's verification).
  static constexpr size_t kInitialBytes = 1 << 20;
  int fd_;
  std::string name_;
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  uint64_t start_ = 0;  // file offset of buffer_[0]
  size_t filled_ = 0;
};

}  // namespace dadeum::detail
