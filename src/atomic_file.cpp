// Outputs appear under their final name only when complete: written to a temporary in the
// same directory, then renamed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include <tbb/task_group.h>
#include <xxhash.h>

#include "dadeum/dedup_engine.hpp"
#include "dadeum/writer.hpp"

namespace dadeum {
namespace {

std::string temp_name_for(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  return dir + "." + base + ".dadeum-tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
}

}  // namespace

// The buffer being filled, the one being written, and the task writing it: at most one write
// is in flight, so the bytes reach the file in order and the hash sees them in order.
struct AtomicFile::Writer {
  static constexpr size_t kChunk = 1 << 20;
  int fd = -1;               // -1: stdout, written at once through stdio
  std::string name;          // for messages
  std::string buffer;        // filled by write()
  std::string in_flight;     // owned by the task until task.wait() returns
  tbb::task_group task;
  Status failed;             // the task's result; read only after task.wait()
  XXH3_state_t* hash = nullptr;

  ~Writer() {
    task.wait();
    if (hash != nullptr) XXH3_freeState(hash);
  }
  // Writes all of `bytes` to fd, then hashes them.
  Status write_out(std::string_view bytes) {
    const char* data = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
      ssize_t done = ::write(fd, data, std::min(left, kChunk));  // see write()
      if (done < 0 && errno == EINTR) continue;
      if (done <= 0) return io_error("cannot write " + name + ": " + std::strerror(done < 0 ? errno : ENOSPC));
      data += done;
      left -= static_cast<size_t>(done);
    }
    if (hash != nullptr) XXH3_128bits_update(hash, bytes.data(), bytes.size());
    return Status::ok();
  }
};

void AtomicFile::hash_contents() {
  if (writer_ == nullptr || writer_->hash != nullptr) return;
  writer_->hash = XXH3_createState();
  XXH3_128bits_reset(writer_->hash);
}

std::string AtomicFile::content_hash() const { return content_hash_; }

Result<AtomicFile> AtomicFile::create(const std::string& path) {
  AtomicFile file;
  file.path_ = path;
  file.writer_ = std::make_unique<Writer>();
  if (path == "-" || path.empty()) {
    file.is_stdout_ = true;
    file.writer_->name = "stdout";
    return file;
  }
  file.writer_->name = path;
  struct stat target {};
  if (::stat(path.c_str(), &target) == 0 && !S_ISREG(target.st_mode) && !S_ISDIR(target.st_mode)) {
    file.is_direct_ = true;  // a device or a pipe: written as it is, never renamed over
    file.writer_->fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (file.writer_->fd < 0) return io_error("cannot write " + path + ": " + std::strerror(errno));
    file.writer_->buffer.reserve(Writer::kChunk);
    return file;
  }
  file.temp_path_ = temp_name_for(path);
  file.writer_->fd = ::open(file.temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (file.writer_->fd < 0) {
    file.temp_path_.clear();
    return io_error("cannot write " + path + ": " + std::strerror(errno));
  }
  file.writer_->buffer.reserve(Writer::kChunk);
  return file;
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept { *this = std::move(other); }

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    discard();
    path_ = std::move(other.path_);
    temp_path_ = std::move(other.temp_path_);
    is_stdout_ = other.is_stdout_;
    is_direct_ = other.is_direct_;
    closed_ = other.closed_;
    bytes_ = other.bytes_;
    content_hash_ = std::move(other.content_hash_);
    writer_ = std::move(other.writer_);
    other.temp_path_.clear();
  }
  return *this;
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::discard() {
  if (writer_ != nullptr) {
    writer_->task.wait();
    if (writer_->fd >= 0) ::close(writer_->fd);
    writer_.reset();
  }
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
}

Status AtomicFile::hand_over() {
  Writer& writer = *writer_;
  writer.task.wait();
  DADEUM_RETURN_IF_ERROR(writer.failed);
  writer.in_flight.swap(writer.buffer);
  writer.buffer.clear();
  writer.task.run([&writer] { writer.failed = writer.write_out(writer.in_flight); });
  return Status::ok();
}

Status AtomicFile::write(std::string_view bytes) {
  if (writer_ == nullptr) return io_error("write to a closed output " + path_);
  if (bytes.empty()) return Status::ok();
  bytes_ += bytes.size();
  if (is_stdout_) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size()) {
      return io_error(std::string("cannot write stdout: ") + std::strerror(errno));
    }
    if (writer_->hash != nullptr) XXH3_128bits_update(writer_->hash, bytes.data(), bytes.size());
    return Status::ok();
  }
  // Whole buffers of kChunk bytes, however large the pieces: a larger write() costs more per
  // byte (measured: prep's system time doubled when its writes grew to 3 MB).
  while (!bytes.empty()) {
    const size_t take = std::min(bytes.size(), Writer::kChunk - writer_->buffer.size());
    writer_->buffer.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (writer_->buffer.size() == Writer::kChunk) DADEUM_RETURN_IF_ERROR(hand_over());
  }
  return Status::ok();
}

