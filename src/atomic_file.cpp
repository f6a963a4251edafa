// Outputs appear under their final name only when complete: written to a temporary in the
// same directory, then renamed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

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

struct AtomicFile::Hasher {
  XXH3_state_t* state = XXH3_createState();
  Hasher() { XXH3_128bits_reset(state); }
  ~Hasher() { XXH3_freeState(state); }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
};

void AtomicFile::hash_contents() { hasher_ = std::make_shared<Hasher>(); }

std::string AtomicFile::content_hash() const {
  if (!hasher_) return "";
  XXH128_hash_t digest = XXH3_128bits_digest(hasher_->state);
  return to_hex(Hash128{digest.low64, digest.high64});
}

Result<AtomicFile> AtomicFile::create(const std::string& path) {
  AtomicFile file;
  file.path_ = path;
  if (path == "-" || path.empty()) {
    file.is_stdout_ = true;
    file.file_ = stdout;
    return file;
  }
  file.temp_path_ = temp_name_for(path);
  file.file_ = std::fopen(file.temp_path_.c_str(), "wbx");
  if (file.file_ == nullptr) return io_error("cannot write " + path + ": " + std::strerror(errno));
  std::setvbuf(file.file_, nullptr, _IOFBF, 1 << 20);
  return file;
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept { *this = std::move(other); }

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    discard();
    path_ = std::move(other.path_);
    temp_path_ = std::move(other.temp_path_);
    file_ = other.file_;
    is_stdout_ = other.is_stdout_;
    closed_ = other.closed_;
    bytes_ = other.bytes_;
    hasher_ = std::move(other.hasher_);
    other.file_ = nullptr;
    other.temp_path_.clear();
  }
  return *this;
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::discard() {
  if (file_ != nullptr && !is_stdout_) std::fclose(file_);
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  file_ = nullptr;
  temp_path_.clear();
}

Status AtomicFile::write(std::string_view bytes) {
  if (file_ == nullptr) return io_error("write to a closed output " + path_);
  if (bytes.empty()) return Status::ok();
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return io_error("cannot write " + (is_stdout_ ? std::string("stdout") : path_) + ": " + std::strerror(errno));
  }
  bytes_ += bytes.size();
  if (hasher_) XXH3_128bits_update(hasher_->state, bytes.data(), bytes.size());
  return Status::ok();
}

Status AtomicFile::commit() {
  DADEUM_RETURN_IF_ERROR(close());
  return publish();
}

Status AtomicFile::close() {
  if (file_ == nullptr) return is_stdout_ || closed_ ? Status::ok() : io_error("output " + path_ + " was already closed");
  if (is_stdout_) {
    file_ = nullptr;
    if (std::fflush(stdout) != 0) return io_error(std::string("cannot write stdout: ") + std::strerror(errno));
    return Status::ok();
  }
  // No fsync: the rename guarantees that no partial file ever has the final name; syncing
  // gigabytes to disk would only guard against power loss, at a large cost.
  bool failed = std::fflush(file_) != 0 || std::ferror(file_) != 0;
  int saved = errno;
  failed = (std::fclose(file_) != 0) || failed;
  file_ = nullptr;
  closed_ = true;
  if (failed) {
    discard();
    return io_error("cannot write " + path_ + ": " + std::strerror(saved ? saved : errno));
  }
  return Status::ok();
}

Status AtomicFile::publish() {
  if (is_stdout_) return Status::ok();
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
