// A record's top-level member by name, as --by (stats), --stratify-by and --group-by (prep,
// split) see it; see include/dadeum/example.hpp.
#include <optional>
#include <string>
#include <string_view>

#include "dadeum/example.hpp"
#include "detail/normalize_utf8.hpp"

namespace dadeum {
namespace {

// Decodes a JSON string token (quotes included) that simdjson has already validated.
std::string decode_json_string(std::string_view token) {
  std::string out;
  if (token.size() < 2) return out;
  token = token.substr(1, token.size() - 2);
  if (token.find('\\') == std::string_view::npos) return std::string(token);
  auto hex4 = [&](size_t at) {
    uint32_t value = 0;
    for (size_t pos = at; pos < at + 4 && pos < token.size(); ++pos) {
      char ch = token[pos];
      value = value * 16 + static_cast<uint32_t>(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
    }
    return value;
  };
  for (size_t pos = 0; pos < token.size(); ++pos) {
    if (token[pos] != '\\' || pos + 1 >= token.size()) {
      out += token[pos];
      continue;
    }
    char escape = token[++pos];
    switch (escape) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t cp = hex4(pos + 1);
        pos += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && pos + 6 < token.size() && token[pos + 1] == '\\' &&
            token[pos + 2] == 'u') {
          uint32_t low = hex4(pos + 3);
          if (low >= 0xDC00 && low < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            pos += 6;
          }
        }
        detail::append_utf8(out, cp);
        break;
      }
      default: out += escape; break;  // \" \\ \/
    }
  }
  return out;
}

}  // namespace

std::optional<std::string_view> member_value(const Example& record, std::string_view name, std::string& decoded,
                                             bool* is_string) {
  for (const Member& member : record.members) {
    std::string_view key = record.raw.substr(member.key.begin, member.key.end - member.key.begin);
    bool plain = key.find('\\') == std::string_view::npos;
    if (plain ? key.substr(1, key.size() - 2) != name : decode_json_string(key) != name) continue;
    std::string_view value = record.raw.substr(member.value.begin, member.value.end - member.value.begin);
    const bool string = value.size() >= 2 && value.front() == '"';
    if (is_string != nullptr) *is_string = string;
    if (!string) return value;
    if (value.find('\\') == std::string_view::npos) return value.substr(1, value.size() - 2);
    decoded = decode_json_string(value);
    return std::string_view(decoded);
  }
  return std::nullopt;
}

}  // namespace dadeum
