// libFuzzer target: the PII scanner and masker on arbitrary bytes.
//   byte 0    mode: bit 0 also masks with spans made up from the input (any order, overlapping,
//             outside the text), bit 1 scans the text twice with one reused buffer
//   rest      the text
// Properties: find_pii() spans are sorted, non-overlapping, non-empty and inside the text;
// find_pii_into() gives the same; mask_pii() / redact_pii() never crash and give the same
// text; masking leaves the bytes outside the spans as they were.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dadeum/pii.hpp"
#include "fuzz_util.hpp"

using namespace dadeum;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::vector<PiiMatch> matches = find_pii(text);
  size_t previous_end = 0;
  for (size_t idx = 0; idx < matches.size(); ++idx) {
    const PiiMatch& match = matches[idx];
    if (match.begin >= match.end || match.end > text.size()) {
      fuzz::fail("fuzz_pii", "span " + std::to_string(match.begin) + ".." + std::to_string(match.end) +
                                 " outside a text of " + std::to_string(text.size()) + " bytes: " + fuzz::hex(text));
    }
    if (idx > 0 && match.begin < previous_end) {
      fuzz::fail("fuzz_pii", "spans unsorted or overlapping at " + std::to_string(idx) + ": " + fuzz::hex(text));
    }
    if (static_cast<size_t>(match.type) >= kPiiTypeCount) fuzz::fail("fuzz_pii", "type out of range");
    previous_end = match.end;
  }

  std::vector<PiiMatch> reused;
  if (mode & 2) find_pii_into(text.substr(0, text.size() / 2), reused);  // dirty the buffer first
  find_pii_into(text, reused);
  if (reused != matches) fuzz::fail("fuzz_pii", "find_pii_into differs from find_pii: " + fuzz::hex(text));

  std::string masked = mask_pii(text, matches);
  if (masked != redact_pii(text)) fuzz::fail("fuzz_pii", "redact_pii differs from mask_pii(find_pii)");
  // The bytes before the first span and after the last one stay as they were.
  size_t head = matches.empty() ? text.size() : matches.front().begin;
  size_t tail = matches.empty() ? 0 : text.size() - matches.back().end;
  if (masked.compare(0, head, text, 0, head) != 0 ||
      (tail > 0 && (masked.size() < tail || masked.compare(masked.size() - tail, tail, text, text.size() - tail, tail) != 0))) {
    fuzz::fail("fuzz_pii", "masking changed bytes outside the spans: " + fuzz::hex(text));
  }

  if (mode & 1) {
    // Spans the caller made up: any order, overlapping, empty, past the end (they are clipped).
    std::vector<PiiMatch> made_up;
    for (size_t idx = 0; idx + 2 < text.size() && made_up.size() < 16; idx += 3) {
      auto a = static_cast<size_t>(static_cast<uint8_t>(text[idx]));
      auto b = static_cast<size_t>(static_cast<uint8_t>(text[idx + 1]));
      made_up.push_back({static_cast<PiiType>(static_cast<uint8_t>(text[idx + 2]) % (kPiiTypeCount + 1)), a, a + b % 40, false});
    }
    std::string out = mask_pii(text, made_up);
    (void)out;
  }
  return 0;
}
