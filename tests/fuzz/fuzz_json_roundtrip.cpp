// libFuzzer target: parse -> write -> parse gives the same value.
//   byte 0    bits 0-2 schema given to parse_lines (auto, alpaca, sharegpt, messages,
//             prompt-completion); bit 3 appends awkward characters to every text before
//             writing; bit 4 also converts every kept record to the other schemas
//   rest      JSON lines (split on '\n')
// Properties, for every record parse_lines() keeps:
//   - written unchanged it is its raw bytes plus '\n';
//   - with every turn marked changed (texts re-escaped in place) it parses to the same value
//     as the original, key order included (tests/unit/json_equal.hpp);
//   - with changed texts it parses back to the same schema, the same turns and exactly the
//     texts that were set;
//   - converted to another schema (when the writer accepts) it is valid JSON that parses as a
//     kept record of that schema;
//   - a rejected record gives a reject line that is valid JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dadeum/reader.hpp"
#include "dadeum/writer.hpp"
#include "fuzz_util.hpp"
#include "unit/json_equal.hpp"

using namespace dadeum;

namespace {

constexpr const char* kTarget = "fuzz_json_roundtrip";

// Texts the escaper must get right: quotes, backslashes, every control character class,
// DEL, U+2028/2029, a lone "\u" look-alike, Korean and an emoji.
const std::string_view kAwkward[] = {
    "\"", "\\", "\\u0041", "\n", "\r\n", "\t", std::string_view("\0", 1), "\x01\x1f", "\x7f",
    "\xe2\x80\xa8\xe2\x80\xa9", "</script>", "한국어", "\xf0\x9f\x98\x80", "\b\f", "'", "/",
};
constexpr size_t kAwkwardCount = sizeof kAwkward / sizeof kAwkward[0];

std::string awkward(size_t idx) { return std::string(kAwkward[idx % kAwkwardCount]); }

bool valid_json(const std::string& text, std::string& why) { return testing::same_json(text, text, why); }

const Schema kSchemas[] = {Schema::kAuto, Schema::kAlpaca, Schema::kShareGpt, Schema::kMessages,
                           Schema::kPromptCompletion};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  Schema schema = kSchemas[(mode & 7) % 5];
  std::vector<std::string> lines;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  while (!rest.empty() && lines.size() < 64) {
    size_t newline = rest.find('\n');
    lines.emplace_back(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  }
  if (lines.empty()) return 0;

  std::unique_ptr<Batch> batch = parse_lines(lines, schema);
  if (batch->records.size() != lines.size()) fuzz::fail(kTarget, "parse_lines lost a line");
  std::string why;
  for (size_t idx = 0; idx < batch->records.size(); ++idx) {
    const Example& record = batch->records[idx];
    if (!record.kept()) {
      if (record.outcome.code.empty()) fuzz::fail(kTarget, "a rejected record has no code");
      std::string reject;
      append_reject_line(reject, record, "fuzz");
      if (reject.empty() || reject.back() != '\n') fuzz::fail(kTarget, "reject line does not end in a newline");
      reject.pop_back();
      if (!valid_json(reject, why)) fuzz::fail(kTarget, "reject line is not valid JSON (" + why + "): " + fuzz::hex(reject));
      continue;
    }
    const std::string original(record.raw);
    std::string out, error;
    if (!append_example(out, record, Schema::kAuto, error)) fuzz::fail(kTarget, "writing a kept record failed: " + error);
    if (out != original + "\n") fuzz::fail(kTarget, "unchanged record not written as its bytes: " + fuzz::hex(original));

    // Every text re-escaped in place: the same value, key order included.
    Example rewritten = record;
    for (Turn& turn : rewritten.turns) turn.changed = true;
    std::string patched;
    if (!append_example(patched, rewritten, Schema::kAuto, error)) fuzz::fail(kTarget, "patching failed: " + error);
    patched.pop_back();
    if (!testing::same_json(patched, original, why)) {
      fuzz::fail(kTarget, "re-escaped record differs (" + why + ")\n  original " + fuzz::hex(original) +
                              "\n  written  " + fuzz::hex(patched));
    }

    if (mode & 8) {
      // Awkward texts: they must come back exactly as set.
      Example changed = record;
      std::vector<std::string> expected;
      for (size_t turn = 0; turn < changed.turns.size(); ++turn) {
        changed.turns[turn].text += awkward(turn + mode + idx);
        changed.turns[turn].changed = true;
      }
      std::string line;
      if (!append_example(line, changed, Schema::kAuto, error)) fuzz::fail(kTarget, "patching failed: " + error);
      line.pop_back();
      if (line.find('\n') != std::string::npos) fuzz::fail(kTarget, "a written record spans two lines");
      auto again = parse_lines({line}, record.schema);
      const Example& back = again->records[0];
      if (!back.kept()) {
        fuzz::fail(kTarget, "record with changed texts is rejected (" + back.outcome.code + ": " + back.outcome.message +
                                ")\n  written " + fuzz::hex(line));
      }
      if (back.turns.size() != changed.turns.size()) fuzz::fail(kTarget, "turn count changed after writing");
      for (size_t turn = 0; turn < back.turns.size(); ++turn) {
        const Turn& a = changed.turns[turn];
        const Turn& b = back.turns[turn];
        if (a.role != b.role || a.slot != b.slot) fuzz::fail(kTarget, "a turn's role or slot changed after writing");
        if (!a.token.empty() && a.text != b.text) {
          fuzz::fail(kTarget, "a text did not come back as set\n  set  " + fuzz::hex(a.text) + "\n  read " + fuzz::hex(b.text));
        }
      }
    }

    if (mode & 16) {
      for (Schema to : {Schema::kAlpaca, Schema::kShareGpt, Schema::kMessages, Schema::kPromptCompletion}) {
        if (to == record.schema) continue;
        std::string converted;
        if (!append_example(converted, record, to, error)) continue;  // refused: the caller rejects it
        converted.pop_back();
        if (!valid_json(converted, why)) {
          fuzz::fail(kTarget, "converted record is not valid JSON (" + why + "): " + fuzz::hex(converted));
        }
        auto again = parse_lines({converted}, to);
        const Example& back = again->records[0];
        if (!back.kept()) {
          fuzz::fail(kTarget, std::string("record converted to ") + std::string(schema_name(to)) + " is rejected (" +
                                  back.outcome.code + ": " + back.outcome.message + ")\n  original  " +
                                  fuzz::hex(original) + "\n  converted " + fuzz::hex(converted));
        }
      }
    }
  }
  return 0;
}
