// The pre-scan: one pass over the bytes that proves a text needs no rule.
//
// Most Korean text is ASCII plus precomposed Hangul syllables (U+AC00-D7A3),
// which no rule changes by themselves. The scan skips such text 16 bytes at a
// time (SSE2) and otherwise byte by byte with a table lookup or a three-byte
// range check; everything else is classified per code point, and the NFC/NFKC
// question is handed to ICU only for the part of the text from the first code
// point that is not normalization-inert.

#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>

#include "detail/normalize_icu.hpp"
#include "detail/normalize_rules.hpp"
#include "detail/normalize_utf8.hpp"

namespace dadeum::detail {

namespace {

const icu::Normalizer2* load(const icu::Normalizer2* (*get)(UErrorCode&)) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* norm = get(status);
  return U_SUCCESS(status) ? norm : nullptr;
}

// Classes of ASCII bytes; 0 is "never changed by any rule on its own".
enum AsciiClass : uint8_t { kPlain = 0, kNewline, kCarriageReturn, kControl, kRepeatPunct };

constexpr std::array<uint8_t, 128> make_ascii_classes() {
  std::array<uint8_t, 128> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = kControl;
  t['\t'] = kPlain;
  t['\n'] = kNewline;
  t['\r'] = kCarriageReturn;
  t[0x7F] = kControl;
  for (char c : {'!', '?', '.', '~'}) t[static_cast<unsigned char>(c)] = kRepeatPunct;
  return t;
}
constexpr std::array<uint8_t, 128> kAsciiClasses = make_ascii_classes();

// The active rules, unpacked once per call.
struct Active {
  explicit Active(const NormalizeOptions& o)
      : newlines(o.has(NormRule::kNewlines)),
        invisible(o.has(NormRule::kInvisible)),
        filler(o.has(NormRule::kFiller)),
        jamo(o.has(NormRule::kJamo) && !o.has(NormRule::kNfkc)),
        width(o.has(NormRule::kWidth)),
        spaces(o.has(NormRule::kSpaces)),
        repeat(o.has(NormRule::kRepeat)),
        quotes(o.has(NormRule::kQuotes)),
        normalizer(o.has(NormRule::kNfkc)  ? nfkc_normalizer()
                   : o.has(NormRule::kNfc) ? nfc_normalizer()
                                           : nullptr),
        repeat_max(static_cast<size_t>(o.repeat_max < 1 ? 1 : o.repeat_max)),
        max_blank_lines(o.max_blank_lines) {}

  bool newlines, invisible, filler, jamo, width, spaces, repeat, quotes;
  const icu::Normalizer2* normalizer;  // NFKC when nfkc is on (it implies NFC)
  size_t repeat_max;
  int max_blank_lines;
};

// Whether a rule may change this code point (other than ASCII and syllables),
// leaving aside NFC/NFKC and repeat runs.
bool code_point_may_change(char32_t c, const Active& a) {
  if (a.newlines && (c == 0x2028 || c == 0x2029)) return true;
  if (a.invisible && (is_dropped_invisible(c) || c == kZeroWidthJoiner)) return true;
  if (a.filler && (c == kHangulFiller || c == kHalfwidthHangulFiller || is_conjoining_filler(c))) {
    return true;
  }
  if (a.jamo && is_conjoining_jamo(c)) return true;
  if (a.width && ((c >= 0xFF01 && c <= 0xFF5E) || c == 0x3000 || (c >= 0xFFA0 && c <= 0xFFDC))) {
    return true;
  }
  if (a.spaces && is_unicode_space(c)) return true;
  return a.quotes && is_curly_quote(c);
}

// Length of the run of identical `width`-byte characters starting at i.
size_t run_length(const unsigned char* p, size_t n, size_t i, size_t width) {
  size_t j = i + width;
  while (j + width <= n && std::equal(p + i, p + i + width, p + j)) j += width;
  return (j - i) / width;
}

bool is_blank_byte(unsigned char c) { return c == ' ' || c == '\t'; }

}  // namespace

const icu::Normalizer2* nfc_normalizer() noexcept {
  static const icu::Normalizer2* const norm = load(&icu::Normalizer2::getNFCInstance);
  return norm;
}

const icu::Normalizer2* nfkc_normalizer() noexcept {
  static const icu::Normalizer2* const norm = load(&icu::Normalizer2::getNFKCInstance);
  return norm;
}

namespace {

// The scan over one text. skip_simd() jumps over 16-byte chunks that are
// plainly fine; scan_scalar() classifies byte by byte and code point by code
// point. Both stop only at code point boundaries.
class PreScan {
 public:
  PreScan(std::string_view text, const NormalizeOptions& options)
      : text_(text),
        p_(reinterpret_cast<const unsigned char*>(text.data())),
        n_(text.size()),
        a_(options) {}

