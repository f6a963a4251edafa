// Speech level of an answer (합니다체 / 해요체 / 반말) from the endings of its sentences.
//
// Method (also in docs/stats.md):
//  1. Lines inside fenced code blocks, table rows and headings are skipped. Each other line is
//     cut into sentences after . ? ! … 。 ？ ！ ('.' only when no letter or digit follows, so
//     3.14 and example.com stay whole); the rest of a line is one more, unterminated sentence.
//  2. A sentence counts only if it has Hangul. Its ending is the last run of Hangul syllables,
//     provided that only punctuation, symbols, emoji or spaces follow it (a sentence ending in
//     Latin letters or digits is unclassified).
//  3. Endings, tested in this order: 합니다체 -니다, -니까, -시오, -ㅂ시다; 해요체 -요, -죠 (not
//     the nouns 필요, 중요, 주요, 개요 …); 반말 -다, -야, -어, -아, -지, -니, -냐, -자, -라, -래,
//     -게, -네, -군, -구나, -까, -해, -봐, -줘, -돼, -워, -와, -걸, -져. Polite and plain
//     endings need a word of at least two syllables; plain endings also need a terminator,
//     because list items and labels without a full stop end in nouns (바다, 영어, 메시지).
//  4. The answer's level is the level with the most sentences; a tie between the top two is
//     "mixed", no classified sentence at all is "none".
#include <algorithm>
#include <array>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "dadeum/stats.hpp"

namespace dadeum {
namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// The code point that starts at `pos` (a lead byte) and its length in bytes.
char32_t decode_at(std::string_view text, size_t pos, size_t& length) {
  auto byte = static_cast<unsigned char>(text[pos]);
  length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
  if (pos + length > text.size()) length = 1;
  if (length == 1) return byte < 0x80 ? byte : 0xFFFD;
  char32_t value = byte & (0x7F >> length);
  for (size_t idx = 1; idx < length; ++idx) value = (value << 6) | (static_cast<unsigned char>(text[pos + idx]) & 0x3F);
  return value;
}

bool is_syllable(char32_t cp) { return cp >= 0xAC00 && cp <= 0xD7A3; }

// Final consonant index (0 = none, 17 = ㅂ) of a Hangul syllable.
int final_consonant(char32_t syllable) { return static_cast<int>((syllable - 0xAC00) % 28); }
constexpr int kFinalBieup = 17;

bool is_ascii_alnum(char ch) {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

// Letters and digits of any script end a sentence's "trailing punctuation".
bool is_word_char(char32_t cp) {
  if (cp < 0x80) return is_ascii_alnum(static_cast<char>(cp));
  if (is_syllable(cp)) return true;
  if ((cp >= 0x3130 && cp <= 0x318F) || (cp >= 0x1100 && cp <= 0x11FF)) return true;  // jamo
  if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)) return true;  // Hanja
  if ((cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0xFF10 && cp <= 0xFF5A)) return true;
  return false;
}

// The trailing run of Hangul syllables after which only punctuation, symbols or spaces come:
// its length and its last three syllables (all the endings need), without allocating.
struct FinalWord {
  size_t size = 0;
  std::array<char32_t, 3> tail{};  // tail[0] is the last syllable

  char32_t from_end(size_t offset) const { return offset < size && offset < tail.size() ? tail[offset] : 0; }
  bool ends_with(char32_t before_last, char32_t last) const {
    return size >= 2 && tail[1] == before_last && tail[0] == last;
  }
  // The whole word is `first second` (size 2) or `first second third` (size 3).
  bool equals(std::u32string_view word) const {
    if (word.size() != size || size > tail.size()) return false;
    for (size_t offset = 0; offset < size; ++offset) {
      if (word[size - 1 - offset] != tail[offset]) return false;
    }
    return true;
  }
};

