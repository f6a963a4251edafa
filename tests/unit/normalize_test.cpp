// Tests for dadeum/normalize.hpp.
//
// The table of cases lives in tests/data/normalize_cases.jsonl; every case is
// run, checked for idempotence and against the rule-by-rule reference, under
// every combination of rules. docs/normalization.md shows the same table;
// DocTable fails when it is stale (DADEUM_UPDATE_DOCS=1 rewrites it).
//
// Rules column mini-syntax (comma-separated): "" = the default set;
// "+rule" adds to the defaults ("+repeat=3"); "-rule" removes from them;
// bare items ("nfkc", "repeat=3", "default") replace the set, as --rules does.

#include "dadeum/normalize.hpp"

#include <gtest/gtest.h>
#include <unicode/uchar.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "detail/normalize_rules.hpp"
#include "detail/normalize_utf8.hpp"

#ifndef DADEUM_SOURCE_DIR
#error "DADEUM_SOURCE_DIR must name the source tree"
#endif

namespace dadeum {
namespace {

using detail::decode_utf8;
using detail::Decoded;
using detail::kInvalidCodePoint;

constexpr std::string_view kCasesPath = "/tests/data/normalize_cases.jsonl";
constexpr std::string_view kDocPath = "/docs/normalization.md";
constexpr std::string_view kBeginMarker = "<!-- cases:begin -->\n";
constexpr std::string_view kEndMarker = "<!-- cases:end -->";

// ---------------------------------------------------------------------------
// A small JSON reader for the cases file: one flat object of strings per line.
// Lone low surrogates \udc80..\udcff stand for raw bytes 0x80..0xFF (Python's
// "surrogateescape"), so the file can hold invalid UTF-8.

class JsonLine {
 public:
  explicit JsonLine(std::string_view text) : text_(text) {}

