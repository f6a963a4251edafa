// Korean text normalization: named, switchable rules applied in a fixed order,
// and the canonical form used for hashing (dedup, leakage checks).
//
// The rules, their order and the reasons behind them are described in
// docs/normalization.md. In short, the default set (newlines, invisible,
// filler, width, nfc, jamo, spaces) is safe for chat and code text; repeat,
// quotes and nfkc are opt-in.
//
// Nothing here prints, exits or throws on any input. Invalid UTF-8 bytes are
// left untouched (copied as they are); only memory exhaustion can escape as
// std::bad_alloc. All functions are safe to call from several threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dadeum/status.hpp"

namespace dadeum {

//! Normalization rules. The enum order is the order of the per-rule counters;
//! the order in which rules are applied is kNormRuleOrder.
enum class NormRule : uint8_t {
  kNewlines,   //!< CRLF, CR, U+2028, U+2029 -> LF
  kInvisible,  //!< drop zero-width, bidi and control characters (ZWJ kept inside emoji)
  kFiller,     //!< drop Hangul fillers that stand alone (U+3164, U+FFA0, U+115F, U+1160)
  kNfc,        //!< Unicode NFC (composes NFD Hangul and conjoining jamo)
  kJamo,       //!< repair conjoining jamo that NFC cannot compose
  kWidth,      //!< full-width ASCII, U+3000 and half-width Hangul -> ordinary forms
  kSpaces,     //!< Unicode spaces -> ' ', trailing blanks, runs of blank lines
  kRepeat,     //!< cap runs of ㅋ ㅎ ㅠ ㅜ ㄷ ㅡ ! ? . ~ (off by default)
  kQuotes,     //!< curly quotes -> straight (off by default)
  kNfkc,       //!< Unicode NFKC (off by default; harmful for Korean, see the docs)
};
inline constexpr size_t kNormRuleCount = 10;

//! The order in which normalize_text() applies the active rules. With nfkc on,
//! jamo is skipped; after jamo changed the text, nfc runs once more.
inline constexpr NormRule kNormRuleOrder[kNormRuleCount] = {
    NormRule::kNewlines, NormRule::kInvisible, NormRule::kFiller, NormRule::kWidth,
    NormRule::kNfc,      NormRule::kNfkc,      NormRule::kJamo,   NormRule::kSpaces,
    NormRule::kRepeat,   NormRule::kQuotes,
};

constexpr uint32_t norm_rule_bit(NormRule rule) { return 1u << static_cast<unsigned>(rule); }

inline constexpr uint32_t kDefaultRules =
    norm_rule_bit(NormRule::kNewlines) | norm_rule_bit(NormRule::kInvisible) |
    norm_rule_bit(NormRule::kFiller) | norm_rule_bit(NormRule::kNfc) |
    norm_rule_bit(NormRule::kJamo) | norm_rule_bit(NormRule::kWidth) |
    norm_rule_bit(NormRule::kSpaces);
inline constexpr uint32_t kAllRules = (1u << kNormRuleCount) - 1;
//! The rules the canonical form (below) applies before folding.
inline constexpr uint32_t kCanonicalRules =
    norm_rule_bit(NormRule::kNewlines) | norm_rule_bit(NormRule::kInvisible) |
    norm_rule_bit(NormRule::kFiller) | norm_rule_bit(NormRule::kWidth) |
    norm_rule_bit(NormRule::kNfc) | norm_rule_bit(NormRule::kJamo);

//! "newlines", "invisible", "filler", "nfc", "jamo", "width", "spaces",
//! "repeat", "quotes", "nfkc"; "unknown" for an out-of-range value.
std::string_view norm_rule_name(NormRule rule) noexcept;

//! The rule with that exact (lower-case) name.
std::optional<NormRule> parse_norm_rule(std::string_view name) noexcept;

struct NormalizeOptions {
  uint32_t rules = kDefaultRules;  //!< bit norm_rule_bit(rule) per active rule
  int repeat_max = 3;              //!< repeat: runs are cut to this length (values < 1 act as 1)
  int max_blank_lines = 2;         //!< spaces: at most this many blank lines in a row (< 0: no cap)

  bool has(NormRule rule) const { return (rules & norm_rule_bit(rule)) != 0; }
  void set(NormRule rule, bool on) {
    rules = on ? (rules | norm_rule_bit(rule)) : (rules & ~norm_rule_bit(rule));
  }
};

//! Options from the CLI's two lists, both comma-separated.
//!
//! `rules` ("--rules") replaces the default set when not empty. Items: a rule
//! name; "repeat=N" (turns repeat on, runs cut to N >= 1); "spaces=N" (turns
//! spaces on, at most N >= 0 blank lines in a row); "default" (adds the default
//! set, e.g. "default,quotes"). `disabled` ("--no-rule") then removes the named
//! rules. An empty string leaves that part unchanged. Unknown names, bad
//! numbers and empty items are kInvalidArgument errors.
Result<NormalizeOptions> make_normalize_options(std::string_view rules, std::string_view disabled);

//! The active rules of `options` as "name,name,..." in enum order, with
//! "repeat=N" and, when not 2, "spaces=N". Empty for no rules. Parsing it with
//! make_normalize_options() gives the same options back.
std::string format_norm_rules(const NormalizeOptions& options);

struct NormalizeResult {
  std::string text;
  uint32_t changed_rules = 0;  //!< norm_rule_bit() of every rule that changed the text
  bool changed() const { return changed_rules != 0; }
};

//! The normalized copy of `text` and the rules that changed it.
NormalizeResult normalize_text(std::string_view text, const NormalizeOptions& options);

//! Normalizes `text` in place; returns the mask of rules that changed it.
//! A text that no active rule can change is recognized by one fast scan and
//! left untouched without allocating (return value 0).
uint32_t normalize_in_place(std::string& text, const NormalizeOptions& options);

//! False when one fast scan proves that no active rule can change `text` (true means
//! "maybe"). normalize_in_place() starts with this scan.
bool normalize_may_change(std::string_view text, const NormalizeOptions& options) noexcept;

//! Canonical form for hashing (dedup, leakage); never written to outputs.
//! The text is normalized with newlines, invisible, filler, width, nfc and jamo,
//! then case-folded (Unicode simple case folding), stripped of punctuation,
//! symbols, format characters and variation selectors, and every run of
//! whitespace becomes one ASCII space; no space at either end.
std::string canonical_form(std::string_view text);

//! canonical_form() written into `out` (replacing its contents, reusing its buffer).
//! `settled`: the caller knows that no rule of kCanonicalRules can change `text` (e.g.
//! normalize_may_change() said so for a superset of them), so only the folding runs.
void canonical_form_into(std::string_view text, std::string& out, bool settled = false);
//! canonical_form() of `text` appended to `out` (which must not hold `text`), as the form of a
//! text of its own: nothing joins it to what `out` ends with.
void canonical_form_append(std::string_view text, std::string& out, bool settled = false);

}  // namespace dadeum
