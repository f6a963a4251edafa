#include "detail/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>
#include <fstream>

#include "dadeum/dedup_engine.hpp"  // to_hex

namespace dadeum::detail {

struct ReadDigest::State {
  XXH3_state_t* xxh3 = XXH3_createState();
  ~State() { XXH3_freeState(xxh3); }
};

ReadDigest::ReadDigest() : state_(std::make_unique<State>()) { XXH3_128bits_reset(state_->xxh3); }
ReadDigest::~ReadDigest() = default;

void ReadDigest::add(const char* data, size_t size) {
  XXH3_128bits_update(state_->xxh3, data, size);
  bytes_ += size;
}

std::string ReadDigest::hex() const {
  XXH128_hash_t digest = XXH3_128bits_digest(state_->xxh3);
  return to_hex(Hash128{digest.low64, digest.high64});
}

namespace {

std::string errno_text() { return std::strerror(errno); }

//! A file descriptor with a few bytes pushed back (the sniffed magic bytes). Every byte read
//! from the descriptor goes into `digest` (pushed-back bytes went in when first read).
class FdSource final : public ByteSource {
 public:
  FdSource(int fd, bool owned, std::shared_ptr<ReadDigest> digest) : fd_(fd), owned_(owned), digest_(std::move(digest)) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  void unread(std::string bytes) { pushed_back_ = std::move(bytes); }

  Result<size_t> read(char* data, size_t size) override {
    if (!pushed_back_.empty()) {
      size_t n = std::min(size, pushed_back_.size());
      std::memcpy(data, pushed_back_.data(), n);
      pushed_back_.erase(0, n);
      return n;
    }
    while (true) {
      ssize_t n = ::read(fd_, data, size);
      if (n > 0) digest_->add(data, static_cast<size_t>(n));
      if (n == 0 && size > 0) digest_->reached_end();
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      return io_error("read failed: " + errno_text());
    }
  }

 private:
  int fd_;
  bool owned_;
  std::shared_ptr<ReadDigest> digest_;
  std::string pushed_back_;
};

constexpr size_t kCompressedChunk = 1 << 18;

class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> inner) : inner_(std::move(inner)) {
    std::memset(&stream_, 0, sizeof stream_);
    ok_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK;  // 16: gzip wrapper
    input_.resize(kCompressedChunk);
  }
  ~GzipSource() override { inflateEnd(&stream_); }

  Result<size_t> read(char* data, size_t size) override {
    if (!ok_) return data_error("cannot initialise gzip decoder");
    if (finished_) return size_t{0};
    stream_.next_out = reinterpret_cast<Bytef*>(data);
    stream_.avail_out = static_cast<uInt>(size);
    while (stream_.avail_out == size) {
      if (stream_.avail_in == 0) {
        Result<size_t> got = inner_->read(input_.data(), input_.size());
        if (!got.is_ok()) return got.status();
        if (got.value() == 0) {
          if (member_started_) return data_error("truncated gzip stream (unexpected end of file)");
          finished_ = true;
          return size_t{0};
        }
        stream_.next_in = reinterpret_cast<Bytef*>(input_.data());
        stream_.avail_in = static_cast<uInt>(got.value());
      }
      member_started_ = true;
      int rc = inflate(&stream_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_started_ = false;  // concatenated members are allowed: start the next one
        inflateReset(&stream_);
        continue;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return data_error(std::string("corrupt gzip stream: ") + (stream_.msg ? stream_.msg : "error"));
      }
    }
    return size - stream_.avail_out;
  }

 private:
  std::unique_ptr<ByteSource> inner_;
  z_stream stream_;
  std::vector<char> input_;
  bool ok_ = false;
  bool finished_ = false;
  bool member_started_ = false;
};

class ZstdSource final : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> inner)
      : inner_(std::move(inner)), stream_(ZSTD_createDStream()) {
    input_.resize(ZSTD_DStreamInSize());
    in_ = {input_.data(), 0, 0};
  }
  ~ZstdSource() override { ZSTD_freeDStream(stream_); }

  Result<size_t> read(char* data, size_t size) override {
    if (stream_ == nullptr) return data_error("cannot initialise zstd decoder");
    ZSTD_outBuffer out{data, size, 0};
    while (out.pos == 0) {
      if (in_.pos == in_.size) {
        Result<size_t> got = inner_->read(input_.data(), input_.size());
        if (!got.is_ok()) return got.status();
        if (got.value() == 0) {
          if (frame_open_) return data_error("truncated zstd stream (unexpected end of file)");
          return size_t{0};
        }
        in_ = {input_.data(), got.value(), 0};
      }
      size_t rc = ZSTD_decompressStream(stream_, &out, &in_);
      if (ZSTD_isError(rc)) {
        return data_error(std::string("corrupt zstd stream: ") + ZSTD_getErrorName(rc));
      }
      frame_open_ = rc != 0;  // 0: a frame is complete
    }
    return out.pos;
  }

 private:
  std::unique_ptr<ByteSource> inner_;
  ZSTD_DStream* stream_;
  std::vector<char> input_;
  ZSTD_inBuffer in_;
  bool frame_open_ = false;
};

}  // namespace

Result<OpenedSource> open_byte_source(const std::string& path) {
  int fd = 0;
  bool owned = false;
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      StatusCode code = errno == ENOENT ? StatusCode::kNotFound : StatusCode::kIoError;
      return Status(code, "cannot open " + path + ": " + errno_text());
    }
    owned = true;
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
      ::close(fd);
      return io_error("cannot read " + path + ": is a directory");
    }
  }
  auto digest = std::make_shared<ReadDigest>();
  auto raw = std::make_unique<FdSource>(fd, owned, digest);

  // Sniff the magic bytes (gzip 1f 8b, zstd 28 b5 2f fd), then give them back.
  std::string magic(4, '\0');
  size_t have = 0;
  while (have < magic.size()) {
    Result<size_t> got = raw->read(magic.data() + have, magic.size() - have);
    if (!got.is_ok()) return got.status();
    if (got.value() == 0) break;
    have += got.value();
  }
  magic.resize(have);
  raw->unread(magic);

  OpenedSource opened;
  opened.digest = digest;
  opened.compression = compression_of(magic);
  if (opened.compression == "gzip") {
    opened.source = std::make_unique<GzipSource>(std::move(raw));
  } else if (opened.compression == "zstd") {
    opened.source = std::make_unique<ZstdSource>(std::move(raw));
  } else {
    opened.source = std::move(raw);
  }
  return opened;
}

std::string compression_of(std::string_view head) {
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b) {
    return "gzip";
  }
  if (head.size() >= 4 && head.substr(0, 4) == std::string_view("\x28\xb5\x2f\xfd", 4)) return "zstd";
  return "none";
}

Result<std::string> file_compression(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot read " + path);
  char head[4] = {};
  in.read(head, sizeof head);
  return compression_of(std::string_view(head, static_cast<size_t>(in.gcount())));
}

}  // namespace dadeum::detail
