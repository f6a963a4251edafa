// The normalization rules, one function each, and the reference pipeline that
// applies them in order. See docs/normalization.md for what each rule does
// and why; normalize.cpp puts the fast pre-scan in front of this.

#include "detail/normalize_rules.hpp"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <climits>
#include <string>
#include <string_view>
#include <unordered_map>

#include "detail/normalize_icu.hpp"
#include "detail/normalize_utf8.hpp"

namespace dadeum::detail {
namespace {

// ---------------------------------------------------------------------------
// The rewrite skeleton shared by the code-point rules

// What a rule does with the text at one position.
struct Edit {
  size_t length = 0;      //!< bytes covered; 0 means "the current code point"
  bool replace = false;   //!< false: keep those bytes as they are
  std::string_view with;  //!< the replacement when `replace`

  static Edit keep() { return {}; }
  static Edit keep_bytes(size_t n) { return {n, false, {}}; }
  static Edit drop(size_t n) { return {n, true, {}}; }
  static Edit replace_with(size_t n, std::string_view text) { return {n, true, text}; }
};

// A code point encoded into a small buffer, for one-character replacements.
class Utf8Char {
 public:
  std::string_view set(char32_t cp) { return {bytes_, encode_utf8(cp, bytes_)}; }

 private:
  char bytes_[4] = {};
};

// Copies `in` to `out`, applying the edits that decide(pos, decoded) returns.
// The unchanged prefix is copied only when the first edit is found, so a text
// without edits costs one scan and no copy. Returns whether anything changed.
template <typename Decide>
bool rewrite(std::string_view in, std::string& out, Decide&& decide) {
  bool changed = false;
  size_t flushed = 0;  // in[flushed, i) is still to be copied
  size_t i = 0;
  while (i < in.size()) {
    const Decoded d = decode_utf8(in, i);
    const Edit e = decide(i, d);
    const size_t length = e.length == 0 ? d.len : e.length;
    if (!e.replace) {
      i += length;
      continue;
    }
    if (!changed) {
      out.clear();
      out.reserve(in.size());
      changed = true;
    }
    out.append(in.substr(flushed, i - flushed));
    out.append(e.with);
    i += length;
    flushed = i;
  }
  if (changed) out.append(in.substr(flushed));
  return changed;
}

// ---------------------------------------------------------------------------
// newlines

bool apply_newlines(std::string_view in, std::string& out) {
  return rewrite(in, out, [&](size_t i, Decoded d) {
    if (d.cp == '\r') {
      const bool crlf = i + 1 < in.size() && in[i + 1] == '\n';
      return Edit::replace_with(crlf ? 2 : 1, "\n");
    }
    if (d.cp == 0x2028 || d.cp == 0x2029) return Edit::replace_with(d.len, "\n");
    return Edit::keep();
  });
}

// ---------------------------------------------------------------------------
// invisible

bool is_pictographic(char32_t c) {
  return c != kInvalidCodePoint &&
         u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_EXTENDED_PICTOGRAPHIC);
}

// What may stand right before the ZWJ of an emoji ZWJ sequence: the emoji
// itself, a skin-tone modifier or the emoji presentation selector U+FE0F.
bool ends_emoji(char32_t c) {
  return c == 0xFE0F || is_pictographic(c) ||
         (c != kInvalidCodePoint &&
          u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_EMOJI_MODIFIER));
}

// ZWJ joins emoji ("👨‍👩‍👧"); anywhere else it is noise.
bool keeps_zwj(std::string_view in, size_t i, size_t len) {
  if (i == 0 || i + len >= in.size()) return false;
  const Decoded prev = decode_utf8(in, previous_start(in, i));
  const Decoded next = decode_utf8(in, i + len);
  return ends_emoji(prev.cp) && is_pictographic(next.cp);
}

bool apply_invisible(std::string_view in, std::string& out) {
  return rewrite(in, out, [&](size_t i, Decoded d) {
    if (is_dropped_invisible(d.cp)) return Edit::drop(d.len);
    if (d.cp == kZeroWidthJoiner && !keeps_zwj(in, i, d.len)) return Edit::drop(d.len);
    return Edit::keep();
  });
}

// ---------------------------------------------------------------------------
// Hangul syllable blocks (shared by filler and jamo)

