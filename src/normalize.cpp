// Public entry points of the normalizer: rule names and options, the pre-scan
// in front of the rule-by-rule pipeline, and the canonical form for hashing.

#include "dadeum/normalize.hpp"

#include <unicode/uchar.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <charconv>
#include <functional>
#include <string>
#include <utility>

#include "detail/normalize_rules.hpp"
#include "detail/normalize_utf8.hpp"

namespace dadeum {
namespace {

constexpr std::array<std::string_view, kNormRuleCount> kRuleNames = {
    "newlines", "invisible", "filler", "nfc", "jamo", "width", "spaces", "repeat", "quotes", "nfkc",
};

constexpr int kMaxRuleValue = 1000000;

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string known_rules() {
  std::string list;
  for (const std::string_view name : kRuleNames) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list;
}

Status unknown_rule(std::string_view name) {
  return invalid_argument("unknown normalization rule '" + std::string(name) +
                          "' (known: " + known_rules() + ")");
}

// Calls fn(item) for every comma-separated item; stops at the first error.
Status for_each_item(std::string_view list, const std::function<Status(std::string_view)>& fn) {
  while (true) {
    const size_t comma = list.find(',');
    const std::string_view item = trim_blanks(list.substr(0, comma));
    if (item.empty())
      return invalid_argument("empty item in rule list '" + std::string(list) + "'");
    DADEUM_RETURN_IF_ERROR(fn(item));
    if (comma == std::string_view::npos) return Status::ok();
    list.remove_prefix(comma + 1);
  }
}

Result<int> parse_rule_value(std::string_view name, std::string_view value, int min) {
  int number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || end != value.data() + value.size() || number < min ||
      number > kMaxRuleValue) {
    return invalid_argument("rule '" + std::string(name) + "' needs a whole number from " +
                            std::to_string(min) + ", got '" + std::string(value) + "'");
  }
  return number;
}

Status add_rule_item(std::string_view item, NormalizeOptions& options) {
  const size_t eq = item.find('=');
  const std::string_view name = trim_blanks(item.substr(0, eq));
  if (name == "default" && eq == std::string_view::npos) {
    options.rules |= kDefaultRules;
    return Status::ok();
  }
  const std::optional<NormRule> rule = parse_norm_rule(name);
  if (!rule) return unknown_rule(name);
  if (eq != std::string_view::npos) {
    const std::string_view value = trim_blanks(item.substr(eq + 1));
    if (*rule == NormRule::kRepeat) {
      Result<int> n = parse_rule_value(name, value, 1);
      if (!n.is_ok()) return n.status();
      options.repeat_max = n.value();
    } else if (*rule == NormRule::kSpaces) {
      Result<int> n = parse_rule_value(name, value, 0);
      if (!n.is_ok()) return n.status();
      options.max_blank_lines = n.value();
    } else {
      return invalid_argument("rule '" + std::string(name) + "' takes no value");
    }
  }
  options.set(*rule, true);
  return Status::ok();
}

Status remove_rule_item(std::string_view item, NormalizeOptions& options) {
  const std::optional<NormRule> rule = parse_norm_rule(item);
  if (!rule) return unknown_rule(item);
  options.set(*rule, false);
  return Status::ok();
}

// ---------------------------------------------------------------------------
// Canonical form

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

bool is_syllable_at(const unsigned char* p, size_t n, size_t i) {
  if (i + 2 >= n || p[i] < 0xEA || p[i] > 0xED) return false;
  const char32_t cp = (static_cast<char32_t>(p[i] & 0x0F) << 12) |
                      (static_cast<char32_t>(p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
  return detail::is_continuation(p[i + 1]) && detail::is_continuation(p[i + 2]) &&
         detail::is_hangul_syllable(cp);
}

bool is_kept_at(const unsigned char* p, size_t n, size_t i) {
  return p[i] < 0x80 ? kAsciiFold[p[i]] == Fold::kKeep : is_syllable_at(p, n, i);
}

// Skips 16-byte chunks that fold_into() may copy verbatim: lower-case ASCII
// letters, digits, whole Hangul syllables (EA B0..ED 9D xx) and single spaces
// followed by such a character. Returns where it stopped, at a code point
// boundary. `run_empty`: nothing is in the current run yet, so a leading space
// must go through the pending-space logic instead.
size_t skip_verbatim_chunks(const unsigned char* p, size_t n, size_t j, bool run_empty) {
#if defined(__SSE2__)
  uint32_t carry = 0;  // continuation bytes owed to the next chunk
  while (j + 17 <= n) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + j));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + j + 1));
    const auto in_range = [&](char lo, char hi) {
      return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(static_cast<char>(lo - 1))),
                           _mm_cmplt_epi8(x, _mm_set1_epi8(static_cast<char>(hi + 1))));
    };
    const __m128i kept_ascii = _mm_or_si128(in_range('a', 'z'), in_range('0', '9'));
    const __m128i space = _mm_cmpeq_epi8(x, _mm_set1_epi8(' '));
    // Signed compares: continuation bytes are -128..-65, leads EA..ED -22..-19.
    const __m128i cont = _mm_cmplt_epi8(x, _mm_set1_epi8(static_cast<char>(0xC0)));
    const __m128i lead = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(static_cast<char>(0xE9))),
                                       _mm_cmplt_epi8(x, _mm_set1_epi8(static_cast<char>(0xEE))));
    const auto kept_mask = static_cast<uint32_t>(_mm_movemask_epi8(kept_ascii));
    const auto space_mask = static_cast<uint32_t>(_mm_movemask_epi8(space));
    const auto lead_mask = static_cast<uint32_t>(_mm_movemask_epi8(lead));
    const auto cont_mask = static_cast<uint32_t>(_mm_movemask_epi8(cont));
    if ((kept_mask | space_mask | lead_mask | cont_mask) != 0xFFFF) break;
    const uint32_t owed = (lead_mask << 1) | (lead_mask << 2);
    if (cont_mask != ((owed | carry) & 0xFFFF)) break;
    const __m128i bad_lead =
        _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(static_cast<char>(0xEA))),
                                   _mm_cmplt_epi8(next, _mm_set1_epi8(static_cast<char>(0xB0)))),
                     _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(static_cast<char>(0xED))),
                                   _mm_cmpgt_epi8(next, _mm_set1_epi8(static_cast<char>(0x9D)))));
    if (_mm_movemask_epi8(bad_lead) != 0) break;
    // A space must be followed by a kept character inside this chunk.
    if ((space_mask & ~((kept_mask | lead_mask) >> 1)) != 0) break;
    if (run_empty && (space_mask & 1) != 0) break;
    run_empty = false;
    carry = owed >> 16;
    j += 16;
  }
  if (carry == 3) return j - 1;  // back up to the lead byte of a split syllable
  if (carry == 1) return j - 2;
