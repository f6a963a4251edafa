// One scan of a text: code points, 어절, script classes and normalization problems.
#include <algorithm>
#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include "dadeum/stats.hpp"
#include "detail/stats_scan.hpp"

namespace dadeum {
namespace {

// Decodes the code point at text[pos] and advances pos. Invalid bytes decode as U+FFFD, one
// byte each, so that any input can be scanned (parsed records are valid UTF-8 already).
char32_t next_code_point(std::string_view text, size_t& pos) {
  auto byte = [&](size_t at) { return static_cast<unsigned char>(text[at]); };
  unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || pos + length > text.size()) {
    ++pos;
    return 0xFFFD;
  }
  char32_t value = lead & (0x7F >> length);
  for (size_t idx = 1; idx < length; ++idx) {
    unsigned char next = byte(pos + idx);
    if ((next & 0xC0) != 0x80) {
      ++pos;
      return 0xFFFD;
    }
    value = (value << 6) | (next & 0x3F);
  }
  pos += length;
  return value;
}

constexpr bool is_whitespace(char32_t cp) {
  switch (cp) {
    case ' ': case '\t': case '\n': case '\r': case '\v': case '\f':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

constexpr ScriptClass classify(char32_t cp) {
  if (cp >= 0xAC00 && cp <= 0xD7A3) return ScriptClass::kHangulSyllable;
  if (cp >= 0x3130 && cp <= 0x318F) return ScriptClass::kCompatJamo;
  if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xD7B0 && cp <= 0xD7FF)) {
    return ScriptClass::kConjoiningJamo;
  }
  if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return ScriptClass::kLatin;
  if (cp >= '0' && cp <= '9') return ScriptClass::kDigit;
  if (cp < 0x80) return ScriptClass::kOther;
  if ((cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x1E00 && cp <= 0x1EFF) ||
      (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A)) {
    return ScriptClass::kLatin;
  }
  if (cp >= 0xFF10 && cp <= 0xFF19) return ScriptClass::kDigit;
  if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0x20000 && cp <= 0x3134F)) {
    return ScriptClass::kHanja;
  }
  return ScriptClass::kOther;
}

bool is_invisible(char32_t cp) {
  return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF || cp == 0x00AD || cp == 0x061C;
}

bool is_filler(char32_t cp) { return cp == 0x3164 || cp == 0xFFA0 || cp == 0x115F || cp == 0x1160; }

bool is_full_width(char32_t cp) { return (cp >= 0xFF01 && cp <= 0xFF5E) || cp == 0x3000; }

constexpr bool is_control(char32_t cp) {
  return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F);
}

// Code points that are NFC whatever surrounds them: no decomposition, combining class 0 and
// never composed with a neighbour (ICU's NFC_QC=Yes and ccc=0, checked for these ranges). A
// text made only of these (and Hangul syllables, handled before) needs no ICU check.
bool always_nfc(char32_t cp) {
  return cp < 0x300 || (cp >= 0x2010 && cp <= 0x2027) || (cp >= 0x2030 && cp <= 0x205E) ||
         (cp >= 0x2460 && cp <= 0x24FF) || (cp >= 0x25A0 && cp <= 0x25FF) || (cp >= 0x3001 && cp <= 0x3011) ||
         (cp >= 0x3131 && cp <= 0x318E) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xFF01 && cp <= 0xFF5E) ||
         (cp >= 0x1F300 && cp <= 0x1FAFF);
}

// ASCII code points: bits 0-2 the script class (kScriptClassCount for whitespace), then flags.
constexpr uint8_t kAsciiClassMask = 0x07;
constexpr uint8_t kAsciiSpace = 0x08;
constexpr uint8_t kAsciiControl = 0x10;
constexpr std::array<uint8_t, 128> kAsciiInfo = [] {
  std::array<uint8_t, 128> table{};
  for (char32_t cp = 0; cp < 128; ++cp) {
    if (is_whitespace(cp)) {
      table[cp] = kScriptClassCount | kAsciiSpace;
    } else {
      table[cp] = static_cast<uint8_t>(classify(cp)) | (is_control(cp) ? kAsciiControl : 0);
    }
  }
  return table;
}();
static_assert(kScriptClassCount <= kAsciiClassMask);