// One syllable block: maximal run of jamo / syllables glued by GB6-GB8.
struct Block {
  size_t end = 0;            //!< byte offset just past the block
  bool has_jamo = false;     //!< contains a conjoining jamo
  bool has_filler = false;   //!< contains U+115F or U+1160
  bool all_fillers = true;   //!< every member is U+115F or U+1160
  bool well_formed = false;  //!< L+ V+ T* | LV V* T* | LVT T*, no filler
};

Block scan_block(std::string_view in, size_t begin, Decoded first) {
  // States of the block grammar: after L's, after a vowel, after a final.
  enum class State : uint8_t { kL, kV, kT, kBroken };
  Block b;
  State state = State::kBroken;
  JamoKind prev = JamoKind::kNone;
  size_t i = begin;
  Decoded d = first;
  while (true) {
    const JamoKind kind = jamo_kind(d.cp);
    if (i != begin && !jamo_joins(prev, kind)) break;
    const bool filler = is_conjoining_filler(d.cp);
    b.has_jamo |= is_conjoining_jamo(d.cp);
    b.has_filler |= filler;
    b.all_fillers &= filler;
    if (i == begin) {
      state = kind == JamoKind::kL     ? State::kL
              : kind == JamoKind::kLV  ? State::kV
              : kind == JamoKind::kLVT ? State::kT
                                       : State::kBroken;
    } else if (state != State::kBroken) {
      if (kind == JamoKind::kLV || kind == JamoKind::kLVT)
        state = State::kBroken;  // L + syllable
      else if (kind == JamoKind::kV)
        state = State::kV;
      else if (kind == JamoKind::kT)
        state = State::kT;
    }
    prev = kind;
    i += d.len;
    if (i >= in.size()) break;
    d = decode_utf8(in, i);
  }
  b.end = i;
  b.well_formed = !b.has_filler && (state == State::kV || state == State::kT);
  return b;
}

// ---------------------------------------------------------------------------
// filler

bool apply_filler(std::string_view in, std::string& out) {
  return rewrite(in, out, [&](size_t i, Decoded d) {
    if (d.cp == kHangulFiller || d.cp == kHalfwidthHangulFiller) return Edit::drop(d.len);
    if (jamo_kind(d.cp) == JamoKind::kNone) return Edit::keep();
    const Block b = scan_block(in, i, d);
    // A block made only of fillers is blank text in disguise; a filler next to
    // real jamo is left for nfc and jamo.
    return b.all_fillers ? Edit::drop(b.end - i) : Edit::keep_bytes(b.end - i);
  });
}

// ---------------------------------------------------------------------------
// jamo

class CompatJamoTable {
 public:
  CompatJamoTable() { build(); }

  char32_t get(char32_t c) const {
    if (c >= 0x1100 && c <= 0x11FF) return basic_[c - 0x1100];
    if (c >= 0xA960 && c <= 0xA97F) return ext_a_[c - 0xA960];
    if (c >= 0xD7B0 && c <= 0xD7FF) return ext_b_[c - 0xD7B0];
    return 0;
  }

 private:
  // Unicode names pair them up: HANGUL CHOSEONG KIYEOK (U+1100) and HANGUL
  // JONGSEONG KIYEOK (U+11A8) are both HANGUL LETTER KIYEOK (U+3131).
  void build() {
    std::unordered_map<std::string, char16_t> letters;
    for (char32_t c = 0x3131; c <= 0x318E; ++c) {
      const std::string name = char_name(c);
      constexpr std::string_view kPrefix = "HANGUL LETTER ";
      if (name.starts_with(kPrefix)) letters.emplace(name.substr(kPrefix.size()), c);
    }
    const auto fill = [&](char32_t first, char16_t* table, size_t size) {
      for (size_t k = 0; k < size; ++k) {
        const std::string name = char_name(first + static_cast<char32_t>(k));
        for (std::string_view prefix :
             {"HANGUL CHOSEONG ", "HANGUL JUNGSEONG ", "HANGUL JONGSEONG "}) {
          if (!name.starts_with(prefix)) continue;
          const auto it = letters.find(name.substr(prefix.size()));
          if (it != letters.end()) table[k] = it->second;
        }
      }
    };
    fill(0x1100, basic_.data(), basic_.size());
    fill(0xA960, ext_a_.data(), ext_a_.size());
    fill(0xD7B0, ext_b_.data(), ext_b_.size());
  }

