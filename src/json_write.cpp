// JSON text out: string escaping, records in their own schema (patched in place) or
// converted to another, and reject lines.
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "dadeum/writer.hpp"

namespace dadeum {
namespace {

constexpr std::array<bool, 256> make_escape_table() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = true;
  table['\\'] = true;
  return table;
}
constexpr std::array<bool, 256> kNeedsEscape = make_escape_table();

void append_escaped_char(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    default: {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
}

std::string_view slice(std::string_view raw, Span span) { return raw.substr(span.begin, span.end - span.begin); }

// Writes the record in its own schema: original bytes, with changed texts re-escaped.
void append_patched(std::string& out, const Example& example) {
  std::vector<const Turn*> changed;
  for (const Turn& turn : example.turns) {
    if (turn.changed && !turn.token.empty()) changed.push_back(&turn);
  }
  std::sort(changed.begin(), changed.end(), [](const Turn* a, const Turn* b) { return a->token.begin < b->token.begin; });
  size_t pos = 0;
  for (const Turn* turn : changed) {
    out.append(example.raw.substr(pos, turn->token.begin - pos));
    append_json_string(out, turn->text);
    pos = turn->token.end;
  }
  out.append(example.raw.substr(pos));
  out += '\n';
}

// The record's texts as a neutral dialogue: system, then user/assistant turns. Alpaca's
// instruction and input form one user turn, separated by a blank line (the Alpaca template).
struct Dialogue {
  std::vector<std::pair<Role, std::string>> turns;
};

bool to_dialogue(const Example& example, Dialogue& dialogue, std::string& error) {
  std::string user;
  bool have_instruction = false;
  for (const Turn& turn : example.turns) {
    switch (turn.slot) {
      case Slot::kInstruction:
        if (have_instruction) {
          error = "the record has more than one instruction text";
          return false;
        }
        have_instruction = true;
        user = turn.text;
        break;
      case Slot::kInput:
        if (!turn.text.empty()) user += (user.empty() ? "" : "\n\n") + turn.text;
        break;
      case Slot::kOutput:
        dialogue.turns.emplace_back(Role::kUser, user);
        dialogue.turns.emplace_back(Role::kAssistant, turn.text);
        user.clear();
        break;
      default:
        dialogue.turns.emplace_back(turn.role, turn.text);
    }
  }
  return true;
}

void append_members_around(std::string& out, const Example& example, const std::string& fields) {
  out += '{';
  bool first = true;
  bool placed = false;
  auto separator = [&] {
    if (!first) out += ',';
    first = false;
  };
  for (const Member& member : example.members) {
    if (member.known) {
      if (!placed) {
        separator();
        out += fields;
        placed = true;
      }
      continue;
    }
    separator();
    out.append(slice(example.raw, member.key));
    out += ':';
    out.append(slice(example.raw, member.value));
  }
  if (!placed) {
    separator();
    out += fields;
  }
  out += "}\n";
}

void append_field(std::string& fields, std::string_view key, std::string_view text) {
  if (!fields.empty()) fields += ',';
  append_json_string(fields, key);
  fields += ':';
  append_json_string(fields, text);
}

bool build_fields(const Dialogue& dialogue, Schema to, std::string& fields, std::string& error) {
  std::string system;
  std::vector<std::pair<Role, std::string>> rest;
  for (const auto& [role, text] : dialogue.turns) {
    if (role == Role::kSystem && rest.empty()) {
      system += (system.empty() ? "" : "\n\n") + text;
    } else {
      rest.emplace_back(role, text);
    }
  }
  if (to == Schema::kAlpaca || to == Schema::kPromptCompletion) {
    if (rest.size() != 2 || rest[0].first != Role::kUser || rest[1].first != Role::kAssistant) {
      error = "a dialogue of " + std::to_string(rest.size()) + " turns cannot be one " +
              std::string(schema_name(to)) + " record without guessing";
      return false;
    }
    if (!system.empty()) append_field(fields, "system", system);
    append_field(fields, to == Schema::kAlpaca ? "instruction" : "prompt", rest[0].second);
    if (to == Schema::kAlpaca) append_field(fields, "input", "");
    append_field(fields, to == Schema::kAlpaca ? "output" : "completion", rest[1].second);
    return true;
  }
  bool sharegpt = to == Schema::kShareGpt;
  fields += sharegpt ? "\"conversations\":[" : "\"messages\":[";
  bool first = true;
  auto add_turn = [&](Role role, const std::string& text) {
    if (!first) fields += ',';
    first = false;
    std::string_view name = role_name(role);
    if (sharegpt) name = role == Role::kUser ? "human" : role == Role::kAssistant ? "gpt" : name;
    fields += sharegpt ? "{\"from\":" : "{\"role\":";
    append_json_string(fields, name);
    fields += sharegpt ? ",\"value\":" : ",\"content\":";
    append_json_string(fields, text);
    fields += '}';
  };
  if (!system.empty()) add_turn(Role::kSystem, system);
  for (const auto& [role, text] : rest) add_turn(role, text);
  fields += ']';
  return true;
}

void append_base64(std::string& out, std::string_view bytes) {
  constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t idx = 0;
  for (; idx + 2 < bytes.size(); idx += 3) {
    uint32_t n = (uint8_t(bytes[idx]) << 16) | (uint8_t(bytes[idx + 1]) << 8) | uint8_t(bytes[idx + 2]);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  size_t left = bytes.size() - idx;
  if (left > 0) {
    uint32_t n = uint8_t(bytes[idx]) << 16;
    if (left == 2) n |= uint8_t(bytes[idx + 1]) << 8;
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += left == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
}

// Appends `text` with every invalid UTF-8 sequence replaced by U+FFFD (JSON text must be
// UTF-8). Only reached for bytes that did not come from a parsed record: messages, names.
std::string replace_invalid_utf8(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    unsigned char lead = static_cast<unsigned char>(text[pos]);
    size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 0;
    if (length > 0 && pos + length <= text.size() && simdjson::validate_utf8(text.data() + pos, length)) {
      out.append(text.data() + pos, length);
      pos += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++pos;
    }
  }
  return out;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    std::string valid = replace_invalid_utf8(text);
    append_json_string(out, valid);
    return;
  }
  out += '"';
  size_t start = 0;
  for (size_t idx = 0; idx < text.size(); ++idx) {
    unsigned char c = static_cast<unsigned char>(text[idx]);
    if (!kNeedsEscape[c]) continue;
    out.append(text.data() + start, idx - start);
    append_escaped_char(out, c);
    start = idx + 1;
  }
  out.append(text.data() + start, text.size() - start);
  out += '"';
}

// A renamed record asked for in its own schema is rebuilt: `--to alpaca` with
// `--map instruction=q` means the alpaca field names.
bool written_as_read(const Example& example, Schema to) {
  return !example.changed() && (to == Schema::kAuto || (to == example.schema && !example.renamed));
}

bool append_example(std::string& out, const Example& example, Schema to, std::string& error) {
  if (to == Schema::kAuto || (to == example.schema && !example.renamed)) {
    if (example.changed()) {
      append_patched(out, example);
    } else {
      out.append(example.raw);
      out += '\n';
    }
    return true;
  }
  if (example.turn_extras) {
    error = "turns carry fields besides role and content, which conversion would lose";
    return false;
  }
  // A kept member named like a field of the target schema would repeat that key.
  static const std::vector<std::string_view> kAlpacaFields = {"system", "instruction", "input", "output"};
  static const std::vector<std::string_view> kPromptFields = {"system", "prompt", "completion"};
  static const std::vector<std::string_view> kMessagesFields = {"messages"};
  static const std::vector<std::string_view> kShareGptFields = {"conversations"};
  const auto& target_fields = to == Schema::kAlpaca ? kAlpacaFields
                              : to == Schema::kPromptCompletion ? kPromptFields
                              : to == Schema::kMessages ? kMessagesFields
                                                        : kShareGptFields;
  for (const Member& member : example.members) {
    if (member.known) continue;
    std::string_view key = slice(example.raw, member.key);
    key = key.size() >= 2 ? key.substr(1, key.size() - 2) : key;
    for (std::string_view field : target_fields) {
      if (key == field) {
        error = "field '" + std::string(field) + "' would appear twice in the " + std::string(schema_name(to)) + " record";
        return false;
      }
    }
  }
  Dialogue dialogue;
  if (!to_dialogue(example, dialogue, error)) return false;
  std::string fields;
  if (!build_fields(dialogue, to, fields, error)) return false;
  append_members_around(out, example, fields);
  return true;
}

void append_reject_line(std::string& out, const Example& example, std::string_view source) {
  out += "{\"source\":";
  append_json_string(out, source);
  out += ",\"line\":" + std::to_string(example.where.line);
  out += ",\"byte_offset\":" + std::to_string(example.where.byte_offset);
  out += ",\"stage\":";
  append_json_string(out, example.outcome.stage);
  out += ",\"code\":";
  append_json_string(out, example.outcome.code);
  out += ",\"message\":";
  append_json_string(out, example.outcome.message);
  if (simdjson::validate_utf8(example.raw.data(), example.raw.size())) {
    out += ",\"raw\":";
    append_json_string(out, example.raw);
  } else {
    out += ",\"raw_b64\":\"";
    append_base64(out, example.raw);
    out += '"';
  }
  out += "}\n";
}

void append_dropped_head(std::string& out, const Example& example, std::string_view source) {
  out += "{\"source\":";
  append_json_string(out, source);
  out += ",\"line\":" + std::to_string(example.where.line);
  out += ",\"id\":";
  append_json_string(out, example.id);
}

void append_dropped_tail(std::string& out, const Outcome& outcome, std::string_view raw) {
  out += ",\"stage\":";
  append_json_string(out, outcome.stage);
  out += ",\"reason\":";
  append_json_string(out, outcome.code);
  out += ",\"message\":";
  append_json_string(out, outcome.message);
  if (!outcome.duplicate_of.empty()) {
    out += ",\"duplicate_of\":";
    append_json_string(out, outcome.duplicate_of);
  }
  if (outcome.similarity > 0) {
    char similarity[16];
    std::snprintf(similarity, sizeof similarity, "%.3f", outcome.similarity);
    out += ",\"similarity\":";
    out += similarity;
  }
  out += ",\"record\":";
  out.append(raw);
  out += "}\n";
}

void append_dropped_line(std::string& out, const Example& example, std::string_view source) {
  append_dropped_head(out, example, source);
  append_dropped_tail(out, example.outcome, example.raw);
}

std::string describe_problem(const Example& example, std::string_view source) {
  return std::string(source) + ":" + std::to_string(example.where.line) + ": " + example.outcome.message +
         " [" + example.outcome.code + "]";
}

}  // namespace dadeum
