// Shared by the fuzz targets: a failed property prints what broke and aborts, so libFuzzer
// (or the corpus replay) reports it as a crash with the input that caused it.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace dadeum::fuzz {

[[noreturn]] inline void fail(const char* target, const std::string& what) {
  std::fprintf(stderr, "%s: property violated: %s\n", target, what.c_str());
  std::fflush(stderr);
  std::abort();
}

inline std::string hex(std::string_view bytes, size_t limit = 256) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t idx = 0; idx < bytes.size() && idx < limit; ++idx) {
    auto c = static_cast<unsigned char>(bytes[idx]);
    out += digits[c >> 4];
    out += digits[c & 15];
    out += ' ';
  }
  if (bytes.size() > limit) out += "...";
  return out;
}

}  // namespace dadeum::fuzz
