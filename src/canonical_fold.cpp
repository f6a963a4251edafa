// Case folding, punctuation removal and whitespace collapsing for the canonical
// form (detail/canonical_fold.hpp).
//
// Most of a Korean text is Hangul syllables, ASCII letters and digits, spaces
// and ASCII punctuation. Those are folded 16 bytes at a time: one pass of
// vector compares classifies the bytes, bit operations on the 16-bit masks
// decide which bytes are written, and the chunk is stored whole or, when
// something was dropped, compacted. Anything else (other scripts, CJK
// punctuation, full-width forms, invalid bytes) goes through ICU one code point
// at a time. The two paths give the same result for every input
// (CanonicalForm.MatchesTheDefinitionOnRandomTexts tests them against a plain
// per-code-point fold).

#include "detail/canonical_fold.hpp"

#include <unicode/uchar.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "detail/normalize_utf8.hpp"

namespace dadeum::detail {
namespace {

enum class Fold : uint8_t { kKeep, kFold, kSpace, kDrop };

// ASCII: letters fold, digits stay, whitespace separates, the rest of the
// printable range is punctuation or symbols (P* / S*), controls go.
constexpr std::array<Fold, 128> make_ascii_fold() {
  std::array<Fold, 128> t{};
  for (int c = 0; c < 128; ++c) {
    if (c >= 'A' && c <= 'Z')
      t[c] = Fold::kFold;
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      t[c] = Fold::kKeep;
    else if (c == ' ' || (c >= '\t' && c <= '\r'))
      t[c] = Fold::kSpace;
    else
      t[c] = Fold::kDrop;
  }
  return t;
}
constexpr std::array<Fold, 128> kAsciiFold = make_ascii_fold();

constexpr bool is_variation_selector(char32_t c) {
  return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

Fold fold_class(char32_t c) {
  const UChar32 u = static_cast<UChar32>(c);
  if (u_isUWhiteSpace(u)) return Fold::kSpace;
  constexpr uint32_t kDropped = U_GC_P_MASK | U_GC_S_MASK | U_GC_CF_MASK | U_GC_CC_MASK;
  if ((U_GET_GC_MASK(u) & kDropped) != 0 || is_variation_selector(c)) return Fold::kDrop;
  return Fold::kFold;
}

// Writes into `out` through a pointer, keeping room for a whole chunk past the
// end; finish() trims it to what was written.
class FoldOutput {
 public:
  static constexpr size_t kChunkRoom = 17;  // a separating space and 16 bytes

  FoldOutput(std::string& out, size_t input_size) : out_(out), start_(out.size()), size_(start_) {
    out_.resize(size_ + input_size + 2 * kChunkRoom);
  }
  bool empty() const { return size_ == start_; }  // nothing of this text written yet
  char* room(size_t bytes) {
    if (size_ + bytes > out_.size()) out_.resize(std::max(2 * out_.size(), size_ + bytes));
    return out_.data() + size_;
  }
  void advance(size_t bytes) { size_ += bytes; }
  void push(char c) {
    *room(1) = c;
    ++size_;
  }
  void unwrite_last() { --size_; }
  void finish() { out_.resize(size_); }

  // A pending separator is written before the next kept character, unless it
  // would start the output.
  void separate(bool& pending) {
    if (pending && !empty()) push(' ');
    pending = false;
  }

 private:
  std::string& out_;
  size_t start_;  // what `out` held before: this text's form starts fresh after it
  size_t size_;
};

#if defined(__SSE2__)
constexpr size_t kChunk = 16;

using ByteVector = unsigned char __attribute__((vector_size(16)));

// For each 8-bit mask, the positions of its set bits, in order (the rest 0).
constexpr std::array<std::array<unsigned char, 8>, 256> make_compaction_table() {
  std::array<std::array<unsigned char, 8>, 256> table{};
  for (unsigned mask = 0; mask < 256; ++mask) {
    unsigned count = 0;
    for (unsigned bit = 0; bit < 8; ++bit) {
      if ((mask >> bit) & 1) table[mask][count++] = static_cast<unsigned char>(bit);
    }
  }
  return table;
}
constexpr auto kCompaction = make_compaction_table();

uint32_t bits(__m128i byte_mask) { return static_cast<uint32_t>(_mm_movemask_epi8(byte_mask)); }

// Bytes in [lo, hi], for ranges on one side of 0x80 (the compares are signed).
__m128i in_range(__m128i x, unsigned char lo, unsigned char hi) {
  return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(static_cast<char>(lo - 1))),
                       _mm_cmplt_epi8(x, _mm_set1_epi8(static_cast<char>(hi + 1))));
}

constexpr std::array<unsigned char, 256> make_bit_counts() {
  std::array<unsigned char, 256> counts{};
  for (unsigned mask = 0; mask < 256; ++mask) {
    for (unsigned bit = 0; bit < 8; ++bit) counts[mask] += (mask >> bit) & 1;
  }
  return counts;
}
constexpr auto kBitCount = make_bit_counts();

// Writes the bytes of `bytes` whose bit is set in `keep` (16 bits), in order,
// to dst (room for 16 bytes); returns how many. One byte shuffle per half: a
// pshufb in fold_into's SSSE3 build, the compiler's scalar version of the same
// shuffle in its baseline build.
inline size_t compact(ByteVector bytes, uint32_t keep, char* dst) {
  size_t count = 0;
  for (unsigned half = 0; half < 2; ++half) {
    const unsigned mask = (keep >> (8 * half)) & 0xFF;
#if defined(__clang__)
    // clang has no variable byte shuffle in its vector extensions (it builds only the
    // sanitizer and fuzzing binaries here): the same compaction one byte at a time.
    for (unsigned k = 0; k < 8; ++k) dst[count + k] = static_cast<char>(bytes[8 * half + kCompaction[mask][k]]);
#else
    ByteVector order{};
    std::memcpy(&order, kCompaction[mask].data(), 8);
    const ByteVector picked = __builtin_shuffle(bytes, order + static_cast<unsigned char>(8 * half));
    std::memcpy(dst + count, &picked, 8);
#endif
    count += kBitCount[mask];
  }
  return count;
}

// What a run of blocks carries from one block to the next.
struct BlockState {
  uint32_t owed = 0;       // continuation bytes of a syllable begun in the last block (bits 0-1)
  uint32_t kept_last = 0;  // 1: the last byte that was not dropped was kept (a whitespace byte
                           //    now starts a gap and is written as its space)
  bool dangling = false;   // the output ends with a gap's space that no kept byte followed yet
};

// Folds the 16 bytes at p, or those before the first byte the block path
// cannot take; returns how many were consumed (16, or that byte's offset).
// p[16] and p[17] must be readable. Masks: bit k stands for p[k].
//
// Whitespace: of each run of whitespace and dropped bytes between two kept
// characters, the first whitespace byte is written, as ' ': it is the byte
// whose nearest earlier byte that is not dropped is kept. Adding carries that
// "after a kept byte" bit across runs of dropped bytes. A space written at the
// end of the text, or before the scalar path, is taken back (`dangling`).
inline size_t fold_block(const unsigned char* p, BlockState& state, FoldOutput& out) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
  const __m128i after_next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2));
  const __m128i upper_vec = in_range(x, 'A', 'Z');
  const __m128i space_vec = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')), in_range(x, '\t', '\r'));
  const uint32_t ascii = ~bits(x) & 0xFFFF;
  const uint32_t letters = bits(_mm_or_si128(in_range(x, 'a', 'z'), in_range(x, '0', '9'))) | bits(upper_vec);
  const uint32_t white = bits(space_vec);
  const uint32_t dropped = ascii & ~(letters | white);
  // Hangul syllables U+AC00..U+D7A3: a lead EA..ED and two continuation bytes
  // (signed, continuation bytes are -128..-65). After EA the next byte must be
  // B0 or more, after ED 9D or less: this leaves ED 9E (U+D780..U+D7A3) to the
  // scalar path, which is exact.
  const __m128i continuation = _mm_set1_epi8(static_cast<char>(0xC0));
  const uint32_t lead = bits(in_range(x, 0xEA, 0xED));
  const uint32_t bad_second =
      bits(_mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(static_cast<char>(0xEA))),
                                      _mm_cmplt_epi8(next, _mm_set1_epi8(static_cast<char>(0xB0)))),
                        _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(static_cast<char>(0xED))),
                                      _mm_cmpgt_epi8(next, _mm_set1_epi8(static_cast<char>(0x9D))))));
  const uint32_t syllable = lead & ~bad_second & bits(_mm_cmplt_epi8(next, continuation)) &
                            bits(_mm_cmplt_epi8(after_next, continuation));
  const uint32_t tails = (syllable << 1) | (syllable << 2) | state.owed;
  const uint32_t other = ~(ascii | syllable | tails) & 0xFFFF;
  const uint32_t used = other != 0 ? static_cast<uint32_t>(__builtin_ctz(other)) : kChunk;
  const uint32_t range = (1u << used) - 1;
  const uint32_t kept = (letters | syllable | tails) & range;
  const uint32_t after_kept = (((kept << 1) | state.kept_last) + dropped) & ~dropped;
  const uint32_t written = kept | (white & after_kept & range);
  state.owed = used == kChunk ? tails >> kChunk : 0;
  if (const uint32_t seen = (kept | white) & range; seen != 0) {
    state.kept_last = (kept >> (31 - __builtin_clz(seen))) & 1;
  }
  if (written != 0) state.dangling = ((white >> (31 - __builtin_clz(written))) & 1) != 0;

  __m128i folded = _mm_or_si128(x, _mm_and_si128(upper_vec, _mm_set1_epi8(0x20)));
  folded = _mm_or_si128(_mm_andnot_si128(space_vec, folded), _mm_and_si128(space_vec, _mm_set1_epi8(' ')));
  char* dst = out.room(kChunk);
  if (written == 0xFFFF) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), folded);
    out.advance(kChunk);
  } else {
    ByteVector bytes;
    std::memcpy(&bytes, &folded, sizeof bytes);
    out.advance(compact(bytes, written, dst));
  }
  return used;
}
#endif

