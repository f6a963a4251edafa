// Public entry points of the normalizer: rule names and options, the pre-scan
// in front of the rule-by-rule pipeline, and the canonical form for hashing.

#include "dadeum/normalize.hpp"

#include <unicode/uchar.h>

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
    if (item.empty()) return invalid_argument("empty item in rule list '" + std::string(list) + "'");
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

constexpr uint32_t kCanonicalRules =
    norm_rule_bit(NormRule::kNewlines) | norm_rule_bit(NormRule::kInvisible) |
    norm_rule_bit(NormRule::kFiller) | norm_rule_bit(NormRule::kWidth) |
    norm_rule_bit(NormRule::kNfc) | norm_rule_bit(NormRule::kJamo);

enum class Fold : uint8_t { kKeep, kLower, kSpace, kDrop };

// ASCII: letters fold, digits stay, whitespace separates, the rest of the
// printable range is punctuation or symbols (P* / S*), controls go.
constexpr std::array<Fold, 128> make_ascii_fold() {
  std::array<Fold, 128> t{};
  for (int c = 0; c < 128; ++c) {
    if (c >= 'A' && c <= 'Z') t[c] = Fold::kLower;
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) t[c] = Fold::kKeep;
    else if (c == ' ' || (c >= '\t' && c <= '\r')) t[c] = Fold::kSpace;
    else t[c] = Fold::kDrop;
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
  return Fold::kLower;
}

// Case-folds, drops punctuation and symbols, collapses whitespace. Invalid
// bytes are kept as they are.
void fold_into(std::string_view text, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  bool pending_space = false;
  const auto emit = [&](auto&& append) {
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    append();
  };
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      switch (kAsciiFold[c]) {
        case Fold::kKeep: emit([&] { out.push_back(static_cast<char>(c)); }); break;
        case Fold::kLower: emit([&] { out.push_back(static_cast<char>(c | 0x20)); }); break;
        case Fold::kSpace: pending_space = true; break;
        case Fold::kDrop: break;
      }
      ++i;
      continue;
    }
    const detail::Decoded d = detail::decode_utf8(text, i);
    if (d.cp == detail::kInvalidCodePoint) {
      emit([&] { out.push_back(static_cast<char>(c)); });
    } else if (detail::is_hangul_syllable(d.cp)) {
      emit([&] { out.append(text.substr(i, d.len)); });
    } else {
      switch (fold_class(d.cp)) {
        case Fold::kSpace: pending_space = true; break;
        case Fold::kDrop: break;
        default: {
          const auto folded = static_cast<char32_t>(
              u_foldCase(static_cast<UChar32>(d.cp), U_FOLD_CASE_DEFAULT));
          emit([&] { detail::append_utf8(out, folded); });
        }
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

Result<NormalizeOptions> make_normalize_options(std::string_view rules,
                                                std::string_view disabled) {
  NormalizeOptions options;
  rules = trim_blanks(rules);
  disabled = trim_blanks(disabled);
  if (!rules.empty()) {
    options.rules = 0;
    DADEUM_RETURN_IF_ERROR(for_each_item(
        rules, [&](std::string_view item) { return add_rule_item(item, options); }));
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

NormalizeResult normalize_text(std::string_view text, const NormalizeOptions& options) {
  NormalizeResult result;
  if (!detail::may_change(text, options)) {
    result.text.assign(text);
    return result;
  }
  result.changed_rules = detail::normalize_rule_by_rule(text, result.text, options, true);
  return result;
}

uint32_t normalize_in_place(std::string& text, const NormalizeOptions& options) {
  if (!detail::may_change(text, options)) return 0;
  std::string result;
  const uint32_t changed = detail::normalize_rule_by_rule(text, result, options, true);
  if (changed != 0) text.swap(result);
  return changed;
}

std::string canonical_form(std::string_view text) {
  std::string out;
  canonical_form_into(text, out);
  return out;
}

void canonical_form_into(std::string_view text, std::string& out) {
  NormalizeOptions options;
  options.rules = kCanonicalRules;
  std::string normalized;
  if (detail::may_change(text, options) &&
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
