// The last step of the canonical form (see canonical_form_into in
// include/dadeum/normalize.hpp): case folding, punctuation and symbols
// dropped, whitespace collapsed.
#pragma once

#include <string>
#include <string_view>

namespace dadeum::detail {

// Appends the folded `text` to `out`: letters case-folded (ICU default
// folding), characters of the Unicode categories P*, S*, Cf and Cc and the
// variation selectors dropped, each run of whitespace between two kept
// characters written as one ' ' (none at the start or end of this text's
// part, whatever `out` held before). Invalid bytes are kept as they are.
void fold_into(std::string_view text, std::string& out);

}  // namespace dadeum::detail
