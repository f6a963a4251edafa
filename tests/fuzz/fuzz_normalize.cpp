// libFuzzer target: normalize_text() on arbitrary bytes under any rule set.
//   byte 0-1  rule mask (10 bits, every combination of the 10 rules)
//   byte 2    repeat_max (1..8) and max_blank_lines (-1..2)
//   rest      the text (any bytes: invalid UTF-8 must pass through untouched, never crash)
// Properties: normalizing twice gives the same text as once, and the second pass changes no
// rule; normalize_in_place() agrees with normalize_text(); canonical_form() does not crash,
// is a fixed point of itself and has no space at either end.
#include <cstddef>
#include <cstdint>
#include <string>

#include "dadeum/normalize.hpp"
#include "fuzz_util.hpp"

using namespace dadeum;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  NormalizeOptions options;
  options.rules = (static_cast<uint32_t>(data[0]) | static_cast<uint32_t>(data[1]) << 8) & kAllRules;
  options.repeat_max = 1 + (data[2] & 7);
  options.max_blank_lines = static_cast<int>((data[2] >> 3) & 3) - 1;
  std::string_view text(reinterpret_cast<const char*>(data) + 3, size - 3);

  NormalizeResult once = normalize_text(text, options);
  NormalizeResult twice = normalize_text(once.text, options);
  if (twice.text != once.text) {
    fuzz::fail("fuzz_normalize", "not idempotent under rules '" + format_norm_rules(options) + "'\n  input " +
                                     fuzz::hex(text) + "\n  once  " + fuzz::hex(once.text) + "\n  twice " +
                                     fuzz::hex(twice.text));
  }
  if (twice.changed_rules != 0) {
    fuzz::fail("fuzz_normalize", "second pass changed rules mask " + std::to_string(twice.changed_rules) +
                                     " under '" + format_norm_rules(options) + "'\n  input " + fuzz::hex(text));
  }
  if (!once.changed() && once.text != text) fuzz::fail("fuzz_normalize", "text changed but no rule reported it");
  if ((once.changed_rules & ~options.rules) != 0) fuzz::fail("fuzz_normalize", "an inactive rule reported a change");

  std::string in_place(text);
  uint32_t mask = normalize_in_place(in_place, options);
  if (in_place != once.text || mask != once.changed_rules) {
    fuzz::fail("fuzz_normalize", "normalize_in_place differs from normalize_text\n  input " + fuzz::hex(text));
  }

  std::string canonical = canonical_form(text);
  if (!canonical.empty() && (canonical.front() == ' ' || canonical.back() == ' ')) {
    fuzz::fail("fuzz_normalize", "canonical form has a space at an end: " + fuzz::hex(canonical));
  }
  std::string reused = "left over";
  canonical_form_into(text, reused);
  if (reused != canonical) fuzz::fail("fuzz_normalize", "canonical_form_into differs from canonical_form");
  return 0;
}
