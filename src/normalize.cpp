// Public entry points of the normalizer: rule names and options, the pre-scan
// in front of the rule-by-rule pipeline, and the canonical form for hashing.

#include "dadeum/normalize.hpp"

#include <array>
#include <charconv>
#include <functional>
#include <string>
#include <utility>

#include "detail/canonical_fold.hpp"
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

namespace {

// The canonical rules' result for `text`: `text` itself when they change nothing (or when the
// caller knows they cannot), else `normalized`.
std::string_view canonical_rules_applied(std::string_view text, std::string& normalized, bool settled) {
  NormalizeOptions options;
  options.rules = kCanonicalRules;
  if (!settled && detail::may_change(text, options) &&
      detail::normalize_rule_by_rule(text, normalized, options, true) != 0) {
    return normalized;
  }
  return text;
}

}  // namespace

void canonical_form_append(std::string_view text, std::string& out, bool settled) {
  std::string normalized;
  detail::fold_into(canonical_rules_applied(text, normalized, settled), out);  // sizes `out` itself
}

void canonical_form_into(std::string_view text, std::string& out, bool settled) {
  // `text` may point into `out` (canonical_form_into(s, s)); fold into a fresh
  // buffer only then.
  const char* out_begin = out.data();
  const bool aliases = std::less_equal<const char*>()(out_begin, text.data()) &&
                       std::less_equal<const char*>()(text.data(), out_begin + out.capacity());
  if (aliases) {
    std::string folded;
    canonical_form_append(text, folded, settled);
    out.swap(folded);
    return;
  }
  out.clear();
  canonical_form_append(text, out, settled);
}

}  // namespace dadeum
