#pragma once

#include <string>

#include "detail/byte_source.hpp"

namespace dadeum::detail {

//! Appends the rest of `source` to `data`. A data error (truncated or corrupt compression)
//! is not returned but left in `data_error` after the good bytes, so callers can report it
//! as a reject.
Status read_all(ByteSource& source, std::string& data, std::string& data_error);

}  // namespace dadeum::detail
