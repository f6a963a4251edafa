// Shingle enumeration shared by the MinHash code and its benchmark: finds the
// code-point n-grams of a UTF-8 text and hashes each one once with XXH3-64.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

// The n-grams are short (5 Hangul syllables = 15 bytes), so a call into
// libxxhash would cost about as much as the hash itself: use the header-only
// inline build. It computes the same values as the library.
#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dadeum::detail {

// XXH3-64 of one shingle: the same value as XXH3_64bits_withSeed, but a shingle of up to 16
// bytes (5 Hangul syllables are 15) goes straight to xxHash's short-input routine. The entry
// point was not inlined, and its call and length dispatch cost a quarter of the hashing.
// xxHash 0.8's header names this routine; MinHashShingles.ShortShingleHashIsXxh3 pins the
// equality. Always inlined: left to itself GCC kept it out of line, and since an inline
// function of a shared library can be interposed, every shingle went through the PLT, and the
// shingle loops spilled their registers around the call.
[[gnu::always_inline]] inline uint64_t shingle_hash(const char* data, size_t length, uint64_t seed) {
  if (length <= 16) return XXH3_len_0to16_64b(reinterpret_cast<const xxh_u8*>(data), length, XXH3_kSecret, seed);
  return XXH3_64bits_withSeed(data, length, seed);
}

inline bool is_utf8_continuation(char byte) {
  return (static_cast<unsigned char>(byte) & 0xc0) == 0x80;
}

// Bit k is set when byte k of the 64 at `bytes` starts a code point: it is not a UTF-8
// continuation byte (0x80-0xbf). Invalid UTF-8 still splits into well-defined pieces: a code
// point is a non-continuation byte plus the continuation bytes after it.
inline uint64_t code_point_start_bits(const char* bytes) {
#if defined(__SSE2__)
  // As signed bytes the continuation bytes are -128..-65: exactly those below -64.
  const __m128i below = _mm_set1_epi8(-64);
  uint64_t continuation = 0;
  for (int part = 0; part < 4; ++part) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 16 * part));
    continuation |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmplt_epi8(chunk, below))))
                    << (16 * part);
  }
  return ~continuation;
#else
  uint64_t bits = 0;
  for (int pos = 0; pos < 64; ++pos) bits |= static_cast<uint64_t>(!is_utf8_continuation(bytes[pos])) << pos;
  return bits;
#endif
}

// Walks the code points of `text` 64 bytes at a time (a bit mask of the bytes that start one),
// calling start_at(offset) for each code point's start in order. The first byte starts the first
// code point even when it is a stray continuation byte.
template <typename StartAt>
void for_each_code_point_start(std::string_view text, StartAt&& start_at) {
  const char* data = text.data();
  auto walk = [&](uint64_t bits, size_t block) {
    while (bits != 0) {
      start_at(block + static_cast<size_t>(__builtin_ctzll(bits)));
      bits &= bits - 1;
    }
  };
  size_t block = 0;
  for (; block + 64 <= text.size(); block += 64) walk(code_point_start_bits(data + block) | (block == 0), block);
  if (const size_t rest = text.size() - block; rest > 0) {
    char tail[64] = {};
    std::memcpy(tail, data + block, rest);
    walk((code_point_start_bits(tail) & ((uint64_t{1} << rest) - 1)) | (block == 0), block);
  }
}

// for_each_shingle_hash for a fixed n: the starts of the last N code points sit in a small
// array the compiler keeps in registers, shifted along by one at each code point.
template <uint32_t N, typename OnHash>
void for_each_shingle_hash_of(std::string_view text, uint64_t seed, OnHash&& on_hash) {
  const char* data = text.data();
  size_t recent[N] = {};
  size_t code_points = 0;
  for_each_code_point_start(text, [&](size_t pos) {
    if (code_points >= N) on_hash(shingle_hash(data + recent[0], pos - recent[0], seed));
    for (uint32_t idx = 0; idx + 1 < N; ++idx) recent[idx] = recent[idx + 1];
    recent[N - 1] = pos;
    ++code_points;
  });
  // The last n-gram ends with the text; with n or fewer code points it is the whole text.
  const size_t begin = code_points >= N ? recent[0] : 0;
  on_hash(shingle_hash(data + begin, text.size() - begin, seed));
}

// Calls on_hash(uint64_t) for every n-gram of code points, in text order
// (duplicates included). A text shorter than n code points is one shingle; an
// empty text has none. ngram 0 counts as 1. `ring` is scratch space for n over 8
// (the offsets of the last n code points), passed in so that a caller looping
// over records reuses one allocation.
//
// Each code point's start closes the n-gram that began n code points earlier.
// This replaced a first pass that stored the offset of every code point,
// branch-free byte by byte: that pass was a third of a signature's cost. For n
// up to 8 the offsets are kept in registers instead of the ring: with the ring
// in memory a signature took 1.45 times as long in some runs as in others
// (the same binary, depending on where its buffers were placed).
template <typename OnHash>
void for_each_shingle_hash(std::string_view text, uint32_t ngram, uint64_t seed, std::vector<size_t>& ring,
                           OnHash&& on_hash) {
  if (text.empty()) return;
  switch (ngram) {
    case 0:
    case 1: return for_each_shingle_hash_of<1>(text, seed, on_hash);
    case 2: return for_each_shingle_hash_of<2>(text, seed, on_hash);
    case 3: return for_each_shingle_hash_of<3>(text, seed, on_hash);
    case 4: return for_each_shingle_hash_of<4>(text, seed, on_hash);
    case 5: return for_each_shingle_hash_of<5>(text, seed, on_hash);
    case 6: return for_each_shingle_hash_of<6>(text, seed, on_hash);
    case 7: return for_each_shingle_hash_of<7>(text, seed, on_hash);
    case 8: return for_each_shingle_hash_of<8>(text, seed, on_hash);
    default: break;
  }
  size_t ring_size = 16;
  while (ring_size < size_t{ngram} + 1) ring_size *= 2;
  if (ring.size() < ring_size) ring.resize(ring_size);
  const size_t ring_mask = ring_size - 1;
  size_t* recent = ring.data();
  const char* data = text.data();
  size_t code_points = 0;
  for_each_code_point_start(text, [&](size_t pos) {
    if (code_points >= ngram) {
      const size_t begin = recent[(code_points - ngram) & ring_mask];
      on_hash(shingle_hash(data + begin, pos - begin, seed));
    }
    recent[code_points & ring_mask] = pos;
    ++code_points;
  });
  const size_t begin = code_points >= ngram ? recent[(code_points - ngram) & ring_mask] : 0;
  on_hash(shingle_hash(data + begin, text.size() - begin, seed));
}

}  // namespace dadeum::detail
