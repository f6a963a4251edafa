// Byte streams: a file or stdin, transparently gunzipped or zstd-decompressed.
#pragma once

#include <memory>
#include <string>

#include "dadeum/status.hpp"

namespace dadeum::detail {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  //! Reads up to `size` bytes; 0 means the end. A corrupt or truncated stream is an error
  //! (kDataError) after every good byte before it was returned.
  virtual Result<size_t> read(char* data, size_t size) = 0;
};

struct OpenedSource {
  std::unique_ptr<ByteSource> source;
  std::string compression;  //!< "none", "gzip", "zstd" (by magic bytes)
};

//! Opens `path` ("-" is stdin) and picks the decompressor by the first bytes.
Result<OpenedSource> open_byte_source(const std::string& path);

}  // namespace dadeum::detail
