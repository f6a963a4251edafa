// Record filters: each drops with its own reason code, keeps what it should keep, and looks
// at the prompt (every turn but the system's and the assistant's) and the answer (the
// assistant's turns) as the texts joined by '\n'.
#include <gtest/gtest.h>

#include "dadeum/filter.hpp"
#include "test_util.hpp"

namespace dadeum {
namespace {

Turn turn(Role role, std::string text) {
  Turn made;
  made.role = role;
  made.text = std::move(text);
  return made;
}

Example example(std::vector<Turn> turns) {
  Example made;
  made.turns = std::move(turns);
  return made;
}

Example alpaca(std::string prompt, std::string answer) {
  return example({turn(Role::kUser, std::move(prompt)), turn(Role::kAssistant, std::move(answer))});
}

// The drop code filter_record gives, or "" when the record stays.
std::string verdict(Example record, const FilterOptions& options = {}) {
  filter_record(record, options);
  if (record.kept()) return "";
  EXPECT_EQ(record.outcome.stage, "filter");
  EXPECT_FALSE(record.outcome.message.empty());
  return record.outcome.code;
}

TEST(Filter, DefaultsKeepAnOrdinaryRecord) {
  EXPECT_EQ(verdict(alpaca("서울의 인구는?", "약 940만 명입니다.")), "");
}

TEST(Filter, EmptyPromptOrAnswerAfterNormalization) {
  EXPECT_EQ(verdict(alpaca(" \t\u3000", "답")), "empty_prompt");
  EXPECT_EQ(verdict(alpaca("질문", "\u200b \n")), "empty_answer");
  // Several blank prompt turns (user and tool) are a blank prompt; one real turn is not.
  EXPECT_EQ(verdict(example({turn(Role::kSystem, "시스템"), turn(Role::kUser, " "), turn(Role::kTool, "\u3164"),
                             turn(Role::kAssistant, "답")})),
            "empty_prompt");
  EXPECT_EQ(verdict(example({turn(Role::kUser, " "), turn(Role::kTool, "결과"), turn(Role::kAssistant, "답")})), "");
  // A system turn alone is no prompt; no assistant turn is no answer.
  EXPECT_EQ(verdict(example({turn(Role::kSystem, "시스템"), turn(Role::kAssistant, "답")})), "empty_prompt");
  EXPECT_EQ(verdict(example({turn(Role::kUser, "질문")})), "empty_answer");
  FilterOptions keep_empty;
  keep_empty.drop_empty = false;
  EXPECT_EQ(verdict(alpaca(" ", "답"), keep_empty), "");
}

TEST(Filter, AnAnswerThatRepeatsAPromptTurn) {
  EXPECT_EQ(verdict(alpaca("같은 말", "같은 말")), "echo");
  EXPECT_EQ(verdict(example({turn(Role::kUser, "첫째"), turn(Role::kAssistant, "둘째"), turn(Role::kUser, "셋째"),
                             turn(Role::kAssistant, "첫째")})),
            "echo");
  FilterOptions keep_echo;
  keep_echo.drop_echo = false;
  EXPECT_EQ(verdict(alpaca("같은 말", "같은 말"), keep_echo), "");
}

TEST(Filter, LengthsInCodePoints) {
  FilterOptions options;
  options.min_answer_chars = 3;
  EXPECT_EQ(verdict(alpaca("질문", "네요"), options), "answer_too_short");
  EXPECT_EQ(verdict(alpaca("질문", "그래요"), options), "");  // 3 syllables, 9 bytes
  options = {};
  options.max_answer_chars = 3;
  EXPECT_EQ(verdict(alpaca("질문", "그래요"), options), "");
  EXPECT_EQ(verdict(alpaca("질문", "그래요."), options), "answer_too_long");
  // Two answer turns join with '\n': 2 + 1 + 2 = 5 code points.
  EXPECT_EQ(verdict(example({turn(Role::kUser, "질문"), turn(Role::kAssistant, "하나"), turn(Role::kUser, "또"),
                             turn(Role::kAssistant, "두울")}),
                    options),
            "answer_too_long");
  options = {};
  options.max_example_chars = 6;  // prompt + answer
  EXPECT_EQ(verdict(alpaca("질문", "답변이다"), options), "");
  EXPECT_EQ(verdict(alpaca("질문이", "답변이다"), options), "example_too_long");
}

TEST(Filter, HangulRatioOfTheAnswer) {
  FilterOptions options;
  options.min_hangul_ratio = 0.5;
  EXPECT_EQ(verdict(alpaca("질문", "This answer is English"), options), "low_hangul_ratio");
  EXPECT_EQ(verdict(alpaca("English question", "한국어로 된 답변입니다 OK"), options), "");  // 10 of 12 letters
  EXPECT_EQ(verdict(alpaca("질문", "12345 !!"), options), "");  // no letters: ratio 1
}

TEST(Filter, BlocklistInPromptOrAnswerAndBoilerplate) {
  FilterOptions options;
  options.blocklist = {"금지어", "line\nbreak"};
  EXPECT_EQ(verdict(alpaca("이 질문에는 금지어가 있다", "답"), options), "blocklist");
  EXPECT_EQ(verdict(alpaca("질문", "답에 금지어"), options), "blocklist");
  EXPECT_EQ(verdict(alpaca("질문", "깨끗한 답"), options), "");
  // A pattern may span the '\n' that joins two prompt turns.
  EXPECT_EQ(verdict(example({turn(Role::kUser, "first line"), turn(Role::kTool, "break here"),
                             turn(Role::kAssistant, "답")}),
                    options),
            "blocklist");
  options = {};
  EXPECT_EQ(verdict(alpaca("질문", "AI 언어 모델로서 답할 수 없습니다.")), "");  // off by default
  options.drop_boilerplate = true;
  EXPECT_EQ(verdict(alpaca("질문", "AI 언어 모델로서 답할 수 없습니다."), options), "boilerplate");
  EXPECT_EQ(verdict(alpaca("AI 언어 모델로서 질문합니다", "답"), options), "");  // answers only
}

TEST(Filter, OnlyKeptRecordsAreFiltered) {
  Example rejected = alpaca(" ", " ");
  rejected.reject("parse", "invalid_json", "broken");
  filter_record(rejected, FilterOptions{});
  EXPECT_EQ(rejected.outcome.code, "invalid_json");
}

TEST(Filter, CountCharsAndHangulRatio) {
  EXPECT_EQ(count_chars(""), 0u);
  EXPECT_EQ(count_chars("a가😀"), 3u);
  EXPECT_EQ(count_chars("\xff\xfe"), 2u);  // invalid bytes count one each
  EXPECT_DOUBLE_EQ(hangul_ratio("가나ab"), 0.5);
  EXPECT_DOUBLE_EQ(hangul_ratio("123"), 1.0);
}

}  // namespace
}  // namespace dadeum