FinalWord final_word(std::string_view sentence) {
  FinalWord word;
  size_t end = sentence.size();
  bool started = false;
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && is_continuation(static_cast<unsigned char>(sentence[start]))) --start;
    size_t length = 0;
    char32_t cp = decode_at(sentence, start, length);
    if (!started) {
      if (is_syllable(cp)) {
        started = true;
      } else if (is_word_char(cp)) {
        return {};
      } else {
        end = start;
        continue;
      }
    }
    if (!is_syllable(cp)) break;
    if (word.size < word.tail.size()) word.tail[word.size] = cp;
    ++word.size;
    end = start;
  }
  return word;
}

// True when the text holds a Hangul syllable (U+AC00–D7A3: lead bytes 0xEA–0xED).
bool has_hangul(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (size_t pos = 0; pos + 2 < text.size(); ++pos) {
    if (bytes[pos] < 0xEA || bytes[pos] > 0xED) continue;
    size_t length = 0;
    if (is_syllable(decode_at(text, pos, length))) return true;
  }
  return false;
}

// Terminator at `pos`: its length in bytes, 0 if none.
size_t terminator_at(std::string_view line, size_t pos) {
  char ch = line[pos];
  if (ch == '?' || ch == '!') return 1;
  if (ch == '.') return pos + 1 < line.size() && is_ascii_alnum(line[pos + 1]) ? 0 : 1;
  auto lead = static_cast<unsigned char>(ch);
  if (lead != 0xE2 && lead != 0xE3 && lead != 0xEF) return 0;  // lead bytes of … 。 ？ ！
  static constexpr std::string_view kWide[] = {"…", "。", "？", "！"};
  for (std::string_view wide : kWide) {
    if (line.substr(pos, wide.size()) == wide) return wide.size();
  }
  return 0;
}

std::string_view trim_left(std::string_view line) {
  size_t pos = 0;
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  return line.substr(pos);
}

bool is_fence(std::string_view line) {
  return line.substr(0, 3) == "```" || line.substr(0, 3) == "~~~";
}

bool is_heading(std::string_view line) {
  size_t hashes = 0;
  while (hashes < line.size() && line[hashes] == '#') ++hashes;
  return hashes >= 1 && hashes <= 6 && (hashes == line.size() || line[hashes] == ' ');
}

void count(SentenceCounts& counts, SpeechLevel level) { ++counts[static_cast<size_t>(level)]; }

// Only . ? ! and the lead bytes of … 。 ？ ！ can start a terminator.
constexpr std::array<char, 6> kTerminatorLeads = {'.', '?', '!', '\xE2', '\xE3', '\xEF'};
constexpr std::array<bool, 256> kTerminatorLead = [] {
  std::array<bool, 256> table{};
  for (char byte : kTerminatorLeads) table[static_cast<unsigned char>(byte)] = true;
  return table;
}();

// The first byte at or after `pos` that may start a terminator (line.size() if none): 16 bytes
// at a time, as most of a line is Hangul and spaces.
size_t next_terminator_lead(std::string_view line, size_t pos) {
#if defined(__SSE2__)
  for (; pos + 16 <= line.size(); pos += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data() + pos));
    __m128i hit = _mm_setzero_si128();
    for (char lead : kTerminatorLeads) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(bytes, _mm_set1_epi8(lead)));
    if (const int mask = _mm_movemask_epi8(hit); mask != 0) return pos + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  while (pos < line.size() && !kTerminatorLead[static_cast<unsigned char>(line[pos])]) ++pos;
  return pos;
}

void classify_line(std::string_view line, SentenceCounts& counts) {
  size_t start = 0;
  size_t pos = 0;
  while ((pos = next_terminator_lead(line, pos)) < line.size()) {
    size_t length = terminator_at(line, pos);
    if (length == 0) {
      ++pos;
      continue;
    }
    std::string_view sentence = line.substr(start, pos - start);
    while (pos < line.size() && (length = terminator_at(line, pos)) != 0) pos += length;  // "?!", "..."
    if (has_hangul(sentence)) count(counts, sentence_level(sentence, true));
    start = pos;
  }
  std::string_view rest = line.substr(start);
  if (has_hangul(rest)) count(counts, sentence_level(rest, false));
}

}  // namespace

