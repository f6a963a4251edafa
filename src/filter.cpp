#include "dadeum/filter.hpp"

#include <array>
#include <fstream>

#include "dadeum/tokenizer.hpp"

namespace dadeum {
namespace {

// Decodes one UTF-8 code point at `pos` (advancing it); invalid bytes decode as U+FFFD.
char32_t next_code_point(std::string_view text, size_t& pos) {
  unsigned char lead = static_cast<unsigned char>(text[pos]);
  int length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || pos + length > text.size()) {
    ++pos;
    return 0xfffd;
  }
  char32_t value = length == 1 ? lead : lead & (0x7f >> length);
  for (int idx = 1; idx < length; ++idx) value = (value << 6) | (static_cast<unsigned char>(text[pos + idx]) & 0x3f);
  pos += length;
  return value;
}

bool is_blank_text(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t c = next_code_point(text, pos);
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xa0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200b) ||
                 c == 0x3164 || c == 0xffa0 || c == 0x115f || c == 0x1160 || c == 0xfeff || c == 0x2060;
    if (!space) return false;
  }
  return true;
}

// Set phrases of machine-generated refusals that teams usually remove.
constexpr std::array<std::string_view, 6> kBoilerplate = {
    "AI 언어 모델로서", "AI 언어 모델이기 때문에", "인공지능 언어 모델로서", "As an AI language model",
    "저는 AI 언어 모델", "as an AI developed by"};

}  // namespace

uint64_t count_chars(std::string_view text) {
  uint64_t chars = 0;
  for (size_t pos = 0; pos < text.size(); ++chars) next_code_point(text, pos);
  return chars;
}

double hangul_ratio(std::string_view text) {
  uint64_t hangul = 0, letters = 0;
  for (size_t pos = 0; pos < text.size();) {
    char32_t c = next_code_point(text, pos);
    bool is_hangul = (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x3131 && c <= 0x318e) || (c >= 0x1100 && c <= 0x11ff);
    bool is_latin = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    bool is_hanja = c >= 0x4e00 && c <= 0x9fff;
    hangul += is_hangul;
    letters += is_hangul || is_latin || is_hanja;
  }
  return letters == 0 ? 1.0 : double(hangul) / double(letters);
}

Result<std::vector<std::string>> load_blocklist(const std::string& path) {
  std::ifstream in(path);
  if (!in) return io_error("cannot read blocklist " + path);
  std::vector<std::string> patterns;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    patterns.push_back(line);
  }
  return patterns;
}

namespace {

// What the filters call the prompt is every turn but the system's and the assistant's (the
// dedup prompt key keeps the system turn); the answer is the assistant's turns.
bool in_answer(const Turn& turn) { return turn.role == Role::kAssistant; }
bool in_user_prompt(const Turn& turn) { return turn.role != Role::kAssistant && turn.role != Role::kSystem; }

// The texts of the turns `in` picks, joined by '\n'.
template <typename In>
std::string joined(const Example& example, In in) {
  std::string text;
  for (const Turn& turn : example.turns) {
    if (!in(turn)) continue;
    if (!text.empty()) text += '\n';
    text += turn.text;
  }
  return text;
}

// Whether those texts, joined by '\n', are blank: whether each of them is.
template <typename In>
bool all_blank(const Example& example, In in) {
  for (const Turn& turn : example.turns) {
    if (in(turn) && !is_blank_text(turn.text)) return false;
  }
  return true;
}

}  // namespace

void filter_record(Example& example, const FilterOptions& options) {
  if (!example.kept()) return;
  auto drop = [&](const char* code, std::string message) { example.drop("filter", code, std::move(message)); };
  if (options.drop_empty && all_blank(example, in_user_prompt)) return drop("empty_prompt", "the prompt is empty after normalization");
  if (options.drop_empty && all_blank(example, in_answer)) return drop("empty_answer", "the answer is empty after normalization");
  if (options.drop_echo) {
    for (const Turn& turn : example.turns) {
      if (turn.role != Role::kAssistant) continue;
      for (const Turn& other : example.turns) {
        if (other.role == Role::kUser && other.text == turn.text) return drop("echo", "the answer repeats the prompt");
      }
    }
  }
  // Token limits count text by text, as stats --spm does: no joined copies.
  if (options.tokenizer != nullptr &&
      (options.min_answer_tokens || options.max_answer_tokens || options.max_example_tokens)) {
    uint64_t answer_tokens = 0, example_tokens = 0;
    for (const Turn& turn : example.turns) {
      const uint64_t tokens = options.tokenizer->count(turn.text);
      example_tokens += tokens;
      if (in_answer(turn)) answer_tokens += tokens;
    }
    if (options.min_answer_tokens && answer_tokens < options.min_answer_tokens)
      return drop("answer_too_few_tokens", "answer has " + std::to_string(answer_tokens) + " tokens");
    if (options.max_answer_tokens && answer_tokens > options.max_answer_tokens)
      return drop("answer_too_many_tokens", "answer has " + std::to_string(answer_tokens) + " tokens");
    if (options.max_example_tokens && example_tokens > options.max_example_tokens)
      return drop("example_too_many_tokens", "example has " + std::to_string(example_tokens) + " tokens");
  }
  // The rest looks at the whole prompt and answer: copies, made only when a filter needs them
  // (the defaults need none).
  const bool whole_texts = options.min_answer_chars || options.max_answer_chars || options.max_example_chars ||
                           options.min_hangul_ratio > 0 || !options.blocklist.empty() || options.drop_boilerplate;
  if (!whole_texts) return;
  const std::string prompt = joined(example, in_user_prompt), answer = joined(example, in_answer);
  bool length_limits = options.min_answer_chars || options.max_answer_chars || options.max_example_chars;
  uint64_t answer_chars = length_limits ? count_chars(answer) : 0;  // decoding costs: only when asked
  if (options.min_answer_chars && answer_chars < options.min_answer_chars)
    return drop("answer_too_short", "answer has " + std::to_string(answer_chars) + " characters");
  if (options.max_answer_chars && answer_chars > options.max_answer_chars)
    return drop("answer_too_long", "answer has " + std::to_string(answer_chars) + " characters");
  if (options.max_example_chars) {
    uint64_t total = count_chars(prompt) + answer_chars;
    if (total > options.max_example_chars) return drop("example_too_long", "example has " + std::to_string(total) + " characters");
  }
  if (options.min_hangul_ratio > 0) {
    double ratio = hangul_ratio(answer);
    if (ratio < options.min_hangul_ratio) {
      return drop("low_hangul_ratio", "answer is " + std::to_string(int(ratio * 100)) + "% Hangul");
    }
  }
  for (const std::string& pattern : options.blocklist) {
    if (prompt.find(pattern) != std::string::npos || answer.find(pattern) != std::string::npos) {
      return drop("blocklist", "contains blocked pattern '" + pattern + "'");
    }
  }
  if (options.drop_boilerplate) {
    for (std::string_view phrase : kBoilerplate) {
      if (answer.find(phrase) != std::string::npos) return drop("boilerplate", "boilerplate refusal: '" + std::string(phrase) + "'");
    }
  }
}

}  // namespace dadeum
