// Regression (found by tests/fuzz/fuzz_normalize): normalize_text() is documented to be
// idempotent and to leave invalid UTF-8 bytes untouched, but deleting a character that sits
// between stray bytes joins them into a new character. Here the control characters U+0003 and
// U+001A separate E2 from 80 8D; `invisible` drops them, and E2 80 8D is U+200D (ZWJ), which
// the second pass drops in turn. Records never reach the normalizer with invalid UTF-8 (the
// parser rejects them first), so this is an API contract problem, not a data loss in the CLI.
#include <gtest/gtest.h>

#include "dadeum/normalize.hpp"

namespace dadeum {
namespace {

TEST(NormalizeInvalidUtf8, DeletionDoesNotForgeACharacterFromStrayBytes) {
  const std::string input = "\x7f\x95\x9c\xe2\x03\x1a\x80\x8d\xea\xb8\x80";
  for (uint32_t rules : {norm_rule_bit(NormRule::kInvisible), kDefaultRules, kAllRules}) {
    NormalizeOptions options;
    options.rules = rules;
    NormalizeResult once = normalize_text(input, options);
    NormalizeResult twice = normalize_text(once.text, options);
    EXPECT_EQ(twice.text, once.text) << "rules " << format_norm_rules(options);
    EXPECT_EQ(twice.changed_rules, 0u) << "rules " << format_norm_rules(options);
  }
}

// Found again by fuzzing after the first fix (a bounded number of extra passes): every pass
// can forge one more character, so a chain of k stray lead bytes needs k passes. Here
// `invisible` drops ESC, C2 95 becomes U+0095 (a C1 control), the next pass drops it and
// forges the next C2 95, and so on eight times.
TEST(NormalizeInvalidUtf8, AChainOfStrayBytesSettlesInOnePass) {
  const std::string input = std::string(8, '\xc2') + "\x1b" + std::string(8, '\x95') + " 끝";
  for (uint32_t rules : {norm_rule_bit(NormRule::kInvisible), kDefaultRules, kAllRules}) {
    NormalizeOptions options;
    options.rules = rules;
    NormalizeResult once = normalize_text(input, options);
    NormalizeResult twice = normalize_text(once.text, options);
    EXPECT_EQ(twice.text, once.text) << "rules " << format_norm_rules(options);
    EXPECT_EQ(twice.changed_rules, 0u) << "rules " << format_norm_rules(options);
    std::string in_place = input;
    EXPECT_EQ(normalize_in_place(in_place, options), once.changed_rules);
    EXPECT_EQ(in_place, once.text);
  }
}

}  // namespace
}  // namespace dadeum