// One character the slow way; returns the bytes consumed.
size_t fold_one(std::string_view text, size_t at, bool& pending, FoldOutput& out) {
  const auto byte = static_cast<unsigned char>(text[at]);
  if (byte < 0x80) {
    const Fold fold = kAsciiFold[byte];
    if (fold == Fold::kSpace) {
      pending = true;
    } else if (fold != Fold::kDrop) {
      out.separate(pending);
      out.push(static_cast<char>(fold == Fold::kFold ? (byte | 0x20) : byte));
    }
    return 1;
  }
  const Decoded d = decode_utf8(text, at);
  if (d.cp == kInvalidCodePoint) {
    out.separate(pending);
    out.push(static_cast<char>(byte));
    return d.len;
  }
  const Fold fold = fold_class(d.cp);
  if (fold == Fold::kSpace) {
    pending = true;
  } else if (fold != Fold::kDrop) {
    out.separate(pending);
    std::string folded;
    append_utf8(folded, static_cast<char32_t>(u_foldCase(static_cast<UChar32>(d.cp), U_FOLD_CASE_DEFAULT)));
    std::memcpy(out.room(folded.size()), folded.data(), folded.size());
    out.advance(folded.size());
  }
  return d.len;
}

}  // namespace

// Built twice on x86-64, for SSSE3 (every x86-64 CPU since 2006) and for the
// baseline; the loader picks the one the CPU runs.
#if defined(__x86_64__)
__attribute__((target_clones("ssse3", "default")))
#endif
void fold_into(std::string_view text, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  FoldOutput folded(out, n);
  bool pending = false;  // the scalar path's separator, owed before the next kept character
  size_t at = 0;
#if defined(__SSE2__)
  while (at < n) {
    BlockState state;
    if (pending && !folded.empty()) {  // written now; taken back if nothing kept follows
      folded.push(' ');
      state.dangling = true;
    } else {
      state.kept_last = folded.empty() ? 0 : 1;
    }
    pending = false;
    for (;;) {
      // The last bytes go through a zero-padded copy (zeros are dropped controls).
      unsigned char padded[kChunk + 2];
      const unsigned char* block = p + at;
      if (n - at < kChunk + 2) {
        std::memset(padded, 0, sizeof padded);
        std::memcpy(padded, p + at, n - at);
        block = padded;
      }
      const size_t used = fold_block(block, state, folded);
      at += used;
      if (used != kChunk || at >= n) break;
    }
    if (state.dangling) {
      folded.unwrite_last();
      pending = true;
    }
    if (at >= n) break;
    at += fold_one(text, at, pending, folded);
  }
#endif
  while (at < n) at += fold_one(text, at, pending, folded);
  folded.finish();
}

}  // namespace dadeum::detail
