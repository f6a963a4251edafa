// scan_text() without its 16-byte blocks: every code point through the one-by-one path. The
// tests compare the two on random texts.
#pragma once

#include <string_view>

#include "dadeum/stats.hpp"

namespace dadeum {

TextScan scan_text_by_code_point(std::string_view utf8);

}  // namespace dadeum