std::string_view speech_level_name(SpeechLevel value) {
  switch (value) {
    case SpeechLevel::kFormal: return "formal";
    case SpeechLevel::kPolite: return "polite";
    case SpeechLevel::kPlain: return "plain";
    case SpeechLevel::kMixed: return "mixed";
    case SpeechLevel::kNone: return "none";
  }
  return "unknown";
}

std::string_view speech_level_label(SpeechLevel value) {
  switch (value) {
    case SpeechLevel::kFormal: return "합니다체";
    case SpeechLevel::kPolite: return "해요체";
    case SpeechLevel::kPlain: return "반말";
    case SpeechLevel::kMixed: return "혼합";
    case SpeechLevel::kNone: return "판별 불가";
  }
  return "?";
}

SpeechLevel sentence_level(std::string_view sentence, bool terminated) {
  FinalWord word = final_word(sentence);
  if (word.size == 0) return SpeechLevel::kNone;
  if (word.ends_with(U'니', U'다') || word.ends_with(U'니', U'까') || word.ends_with(U'시', U'오')) {
    return SpeechLevel::kFormal;
  }
  if (word.ends_with(U'시', U'다') && word.size >= 3 && final_consonant(word.from_end(2)) == kFinalBieup) {
    return SpeechLevel::kFormal;  // 합시다, 갑시다
  }
  if (word.size < 2) return SpeechLevel::kNone;
  char32_t last = word.from_end(0);
  if (last == U'요' || last == U'죠') {
    static constexpr std::u32string_view kNouns[] = {U"필요", U"중요", U"주요", U"개요", U"수요",
                                                     U"소요", U"강요", U"동요", U"요요", U"불필요"};
    for (std::u32string_view noun : kNouns) {
      if (word.equals(noun)) return SpeechLevel::kNone;
    }
    return SpeechLevel::kPolite;
  }
  if (!terminated) return SpeechLevel::kNone;
  if (word.ends_with(U'구', U'나')) return SpeechLevel::kPlain;
  static constexpr std::u32string_view kPlainEndings = U"다야어아지니냐자라래게네군까해봐줘돼워와걸져";
  if (kPlainEndings.find(last) != std::u32string_view::npos) return SpeechLevel::kPlain;
  return SpeechLevel::kNone;
}

SpeechLevel speech_level(std::string_view answer, SentenceCounts* sentences) {
  SentenceCounts counts{};
  bool in_code = false;
  size_t pos = 0;
  while (pos <= answer.size()) {
    size_t end = answer.find('\n', pos);
    if (end == std::string_view::npos) end = answer.size();
    std::string_view line = trim_left(answer.substr(pos, end - pos));
    if (is_fence(line)) {
      in_code = !in_code;
    } else if (!in_code && !line.empty() && line[0] != '|' && !is_heading(line)) {
      classify_line(line, counts);
    }
    if (end == answer.size()) break;
    pos = end + 1;
  }
  if (sentences != nullptr) {
    for (size_t idx = 0; idx < kSpeechLevelCount; ++idx) (*sentences)[idx] += counts[idx];
  }
  uint32_t formal = counts[static_cast<size_t>(SpeechLevel::kFormal)];
  uint32_t polite = counts[static_cast<size_t>(SpeechLevel::kPolite)];
  uint32_t plain = counts[static_cast<size_t>(SpeechLevel::kPlain)];
  uint32_t top = std::max({formal, polite, plain});
  if (top == 0) return SpeechLevel::kNone;
  int at_top = (formal == top) + (polite == top) + (plain == top);
  if (at_top > 1) return SpeechLevel::kMixed;
  if (formal == top) return SpeechLevel::kFormal;
  return polite == top ? SpeechLevel::kPolite : SpeechLevel::kPlain;
}

}  // namespace dadeum