  static std::string char_name(char32_t c) {
    char buf[128];
    UErrorCode status = U_ZERO_ERROR;
    const int32_t n = u_charName(static_cast<UChar32>(c), U_UNICODE_CHAR_NAME, buf,
                                 static_cast<int32_t>(sizeof buf), &status);
    if (U_FAILURE(status) || n <= 0 || n >= static_cast<int32_t>(sizeof buf)) return {};
    return std::string(buf, static_cast<size_t>(n));
  }

  std::array<char16_t, 0x100> basic_{};
  std::array<char16_t, 0x20> ext_a_{};
  std::array<char16_t, 0x50> ext_b_{};
};

// Repairs every block that is not a well-formed syllable: fillers go, the
// other jamo become compatibility jamo where one exists, syllables stay.
bool repair_jamo_once(std::string_view in, std::string& out) {
  std::string repaired;
  return rewrite(in, out, [&](size_t i, Decoded d) {
    if (jamo_kind(d.cp) == JamoKind::kNone) return Edit::keep();
    const Block b = scan_block(in, i, d);
    if (!b.has_jamo || b.well_formed) return Edit::keep_bytes(b.end - i);
    repaired.clear();
    for (size_t k = i; k < b.end;) {
      const Decoded m = decode_utf8(in, k);
      const char32_t compat = is_conjoining_jamo(m.cp) ? compatibility_jamo(m.cp) : 0;
      if (compat != 0) {
        append_utf8(repaired, compat);
      } else if (!is_conjoining_filler(m.cp)) {
        repaired.append(in.substr(k, m.len));
      }
      k += m.len;
    }
    // Leftovers without a compatibility form (archaic jamo) stay as they are.
    if (repaired == in.substr(i, b.end - i)) return Edit::keep_bytes(b.end - i);
    return Edit::replace_with(b.end - i, repaired);
  });
}

// Dropping a filler can glue a leftover jamo to its neighbour block and make
// that block repairable, so the repair runs until nothing changes. Each round
// that changes something removes fillers or mappable jamo, so this ends; two
// rounds suffice in practice, the bound is a guard.
bool apply_jamo(std::string_view in, std::string& out) {
  if (!repair_jamo_once(in, out)) return false;
  std::string next;
  for (int round = 0; round < 16 && repair_jamo_once(out, next); ++round) out.swap(next);
  return true;
}

// ---------------------------------------------------------------------------
// nfc / nfkc

// Appends the normalized form of a well-formed UTF-8 segment.
void append_normalized(const icu::Normalizer2& norm, std::string_view segment, std::string& out) {
  if (segment.empty()) return;
  UErrorCode status = U_ZERO_ERROR;
  const icu::StringPiece piece(segment.data(), static_cast<int32_t>(segment.size()));
  if (segment.size() > INT32_MAX || (norm.isNormalizedUTF8(piece, status) && U_SUCCESS(status))) {
    out.append(segment);
    return;
  }
  const size_t before = out.size();
  status = U_ZERO_ERROR;
  icu::StringByteSink<std::string> sink(&out);
  norm.normalizeUTF8(0, piece, sink, nullptr, status);
  if (U_FAILURE(status)) {  // leave the segment as it was
    out.resize(before);
    out.append(segment);
  }
}

// ICU only ever sees well-formed UTF-8: invalid bytes split the text into
// segments and are copied through unchanged.
bool apply_icu(const icu::Normalizer2* norm, std::string_view in, std::string& out) {
  if (norm == nullptr) return false;
  out.clear();
  size_t segment = 0;
  for (size_t i = 0; i < in.size();) {
    if (static_cast<unsigned char>(in[i]) < 0x80) {
      ++i;
      continue;
    }
    const Decoded d = decode_utf8(in, i);
    if (d.cp != kInvalidCodePoint) {
      i += d.len;
      continue;
    }
    append_normalized(*norm, in.substr(segment, i - segment), out);
    out.push_back(in[i]);
    segment = ++i;
  }
  append_normalized(*norm, in.substr(segment), out);
  return out != in;
}

// ---------------------------------------------------------------------------
// width