bool is_nfc(std::string_view text) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(error);
  if (U_FAILURE(error)) return true;
  UBool normalized = nfc->isNormalizedUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), error);
  return U_FAILURE(error) || normalized;
}

}  // namespace

std::string_view script_class_name(ScriptClass value) {
  switch (value) {
    case ScriptClass::kHangulSyllable: return "hangul_syllables";
    case ScriptClass::kCompatJamo: return "compat_jamo";
    case ScriptClass::kConjoiningJamo: return "conjoining_jamo";
    case ScriptClass::kLatin: return "latin";
    case ScriptClass::kHanja: return "hanja";
    case ScriptClass::kDigit: return "digits";
    case ScriptClass::kOther: return "other";
  }
  return "unknown";
}

std::string_view diagnostic_name(Diagnostic value) {
  switch (value) {
    case Diagnostic::kNonNfc: return "non_nfc";
    case Diagnostic::kInvisible: return "invisible";
    case Diagnostic::kFiller: return "filler";
    case Diagnostic::kFullWidth: return "full_width";
    case Diagnostic::kControl: return "control";
  }
  return "unknown";
}

uint32_t TextScan::hangul() const {
  return script[static_cast<size_t>(ScriptClass::kHangulSyllable)] +
         script[static_cast<size_t>(ScriptClass::kCompatJamo)] +
         script[static_cast<size_t>(ScriptClass::kConjoiningJamo)];
}

uint32_t TextScan::letters() const {
  return hangul() + script[static_cast<size_t>(ScriptClass::kLatin)] +
         script[static_cast<size_t>(ScriptClass::kHanja)];
}

namespace {

// The running state of one scan. Counters are plain members of a local object so that the
// compiler keeps them in registers.
struct Scanner {
  std::array<uint32_t, kScriptClassCount + 1> script{};  // + 1: ASCII whitespace, not counted
  std::array<uint32_t, kDiagnosticCount> diagnostics{};
  uint32_t chars = 0, eojeol = 0, hangul = 0, controls = 0;
  bool in_word = false;
  bool may_be_denormal = false;  // set by a code point outside the always-NFC ranges

  // One code point at `pos` (a run of Hangul syllables at once); advances pos.
  void step(std::string_view utf8, size_t& pos);
  // 16 bytes at `pos` when they are only ASCII and Hangul syllables, cut before a syllable that
  // runs past them: counts them, advances pos and returns true; otherwise changes nothing.
  bool block(const unsigned char* bytes, size_t size, size_t& pos);
  TextScan finish(std::string_view utf8);
};

void Scanner::step(std::string_view utf8, size_t& pos) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t size = utf8.size();
  char32_t cp;
  unsigned char lead = bytes[pos];
  if (lead < 0x80) {
    // ASCII from a table: the space test, the class and the control flag in one byte.
    uint8_t info = kAsciiInfo[lead];
    ++pos;
    ++chars;
    bool space = (info & kAsciiSpace) != 0;
    eojeol += !space && !in_word;
    in_word = !space;
    ++script[info & kAsciiClassMask];  // a space counts in the extra slot, dropped in finish()
    controls += (info & kAsciiControl) != 0;
    return;
  }
  if (lead >= 0xE0 && lead < 0xF0 && pos + 2 < size && (bytes[pos + 1] & 0xC0) == 0x80 &&
      (bytes[pos + 2] & 0xC0) == 0x80) {
    // Three bytes: every Hangul syllable, so most of a Korean text.
    cp = (char32_t{lead & 0x0Fu} << 12) | (char32_t{bytes[pos + 1] & 0x3Fu} << 6) | (bytes[pos + 2] & 0x3Fu);
    pos += 3;
    if (cp >= 0xAC00 && cp <= 0xD7A3) {
      eojeol += !in_word;
      in_word = true;
      ++hangul;
      // The rest of a run of syllables (a Korean word) in a tight loop.
      while (pos + 2 < size && bytes[pos] >= 0xEA && bytes[pos] <= 0xED) {
        char32_t next = (char32_t{bytes[pos] & 0x0Fu} << 12) | (char32_t{bytes[pos + 1] & 0x3Fu} << 6) |
                        (bytes[pos + 2] & 0x3Fu);
        if ((bytes[pos + 1] & 0xC0) != 0x80 || (bytes[pos + 2] & 0xC0) != 0x80 || next < 0xAC00 || next > 0xD7A3) {
          break;
        }
        ++hangul;
        pos += 3;
      }
      return;
    }
  } else {
    cp = next_code_point(utf8, pos);
  }
  ++chars;
  if (is_whitespace(cp)) {
    in_word = false;
    if (cp == 0x3000) ++diagnostics[static_cast<size_t>(Diagnostic::kFullWidth)];
    return;
  }
  eojeol += !in_word;
  in_word = true;
  if (!always_nfc(cp)) may_be_denormal = true;
  if (is_filler(cp)) {  // a filler looks like Hangul but is blank: no letter
    ++script[static_cast<size_t>(ScriptClass::kOther)];
    ++diagnostics[static_cast<size_t>(Diagnostic::kFiller)];
    return;
  }
  ++script[static_cast<size_t>(classify(cp))];
  if (is_invisible(cp)) ++diagnostics[static_cast<size_t>(Diagnostic::kInvisible)];
  else if (is_full_width(cp)) ++diagnostics[static_cast<size_t>(Diagnostic::kFullWidth)];
  else if (is_control(cp)) ++controls;
}

