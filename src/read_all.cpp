#include "detail/read_all.hpp"

namespace dadeum::detail {

Status read_all(ByteSource& source, std::string& data, std::string& data_error) {
  constexpr size_t kChunk = 1 << 20;
  while (true) {
    size_t old_size = data.size();
    data.resize(old_size + kChunk);
    Result<size_t> got = source.read(data.data() + old_size, kChunk);
    if (!got.is_ok()) {
      data.resize(old_size);
      if (got.status().code() != StatusCode::kDataError) return got.status();
      data_error = got.status().message();
      return Status::ok();
    }
    data.resize(old_size + got.value());
    if (got.value() == 0) return Status::ok();
  }
}

}  // namespace dadeum::detail
