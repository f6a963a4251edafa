// Shingle enumeration shared by the MinHash code and its benchmark: finds the
// code-point n-grams of a UTF-8 text and hashes each one once with XXH3-64.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

// The n-grams are short (5 Hangul syllables = 15 bytes), so a call into
// libxxhash would cost about as much as the hash itself: use the header-only
// inline build. It computes the same values as the library.
#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

namespace dadeum::detail {

// XXH3-64 of one shingle: the same value as XXH3_64bits_withSeed, but a shingle of up to 16
// bytes (5 Hangul syllables are 15) goes straight to xxHash's short-input routine. The entry
// point was not inlined, and its call and length dispatch cost a quarter of the hashing.
// xxHash 0.8's header names this routine; MinHashShingles.ShortShingleHashIsXxh3 pins the
// equality.
inline uint64_t shingle_hash(const char* data, size_t length, uint64_t seed) {
  if (length <= 16) return XXH3_len_0to16_64b(reinterpret_cast<const xxh_u8*>(data), length, XXH3_kSecret, seed);
  return XXH3_64bits_withSeed(data, length, seed);
}

inline bool is_utf8_continuation(char byte) {
  return (static_cast<unsigned char>(byte) & 0xc0) == 0x80;
}

// Byte offset of every code point of `text`, then text.size(): code point k
// is [starts[k], starts[k + 1]). Returns the number of code points; `starts`
// only grows (shrinking it would make the next, longer text pay for zeroing the
// regrown part: that was a third of the cost of a signature). A code point is a
// non-continuation byte plus the continuation bytes after it (a leading stray
// continuation byte joins the first code point), so invalid UTF-8 still splits
// into well-defined pieces. Branch-free on purpose: Korean text mixes 1-byte
// spaces with 3-byte syllables, and a loop that branched on the byte
// mispredicted at every space (this made hashing 35% slower).
inline size_t code_point_starts(std::string_view text, std::vector<size_t>& starts) {
  if (starts.size() < text.size() + 1) starts.resize(text.size() + 1);
  size_t* out = starts.data();
  size_t count = 1;
  out[0] = 0;
  for (size_t pos = 1; pos < text.size(); ++pos) {
    out[count] = pos;
    count += is_utf8_continuation(text[pos]) ? 0 : 1;
  }
  if (text.empty()) count = 0;
  out[count] = text.size();
  return count;
}

// Calls on_hash(uint64_t) for every n-gram of code points, in text order
// (duplicates included). A text shorter than n code points is one shingle; an
// empty text has none. ngram 0 counts as 1. `starts` is scratch space, passed
// in so that a caller looping over records reuses one allocation.
template <typename OnHash>
void for_each_shingle_hash(std::string_view text, uint32_t ngram, uint64_t seed,
                           std::vector<size_t>& starts, OnHash&& on_hash) {
  if (text.empty()) return;
  if (ngram == 0) ngram = 1;
  const size_t code_points = code_point_starts(text, starts);
  if (code_points <= ngram) {
    on_hash(shingle_hash(text.data(), text.size(), seed));
    return;
  }
  for (size_t first = 0; first + ngram <= code_points; ++first) {
    size_t begin = starts[first];
    size_t end = starts[first + ngram];
    on_hash(shingle_hash(text.data() + begin, end - begin, seed));
  }
}

}  // namespace dadeum::detail