char32_t width_target(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFEE0;  // full-width ASCII
  if (c == 0x3000) return ' ';                        // ideographic space
  return halfwidth_to_compatibility(c);
}

bool apply_width(std::string_view in, std::string& out) {
  Utf8Char buf;
  return rewrite(in, out, [&](size_t, Decoded d) {
    const char32_t target = d.cp < 0x3000 || d.cp == kInvalidCodePoint ? 0 : width_target(d.cp);
    return target == 0 ? Edit::keep() : Edit::replace_with(d.len, buf.set(target));
  });
}

// ---------------------------------------------------------------------------
// Line-based rules: spaces and repeat leave fenced code blocks alone

size_t skip_blanks(std::string_view line, size_t i) {
  while (i < line.size()) {
    if (line[i] == ' ' || line[i] == '\t') {
      ++i;
      continue;
    }
    const Decoded d = decode_utf8(line, i);
    if (!is_unicode_space(d.cp)) break;
    i += d.len;
  }
  return i;
}

size_t backtick_run(std::string_view line, size_t i) {
  size_t j = i;
  while (j < line.size() && line[j] == '`') ++j;
  return j - i;
}

// Calls fn(line, has_newline, in_code) for every line (without its '\n');
// in_code is true for the lines of fenced code blocks, fence lines included.
// An unclosed fence runs to the end of the text.
template <typename Fn>
void for_each_line(std::string_view in, Fn&& fn) {
  size_t fence = 0;
  size_t pos = 0;
  while (pos < in.size()) {
    const size_t nl = in.find('\n', pos);
    const bool has_newline = nl != std::string_view::npos;
    const std::string_view line = in.substr(pos, (has_newline ? nl : in.size()) - pos);
    bool in_code = true;
    if (fence > 0) {
      if (code_fence_close(line, fence)) fence = 0;
    } else {
      fence = code_fence_open(line);
      in_code = fence > 0;
    }
    fn(line, has_newline, in_code);
    pos = has_newline ? nl + 1 : in.size();
  }
}

void append_line(std::string& out, std::string_view line, bool has_newline) {
  out.append(line);
  if (has_newline) out.push_back('\n');
}

bool apply_spaces(std::string_view in, std::string& out, const NormalizeOptions& options) {
  out.clear();
  out.reserve(in.size());
  const int cap = options.max_blank_lines;
  int blank_run = 0;
  for_each_line(in, [&](std::string_view line, bool has_newline, bool in_code) {
    if (in_code) {
      append_line(out, line, has_newline);
      blank_run = 0;
      return;
    }
    const size_t start = out.size();
    for (size_t i = 0; i < line.size();) {
      const Decoded d = decode_utf8(line, i);
      if (is_unicode_space(d.cp))
        out.push_back(' ');
      else
        out.append(line.substr(i, d.len));
      i += d.len;
    }
    while (out.size() > start && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
    if (out.size() == start) {
      if (cap >= 0 && ++blank_run > cap) return;  // one blank line too many: drop it
    } else {
      blank_run = 0;
    }
    if (has_newline) out.push_back('\n');
  });
  return out != in;
}

bool apply_repeat(std::string_view in, std::string& out, const NormalizeOptions& options) {
  const int cap = std::max(1, options.repeat_max);
  out.clear();
  out.reserve(in.size());
  for_each_line(in, [&](std::string_view line, bool has_newline, bool in_code) {
    if (in_code) {
      append_line(out, line, has_newline);
      return;
    }
    char32_t prev = kInvalidCodePoint;
    int run = 0;
    for (size_t i = 0; i < line.size();) {
      const Decoded d = decode_utf8(line, i);
      run = (d.cp == prev) ? run + 1 : 1;
      prev = d.cp;
      if (!(is_repeat_char(d.cp) && run > cap)) out.append(line.substr(i, d.len));
      i += d.len;
    }
    if (has_newline) out.push_back('\n');
  });
  return out != in;
}

// ---------------------------------------------------------------------------
// quotes

bool apply_quotes(std::string_view in, std::string& out) {
  return rewrite(in, out, [&](size_t, Decoded d) {
    if (d.cp == 0x201C || d.cp == 0x201D) return Edit::replace_with(d.len, "\"");
    if (d.cp == 0x2018 || d.cp == 0x2019) return Edit::replace_with(d.len, "'");
    return Edit::keep();
  });
}

}  // namespace

