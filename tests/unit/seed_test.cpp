// Issue 3: the seed sets are valid, clean, free of personal data, without repeated prompts,
// and seeds/README.md counts what the file holds.
#include <gtest/gtest.h>
#include <unicode/normalizer2.h>

#include <map>
#include <regex>
#include <set>

#include "dadeum/pii.hpp"
#include "test_util.hpp"

namespace dadeum {
namespace {

const std::string kInstruct = "seeds/ko-instruct-400.jsonl";
const std::string kChat = "seeds/ko-chat-60.jsonl";

testing::ReadAll read_seed(const std::string& relative) {
  auto all = testing::read_all_records({testing::source_path(relative)});
  EXPECT_TRUE(all.status.is_ok()) << all.status.message();
  return all;
}

std::string field(const Example& record, const std::string& key) {
  for (const Member& member : record.members) {
    std::string_view raw_key = record.raw.substr(member.key.begin + 1, member.key.end - member.key.begin - 2);
    if (raw_key == key) return std::string(record.raw.substr(member.value.begin + 1, member.value.end - member.value.begin - 2));
  }
  return "";
}

// The code points no seed text may hold: invisible, filler, control (except \n and \t),
// full-width ASCII, conjoining jamo.
bool has_forbidden_code_point(const std::string& text, std::string& found) {
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(text);
  for (int32_t idx = 0; idx < unicode.length(); idx = unicode.moveIndex32(idx, 1)) {
    UChar32 c = unicode.char32At(idx);
    bool control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0);
    bool invisible = c == 0x200b || c == 0x2060 || c == 0xfeff || c == 0x00ad || c == 0x00a0 ||
                     (c >= 0x200e && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    bool filler = c == 0x3164 || c == 0xffa0 || c == 0x115f || c == 0x1160;
    bool wide = (c >= 0xff01 && c <= 0xff5e) || c == 0x3000;
    bool conjoining = c >= 0x1100 && c <= 0x11ff;
    if (control || invisible || filler || wide || conjoining) {
      found = "U+" + std::to_string(c);
      return true;
    }
  }
  return false;
}

TEST(SeedSet, ValidWithTheRightShape) {
  auto all = read_seed(kInstruct);
  EXPECT_GE(all.counts.read, 380u);
  EXPECT_LE(all.counts.read, 420u);
  EXPECT_EQ(all.counts.rejected, 0u);
  std::map<std::string, int> per_category;
  int with_input = 0;
  std::set<std::string> ids;
  for (const Example* record : testing::records_of(all)) {
    ++per_category[field(*record, "category")];
    EXPECT_TRUE(ids.insert(record->id).second) << record->id;
    for (const Turn& turn : record->turns) {
      if (turn.slot == Slot::kInput && !turn.text.empty()) ++with_input;
    }
  }
  EXPECT_GE(per_category.size(), 12u);
  for (const auto& [category, count] : per_category) {
    EXPECT_GE(count, 20) << category;
    EXPECT_LE(count, 50) << category;
  }
  EXPECT_NEAR(with_input, static_cast<int>(all.counts.read) / 3, 20);

  auto chat = read_seed(kChat);
  EXPECT_GE(chat.counts.read, 40u);
  EXPECT_LE(chat.counts.read, 80u);
  EXPECT_EQ(chat.counts.rejected, 0u);
  for (const Example* record : testing::records_of(chat)) {
    int user_turns = 0;
    for (const Turn& turn : record->turns) user_turns += turn.role == Role::kUser;
    EXPECT_GE(user_turns, 2) << record->id;
    EXPECT_LE(user_turns, 4) << record->id;
  }
}

TEST(SeedSet, ReadmeCountsMatchTheFile) {
  std::string readme = testing::read_file(testing::source_path("seeds/README.md"));
  size_t begin = readme.find("<!-- seed-categories:begin -->");
  size_t end = readme.find("<!-- seed-categories:end -->");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  std::map<std::string, std::pair<int, int>> documented;
  std::regex row(R"(^\| ([^|]+?) \| (\d+) \| (\d+) \|)");
  for (const std::string& line : testing::split_lines(readme.substr(begin, end - begin))) {
    std::smatch match;
    if (std::regex_search(line, match, row)) documented[match[1]] = {std::stoi(match[2]), std::stoi(match[3])};
  }
  std::map<std::string, std::pair<int, int>> actual;
  auto all = read_seed(kInstruct);
  for (const Example* record : testing::records_of(all)) {
    auto& counts = actual[field(*record, "category")];
    ++counts.first;
    for (const Turn& turn : record->turns) counts.second += turn.slot == Slot::kInput && !turn.text.empty();
  }
  EXPECT_EQ(documented, actual);
}

TEST(SeedSet, CleanTextNoPersonalDataNoRepeatedPrompts) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(error);
  ASSERT_TRUE(U_SUCCESS(error));
  std::set<std::string> prompts;
  for (const std::string& file : {kInstruct, kChat}) {
    auto all = read_seed(file);
    for (const Example* record : testing::records_of(all)) {
      std::string prompt;
      for (const Turn& turn : record->turns) {
        UErrorCode status = U_ZERO_ERROR;
        EXPECT_TRUE(nfc->isNormalized(icu::UnicodeString::fromUTF8(turn.text), status)) << record->id;
        std::string found;
        EXPECT_FALSE(has_forbidden_code_point(turn.text, found)) << record->id << " " << found;
        EXPECT_TRUE(find_pii(turn.text).empty()) << record->id << ": " << turn.text.substr(find_pii(turn.text).empty() ? 0 : find_pii(turn.text)[0].begin, 40);
        if (turn.role != Role::kAssistant) prompt += turn.text + "\n";
      }
      EXPECT_TRUE(prompts.insert(prompt).second) << "repeated prompt in " << record->id;
    }
  }
}

}  // namespace
}  // namespace dadeum
