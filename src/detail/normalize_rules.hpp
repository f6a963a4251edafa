// The normalization rules one by one, the pre-scan that proves a text needs
// none of them, and the helpers the tests use to compare the two.
#pragma once

#include <string>
#include <string_view>

#include "dadeum/normalize.hpp"

namespace dadeum::detail {

//! Applies one rule to `in`. Returns true when the text changed; `out` then
//! holds the result (`out` must not alias `in`). When it returns false, `out`
//! is unspecified. Rules that depend on options read them from `options`;
//! whether the rule is active in `options` is not checked.
bool apply_rule(NormRule rule, std::string_view in, std::string& out,
                const NormalizeOptions& options);

//! Every active rule in kNormRuleOrder. `out` (not aliasing `in`) receives the
//! result; returns the mask of rules that changed the text. With
//! `skip_inert_rules`, a rule is not run when may_change() proves it has
//! nothing to do (the production path); without, this is the plain reference.
uint32_t normalize_rule_by_rule(std::string_view in, std::string& out,
                                const NormalizeOptions& options, bool skip_inert_rules = false);

//! False only when no active rule can change `text` (then normalization is a
//! no-op). Allocates nothing. Conservative: true does not mean a change.
bool may_change(std::string_view text, const NormalizeOptions& options) noexcept;

//! The compatibility jamo (U+3131..U+318E) for a conjoining jamo, or 0 when
//! there is none (fillers, most archaic clusters).
char32_t compatibility_jamo(char32_t conjoining);

//! The compatibility jamo for a half-width Hangul letter U+FFA0..U+FFDC, or 0.
char32_t halfwidth_to_compatibility(char32_t halfwidth) noexcept;

//! Length of the backtick run opening a fenced code block on this line
//! (without its '\n'), or 0. Indentation may be any blanks; the info string
//! after the backticks may not contain a backtick (CommonMark).
size_t code_fence_open(std::string_view line) noexcept;

//! True when the line closes a fence opened with `open_len` backticks.
bool code_fence_close(std::string_view line, size_t open_len) noexcept;

}  // namespace dadeum::detail