#else
  (void)p;
  (void)n;
  (void)run_empty;
#endif
  return j;
}

// Case-folds, drops punctuation and symbols, collapses whitespace. Invalid
// bytes are kept as they are. Runs of characters that stay as they are
// (lower-case ASCII letters, digits, Hangul syllables, and single spaces
// between them) are copied in one go.
void fold_into(std::string_view text, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  bool pending_space = false;
  const auto separate = [&] {
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
  };
  size_t simd_from = 0;  // chunks are tried again only past the last failed one
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n) {
      if (j >= simd_from) {
        j = skip_verbatim_chunks(p, n, j, j == i);
        simd_from = j + 16;
        if (j >= n) break;
      }
      if (p[j] < 0x80 && kAsciiFold[p[j]] == Fold::kKeep)
        ++j;
      else if (is_syllable_at(p, n, j))
        j += 3;
      else if (p[j] == ' ' && j > i && j + 1 < n && is_kept_at(p, n, j + 1))
        ++j;
      else
        break;
    }
    if (j > i) {
      separate();
      out.append(text.substr(i, j - i));
      i = j;
      continue;
    }
    if (p[i] < 0x80) {
      const Fold fold = kAsciiFold[p[i]];
      if (fold == Fold::kFold) {
        separate();
        out.push_back(static_cast<char>(p[i] | 0x20));
      } else if (fold == Fold::kSpace) {
        pending_space = true;
      }
      ++i;
      continue;
    }
    const detail::Decoded d = detail::decode_utf8(text, i);
    if (d.cp == detail::kInvalidCodePoint) {
      separate();
      out.push_back(static_cast<char>(p[i]));
    } else {
      const Fold fold = fold_class(d.cp);
      if (fold == Fold::kSpace) {
        pending_space = true;
      } else if (fold != Fold::kDrop) {
        separate();
        detail::append_utf8(out, static_cast<char32_t>(
                                     u_foldCase(static_cast<UChar32>(d.cp), U_FOLD_CASE_DEFAULT)));
      }
    }
    i += d.len;
  }
}

}  // namespace

std::string_view norm_rule_name(NormRule rule) noexcept {
  const auto index = static_cast<size_t>(rule);
  return index < kRuleNames.size() ? kRuleNames[index] : std::string_view("unknown");
}

