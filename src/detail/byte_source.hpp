// Byte streams: a file or stdin, transparently gunzipped or zstd-decompressed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "dadeum/status.hpp"

namespace dadeum::detail {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  //! Reads up to `size` bytes; 0 means the end. A corrupt or truncated stream is an error
  //! (kDataError) after every good byte before it was returned.
  virtual Result<size_t> read(char* data, size_t size) = 0;
};

//! The size and XXH3-128 of a file's own bytes (before any decompression), taken as the source
//! reads them, so that a run can give an input's hash without reading it again.
class ReadDigest {
 public:
  ReadDigest();
  ~ReadDigest();
  ReadDigest(const ReadDigest&) = delete;
  ReadDigest& operator=(const ReadDigest&) = delete;
  void add(const char* data, size_t size);
  void reached_end() { at_end_ = true; }
  bool at_end() const { return at_end_; }  //!< the file was read to its end
  uint64_t bytes() const { return bytes_; }
  std::string hex() const;  //!< XXH3-128 of the bytes so far

 private:
  struct State;
  std::unique_ptr<State> state_;
  uint64_t bytes_ = 0;
  bool at_end_ = false;
};

struct OpenedSource {
  std::unique_ptr<ByteSource> source;
  std::string compression;  //!< "none", "gzip", "zstd" (by magic bytes)
  std::shared_ptr<const ReadDigest> digest;  //!< of the file's bytes as `source` reads them
};

//! Opens `path` ("-" is stdin) and picks the decompressor by the first bytes.
Result<OpenedSource> open_byte_source(const std::string& path);

//! "gzip", "zstd" or "none" for a stream that starts with `head` (its first 4 bytes or fewer).
std::string compression_of(std::string_view head);
//! The compression of the file at `path` (a regular file: this reads its first bytes).
Result<std::string> file_compression(const std::string& path);

}  // namespace dadeum::detail