#if defined(__SSE2__)
uint32_t bits_of(__m128i byte_mask) { return static_cast<uint32_t>(_mm_movemask_epi8(byte_mask)); }

// How many bytes of a compare result are set. (A sum of absolute differences, not POPCNT: the
// baseline x86-64 that Debian builds for lacks that instruction, and std::popcount was a call.)
uint32_t count_set(__m128i byte_mask) {
  const __m128i sums = _mm_sad_epu8(_mm_and_si128(byte_mask, _mm_set1_epi8(1)), _mm_setzero_si128());
  return static_cast<uint32_t>(_mm_cvtsi128_si32(sums) + _mm_extract_epi16(sums, 4));
}

// Bytes in [lo, hi] as signed bytes (ASCII 0..127; 0x80..0xFF are -128..-1; lo > -128).
__m128i between(__m128i bytes, int lo, int hi) {
  return _mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8(static_cast<char>(lo - 1))),
                       _mm_cmplt_epi8(bytes, _mm_set1_epi8(static_cast<char>(hi + 1))));
}
__m128i equal(__m128i bytes, int value) { return _mm_cmpeq_epi8(bytes, _mm_set1_epi8(static_cast<char>(value))); }

bool Scanner::block(const unsigned char* bytes, size_t size, size_t& pos) {
  if (pos + 17 > size) return false;  // the byte after the block is read too
  const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + pos));
  const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + pos + 1));
  const __m128i ascii = _mm_cmpgt_epi8(here, _mm_set1_epi8(-1));
  const uint32_t continuation = bits_of(_mm_cmplt_epi8(here, _mm_set1_epi8(-64)));  // 0x80..0xBF
  // The lead bytes of U+AC00..U+D7A3: EB and EC always, EA from EA B0, ED up to ED 9D
  // (ED 9E holds the last syllables and then other code points: left to step()).
  const __m128i lead = _mm_or_si128(
      _mm_or_si128(equal(here, 0xEB), equal(here, 0xEC)),
      _mm_or_si128(_mm_and_si128(equal(here, 0xEA), between(next, -80, -65)),               // next 0xB0..0xBF
                   _mm_and_si128(equal(here, 0xED), _mm_cmplt_epi8(next, _mm_set1_epi8(-98)))));  // 0x80..0x9D
  // A syllable that starts in the last two bytes runs past the block: the block ends before it.
  const uint32_t lead_bits = bits_of(lead);
  const uint32_t late = lead_bits & 0xC000;
  const int taken = late != 0 ? __builtin_ctz(late) : 16;
  const uint32_t take = (1u << taken) - 1;
  // Only ASCII and whole syllables: each lead followed by two continuation bytes inside the
  // block, and no other byte.
  const uint32_t leads = lead_bits & take;
  const uint32_t expected = (leads << 1) | (leads << 2);
  if (((bits_of(ascii) | leads | continuation) & take) != take || (continuation & take) != expected ||
      (expected & ~take) != 0) {
    return false;
  }
  const __m128i in_block = _mm_cmplt_epi8(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                          _mm_set1_epi8(static_cast<char>(taken)));
  const __m128i taken_ascii = _mm_and_si128(ascii, in_block);
  const __m128i taken_leads = _mm_and_si128(lead, in_block);
  const __m128i space = _mm_and_si128(_mm_or_si128(equal(here, ' '), between(here, '\t', '\r')), in_block);
  const __m128i letter = _mm_and_si128(between(_mm_or_si128(here, _mm_set1_epi8(0x20)), 'a', 'z'), in_block);
  const __m128i digit = _mm_and_si128(between(here, '0', '9'), in_block);
  const __m128i control = _mm_and_si128(
      _mm_or_si128(_mm_or_si128(between(here, 0x00, 0x08), between(here, 0x0E, 0x1F)), equal(here, 0x7F)), in_block);
  // A word starts at a code point that is not a space right after a space (the byte before a
  // syllable's lead is ASCII or the end of another syllable), or at the block's first byte
  // when the text before it ended outside a word.
  const __m128i word = _mm_or_si128(_mm_andnot_si128(space, taken_ascii), taken_leads);
  const __m128i after_space = _mm_or_si128(_mm_slli_si128(space, 1), _mm_cvtsi32_si128(in_word ? 0 : 0xFF));
  eojeol += count_set(_mm_and_si128(word, after_space));
  in_word = ((bits_of(space) >> (taken - 1)) & 1u) == 0;
  chars += count_set(taken_ascii);
  hangul += count_set(taken_leads);
  script[static_cast<size_t>(ScriptClass::kLatin)] += count_set(letter);
  script[static_cast<size_t>(ScriptClass::kDigit)] += count_set(digit);
  script[static_cast<size_t>(ScriptClass::kOther)] +=
      count_set(_mm_andnot_si128(_mm_or_si128(space, _mm_or_si128(letter, digit)), taken_ascii));
  controls += count_set(control);
  pos += static_cast<size_t>(taken);
  return true;
}
#else
bool Scanner::block(const unsigned char*, size_t, size_t&) { return false; }
#endif