std::optional<NormRule> parse_norm_rule(std::string_view name) noexcept {
  for (size_t k = 0; k < kRuleNames.size(); ++k) {
    if (kRuleNames[k] == name) return static_cast<NormRule>(k);
  }
  return std::nullopt;
}

Result<NormalizeOptions> make_normalize_options(std::string_view rules, std::string_view disabled) {
  NormalizeOptions options;
  rules = trim_blanks(rules);
  disabled = trim_blanks(disabled);
  if (!rules.empty()) {
    options.rules = 0;
    DADEUM_RETURN_IF_ERROR(
        for_each_item(rules, [&](std::string_view item) { return add_rule_item(item, options); }));
  }
  if (!disabled.empty()) {
    DADEUM_RETURN_IF_ERROR(for_each_item(
        disabled, [&](std::string_view item) { return remove_rule_item(item, options); }));
  }
  return options;
}

std::string format_norm_rules(const NormalizeOptions& options) {
  std::string spec;
  for (size_t k = 0; k < kNormRuleCount; ++k) {
    const auto rule = static_cast<NormRule>(k);
    if (!options.has(rule)) continue;
    if (!spec.empty()) spec += ',';
    spec += kRuleNames[k];
    if (rule == NormRule::kRepeat) {
      spec += '=' + std::to_string(options.repeat_max < 1 ? 1 : options.repeat_max);
    } else if (rule == NormRule::kSpaces && options.max_blank_lines != 2 &&
               options.max_blank_lines >= 0) {
      spec += '=' + std::to_string(options.max_blank_lines);
    }
  }
  return spec;
}

namespace {

// Applies the rules again while they still change something. One pass is enough for valid
// UTF-8; with stray invalid bytes, deleting a character can join bytes into a new one (found
// by fuzzing), and a chain of them needs a pass each. Cheap: the pre-scan usually says no.
uint32_t settle(std::string& text, const NormalizeOptions& options) {
  // Each extra pass can only be caused by stray bytes, and each consumes at least one of
  // them, so the number of invalid bytes bounds the passes.
  size_t invalid = 0;
  for (size_t pos = 0; pos < text.size();) {
    detail::Decoded decoded = detail::decode_utf8(text, pos);
    invalid += decoded.cp == detail::kInvalidCodePoint;
    pos += decoded.len;
  }
  uint32_t changed = 0;
  for (size_t round = 0; round < invalid + 2 && detail::may_change(text, options); ++round) {
    std::string again;
    const uint32_t more = detail::normalize_rule_by_rule(text, again, options, true);
    if (more == 0) break;
    text.swap(again);
    changed |= more;
  }
  return changed;
}

}  // namespace

NormalizeResult normalize_text(std::string_view text, const NormalizeOptions& options) {
  NormalizeResult result;
  if (!detail::may_change(text, options)) {
    result.text.assign(text);
    return result;
  }
  result.changed_rules = detail::normalize_rule_by_rule(text, result.text, options, true);
  if (result.changed_rules != 0) result.changed_rules |= settle(result.text, options);
  return result;
}

uint32_t normalize_in_place(std::string& text, const NormalizeOptions& options) {
  if (!detail::may_change(text, options)) return 0;
  std::string result;
  uint32_t changed = detail::normalize_rule_by_rule(text, result, options, true);
  if (changed != 0) {
    changed |= settle(result, options);
    text.swap(result);
  }
  return changed;
}

std::string canonical_form(std::string_view text) {
  std::string out;
  canonical_form_into(text, out);
  return out;
}

bool normalize_may_change(std::string_view text, const NormalizeOptions& options) noexcept {
  return detail::may_change(text, options);
}

void canonical_form_into(std::string_view text, std::string& out, bool settled) {
  NormalizeOptions options;
  options.rules = kCanonicalRules;
  std::string normalized;
  if (!settled && detail::may_change(text, options) &&
      detail::normalize_rule_by_rule(text, normalized, options, true) != 0) {
    text = normalized;
  }
  // `text` may point into `out` (canonical_form_into(s, s)); fold into a fresh
  // buffer only then.
  const char* out_begin = out.data();
  const bool aliases = std::less_equal<const char*>()(out_begin, text.data()) &&
                       std::less_equal<const char*>()(text.data(), out_begin + out.capacity());
  if (aliases) {
    std::string folded;
    folded.reserve(text.size());
    fold_into(text, folded);
    out.swap(folded);
    return;
  }
  out.clear();
  out.reserve(text.size());
  fold_into(text, out);
}

}  // namespace dadeum
