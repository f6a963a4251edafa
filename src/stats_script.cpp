// One scan of a text: code points, 어절, script classes and normalization problems.
#include <algorithm>
#include <array>

#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include "dadeum/stats.hpp"

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

TextScan scan_text(std::string_view utf8) {
  TextScan scan;
  // Counters live in locals so that the compiler keeps them in registers.
  std::array<uint32_t, kScriptClassCount + 1> script{};  // + 1: ASCII whitespace, not counted
  uint32_t chars = 0, eojeol = 0, hangul = 0, controls = 0;
  bool in_word = false;
  bool may_be_denormal = false;  // set by a code point outside the always-NFC ranges
  const auto* bytes = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t size = utf8.size();
  size_t pos = 0;
  while (pos < size) {
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
      ++script[info & kAsciiClassMask];  // a space counts in the extra slot, dropped below
      controls += (info & kAsciiControl) != 0;
      continue;
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
        continue;
      }
    } else {
      cp = next_code_point(utf8, pos);
    }
    ++chars;
    if (is_whitespace(cp)) {
      in_word = false;
      if (cp == 0x3000) ++scan.diagnostics[static_cast<size_t>(Diagnostic::kFullWidth)];
      continue;
    }
    eojeol += !in_word;
    in_word = true;
    if (!always_nfc(cp)) may_be_denormal = true;
    if (is_filler(cp)) {  // a filler looks like Hangul but is blank: no letter
      ++script[static_cast<size_t>(ScriptClass::kOther)];
      ++scan.diagnostics[static_cast<size_t>(Diagnostic::kFiller)];
      continue;
    }
    ++script[static_cast<size_t>(classify(cp))];
    if (is_invisible(cp)) ++scan.diagnostics[static_cast<size_t>(Diagnostic::kInvisible)];
    else if (is_full_width(cp)) ++scan.diagnostics[static_cast<size_t>(Diagnostic::kFullWidth)];
    else if (is_control(cp)) ++controls;
  }
  script[static_cast<size_t>(ScriptClass::kHangulSyllable)] += hangul;
  std::copy_n(script.begin(), kScriptClassCount, scan.script.begin());
  scan.chars = chars + hangul;
  scan.eojeol = eojeol;
  scan.diagnostics[static_cast<size_t>(Diagnostic::kControl)] = controls;
  if (may_be_denormal && !is_nfc(utf8)) scan.diagnostics[static_cast<size_t>(Diagnostic::kNonNfc)] = 1;
  return scan;
}

}  // namespace dadeum