Status AtomicFile::write_through(std::string_view bytes) {
  if (writer_ == nullptr) return io_error("write to a closed output " + path_);
  if (is_stdout_ || bytes.size() < Writer::kChunk / 4) return write(bytes);
  if (!writer_->buffer.empty()) DADEUM_RETURN_IF_ERROR(hand_over());
  writer_->task.wait();
  DADEUM_RETURN_IF_ERROR(writer_->failed);
  bytes_ += bytes.size();
  writer_->failed = writer_->write_out(bytes);
  return writer_->failed;
}

Status AtomicFile::commit() {
  DADEUM_RETURN_IF_ERROR(close());
  return publish();
}

Status AtomicFile::close() {
  if (writer_ == nullptr) return is_stdout_ || closed_ ? Status::ok() : io_error("output " + path_ + " was already closed");
  Status status;
  if (is_stdout_) {
    if (std::fflush(stdout) != 0) status = io_error(std::string("cannot write stdout: ") + std::strerror(errno));
  } else {
    if (!writer_->buffer.empty()) status = hand_over();
    writer_->task.wait();
    if (status.is_ok()) status = writer_->failed;
    // No fsync: the rename guarantees that no partial file ever has the final name; syncing
    // gigabytes to disk would only guard against power loss, at a large cost.
    const int fd = writer_->fd;
    writer_->fd = -1;
    if (::close(fd) != 0 && status.is_ok()) status = io_error("cannot write " + path_ + ": " + std::strerror(errno));
  }
  if (writer_->hash != nullptr) {
    XXH128_hash_t digest = XXH3_128bits_digest(writer_->hash);
    content_hash_ = to_hex(Hash128{digest.low64, digest.high64});
  }
  writer_.reset();
  closed_ = true;
  if (!status.is_ok()) discard();
  return status;
}

Status AtomicFile::publish() {
  if (is_stdout_) return Status::ok();
  if (is_direct_) return closed_ ? Status::ok() : io_error("output " + path_ + " is not complete");
  if (!closed_ || temp_path_.empty()) return io_error("output " + path_ + " is not complete");
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    int error = errno;
    discard();
    return io_error("cannot rename output to " + path_ + ": " + std::strerror(error));
  }
  temp_path_.clear();
  return Status::ok();
}

Status check_not_an_input(const std::string& output, const std::vector<std::string>& inputs) {
  if (output.empty() || output == "-") return Status::ok();
  struct stat out_stat {};
  if (::stat(output.c_str(), &out_stat) != 0) return Status::ok();  // does not exist yet
  for (const std::string& input : inputs) {
    struct stat in_stat {};
    if (input != "-" && ::stat(input.c_str(), &in_stat) == 0 && in_stat.st_dev == out_stat.st_dev &&
        in_stat.st_ino == out_stat.st_ino) {
      return invalid_argument("output " + output + " is also an input; inputs are never overwritten");
    }
  }
  return Status::ok();
}

}  // namespace dadeum