// ---------------------------------------------------------------------------

char32_t compatibility_jamo(char32_t conjoining) {
  static const CompatJamoTable table;
  return table.get(conjoining);
}

char32_t halfwidth_to_compatibility(char32_t c) noexcept {
  // The half-width block follows the compatibility block with gaps
  // (U+FFBF-FFC1, FFC8-FFC9, FFD0-FFD1, FFD8-FFD9 are unassigned).
  if (c == 0xFFA0) return kHangulFiller;
  if (c >= 0xFFA1 && c <= 0xFFBE) return 0x3131 + (c - 0xFFA1);  // consonants ㄱ..ㅎ
  if (c >= 0xFFC2 && c <= 0xFFC7) return 0x314F + (c - 0xFFC2);  // ㅏ..ㅔ
  if (c >= 0xFFCA && c <= 0xFFCF) return 0x3155 + (c - 0xFFCA);  // ㅕ..ㅚ
  if (c >= 0xFFD2 && c <= 0xFFD7) return 0x315B + (c - 0xFFD2);  // ㅛ..ㅠ
  if (c >= 0xFFDA && c <= 0xFFDC) return 0x3161 + (c - 0xFFDA);  // ㅡ..ㅣ
  return 0;
}

size_t code_fence_open(std::string_view line) noexcept {
  const size_t start = skip_blanks(line, 0);
  const size_t run = backtick_run(line, start);
  if (run < 3) return 0;
  if (line.find('`', start + run) != std::string_view::npos) return 0;  // inline code, not a fence
  return run;
}

bool code_fence_close(std::string_view line, size_t open_len) noexcept {
  const size_t start = skip_blanks(line, 0);
  const size_t run = backtick_run(line, start);
  return run >= open_len && skip_blanks(line, start + run) == line.size();
}

bool apply_rule(NormRule rule, std::string_view in, std::string& out,
                const NormalizeOptions& options) {
  switch (rule) {
    case NormRule::kNewlines:
      return apply_newlines(in, out);
    case NormRule::kInvisible:
      return apply_invisible(in, out);
    case NormRule::kFiller:
      return apply_filler(in, out);
    case NormRule::kNfc:
      return apply_icu(nfc_normalizer(), in, out);
    case NormRule::kJamo:
      return apply_jamo(in, out);
    case NormRule::kWidth:
      return apply_width(in, out);
    case NormRule::kSpaces:
      return apply_spaces(in, out, options);
    case NormRule::kRepeat:
      return apply_repeat(in, out, options);
    case NormRule::kQuotes:
      return apply_quotes(in, out);
    case NormRule::kNfkc:
      return apply_icu(nfkc_normalizer(), in, out);
  }
  return false;
}

uint32_t normalize_rule_by_rule(std::string_view in, std::string& out,
                                const NormalizeOptions& options, bool skip_inert_rules) {
  std::string buffers[2];
  int next = 0;  // the buffer the next changing rule writes into
  std::string_view current = in;
  uint32_t changed = 0;
  const auto run = [&](NormRule rule) {
    if (skip_inert_rules) {
      NormalizeOptions single = options;
      single.rules = norm_rule_bit(rule);
      if (!may_change(current, single)) return false;
    }
    if (!apply_rule(rule, current, buffers[next], options)) return false;
    changed |= norm_rule_bit(rule);
    current = buffers[next];
    next ^= 1;
    return true;
  };
  for (const NormRule rule : kNormRuleOrder) {
    if (!options.has(rule)) continue;
    // NFKC turns compatibility jamo back into conjoining jamo, undoing the
    // jamo repair; with nfkc on, jamo is skipped so the result stays stable.
    if (rule == NormRule::kJamo && options.has(NormRule::kNfkc)) continue;
    // A filler dropped by jamo can leave a combining mark right after a
    // letter ("e" U+1160 U+0301), so NFC runs once more after a repair.
    if (run(rule) && rule == NormRule::kJamo && options.has(NormRule::kNfc)) run(NormRule::kNfc);
  }
  if (changed == 0) {
    out.assign(in);
  } else {
    out = std::move(buffers[next ^ 1]);
  }
  return changed;
}

}  // namespace dadeum::detail