TextScan Scanner::finish(std::string_view utf8) {
  TextScan scan;
  script[static_cast<size_t>(ScriptClass::kHangulSyllable)] += hangul;
  std::copy_n(script.begin(), kScriptClassCount, scan.script.begin());
  scan.diagnostics = diagnostics;
  scan.chars = chars + hangul;
  scan.eojeol = eojeol;
  scan.diagnostics[static_cast<size_t>(Diagnostic::kControl)] = controls;
  if (may_be_denormal && !is_nfc(utf8)) scan.diagnostics[static_cast<size_t>(Diagnostic::kNonNfc)] = 1;
  return scan;
}

}  // namespace

// Blocks of 16 bytes that hold only ASCII and Hangul syllables (most of a Korean text) are
// counted with vector compares; anything else goes one code point at a time, and after a block
// that could not be taken the next 16 bytes do too, so that a text of other scripts does not
// pay for a block test at every code point.
TextScan scan_text(std::string_view utf8) {
  Scanner scanner;
  const auto* bytes = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t size = utf8.size();
  size_t pos = 0;
  while (pos < size) {
    if (scanner.block(bytes, size, pos)) continue;
    const size_t until = pos + 16;
    while (pos < size && pos < until) scanner.step(utf8, pos);
  }
  return scanner.finish(utf8);
}

TextScan scan_text_by_code_point(std::string_view utf8) {
  Scanner scanner;
  size_t pos = 0;
  while (pos < utf8.size()) scanner.step(utf8, pos);
  return scanner.finish(utf8);
}

}  // namespace dadeum
