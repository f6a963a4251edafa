// UTF-8 decoding and the character classes the normalization rules share.
// Decoding is strict (no overlongs, no surrogates, nothing above U+10FFFF);
// an invalid byte decodes as kInvalidCodePoint of length 1 so that callers can
// copy it through untouched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dadeum::detail {

inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

struct Decoded {
  char32_t cp;   //!< the code point, or kInvalidCodePoint
  uint32_t len;  //!< bytes consumed (1 for an invalid byte)
};

constexpr bool is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

//! The code point starting at s[i]; i must be < s.size().
inline Decoded decode_utf8(std::string_view s, size_t i) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const size_t left = s.size() - i;
  const unsigned char c = p[0];
  constexpr Decoded kBad{kInvalidCodePoint, 1};
  if (c < 0x80) return {c, 1};
  if (c < 0xC2) return kBad;  // stray continuation byte or overlong 2-byte lead
  if (c < 0xE0) {
    if (left < 2 || !is_continuation(p[1])) return kBad;
    return {static_cast<char32_t>(((c & 0x1F) << 6) | (p[1] & 0x3F)), 2};
  }
  if (c < 0xF0) {
    if (left < 3 || !is_continuation(p[1]) || !is_continuation(p[2])) return kBad;
    if (c == 0xE0 && p[1] < 0xA0) return kBad;  // overlong
    if (c == 0xED && p[1] > 0x9F) return kBad;  // UTF-16 surrogate
    return {static_cast<char32_t>(((c & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F)), 3};
  }
  if (c < 0xF5) {
    if (left < 4 || !is_continuation(p[1]) || !is_continuation(p[2]) || !is_continuation(p[3])) {
      return kBad;
    }
    if (c == 0xF0 && p[1] < 0x90) return kBad;  // overlong
    if (c == 0xF4 && p[1] > 0x8F) return kBad;  // above U+10FFFF
    return {static_cast<char32_t>(((c & 0x07) << 18) | ((p[1] & 0x3F) << 12) |
                                  ((p[2] & 0x3F) << 6) | (p[3] & 0x3F)),
            4};
  }
  return kBad;
}

//! Start of the code point that ends right before s[i] (i > 0). Falls back to
//! i - 1 when the bytes before i are not one valid code point.
inline size_t previous_start(std::string_view s, size_t i) noexcept {
  size_t j = i - 1;
  const size_t limit = i >= 4 ? i - 4 : 0;
  while (j > limit && is_continuation(static_cast<unsigned char>(s[j]))) --j;
  const Decoded d = decode_utf8(s, j);
  return (d.cp != kInvalidCodePoint && j + d.len == i) ? j : i - 1;
}

//! Writes the UTF-8 form of `cp` (a valid scalar value) to buf; returns its length.
inline size_t encode_utf8(char32_t cp, char* buf) noexcept {
  if (cp < 0x80) {
    buf[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (cp >> 6));
    buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (cp >> 12));
    buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  buf[0] = static_cast<char>(0xF0 | (cp >> 18));
  buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

inline void append_utf8(std::string& out, char32_t cp) {
  char buf[4];
  out.append(buf, encode_utf8(cp, buf));
}

// ---------------------------------------------------------------------------
// Character classes

constexpr bool is_hangul_syllable(char32_t c) { return c >= 0xAC00 && c <= 0xD7A3; }

constexpr bool is_conjoining_jamo(char32_t c) {
  return (c >= 0x1100 && c <= 0x11FF) || (c >= 0xA960 && c <= 0xA97F) ||
         (c >= 0xD7B0 && c <= 0xD7FF);
}

inline constexpr char32_t kChoseongFiller = 0x115F;
inline constexpr char32_t kJungseongFiller = 0x1160;
inline constexpr char32_t kHangulFiller = 0x3164;  // compatibility filler
inline constexpr char32_t kHalfwidthHangulFiller = 0xFFA0;

constexpr bool is_conjoining_filler(char32_t c) {
  return c == kChoseongFiller || c == kJungseongFiller;
}

//! Roles in a Hangul syllable block (Unicode §3.12, UAX #29 rules GB6-GB8).
enum class JamoKind : uint8_t { kNone, kL, kV, kT, kLV, kLVT };

constexpr JamoKind jamo_kind(char32_t c) {
  if (c < 0x1100) return JamoKind::kNone;
  if (c <= 0x115F) return JamoKind::kL;
  if (c <= 0x11A7) return JamoKind::kV;
  if (c <= 0x11FF) return JamoKind::kT;
  if (c >= 0xA960 && c <= 0xA97C) return JamoKind::kL;
  if (is_hangul_syllable(c)) return (c - 0xAC00) % 28 == 0 ? JamoKind::kLV : JamoKind::kLVT;
  if (c >= 0xD7B0 && c <= 0xD7C6) return JamoKind::kV;
  if (c >= 0xD7CB && c <= 0xD7FB) return JamoKind::kT;
  return JamoKind::kNone;
}

//! True when `next` continues the syllable block that `prev` is in (GB6-GB8).
constexpr bool jamo_joins(JamoKind prev, JamoKind next) {
  using K = JamoKind;
  switch (prev) {
    case K::kL:
      return next == K::kL || next == K::kV || next == K::kLV || next == K::kLVT;
    case K::kV:
    case K::kLV:
      return next == K::kV || next == K::kT;
    case K::kT:
    case K::kLVT:
      return next == K::kT;
    case K::kNone:
      return false;
  }
  return false;
}

//! Space separators (general category Zs) other than U+0020.
constexpr bool is_unicode_space(char32_t c) {
  return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

//! Bidi_Control characters: ALM, LRM, RLM, LRE..RLO, LRI..PDI.
constexpr bool is_bidi_control(char32_t c) {
  return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

inline constexpr char32_t kZeroWidthJoiner = 0x200D;

//! What `invisible` drops outright (ZWJ is decided by its neighbours).
constexpr bool is_dropped_invisible(char32_t c) {
  if (c < 0x20) return c != '\n' && c != '\t' && c != '\r';  // CR belongs to `newlines`
  if (c < 0x7F) return false;
  if (c <= 0x9F) return true;  // DEL and C1 controls
  return c == 0x00AD || c == 0x200B || c == 0x2060 || c == 0xFEFF || is_bidi_control(c);
}

//! Compatibility jamo that repeat caps ("ㅋㅋㅋㅋ", "ㅠㅠㅠ", "ㄷㄷㄷ", "ㅡㅡ").
constexpr bool is_repeat_jamo(char32_t c) {
  return c == 0x314B || c == 0x314E || c == 0x3160 || c == 0x315C || c == 0x3137 || c == 0x3161;
}
constexpr bool is_repeat_punct(char32_t c) { return c == '!' || c == '?' || c == '.' || c == '~'; }
constexpr bool is_repeat_char(char32_t c) { return is_repeat_punct(c) || is_repeat_jamo(c); }

constexpr bool is_curly_quote(char32_t c) {
  return c == 0x2018 || c == 0x2019 || c == 0x201C || c == 0x201D;
}

}  // namespace dadeum::detail