  bool may_change() {
    size_t i = 0;
    while (i < n_) {
      i = skip_simd(i);
      if (i >= n_) break;
      if (scan_scalar(i, std::min(n_, i + kScalarStretch))) return true;
    }
    if (a_.spaces && is_blank_byte(p_[n_ - 1])) return true;  // trailing blank at the end
    return icu_says_unnormalized();
  }

 private:
  // Bytes looked at one by one before trying whole chunks again.
  static constexpr size_t kScalarStretch = 64;

  // Skips 16-byte chunks made only of printable ASCII (0x20..0x7E; with
  // repeat on, no doubled ! ? . ~), tabs, whole Hangul syllables (EA B0..ED 9D
  // xx) and lone newlines: a '\n' that is not the text's first byte, not after
  // a blank or another newline and not before a newline, which no rule changes
  // (no trailing blank, no blank line). Everything else is left to scan_scalar().
  size_t skip_simd(size_t i) const {
#if defined(__SSE2__)
    const __m128i k_cont_end = _mm_set1_epi8(static_cast<char>(0xC0));
    const __m128i k_lead_lo = _mm_set1_epi8(static_cast<char>(0xE9));
    const __m128i k_lead_hi = _mm_set1_epi8(static_cast<char>(0xEE));
    const __m128i k_space_minus_one = _mm_set1_epi8(0x1F);
    const __m128i k_del = _mm_set1_epi8(0x7F);
    const __m128i k_ea = _mm_set1_epi8(static_cast<char>(0xEA));
    const __m128i k_ed = _mm_set1_epi8(static_cast<char>(0xED));
    const __m128i k_b0 = _mm_set1_epi8(static_cast<char>(0xB0));
    const __m128i k_9d = _mm_set1_epi8(static_cast<char>(0x9D));
    const __m128i k_tab = _mm_set1_epi8('\t');
    uint32_t carry = 0;  // continuation bytes owed to the next chunk (bit 0, 1)
    while (i + 17 <= n_) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_ + i));
      const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_ + i + 1));
      // Signed compares: continuation bytes are -128..-65, leads EA..ED -22..-19.
      const __m128i cont = _mm_cmplt_epi8(x, k_cont_end);
      const __m128i lead =
          _mm_and_si128(_mm_cmpgt_epi8(x, k_lead_lo), _mm_cmplt_epi8(x, k_lead_hi));
      __m128i plain = _mm_and_si128(_mm_cmpgt_epi8(x, k_space_minus_one), _mm_cmplt_epi8(x, k_del));
      plain = _mm_or_si128(plain, _mm_cmpeq_epi8(x, k_tab));
      // With repeat on, ! ? . ~ pass only when the next byte differs.
      if (a_.repeat)
        plain = _mm_andnot_si128(_mm_and_si128(repeat_punct(x), _mm_cmpeq_epi8(x, next)), plain);
      const auto lead_mask = static_cast<uint32_t>(_mm_movemask_epi8(lead));
      const auto cont_mask = static_cast<uint32_t>(_mm_movemask_epi8(cont));
      const auto plain_mask = static_cast<uint32_t>(_mm_movemask_epi8(plain));
      if ((lead_mask | cont_mask | plain_mask) != 0xFFFF &&
          (lead_mask | cont_mask | plain_mask | lone_newlines(x, next, i)) != 0xFFFF) {
        break;
      }
      // Each lead owns exactly the two bytes after it.
      const uint32_t owed = (lead_mask << 1) | (lead_mask << 2);
      if (cont_mask != ((owed | carry) & 0xFFFF)) break;
      // EA 80..AF is U+A000..ABFF (jamo extension A among it); ED 9E.. reaches
      // past U+D7A3 into jamo extension B; both go the slow way.
      const __m128i bad =
          _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(x, k_ea), _mm_cmplt_epi8(next, k_b0)),
                       _mm_and_si128(_mm_cmpeq_epi8(x, k_ed), _mm_cmpgt_epi8(next, k_9d)));
      if (_mm_movemask_epi8(bad) != 0) break;
      carry = owed >> 16;
      i += 16;
    }
    // Back up to the lead byte of a syllable split by the chunk boundary.
    if (carry == 3) return i - 1;
    if (carry == 1) return i - 2;
#endif
    return i;
  }