  // Parses {"key": "value", ...}; nullopt on anything else.
  std::optional<std::vector<std::pair<std::string, std::string>>> object() {
    std::vector<std::pair<std::string, std::string>> members;
    if (!eat('{')) return std::nullopt;
    if (eat('}')) return members;
    do {
      std::string key;
      std::string value;
      if (!string(key) || !eat(':') || !string(value)) return std::nullopt;
      members.emplace_back(std::move(key), std::move(value));
    } while (eat(','));
    if (!eat('}')) return std::nullopt;
    skip_space();
    if (pos_ != text_.size()) return std::nullopt;
    return members;
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool eat(char c) {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool hex4(uint32_t& value) {
    if (pos_ + 4 > text_.size()) return false;
    value = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text_[pos_++];
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        value |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        value |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return false;
    }
    return true;
  }
  bool string(std::string& out) {
    if (!eat('"')) return false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) return false;
      const char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xDC80 && cp <= 0xDCFF) {  // surrogateescape: a raw byte
            out.push_back(static_cast<char>(cp - 0xDC00));
            break;
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = 0;
            if (pos_ + 2 > text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u')
              return false;
            pos_ += 2;
            if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          detail::append_utf8(out, cp);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

struct Case {
  std::string name;
  std::string rules;
  std::string input;
  std::string expected;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::string source_path(std::string_view relative) {
  return std::string(DADEUM_SOURCE_DIR) + std::string(relative);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<Case> load_cases() {
  std::vector<Case> cases;
  std::istringstream lines(read_file(source_path(kCasesPath)));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    auto members = JsonLine(line).object();
    Case c;
    c.name = "bad_json_line";
    if (members) {
      for (auto& [key, value] : *members) {
        if (key == "name")
          c.name = value;
        else if (key == "rules")
          c.rules = value;
        else if (key == "input")
          c.input = value;
        else if (key == "expected")
          c.expected = value;
      }
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

const std::vector<Case>& all_cases() {
  static const std::vector<Case> cases = load_cases();
  return cases;
}

// The rules column: see the mini-syntax at the top of this file.
Result<NormalizeOptions> options_from_spec(std::string_view spec) {
  std::string rules;
  std::string disabled;
  bool plus = false;
  while (!spec.empty()) {
    const size_t comma = spec.find(',');
    std::string_view item = spec.substr(0, comma);
    spec.remove_prefix(comma == std::string_view::npos ? spec.size() : comma + 1);
    std::string* list = &rules;
    if (!item.empty() && (item[0] == '+' || item[0] == '-')) {
      plus |= item[0] == '+';
      list = item[0] == '-' ? &disabled : &rules;
      item.remove_prefix(1);
    }
    if (!list->empty()) *list += ',';
    *list += item;
  }
  if (plus) rules = "default," + rules;
  return make_normalize_options(rules, disabled);
}

std::string reference(std::string_view text, const NormalizeOptions& options, uint32_t* mask) {
  std::string out;
  *mask = detail::normalize_rule_by_rule(text, out, options);
  return out;
}

std::string hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
    out += ' ';
  }
  return out;
}

// ---------------------------------------------------------------------------
// The table of cases

TEST(NormalizeCasesFile, HasEnoughWellFormedCasesWithUniqueNames) {
  const std::vector<Case>& cases = all_cases();
  EXPECT_GE(cases.size(), 70u);
  std::vector<std::string> names;
  for (const Case& c : cases) {
    EXPECT_NE(c.name, "bad_json_line");
    EXPECT_TRUE(options_from_spec(c.rules).is_ok()) << c.name << ": " << c.rules;
    for (const std::string& seen : names) EXPECT_NE(seen, c.name);
    names.push_back(c.name);
  }
  // Every rule is exercised by at least one case that it changes.
  uint32_t covered = 0;
  for (const Case& c : cases) {
    const auto options = options_from_spec(c.rules);
    if (options.is_ok()) covered |= normalize_text(c.input, options.value()).changed_rules;
  }
  for (size_t k = 0; k < kNormRuleCount; ++k) {
    EXPECT_TRUE(covered & (1u << k)) << norm_rule_name(static_cast<NormRule>(k));
  }
}

class NormalizeCase : public ::testing::TestWithParam<Case> {};

TEST_P(NormalizeCase, GivesExpectedTextIdempotentlyAndLikeTheReference) {
  const Case& c = GetParam();
  const Result<NormalizeOptions> options = options_from_spec(c.rules);
  ASSERT_TRUE(options.is_ok()) << options.status().message();

  const NormalizeResult result = normalize_text(c.input, options.value());
  EXPECT_EQ(result.text, c.expected)
      << "got      " << hex(result.text) << "\nexpected " << hex(c.expected);
  EXPECT_EQ(result.changed(), c.input != c.expected);

  std::string in_place = c.input;
  EXPECT_EQ(normalize_in_place(in_place, options.value()), result.changed_rules);
  EXPECT_EQ(in_place, result.text);

  uint32_t reference_mask = 0;
  EXPECT_EQ(reference(c.input, options.value(), &reference_mask), result.text);
  EXPECT_EQ(reference_mask, result.changed_rules);

  const NormalizeResult again = normalize_text(result.text, options.value());
  EXPECT_EQ(again.text, result.text);
  EXPECT_EQ(again.changed_rules, 0u) << "second pass changed rules " << again.changed_rules;
}

// Idempotence and "pre-scan + rules == rules one by one" under every one of
// the 1024 rule combinations, for every case input, with two repeat limits.
TEST_P(NormalizeCase, EveryRuleCombinationIsIdempotentAndMatchesTheReference) {
  const Case& c = GetParam();
  for (uint32_t mask = 0; mask <= kAllRules; ++mask) {
    for (const int repeat_max : {1, 3}) {
      NormalizeOptions options;
      options.rules = mask;
      options.repeat_max = repeat_max;
      const NormalizeResult once = normalize_text(c.input, options);
      uint32_t reference_mask = 0;
      const std::string expected = reference(c.input, options, &reference_mask);
      ASSERT_EQ(once.text, expected) << "rules " << format_norm_rules(options);
      ASSERT_EQ(once.changed_rules, reference_mask) << "rules " << format_norm_rules(options);
      const NormalizeResult twice = normalize_text(once.text, options);
      ASSERT_EQ(twice.text, once.text) << "rules " << format_norm_rules(options) << "\n"
                                       << hex(once.text) << "\n"
                                       << hex(twice.text);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Table, NormalizeCase, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------
// Fast path and change masks

TEST(NormalizeFastPath, CleanTextIsUntouchedWithoutAllocating) {
  const std::vector<std::string> clean = {
      "",
      "hello world",
      "안녕하세요. 오늘 날씨는 맑습니다!",
      "질문: 1 + 1은?\n답: 2입니다.\n\n다음 줄\t탭",
      "줄 끝\n\n\n두 줄 띄움",
      "ㅋㅋㅋ 한글 자모와 “따옴표”, 이모지 👍 그리고 한자 漢字",  // NFC-inert, not ASCII
  };
  for (const std::string& original : clean) {
    std::string text = original;
    text.reserve(text.size() + 16);
    const char* data = text.data();
    EXPECT_FALSE(detail::may_change(text, NormalizeOptions{})) << original;
    EXPECT_EQ(normalize_in_place(text, NormalizeOptions{}), 0u) << original;
    EXPECT_EQ(text, original);
    EXPECT_EQ(text.data(), data);
  }
}

TEST(NormalizeFastPath, AnythingARuleWouldChangeLeavesTheFastPath) {
  const std::vector<std::string> dirty = {
      "a\r\nb",
      "a\u200bb",
      "x\x01y",
      "\xe3\x85\xa4",
      "\xe1\x84\x80",
      "\xef\xbc\xa1",
      "a\xc2\xa0"
      "b",
      "a \nb",
      "a\t",
      "a\n\n\n\nb",
      "\n\n\nb",
      "e\xcc\x81",
      "\xff",
  };
  for (const std::string& text : dirty) {
    EXPECT_TRUE(detail::may_change(text, NormalizeOptions{})) << hex(text);
  }
  NormalizeOptions repeat;
  repeat.set(NormRule::kRepeat, true);
  EXPECT_FALSE(detail::may_change("ㅋㅋㅋ!!!", repeat));
  EXPECT_TRUE(detail::may_change("ㅋㅋㅋㅋ", repeat));
  EXPECT_TRUE(detail::may_change("네....", repeat));
}

// The pre-scan skips 16-byte chunks at a time: clean text of every alignment
// must pass, and a suspicious piece at any offset must be caught.
TEST(NormalizeFastPath, ChunkedScanFindsPiecesAtEveryOffset) {
  const std::string base = "가나다 abc 힣힢 XYZ,\n아자차카타파하 (0123)\t각낙닥 ~!? 끝.\n다음";
  for (size_t shift = 0; shift < 20; ++shift) {
    const std::string clean = std::string(shift, 'x') + base + base;
    EXPECT_FALSE(detail::may_change(clean, NormalizeOptions{})) << shift;
  }
  const std::vector<std::string> pieces = {
      "\u1100", "\u11a8", "\u1161",   "\ua960",   "\ud7b0",       "\u3164", "\r",
      "\x01",   "\x7f",   "\u200b",   "\u200d",   "\u00a0",       "\u3000", "\uff21",
      "\uffa1", " \n",    "\n\n\n\n", "\xea\xb0", "\xed\xa0\x80", "\xff",   "\xc2\x85",
      "\t\n",   "\n\n\n\n\n",
  };
  // Changes the text only next to some characters ("c\u0301" -> "ć").
  const std::vector<std::string> sometimes = {"\u0301", "\u0323", "\u2026", "\U0001F468"};
  NormalizeOptions repeat;
  repeat.set(NormRule::kRepeat, true);
  const std::vector<std::string> repeat_pieces = {"!!!!", "....", "ㅋㅋㅋㅋ", "~~~~"};
  for (size_t at = 0; at <= base.size(); ++at) {
    if (at < base.size() && detail::is_continuation(static_cast<unsigned char>(base[at]))) continue;
    const auto check = [&](const std::string& piece, const NormalizeOptions& options, bool caught) {
      const std::string text = base.substr(0, at) + piece + base.substr(at) + base;
      if (caught) {
        EXPECT_TRUE(detail::may_change(text, options)) << hex(piece) << " at " << at;
      }
      uint32_t mask = 0;
      EXPECT_EQ(normalize_text(text, options).text, reference(text, options, &mask));
    };
    for (const std::string& piece : pieces) check(piece, NormalizeOptions{}, true);
    // With no blank line allowed, a doubled newline anywhere (or one at the start) is a change.
    NormalizeOptions no_blank_lines;
    no_blank_lines.max_blank_lines = 0;
    check("\n\n", no_blank_lines, true);
    if (at == 0) check("\n", no_blank_lines, true);
    for (const std::string& piece : repeat_pieces) check(piece, repeat, true);
    for (const std::string& piece : sometimes) check(piece, NormalizeOptions{}, false);
  }
}

TEST(NormalizeMasks, NameTheRulesThatChangedTheText) {
  const NormalizeOptions defaults;
  using R = NormRule;
  EXPECT_EQ(normalize_text("a\r\nb", defaults).changed_rules, norm_rule_bit(R::kNewlines));
  EXPECT_EQ(normalize_text("안\u200b녕", defaults).changed_rules, norm_rule_bit(R::kInvisible));
  EXPECT_EQ(normalize_text("\u3164", defaults).changed_rules, norm_rule_bit(R::kFiller));
  EXPECT_EQ(normalize_text("\u1112\u1161\u11ab", defaults).changed_rules, norm_rule_bit(R::kNfc));
  EXPECT_EQ(normalize_text("\u1104\u1160\u11ab", defaults).changed_rules, norm_rule_bit(R::kJamo));
  EXPECT_EQ(normalize_text("ＡＢＣ", defaults).changed_rules, norm_rule_bit(R::kWidth));
  EXPECT_EQ(normalize_text("끝  ", defaults).changed_rules, norm_rule_bit(R::kSpaces));
  EXPECT_EQ(normalize_text("\ufeffＡ\r\n", defaults).changed_rules,
            norm_rule_bit(R::kNewlines) | norm_rule_bit(R::kInvisible) | norm_rule_bit(R::kWidth));
  NormalizeOptions extra;
  extra.set(R::kRepeat, true);
  extra.set(R::kQuotes, true);
  extra.set(R::kNfkc, true);
  EXPECT_EQ(normalize_text("ㅋㅋㅋㅋ", extra).changed_rules, norm_rule_bit(R::kNfkc));
  EXPECT_EQ(normalize_text("!!!!! “a”", extra).changed_rules,
            norm_rule_bit(R::kRepeat) | norm_rule_bit(R::kQuotes));
}

// ---------------------------------------------------------------------------
// Random texts built from the characters the rules care about

TEST(NormalizeFuzz, RandomTextsAreIdempotentAndMatchTheReference) {
  const std::vector<std::string> pieces = {
      "a",
      "Z",
      " ",
      "  ",
      "\t",
      "\n",
      "\r",
      "\r\n",
      "가",
      "한",
      "각",
      "힣",
      "ㅋ",
      "ㅠ",
      "ㄱ",
      "ㅏ",
      "!",
      "?",
      ".",
      "~",
      "`",
      "```",
      "1",
      "\u1100",
      "\u1161",
      "\u11a8",
      "\u115f",
      "\u1160",
      "\u3164",
      "\uffa0",
      "\uffa1",
      "\u110a",
      "\u119e",
      "\u11f0",
      "\ua960",
      "\ud7b0",
      "\u200b",
      "\u200d",
      "\u200c",
      "\ufeff",
      "\u00ad",
      "\u202e",
      "\u0301",
      "\u0300",
      "e",
      "\u00a0",
      "\u3000",
      "\u2028",
      "\uff21",
      "\uff01",
      "\u201c",
      "\u2019",
      "\u2026",
      "\u2460",
      "\U0001F468",
      "\U0001F3FD",
      "\ufe0f",
      "\u2764",
      "\x01",
      "\x7f",
      "\xc2\x85",
      "\xff",
      "\xe1\x84",
      "\xed\xa0\x80",
      "\xc0\x80",
      "\xea",
      "\u212b",
      "\u1e9b\u0323",
      "\u318d",
      "ㅋㅋㅋㅋ",
      "!!!!",
      "\n\n\n\n",
      "  \n",
      "\u1104\u1160\u11ab",
      "안녕하세요 반갑습니다 오늘은 ",
      "plain ascii words here ",  // long clean stretches for the chunked scan
  };
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  std::uniform_int_distribution<uint32_t> random_mask(0, kAllRules);
  for (int iteration = 0; iteration < 20000; ++iteration) {
    std::string text;
    const int n = length(rng);
    for (int k = 0; k < n; ++k) text += pieces[pick(rng)];
    for (const uint32_t mask : {kDefaultRules, random_mask(rng)}) {
      NormalizeOptions options;
      options.rules = mask;
      options.repeat_max = 1 + iteration % 3;
      options.max_blank_lines = iteration % 4 - 1;  // -1 (no cap) .. 2
      const NormalizeResult once = normalize_text(text, options);
      uint32_t reference_mask = 0;
      ASSERT_EQ(once.text, reference(text, options, &reference_mask)) << hex(text);
      ASSERT_EQ(once.changed_rules, reference_mask) << hex(text);
      const NormalizeResult twice = normalize_text(once.text, options);
      ASSERT_EQ(twice.text, once.text)
          << "rules " << format_norm_rules(options) << "\nin    " << hex(text) << "\nonce  "
          << hex(once.text) << "\ntwice " << hex(twice.text);
    }
  }
}

// ---------------------------------------------------------------------------
// Canonical form

TEST(CanonicalForm, FoldsCaseDropsPunctuationAndCollapsesWhitespace) {
  struct Expect {
    std::string_view input;
    std::string_view canonical;
  };
  const std::vector<Expect> cases = {
      {"Hello, World!", "hello world"},
      {"  안녕하세요?!  반갑습니다...  ", "안녕하세요 반갑습니다"},
      {"\u1112\u1161\u11ab\u1100\u1173\u11af", "한글"},  // NFD -> NFC
      {"ＡＩ 모델\u3000입니다", "ai 모델 입니다"},       // width
      {"안\u200b녕\u3164", "안녕"},                      // invisible, filler
      {"첫 줄\r\n\n\t둘째\u00a0줄", "첫 줄 둘째 줄"},    // whitespace runs
      {"“인용” (괄호) [대괄호] 10,000원 ₩5 3+4=7", "인용 괄호 대괄호 10000원 5 347"},
      {"ΣΑΣ Straße ÉCOLE", "σασ straße école"},                          // simple case folding
      {"좋아요 👍🏽 ❤\ufe0f\u200d🔥 ㅋㅋ", "좋아요 ㅋㅋ"},  // symbols, ZWJ, VS16
      {"a - b", "a b"},
      {"", ""},
      {"!!!", ""},
  };
  for (const Expect& e : cases) {
    EXPECT_EQ(canonical_form(e.input), e.canonical) << e.input;
    EXPECT_EQ(canonical_form(canonical_form(e.input)), e.canonical) << e.input;
  }
}

// The definition, one code point at a time, without the fast paths.
std::string canonical_reference(std::string_view text) {
  NormalizeOptions options;
  options.rules = norm_rule_bit(NormRule::kNewlines) | norm_rule_bit(NormRule::kInvisible) |
                  norm_rule_bit(NormRule::kFiller) | norm_rule_bit(NormRule::kWidth) |
                  norm_rule_bit(NormRule::kNfc) | norm_rule_bit(NormRule::kJamo);
  const std::string normalized = normalize_text(text, options).text;
  std::string out;
  bool pending_space = false;
  const auto emit = [&](auto&& append) {
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    append();
  };
  for (size_t i = 0; i < normalized.size();) {
    const Decoded d = decode_utf8(normalized, i);
    const auto u = static_cast<UChar32>(d.cp);
    constexpr uint32_t kDropped = U_GC_P_MASK | U_GC_S_MASK | U_GC_CF_MASK | U_GC_CC_MASK;
    if (d.cp == kInvalidCodePoint) {
      emit([&] { out += normalized[i]; });
    } else if (u_isUWhiteSpace(u)) {
      pending_space = true;
    } else if ((U_GET_GC_MASK(u) & kDropped) == 0 && !(u >= 0xFE00 && u <= 0xFE0F) &&
               !(u >= 0xE0100 && u <= 0xE01EF)) {
      emit([&] {
        detail::append_utf8(out, static_cast<char32_t>(u_foldCase(u, U_FOLD_CASE_DEFAULT)));
      });
    }
    i += d.len;
  }
  return out;
}

TEST(CanonicalForm, MatchesTheDefinitionOnRandomTexts) {
  const std::vector<std::string> pieces = {
      "a",
      "Z",
      "q",
      "7",
      " ",
      "  ",
      "\t",
      "\n",
      ".",
      ",",
      "!",
      "가",
      "힣",
      "한국어 ",
      "텍스트",
      "lower words ",
      "Upper ",
      "\u1100\u1161",
      "\u00a0",
      "\u3000",
      "\u200b",
      "\u2026",
      "ＡＢ",
      "\U0001F44D",
      "\ufe0f",
      "\u200d",
      "É",
      "ß",
      "Σ",
      "\xff",
      "\xea\xb0",
      "ㅋㅋ",
      "(괄호)",
      "이것은 꽤 긴 한국어 문장입니다 그리고 계속됩니다 ",
      "some plain lower case words go here ",
      // For the 16-byte block path of the fold (src/canonical_fold.cpp): runs that cross
      // blocks, the edges of the Hangul syllable range (U+D780..U+D7A3 and U+D7A4 after it
      // share ED 9E), a character that grows when folded, stray and truncated bytes.
      "가나다라마바사아자차카타파하",
      "\ud7a3\ud780\ud7a4",
      "\u023a",
      "\x80",
      "\xed\xa0\x80",
      "\x01\x7f",
      ".,;:",
      "\r\n\t ",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  };
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 30);
  for (int iteration = 0; iteration < 40000; ++iteration) {
    std::string text;
    const int n = iteration % 8 == 0 ? 4 * length(rng) : length(rng);
    for (int k = 0; k < n; ++k) text += pieces[pick(rng)];
    ASSERT_EQ(canonical_form(text), canonical_reference(text)) << hex(text);
    // What the dedup keys rely on (Turn::settled): when the scan for every rule set that
    // contains the canonical rules says "no change", the canonical rules' scan says so too,
    // and skipping it gives the same form.
    for (uint32_t extra : {0u, kDefaultRules, kAllRules}) {
      NormalizeOptions options;
      options.rules = kCanonicalRules | extra;
      if (normalize_may_change(text, options)) continue;
      NormalizeOptions canonical;
      canonical.rules = kCanonicalRules;
      ASSERT_FALSE(normalize_may_change(text, canonical)) << hex(text);
      std::string settled;
      canonical_form_into(text, settled, true);
      ASSERT_EQ(settled, canonical_reference(text)) << hex(text);
    }
  }
}

TEST(CanonicalForm, IntoReusesTheBufferAndMayAliasItsInput) {
  std::string out;
  out.reserve(256);
  const char* data = out.data();
  canonical_form_into("Dedup KEY, 한글!", out);
  EXPECT_EQ(out, "dedup key 한글");
  EXPECT_EQ(out.data(), data);
  canonical_form_into(out, out);
  EXPECT_EQ(out, "dedup key 한글");
  std::string self = "A\u200b B";
  canonical_form_into(self, self);
  EXPECT_EQ(self, "a b");
}

// Appending starts the text's form fresh: no separator joins it to what `out` ends with, even
// when the text starts with whitespace, and the result is out + canonical_form(text).
TEST(CanonicalForm, AppendIsTheFormOfATextOfItsOwn) {
  const std::vector<std::string> texts = {"  Dedup KEY, 한글!  ", "\t\n 가나\u200b다 ", "", " ", "!!!", "ＡＢＣ  def",
                                          std::string(40, ' ') + "긴 공백 뒤의 글" + std::string(40, ' ')};
  for (const std::string& before : {std::string(), std::string("앞 글"), std::string("앞 글\n"), std::string("x ")}) {
    for (const std::string& text : texts) {
      std::string out = before;
      canonical_form_append(text, out);
      EXPECT_EQ(out, before + canonical_form(text)) << "[" << before << "] + [" << text << "]";
    }
  }
}

TEST(CanonicalForm, KeepsInvalidBytes) { EXPECT_EQ(canonical_form("A\xff B"), "a\xff b"); }

// ---------------------------------------------------------------------------
// Options, names and tables

TEST(NormalizeOptionsTest, NamesRoundTrip) {
  for (size_t k = 0; k < kNormRuleCount; ++k) {
    const auto rule = static_cast<NormRule>(k);
    EXPECT_EQ(parse_norm_rule(norm_rule_name(rule)), rule);
  }
  EXPECT_EQ(parse_norm_rule("NFC"), std::nullopt);
  EXPECT_EQ(norm_rule_name(static_cast<NormRule>(42)), "unknown");
}

TEST(NormalizeOptionsTest, RulesReplaceAndNoRuleRemoves) {
  auto defaults = make_normalize_options("", "");
  ASSERT_TRUE(defaults.is_ok());
  EXPECT_EQ(defaults->rules, kDefaultRules);

  auto only = make_normalize_options("nfc, invisible ,repeat=5", "");
  ASSERT_TRUE(only.is_ok()) << only.status().message();
  EXPECT_EQ(only->rules, norm_rule_bit(NormRule::kNfc) | norm_rule_bit(NormRule::kInvisible) |
                             norm_rule_bit(NormRule::kRepeat));
  EXPECT_EQ(only->repeat_max, 5);

  auto fewer = make_normalize_options("", "width,spaces");
  ASSERT_TRUE(fewer.is_ok());
  EXPECT_EQ(fewer->rules,
            kDefaultRules & ~norm_rule_bit(NormRule::kWidth) & ~norm_rule_bit(NormRule::kSpaces));

  auto more = make_normalize_options("default,quotes,spaces=0", "nfc");
  ASSERT_TRUE(more.is_ok());
  EXPECT_TRUE(more->has(NormRule::kQuotes));
  EXPECT_FALSE(more->has(NormRule::kNfc));
  EXPECT_EQ(more->max_blank_lines, 0);
  EXPECT_EQ(format_norm_rules(more.value()),
            "newlines,invisible,filler,jamo,width,spaces=0,quotes");

  auto round = make_normalize_options(format_norm_rules(more.value()), "");
  ASSERT_TRUE(round.is_ok());
  EXPECT_EQ(round->rules, more->rules);
  EXPECT_EQ(round->max_blank_lines, 0);
}

TEST(NormalizeOptionsTest, BadSpecsAreInvalidArguments) {
  for (const auto& [rules, disabled] :
       std::vector<std::pair<std::string, std::string>>{{"nfc,bogus", ""},
                                                        {"repeat=0", ""},
                                                        {"repeat=x", ""},
                                                        {"repeat=3x", ""},
                                                        {"nfc=2", ""},
                                                        {"nfc,,width", ""},
                                                        {"", "repeat=3"},
                                                        {"", "NFC"},
                                                        {"spaces=-1", ""}}) {
    auto options = make_normalize_options(rules, disabled);
    ASSERT_FALSE(options.is_ok()) << rules << " / " << disabled;
    EXPECT_EQ(options.status().code(), StatusCode::kInvalidArgument);
    EXPECT_FALSE(options.status().message().empty());
  }
}

std::string char_name(char32_t c) {
  char buf[128];
  UErrorCode status = U_ZERO_ERROR;
  const int32_t n =
      u_charName(static_cast<UChar32>(c), U_UNICODE_CHAR_NAME, buf, sizeof buf, &status);
  return U_SUCCESS(status) && n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

TEST(NormalizeTables, HalfwidthHangulMatchesCompatibilityJamoByName) {
  for (char32_t c = 0xFFA1; c <= 0xFFDC; ++c) {
    const std::string name = char_name(c);
    const char32_t mapped = detail::halfwidth_to_compatibility(c);
    if (name.empty()) {
      EXPECT_EQ(mapped, 0u) << std::hex << static_cast<uint32_t>(c);
      continue;
    }
    ASSERT_EQ(name.rfind("HALFWIDTH ", 0), 0u) << name;
    EXPECT_EQ(char_name(mapped), name.substr(10)) << std::hex << static_cast<uint32_t>(c);
  }
}

TEST(NormalizeTables, ModernConjoiningJamoMapToCompatibilityJamo) {
  const std::u32string initials = U"ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ";
  const std::u32string finals = U"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ";
  for (size_t k = 0; k < initials.size(); ++k) {
    EXPECT_EQ(detail::compatibility_jamo(0x1100 + static_cast<char32_t>(k)), initials[k]);
  }
  for (char32_t v = 0x1161; v <= 0x1175; ++v) {
    EXPECT_EQ(detail::compatibility_jamo(v), 0x314F + (v - 0x1161));
  }
  for (size_t k = 0; k < finals.size(); ++k) {
    EXPECT_EQ(detail::compatibility_jamo(0x11A8 + static_cast<char32_t>(k)), finals[k]);
  }
  EXPECT_EQ(detail::compatibility_jamo(0x115F), 0u);
  EXPECT_EQ(detail::compatibility_jamo(0x1160), 0u);
  EXPECT_EQ(detail::compatibility_jamo('a'), 0u);
}

TEST(NormalizeTables, CodeFences) {
  EXPECT_EQ(detail::code_fence_open("```"), 3u);
  EXPECT_EQ(detail::code_fence_open("  ````python"), 4u);
  EXPECT_EQ(detail::code_fence_open("``"), 0u);
  EXPECT_EQ(detail::code_fence_open("```a```"), 0u);
  EXPECT_EQ(detail::code_fence_open("text ```"), 0u);
  EXPECT_TRUE(detail::code_fence_close("```", 3));
  EXPECT_TRUE(detail::code_fence_close("  `````  ", 4));
  EXPECT_FALSE(detail::code_fence_close("```", 4));
  EXPECT_FALSE(detail::code_fence_close("```js", 3));
}

// ---------------------------------------------------------------------------
// The table in docs/normalization.md

bool shown_as_escape(char32_t c) {
  const UChar32 u = static_cast<UChar32>(c);
  constexpr uint32_t kInvisible = U_GC_CC_MASK | U_GC_CF_MASK | U_GC_ZS_MASK | U_GC_ZL_MASK |
                                  U_GC_ZP_MASK | U_GC_M_MASK | U_GC_CS_MASK | U_GC_CO_MASK |
                                  U_GC_CN_MASK;
  if (c != ' ' && (U_GET_GC_MASK(u) & kInvisible) != 0) return true;
  // Look-alikes: conjoining jamo render like syllables or compatibility jamo,
  // fillers are blank, the half-width forms look like their targets.
  return detail::is_conjoining_jamo(c) || c == 0x3164 || c == 0x318D || c == 0x212B ||
         (c >= 0xFFA0 && c <= 0xFFDC);
}

// Text as shown in a table cell: invisible and look-alike characters as
// {U+XXXX}, invalid bytes as {0xXX}, \n \r \t spelled out, spaces at the start
// or end of a line as ␠, pipes escaped for the table.
std::string shown(std::string_view text) {
  std::string out;
  char buf[16];
  for (size_t i = 0; i < text.size();) {
    const Decoded d = decode_utf8(text, i);
    const char32_t c = d.cp;
    if (c == kInvalidCodePoint) {
      std::snprintf(buf, sizeof buf, "{0x%02X}", static_cast<unsigned char>(text[i]));
      out += buf;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '|') {
      out += "\\|";
    } else if (c == ' ') {
      // Spaces at either end of a line would be invisible (or trimmed) in a cell.
      const size_t before = text.find_last_not_of(' ', i);
      const size_t after = text.find_first_not_of(' ', i);
      const auto is_break = [&](size_t k) { return text[k] == '\n' || text[k] == '\r'; };
      const bool at_edge = before == std::string_view::npos || is_break(before) ||
                           after == std::string_view::npos || is_break(after);
      out += at_edge ? "␠" : " ";
    } else if (shown_as_escape(c)) {
      std::snprintf(buf, sizeof buf, "{U+%04X}", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += text.substr(i, d.len);
    }
    i += d.len;
  }
  return out;
}

// A markdown code span around `content`, long enough to hold its backticks.
std::string code_span(const std::string& content) {
  if (content.empty()) return "(empty)";
  size_t longest = 0;
  size_t run = 0;
  for (const char c : content) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string ticks(longest + 1, '`');
  return ticks + " " + content + " " + ticks;
}

std::string cases_table(const std::vector<Case>& cases) {
  std::string table = "| name | rules | before | after |\n|---|---|---|---|\n";
  for (const Case& c : cases) {
    table += "| " + c.name + " | " + (c.rules.empty() ? "default" : code_span(c.rules)) + " | " +
             code_span(shown(c.input)) + " | " + code_span(shown(c.expected)) + " |\n";
  }
  return table;
}

TEST(NormalizeDoc, CasesTableIsCurrent) {
  const std::string path = source_path(kDocPath);
  const std::string doc = read_file(path);
  const size_t begin = doc.find(kBeginMarker);
  const size_t end = doc.find(kEndMarker);
  ASSERT_NE(begin, std::string::npos) << path << " lacks " << kBeginMarker;
  ASSERT_NE(end, std::string::npos) << path << " lacks " << kEndMarker;
  ASSERT_LT(begin, end);
  const size_t body = begin + kBeginMarker.size();
  const std::string table = cases_table(all_cases());
  const char* update = std::getenv("DADEUM_UPDATE_DOCS");
  if (update != nullptr && std::string_view(update) == "1") {
    std::ofstream(path, std::ios::binary) << doc.substr(0, body) << table << doc.substr(end);
    GTEST_SKIP() << "rewrote the cases table in " << path;
  }
  EXPECT_EQ(doc.substr(body, end - body), table)
      << "docs/normalization.md is stale: run the test with DADEUM_UPDATE_DOCS=1";
}

}  // namespace
}  // namespace dadeum
