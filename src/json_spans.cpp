#include "detail/json_spans.hpp"

#include <cstring>

namespace dadeum::detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_space(std::string_view json, size_t pos, size_t end) {
  while (pos < end && is_space(json[pos])) ++pos;
  return pos;
}

// The position just past the string token starting at `pos` (on its opening quote): the
// next quote not escaped by an odd run of backslashes.
size_t skip_string(std::string_view json, size_t pos, size_t end) {
  ++pos;
  while (pos < end) {
    const void* found = std::memchr(json.data() + pos, '"', end - pos);
    if (found == nullptr) return end;
    size_t quote = static_cast<const char*>(found) - json.data();
    size_t backslashes = 0;
    while (quote - backslashes > pos && json[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote + 1;
    pos = quote + 1;
  }
  return end;
}

// Returns the position just past the value starting at `pos`. The text is valid JSON, so
// only strings and nesting need care.
size_t skip_value(std::string_view json, size_t pos, size_t end) {
  int depth = 0;
  while (pos < end) {
    char c = json[pos];
    if (c == '"') {
      pos = skip_string(json, pos, end);
      if (depth == 0) return pos;
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return pos;  // end of the enclosing container
      if (--depth == 0) return pos + 1;
    } else if (depth == 0 && (c == ',' || is_space(c))) {
      return pos;  // end of a number or literal
    }
    ++pos;
  }
  return pos;
}

}  // namespace

Span root_span(std::string_view json) {
  size_t begin = skip_space(json, 0, json.size());
  size_t end = json.size();
  while (end > begin && is_space(json[end - 1])) --end;
  return {static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
}

std::vector<MemberSpan> object_members(std::string_view json, Span object) {
  std::vector<MemberSpan> members;
  object_members(json, object, members);
  return members;
}

void object_members(std::string_view json, Span object, std::vector<MemberSpan>& members) {
  members.clear();
  size_t end = object.end - 1;  // the closing '}'
  size_t pos = skip_space(json, object.begin + 1, end);
  while (pos < end) {
    MemberSpan member;
    size_t key_end = skip_value(json, pos, end);
    member.key = {static_cast<uint32_t>(pos), static_cast<uint32_t>(key_end)};
    pos = skip_space(json, key_end, end) + 1;  // past ':'
    pos = skip_space(json, pos, end);
    size_t value_end = skip_value(json, pos, end);
    member.value = {static_cast<uint32_t>(pos), static_cast<uint32_t>(value_end)};
    members.push_back(member);
    pos = skip_space(json, value_end, end);
    if (pos < end && json[pos] == ',') pos = skip_space(json, pos + 1, end);
  }
}

std::vector<Span> array_elements(std::string_view json, Span array) {
  std::vector<Span> elements;
  size_t end = array.end - 1;  // the closing ']'
  size_t pos = skip_space(json, array.begin + 1, end);
  while (pos < end) {
    size_t value_end = skip_value(json, pos, end);
    elements.push_back({static_cast<uint32_t>(pos), static_cast<uint32_t>(value_end)});
    pos = skip_space(json, value_end, end);
    if (pos < end && json[pos] == ',') pos = skip_space(json, pos + 1, end);
  }
  return elements;
}

}  // namespace dadeum::detail