#if defined(__SSE2__)
  // Mask of the newlines of the chunk x at i that no rule changes: not the
  // text's first byte, not after a blank or another newline, not before a
  // newline (no trailing blank, no blank line).
  uint32_t lone_newlines(__m128i x, __m128i next, size_t i) const {
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i newlines = _mm_cmpeq_epi8(x, newline);
    if (_mm_movemask_epi8(newlines) == 0) return 0;
    // The byte before each one; before the text's first byte, as if a newline.
    const __m128i prev = i > 0 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_ + i - 1))
                               : _mm_or_si128(_mm_slli_si128(x, 1), _mm_cvtsi32_si128('\n'));
    const __m128i after_break =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(prev, newline), _mm_cmpeq_epi8(prev, _mm_set1_epi8('\t'))),
                     _mm_cmpeq_epi8(prev, _mm_set1_epi8(' ')));
    const __m128i lone = _mm_andnot_si128(_mm_or_si128(after_break, _mm_cmpeq_epi8(next, newline)), newlines);
    return static_cast<uint32_t>(_mm_movemask_epi8(lone));
  }

  static __m128i repeat_punct(__m128i x) {
    const __m128i a =
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('!')), _mm_cmpeq_epi8(x, _mm_set1_epi8('?')));
    const __m128i b =
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')), _mm_cmpeq_epi8(x, _mm_set1_epi8('~')));
    return _mm_or_si128(a, b);
  }
#endif

  // Classifies from i until at least `stop`; true when a rule may apply.
  bool scan_scalar(size_t& i, size_t stop) {
    while (i < stop) {
      const unsigned char c = p_[i];
      if (c < 0x80) {
        if (ascii_may_change(i)) return true;
        continue;
      }
      // Precomposed Hangul syllable: lead byte EA..ED, code point AC00..D7A3.
      if (c >= 0xEA && c <= 0xED && i + 2 < n_) {
        const char32_t cp = (static_cast<char32_t>(c & 0x0F) << 12) |
                            (static_cast<char32_t>(p_[i + 1] & 0x3F) << 6) | (p_[i + 2] & 0x3F);
        if (is_continuation(p_[i + 1]) && is_continuation(p_[i + 2]) && is_hangul_syllable(cp)) {
          i += 3;
          continue;
        }
      }
      if (other_may_change(i)) return true;
    }
    return false;
  }

  // An ASCII byte at i; advances i past it (or past its run).
  bool ascii_may_change(size_t& i) const {
    const unsigned char c = p_[i];
    switch (kAsciiClasses[c]) {
      case kNewline: {
        size_t j = i + 1;
        while (j < n_ && p_[j] == '\n') ++j;
        if (a_.spaces) {
          if (i > 0 && is_blank_byte(p_[i - 1])) return true;  // trailing blank
          // k newlines in a row are k - 1 blank lines, or k at the start.
          const size_t blank = (j - i) - (i > 0 ? 1 : 0);
          if (a_.max_blank_lines >= 0 && blank > static_cast<size_t>(a_.max_blank_lines)) {
            return true;
          }
        }
        i = j;
        return false;
      }
      case kCarriageReturn:
        if (a_.newlines) return true;
        break;
      case kControl:
        if (a_.invisible) return true;
        break;
      case kRepeatPunct:
        if (a_.repeat) {
          const size_t run = run_length(p_, n_, i, 1);
          if (run > a_.repeat_max) return true;
          i += run;
          return false;
        }
        break;
      default:
        break;
    }
    ++i;
    return false;
  }

  // Any other code point at i (or an invalid byte); advances i past it.
  bool other_may_change(size_t& i) {
    const Decoded d = decode_utf8(text_, i);
    if (d.cp == kInvalidCodePoint) return true;  // the rules handle it; no guessing here
    if (code_point_may_change(d.cp, a_)) return true;
    size_t step = d.len;
    if (a_.repeat && is_repeat_jamo(d.cp)) {
      const size_t run = run_length(p_, n_, i, d.len);
      if (run > a_.repeat_max) return true;
      step = run * d.len;
    }
    if (a_.normalizer != nullptr && icu_from_ == SIZE_MAX &&
        !a_.normalizer->isInert(static_cast<UChar32>(d.cp))) {
      // The code point before is ASCII, a syllable or inert: a safe place to start.
      icu_from_ = i == 0 ? 0 : previous_start(text_, i);
    }
    i += step;
    return false;
  }

  // NFC (or NFKC) is asked only about the text from the first code point that
  // is not normalization-inert, if there is one.
  bool icu_says_unnormalized() const {
    if (icu_from_ == SIZE_MAX) return false;
    const size_t length = n_ - icu_from_;
    if (length > INT32_MAX) return true;
    UErrorCode status = U_ZERO_ERROR;
    const bool normalized = a_.normalizer->isNormalizedUTF8(
        icu::StringPiece(text_.data() + icu_from_, static_cast<int32_t>(length)), status);
    return !(normalized && U_SUCCESS(status));
  }

  std::string_view text_;
  const unsigned char* p_;
  size_t n_;
  Active a_;
  size_t icu_from_ = SIZE_MAX;
};

}  // namespace

bool may_change(std::string_view text, const NormalizeOptions& options) noexcept {
  if ((options.rules & kAllRules) == 0 || text.empty()) return false;
  return PreScan(text, options).may_change();
}

}  // namespace dadeum::detail
