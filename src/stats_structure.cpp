// The shape of an answer: lists, tables, headings, fenced code blocks and JSON, from its
// lines (markdown as LLM answers write it).
#include <cctype>
#include <cstring>

#include "dadeum/stats.hpp"

namespace dadeum {
namespace {

constexpr uint32_t bit(Structure value) { return 1u << static_cast<unsigned>(value); }

std::string_view trim_left(std::string_view line) {
  size_t pos = 0;
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  return line.substr(pos);
}

std::string_view trim(std::string_view text) {
  text = trim_left(text);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  while (!text.empty() && (text.front() == '\r' || text.front() == '\n' || text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  return text;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// "1. x", "12) x": one to three digits, '.' or ')', then a space or the end of the line.
bool is_numbered_item(std::string_view line) {
  size_t digits = 0;
  while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
  if (digits == 0 || digits > 3 || digits >= line.size()) return false;
  if (line[digits] != '.' && line[digits] != ')') return false;
  return digits + 1 == line.size() || line[digits + 1] == ' ' || line[digits + 1] == '\t';
}

bool is_bullet_item(std::string_view line) {
  static constexpr std::string_view kBullets[] = {"- ", "* ", "+ ", "• ", "· ", "◦ ", "▪ "};
  for (std::string_view bullet : kBullets) {
    if (starts_with(line, bullet)) return true;
  }
  return false;
}

bool is_heading(std::string_view line) {
  size_t hashes = 0;
  while (hashes < line.size() && line[hashes] == '#') ++hashes;
  return hashes >= 1 && hashes <= 6 && hashes < line.size() && line[hashes] == ' ';
}

// A markdown delimiter row: "|---|:--:|", "--- | ---": at least one '|', and every cell
// between the pipes is dashes with optional alignment colons.
bool is_table_separator(std::string_view line) {
  line = trim(line);
  if (line.find('|') == std::string_view::npos) return false;
  if (!line.empty() && line.front() == '|') line.remove_prefix(1);
  if (!line.empty() && line.back() == '|') line.remove_suffix(1);
  size_t cells = 0;
  while (true) {
    size_t bar = line.find('|');
    std::string_view cell = trim(line.substr(0, bar));
    if (!cell.empty() && cell.front() == ':') cell.remove_prefix(1);
    if (!cell.empty() && cell.back() == ':') cell.remove_suffix(1);
    if (cell.empty() || cell.find_first_not_of('-') != std::string_view::npos) return false;
    ++cells;
    if (bar == std::string_view::npos) break;
    line.remove_prefix(bar + 1);
  }
  return cells >= 1;
}

// Fence "```" or "~~~" (three or more); returns the fence length and char, 0 if none.
size_t fence_length(std::string_view line, char& fence_char) {
  if (line.empty() || (line[0] != '`' && line[0] != '~')) return 0;
  size_t count = 0;
  while (count < line.size() && line[count] == line[0]) ++count;
  if (count < 3) return 0;
  fence_char = line[0];
  return count;
}

// A strict JSON validator (RFC 8259 grammar) over a byte range; depth-limited.
class JsonChecker {
 public:
  explicit JsonChecker(std::string_view text) : text_(text) {}

  bool document() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '{' && text_[pos_] != '[')) return false;
    if (!value(0)) return false;
    skip_space();
    return pos_ == text_.size();
  }

 private:
  static constexpr int kMaxDepth = 256;

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool string() {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      unsigned char ch = static_cast<unsigned char>(text_[pos_++]);
      if (ch == '"') return true;
      if (ch < 0x20) return false;
      if (ch != '\\') continue;
      if (pos_ >= text_.size()) return false;
      char escape = text_[pos_++];
      if (escape == 'u') {
        for (int idx = 0; idx < 4; ++idx, ++pos_) {
          if (pos_ >= text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[pos_]))) return false;
        }
      } else if (std::strchr("\"\\/bfnrt", escape) == nullptr || escape == '\0') {
        return false;
      }
    }
    return false;
  }

  bool digits() {
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool number() {
    if (text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      return false;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (!digits()) return false;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!digits()) return false;
    }
    return true;
  }

  bool value(int depth) {
    skip_space();
    if (pos_ >= text_.size() || depth > kMaxDepth) return false;
    char ch = text_[pos_];
    if (ch == '{') return container(depth, '}', true);
    if (ch == '[') return container(depth, ']', false);
    if (ch == '"') return string();
    if (ch == 't') return literal("true");
    if (ch == 'f') return literal("false");
    if (ch == 'n') return literal("null");
    return number();
  }

  bool container(int depth, char close, bool object) {
    ++pos_;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == close) {
      ++pos_;
      return true;
    }
    while (true) {
      if (object) {
        skip_space();
        if (pos_ >= text_.size() || text_[pos_] != '"' || !string()) return false;
        skip_space();
        if (pos_ >= text_.size() || text_[pos_] != ':') return false;
        ++pos_;
      }
      if (!value(depth + 1)) return false;
      skip_space();
      if (pos_ >= text_.size()) return false;
      if (text_[pos_] == close) {
        ++pos_;
        return true;
      }
      if (text_[pos_] != ',') return false;
      ++pos_;
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string_view structure_name(Structure value) {
  switch (value) {
    case Structure::kNumberedList: return "numbered_list";
    case Structure::kBulletedList: return "bulleted_list";
    case Structure::kTable: return "table";
    case Structure::kHeading: return "heading";
    case Structure::kCodeBlock: return "code_block";
    case Structure::kJson: return "json";
  }
  return "unknown";
}

bool is_json_document(std::string_view text) { return JsonChecker(text).document(); }

uint32_t detect_structure(std::string_view answer) {
  uint32_t found = 0;
  if (is_json_document(answer)) found |= bit(Structure::kJson);
  int numbered = 0, bulleted = 0;
  bool previous_has_pipe = false;
  // Inside a fence: its char and length, and where its content starts.
  size_t open_fence = 0;
  char open_char = 0;
  size_t content_begin = 0;
  size_t pos = 0;
  while (pos <= answer.size()) {
    size_t end = answer.find('\n', pos);
    if (end == std::string_view::npos) end = answer.size();
    std::string_view raw_line = answer.substr(pos, end - pos);
    if (!raw_line.empty() && raw_line.back() == '\r') raw_line.remove_suffix(1);
    std::string_view line = trim_left(raw_line);
    char fence_char = 0;
    size_t fence = fence_length(line, fence_char);
    if (open_fence != 0) {
      if (fence >= open_fence && fence_char == open_char && trim(line.substr(fence)).empty()) {
        found |= bit(Structure::kCodeBlock);
        if (is_json_document(answer.substr(content_begin, pos - content_begin))) found |= bit(Structure::kJson);
        open_fence = 0;
      }
    } else if (fence != 0) {
      open_fence = fence;
      open_char = fence_char;
      content_begin = end < answer.size() ? end + 1 : answer.size();
      previous_has_pipe = false;
    } else {
      if (is_numbered_item(line)) ++numbered;
      if (is_bullet_item(line)) ++bulleted;
      if (is_heading(line)) found |= bit(Structure::kHeading);
      if (previous_has_pipe && is_table_separator(line)) found |= bit(Structure::kTable);
      previous_has_pipe = line.find('|') != std::string_view::npos;
    }
    if (end == answer.size()) break;
    pos = end + 1;
  }
  if (numbered >= 2) found |= bit(Structure::kNumberedList);
  if (bulleted >= 2) found |= bit(Structure::kBulletedList);
  return found;
}

}  // namespace dadeum
