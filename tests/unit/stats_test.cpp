// dadeum stats: every measure on small inputs whose true values are written here, the seed set
// against seeds/README.md and an independent count, determinism, and the three reports.
#include "dadeum/stats.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>

#include "dadeum/tokenizer.hpp"
#include "detail/stats_scan.hpp"
#include "test_util.hpp"

namespace dadeum {
namespace {

using testing::TempDir;
using testing::write_file;

size_t at(ScriptClass value) { return static_cast<size_t>(value); }
size_t at(Diagnostic value) { return static_cast<size_t>(value); }
size_t at(Unit value) { return static_cast<size_t>(value); }
size_t at(RecordPart value) { return static_cast<size_t>(value); }
size_t at(Structure value) { return static_cast<size_t>(value); }
size_t at(SpeechLevel value) { return static_cast<size_t>(value); }
uint32_t bit(Structure value) { return 1u << static_cast<unsigned>(value); }

// ---------------------------------------------------------------------------
// scan_text: characters, 어절, script mix, normalization problems

TEST(StatsScanText, CountsCodePointsEojeolAndScripts) {
  TextScan scan = scan_text("안녕 hello 123");
  EXPECT_EQ(scan.chars, 12u);
  EXPECT_EQ(scan.eojeol, 3u);
  EXPECT_EQ(scan.script[at(ScriptClass::kHangulSyllable)], 2u);
  EXPECT_EQ(scan.script[at(ScriptClass::kLatin)], 5u);
  EXPECT_EQ(scan.script[at(ScriptClass::kDigit)], 3u);
  EXPECT_EQ(scan.script[at(ScriptClass::kOther)], 0u);
  EXPECT_EQ(scan.hangul(), 2u);
  EXPECT_EQ(scan.letters(), 7u);
  EXPECT_FALSE(scan.blank());
  for (uint32_t count : scan.diagnostics) EXPECT_EQ(count, 0u);
}

TEST(StatsScanText, ClassifiesEveryScript) {
  // ㅋㅋ compatibility jamo, ᄀ+ᅡ conjoining jamo, 漢字 Hanja, ＡＢ full-width Latin, ５ full-width
  // digit, é Latin-1, 😀 and ! other.
  TextScan scan = scan_text("ㅋㅋ \u1100\u1161 漢字 ＡＢ５ é😀!");
  EXPECT_EQ(scan.script[at(ScriptClass::kCompatJamo)], 2u);
  EXPECT_EQ(scan.script[at(ScriptClass::kConjoiningJamo)], 2u);
  EXPECT_EQ(scan.script[at(ScriptClass::kHanja)], 2u);
  EXPECT_EQ(scan.script[at(ScriptClass::kLatin)], 3u);
  EXPECT_EQ(scan.script[at(ScriptClass::kDigit)], 1u);
  EXPECT_EQ(scan.script[at(ScriptClass::kOther)], 2u);
  EXPECT_EQ(scan.hangul(), 4u);
  EXPECT_EQ(scan.letters(), 9u);
  EXPECT_EQ(scan.chars, 16u);
  EXPECT_EQ(scan.eojeol, 5u);
  EXPECT_EQ(scan.diagnostics[at(Diagnostic::kNonNfc)], 1u);  // ᄀ+ᅡ composes to 가
  EXPECT_EQ(scan.diagnostics[at(Diagnostic::kFullWidth)], 3u);
}

TEST(StatsScanText, FindsNormalizationProblems) {
  struct Case {
    std::string text;
    Diagnostic problem;
    uint32_t count;
  };
  const Case cases[] = {
      {"가\u200B나", Diagnostic::kInvisible, 1},       {"\uFEFF본문", Diagnostic::kInvisible, 1},
      {"소프트\u00ADhyphen", Diagnostic::kInvisible, 1}, {"\u3164", Diagnostic::kFiller, 1},
      {"a\uFFA0b\u1160", Diagnostic::kFiller, 2},       {"ＡＢＣ", Diagnostic::kFullWidth, 3},
      {"가\u3000나", Diagnostic::kFullWidth, 1},        {"a\x01" "b\x7F", Diagnostic::kControl, 2},
      {"\u0085", Diagnostic::kControl, 0},  // NEL is whitespace here, not a control
      {"cafe\u0301", Diagnostic::kNonNfc, 1},         {"café", Diagnostic::kNonNfc, 0},
      {"\u1112\u1161\u11AB", Diagnostic::kNonNfc, 1},  // NFD 한 (as macOS writes it)
      {"한글 tab\tnew\nline\r", Diagnostic::kControl, 0},
  };
  for (const Case& test : cases) {
    TextScan scan = scan_text(test.text);
    EXPECT_EQ(scan.diagnostics[at(test.problem)], test.count) << test.text;
  }
  // A filler is blank: it is no Hangul letter.
  TextScan filler = scan_text("\u3164");
  EXPECT_EQ(filler.hangul(), 0u);
  EXPECT_EQ(filler.script[at(ScriptClass::kOther)], 1u);
}

TEST(StatsScanText, BlankTextsAndInvalidBytes) {
  EXPECT_TRUE(scan_text("").blank());
  EXPECT_TRUE(scan_text(" \n\t\u3000 ").blank());
  EXPECT_EQ(scan_text(" \n ").chars, 3u);
  TextScan broken = scan_text(std::string("a\xFF\xE0" "b"));
  EXPECT_EQ(broken.chars, 4u);
  EXPECT_EQ(broken.script[at(ScriptClass::kOther)], 2u);
  // A run of syllables cut by a truncated syllable, a broken one and a non-syllable (U+D7B0).
  TextScan cut = scan_text(std::string("가나다 라마\xEA\xB0"));
  EXPECT_EQ(cut.chars, 8u);
  EXPECT_EQ(cut.eojeol, 2u);
  EXPECT_EQ(cut.script[at(ScriptClass::kHangulSyllable)], 5u);
  EXPECT_EQ(cut.script[at(ScriptClass::kOther)], 2u);
  TextScan mixed = scan_text(std::string("가\xEB\x82" "a나\xED\x9E\xB0힣"));
  EXPECT_EQ(mixed.chars, 7u);
  EXPECT_EQ(mixed.eojeol, 1u);
  EXPECT_EQ(mixed.script[at(ScriptClass::kHangulSyllable)], 3u);
  EXPECT_EQ(mixed.script[at(ScriptClass::kConjoiningJamo)], 1u);
  EXPECT_EQ(mixed.script[at(ScriptClass::kLatin)], 1u);
}

// The 16-byte blocks of ASCII and syllables give what the one-by-one path gives, on texts
// built from pieces around every edge the blocks test: the first and last syllables of each
// lead byte (EA B0 80 = 가, ED 9E A3 = 힣 and the jamo after it), code points of other 3-byte
// leads, whitespace and control bytes, 2- and 4-byte code points, truncated and stray bytes,
// with lengths across block boundaries.
TEST(StatsScanText, BlocksAgreeWithOneCodePointAtATime) {
  const std::vector<std::string> pieces = {
      "가", "꿿", "뀀", "힣", "핳", "퟿", "\xED\x9E\xB0", "\xED\x9D\xBF", "\xEA\xAF\xBF", "ힰ", "ㅋ", "。", "漢",
      " ", "  ", "\t", "\n", "\v", "\f", "\r", "\x01", "\x0E", "\x7F", "a", "Z", "7", "!", "é", "😀", "\xE3\x80\x80",
      "\xEA", "\xEB\x82", "\x80", "\xFF", "\u200B", "\u3164", "한국어", "문장입니다.", "word"};
  uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  };
  for (int trial = 0; trial < 4000; ++trial) {
    std::string text;
    const size_t count = trial % 61;
    // Mostly syllables, spaces and ASCII letters (texts that the blocks take), some of anything.
    for (size_t idx = 0; idx < count; ++idx) {
      const uint32_t pick = next();
      text += pick % 4 != 0 ? pieces[pick % 4 == 1 ? 0 : pick % 4 == 2 ? 13 : 36 + pick % 3] : pieces[(pick >> 8) % pieces.size()];
    }
    const TextScan blocks = scan_text(text), single = scan_text_by_code_point(text);
    ASSERT_EQ(blocks.chars, single.chars) << trial << " " << ::testing::PrintToString(text);
    ASSERT_EQ(blocks.eojeol, single.eojeol) << trial;
    ASSERT_EQ(blocks.script, single.script) << trial;
    ASSERT_EQ(blocks.diagnostics, single.diagnostics) << trial;
  }
}

// ---------------------------------------------------------------------------
// Structure of answers

TEST(StatsStructure, DetectsEachShape) {
  struct Case {
    std::string answer;
    uint32_t expected;
  };
  const Case cases[] = {
      {"그냥 문장입니다.", 0},
      {"1. 사과\n2. 배", bit(Structure::kNumberedList)},
      {"  1) 사과\n  2) 배\n", bit(Structure::kNumberedList)},
      {"1. 하나뿐", 0},
      {"2023. 5. 1.에 시작", 0},
      {"- 사과\n- 배", bit(Structure::kBulletedList)},
      {"• 사과\n• 배", bit(Structure::kBulletedList)},
      {"-5도\n-3도", 0},
      {"| 이름 | 값 |\n|---|:---:|\n| a | 1 |", bit(Structure::kTable)},
      {"이름 | 값\n--- | ---\na | 1", bit(Structure::kTable)},
      {"| a | b |\n| c | d |", 0},
      {"# 제목\n본문", bit(Structure::kHeading)},
      {"### 1일차", bit(Structure::kHeading)},
      {"#해시태그", 0},
      {"```python\nprint(1)\n```", bit(Structure::kCodeBlock)},
      {"~~~\ncode\n~~~", bit(Structure::kCodeBlock)},
      {"```\n열리기만 함", 0},
      {"```json\n{\"이름\": \"김민준\", \"나이\": 30}\n```", bit(Structure::kCodeBlock) | bit(Structure::kJson)},
      {"{\"a\": [1, 2.5e3, true, null, \"\\u00e9\"]}", bit(Structure::kJson)},
      {"[1, 2]", bit(Structure::kJson) },
      {"{a: 1}", 0},
      {"# 요약\n- 가\n- 나\n\n1. 다\n2. 라", bit(Structure::kHeading) | bit(Structure::kBulletedList) |
                                              bit(Structure::kNumberedList)},
      {"```\n# 주석\n- 아님\n- 아님\n```", bit(Structure::kCodeBlock)},  // inside code: nothing else
  };
  for (const Case& test : cases) EXPECT_EQ(detect_structure(test.answer), test.expected) << test.answer;
}

TEST(StatsStructure, JsonDocumentValidator) {
  EXPECT_TRUE(is_json_document("{}"));
  EXPECT_TRUE(is_json_document("  [ {\"k\": -0.5E-3}, [], \"\" ]\n"));
  EXPECT_TRUE(is_json_document("{\"한글\": \"값\"}"));
  EXPECT_FALSE(is_json_document("\"just a string\""));
  EXPECT_FALSE(is_json_document("42"));
  EXPECT_FALSE(is_json_document("{\"a\": 1,}"));
  EXPECT_FALSE(is_json_document("{\"a\": 01}"));
  EXPECT_FALSE(is_json_document("{\"a\": 1} trailing"));
  EXPECT_FALSE(is_json_document("[\"tab\there\"]"));
  EXPECT_FALSE(is_json_document("[" + std::string(1000, '[')));
}

// ---------------------------------------------------------------------------
// Speech level

TEST(StatsSpeech, ClassifiesSentenceEndings) {
  struct Case {
    std::string sentence;
    bool terminated;
    SpeechLevel expected;
  };
  const Case cases[] = {
      {"감사합니다", true, SpeechLevel::kFormal},      {"회의는 3시에 시작합니다", false, SpeechLevel::kFormal},
      {"확인하셨습니까", true, SpeechLevel::kFormal},   {"잠시 기다려 주십시오", true, SpeechLevel::kFormal},
      {"함께 갑시다", true, SpeechLevel::kFormal},      {"그렇게 하시다", true, SpeechLevel::kPlain},
      {"좋아요", true, SpeechLevel::kPolite},           {"내일 봬요", false, SpeechLevel::kPolite},
      {"그렇죠", true, SpeechLevel::kPolite},           {"확인이 필요", true, SpeechLevel::kNone},
      {"좋아", true, SpeechLevel::kPlain},              {"밥을 먹었다", true, SpeechLevel::kPlain},
      {"뭐 하니", true, SpeechLevel::kPlain},           {"같이 가자", true, SpeechLevel::kPlain},
      {"노을이 아름답구나", true, SpeechLevel::kPlain}, {"내가 할게", true, SpeechLevel::kPlain},
      {"밥을 먹었다", false, SpeechLevel::kNone},       {"출발어: 영어", false, SpeechLevel::kNone},
      {"네", true, SpeechLevel::kNone},                 {"Python 3.12", true, SpeechLevel::kNone},
      {"완료했습니다 :)", true, SpeechLevel::kFormal},  {"\"좋아요\"", true, SpeechLevel::kPolite},
      {"버전은 v2", true, SpeechLevel::kNone},          {"사과", true, SpeechLevel::kNone},
      // Whole-word nouns of three syllables, and words longer than the three syllables kept.
      {"설명이 불필요", true, SpeechLevel::kNone},      {"정말 불필요요", true, SpeechLevel::kPolite},
      {"시작하겠습니다", true, SpeechLevel::kFormal},   {"정말로 그렇구나!!", true, SpeechLevel::kPlain},
      {"필요.", true, SpeechLevel::kNone},              {"필요", false, SpeechLevel::kNone},
  };
  for (const Case& test : cases) {
    EXPECT_EQ(sentence_level(test.sentence, test.terminated), test.expected) << test.sentence;
  }
}

TEST(StatsSpeech, AnswerTakesTheMajority) {
  SentenceCounts counts{};
  EXPECT_EQ(speech_level("안녕하세요. 반갑습니다! 오늘 날씨가 좋네요.", &counts), SpeechLevel::kPolite);
  EXPECT_EQ(counts[at(SpeechLevel::kPolite)], 2u);
  EXPECT_EQ(counts[at(SpeechLevel::kFormal)], 1u);
  EXPECT_EQ(speech_level("좋습니다. 좋아요."), SpeechLevel::kMixed);
  EXPECT_EQ(speech_level("나도 알아. 정말 그래? 그렇습니다."), SpeechLevel::kPlain);
  EXPECT_EQ(speech_level("- 항목 하나\n- 항목 둘"), SpeechLevel::kNone);
  EXPECT_EQ(speech_level("This is English."), SpeechLevel::kNone);
  EXPECT_EQ(speech_level(""), SpeechLevel::kNone);

  // Code blocks, table rows and headings are skipped; 3.14 is no sentence end.
  SentenceCounts skipped{};
  EXPECT_EQ(speech_level("# 정리한다\n```\n# 좋다.\nx = 1  # 했다.\n```\n| 좋다. | 싫다. |\n원주율은 3.14입니다.", &skipped),
            SpeechLevel::kFormal);
  EXPECT_EQ(skipped[at(SpeechLevel::kFormal)], 1u);
  EXPECT_EQ(skipped[at(SpeechLevel::kPlain)], 0u);
  EXPECT_EQ(skipped[at(SpeechLevel::kNone)], 0u);

  // Sentences without Hangul are not counted; Hangul ones with no known ending are unclassified.
  SentenceCounts unclassified{};
  speech_level("1. 사과\n2. 배\nOK. 정리: 사과.", &unclassified);
  EXPECT_EQ(unclassified[at(SpeechLevel::kNone)], 3u);  // "사과", "배", "정리: 사과"
}

// ---------------------------------------------------------------------------
// Distributions

TEST(StatsDistribution, NearestRankPercentilesAndMean) {
  std::vector<uint32_t> values;
  for (uint32_t value = 20; value >= 1; --value) values.push_back(value);
  Distribution dist = summarize(values);
  EXPECT_EQ(dist.count, 20u);
  EXPECT_EQ(dist.min, 1);
  EXPECT_EQ(dist.p5, 1);    // rank ceil(0.05 * 20) = 1
  EXPECT_EQ(dist.p50, 10);  // rank 10
  EXPECT_EQ(dist.p95, 19);  // rank 19
  EXPECT_EQ(dist.max, 20);
  EXPECT_DOUBLE_EQ(dist.mean, 10.5);

  std::vector<uint32_t> five = {5, 1, 4, 2, 3};
  Distribution small = summarize(five);
  EXPECT_EQ(small.p5, 1);   // rank ceil(0.25) = 1
  EXPECT_EQ(small.p50, 3);  // rank ceil(2.5) = 3
  EXPECT_EQ(small.p95, 5);  // rank ceil(4.75) = 5
  EXPECT_DOUBLE_EQ(small.mean, 3);

  std::vector<uint32_t> one = {7};
  Distribution single = summarize(one);
  EXPECT_EQ(single.min, 7);
  EXPECT_EQ(single.p5, 7);
  EXPECT_EQ(single.p95, 7);
  EXPECT_EQ(single.max, 7);

  std::vector<uint32_t> none;
  EXPECT_EQ(summarize(none).count, 0u);

  std::vector<float> ratios = {0.25f, 1.0f, 0.5f, 0.75f};
  Distribution ratio = summarize(ratios);
  EXPECT_FLOAT_EQ(ratio.p50, 0.5f);
  EXPECT_DOUBLE_EQ(ratio.mean, 0.625);
}

// ---------------------------------------------------------------------------
// The collector on a small file whose every value is known

// r1 and r2 are the same example; r3 is English; r4 has a phone number and no category; line
// 5 is broken.
const std::string kSmall =
    R"({"id":"1","category":"a","instruction":"안녕 하세요","input":"","output":"반갑습니다."})" "\n"
    R"({"id":"2","category":"a","instruction":"안녕 하세요","input":"","output":"반갑습니다."})" "\n"
    R"({"id":"3","category":"b","instruction":"Translate this","input":"hello","output":"This is an English answer with many letters."})" "\n"
    R"({"id":"4","instruction":"연락처?","output":"전화 010-1234-5678 로 연락 주세요."})" "\n"
    "not json\n";

StatsReport stats_of(const std::vector<std::string>& paths, StatsOptions options = {}, size_t threads = 2,
                     size_t batch_bytes = 4u << 20) {
  ReadOptions read;
  read.batch_bytes = batch_bytes;
  Result<StatsReport> report = compute_stats(paths, read, options, {threads});
  EXPECT_TRUE(report.is_ok()) << report.status().message();
  return report.is_ok() ? std::move(report).value() : StatsReport{};
}

TEST(StatsCollect, CountsRecordsFieldsAndLengths) {
  TempDir dir;
  write_file(dir.file("small.jsonl"), kSmall);
  StatsReport report = stats_of({dir.file("small.jsonl")});
  ASSERT_EQ(report.files.size(), 1u);
  const FileStats& file = report.files[0];
  EXPECT_EQ(file.read, 5u);
  EXPECT_EQ(file.valid, 4u);
  EXPECT_EQ(file.rejected, 1u);
  EXPECT_EQ(file.turns, 11u);  // an empty "input" is a text; a missing one is not

  ASSERT_EQ(file.fields.size(), 3u);
  EXPECT_EQ(file.fields[0].name, "instruction");
  EXPECT_EQ(file.fields[1].name, "input");
  EXPECT_EQ(file.fields[2].name, "output");
  const FieldStats* input = file.field("input");
  EXPECT_EQ(input->records, 3u);
  EXPECT_EQ(input->texts, 3u);
  EXPECT_EQ(input->empty, 2u);
  EXPECT_EQ(input->lengths.summary[at(Unit::kChars)].count, 1u);  // only "hello"

  // instruction: "안녕 하세요" (6 chars, 2 어절, 16 bytes) twice, "Translate this" (14, 2, 14),
  // "연락처?" (4, 1, 10).
  const LengthSeries& instruction = file.field("instruction")->lengths;
  const Distribution& chars = instruction.summary[at(Unit::kChars)];
  EXPECT_EQ(chars.count, 4u);
  EXPECT_EQ(chars.min, 4);
  EXPECT_EQ(chars.p50, 6);
  EXPECT_EQ(chars.max, 14);
  EXPECT_DOUBLE_EQ(chars.mean, 7.5);
  EXPECT_EQ(instruction.summary[at(Unit::kEojeol)].min, 1);
  EXPECT_DOUBLE_EQ(instruction.summary[at(Unit::kEojeol)].mean, 7.0 / 4);
  EXPECT_DOUBLE_EQ(instruction.summary[at(Unit::kBytes)].mean, (16 + 16 + 14 + 10) / 4.0);
  EXPECT_EQ(instruction.summary[at(Unit::kTokens)].count, 0u);  // no tokenizer

  // Record prompt = instruction + input; answer = output.
  const Distribution& prompt = file.parts[at(RecordPart::kPrompt)].summary[at(Unit::kChars)];
  EXPECT_EQ(prompt.max, 19);  // "Translate this" + "hello"
  const Distribution& total = file.parts[at(RecordPart::kTotal)].summary[at(Unit::kEojeol)];
  EXPECT_EQ(total.count, 4u);
  EXPECT_EQ(total.max, 2 + 1 + 8);  // r3
}

TEST(StatsCollect, ScriptMixHangulRatioAndEnglishAnswers) {
  TempDir dir;
  write_file(dir.file("small.jsonl"), kSmall);
  const FileStats file = stats_of({dir.file("small.jsonl")}).files[0];
  EXPECT_EQ(file.script[at(ScriptClass::kHangulSyllable)], 10u + 10u + 0u + 11u);
  EXPECT_EQ(file.script[at(ScriptClass::kLatin)], 9u + 4u + 5u + 36u);
  EXPECT_EQ(file.script[at(ScriptClass::kDigit)], 11u);
  EXPECT_EQ(file.script[at(ScriptClass::kOther)], 1u + 1u + 1u + 4u);  // . . . and ? - - .
  EXPECT_EQ(file.script[at(ScriptClass::kHanja)], 0u);
  // Ratios 1, 1, 0, 1.
  EXPECT_EQ(file.hangul_ratio_summary.count, 4u);
  EXPECT_DOUBLE_EQ(file.hangul_ratio_summary.mean, 0.75);
  EXPECT_EQ(file.hangul_ratio_summary.min, 0);
  EXPECT_EQ(file.no_letters, 0u);
  // Only r3's answer has 20 letters or more, and it is English.
  EXPECT_EQ(file.answers_checked, 1u);
  EXPECT_EQ(file.answers_not_korean, 1u);
}

TEST(StatsCollect, DuplicatesPiiStructureSpeechAndGroups) {
  TempDir dir;
  write_file(dir.file("small.jsonl"), kSmall);
  const FileStats file = stats_of({dir.file("small.jsonl")}).files[0];
  EXPECT_EQ(file.duplicates.exact_full, 1u);
  EXPECT_EQ(file.duplicates.exact_prompt, 1u);
  EXPECT_TRUE(file.duplicates.near_checked);
  EXPECT_EQ(file.duplicates.near, 1u);
  EXPECT_EQ(file.duplicates.near_clusters, 1u);

  EXPECT_EQ(file.pii.records, 1u);
  EXPECT_EQ(file.pii.total(PiiType::kPhone), 1u);
  EXPECT_EQ(file.pii.hits.size(), 1u);
  EXPECT_EQ(file.pii.hits.begin()->first.second, "output");

  EXPECT_EQ(file.structure.answers, 4u);
  EXPECT_EQ(file.structure.plain, 4u);
  EXPECT_EQ(file.speech.answers[at(SpeechLevel::kFormal)], 2u);
  EXPECT_EQ(file.speech.answers[at(SpeechLevel::kPolite)], 1u);
  EXPECT_EQ(file.speech.answers[at(SpeechLevel::kNone)], 1u);

  ASSERT_EQ(file.groups.size(), 3u);
  EXPECT_EQ(file.groups[0].value, "a");
  EXPECT_EQ(file.groups[0].records, 2u);
  EXPECT_EQ(file.groups[1].value, "b");
  EXPECT_EQ(file.groups[1].records, 1u);
  EXPECT_EQ(file.groups[1].answers_not_korean, 1u);
  EXPECT_DOUBLE_EQ(file.groups[1].hangul_ratio_mean(), 0.0);
  EXPECT_EQ(file.groups[2].value, kMissingGroup);
  EXPECT_EQ(file.by_present, 3u);
  EXPECT_EQ(file.groups[0].answer.summary[at(Unit::kChars)].p50, 6);  // "반갑습니다."
}

TEST(StatsCollect, NormalizationProblemsPerRecord) {
  TempDir dir;
  write_file(dir.file("noisy.jsonl"),
             R"({"instruction":"보이지\u200b않는 글자","output":"ＡＢＣ 전각과 \u0001 제어 문자"})" "\n"
             R"({"instruction":"\u1112\u1161\u11ab글 NFD","output":"채움\u3164문자"})" "\n"
             R"({"instruction":"깨끗한 질문","output":"깨끗한 답"})" "\n");
  const FileStats file = stats_of({dir.file("noisy.jsonl")}).files[0];
  EXPECT_EQ(file.diagnostics[at(Diagnostic::kInvisible)], 1u);
  EXPECT_EQ(file.diagnostics[at(Diagnostic::kFullWidth)], 1u);
  EXPECT_EQ(file.diagnostics[at(Diagnostic::kControl)], 1u);
  EXPECT_EQ(file.diagnostics[at(Diagnostic::kNonNfc)], 1u);
  EXPECT_EQ(file.diagnostics[at(Diagnostic::kFiller)], 1u);
}

TEST(StatsCollect, NearDuplicatesNeedHighSimilarity) {
  TempDir dir;
  std::string base = "서울의 봄은 짧지만 벚꽃이 피는 여의도 윤중로와 석촌호수에는 해마다 많은 사람이 모여 산책을 즐깁니다";
  write_file(dir.file("near.jsonl"),
             R"({"instruction":"봄 나들이 장소를 알려 주세요","output":")" + base + R"(."})" "\n" +
             R"({"instruction":"봄 나들이 장소를 알려 주세요","output":")" + base + R"(!"})" "\n" +  // same canonical: exact
             R"({"instruction":"봄 나들이 장소를 알려 주세요.","output":")" + base + R"( 정말로."})" "\n" +  // near
             R"({"instruction":"파이썬 리스트 정렬 방법은?","output":"sorted() 함수나 list.sort() 메서드를 씁니다."})" "\n");
  const FileStats file = stats_of({dir.file("near.jsonl")}).files[0];
  EXPECT_EQ(file.duplicates.exact_full, 1u);
  EXPECT_EQ(file.duplicates.exact_prompt, 2u);  // punctuation is not part of the canonical form
  EXPECT_EQ(file.duplicates.near, 2u);
  EXPECT_EQ(file.duplicates.near_clusters, 1u);

  StatsOptions off;
  off.near_threshold = 0;
  const FileStats unchecked = stats_of({dir.file("near.jsonl")}, off).files[0];
  EXPECT_FALSE(unchecked.duplicates.near_checked);
  EXPECT_EQ(unchecked.duplicates.near, 0u);
}

TEST(StatsCollect, SeveralFilesSideBySideWithOverlap) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), kSmall);
  write_file(dir.file("validation.jsonl"),
             R"({"id":"9","category":"a","instruction":"안녕 하세요","input":"","output":"반갑습니다."})" "\n"
             R"({"id":"10","category":"c","instruction":"안녕 하세요","output":"다른 답입니다."})" "\n"
             R"({"id":"11","category":"c","instruction":"새 질문","output":"새 답"})" "\n");
  StatsReport report = stats_of({dir.file("train.jsonl"), dir.file("validation.jsonl")});
  ASSERT_EQ(report.files.size(), 2u);
  EXPECT_EQ(report.files[0].valid, 4u);
  EXPECT_EQ(report.files[1].valid, 3u);
  EXPECT_EQ(report.files[1].input.path, dir.file("validation.jsonl"));
  EXPECT_TRUE(report.files[0].overlap.empty());
  ASSERT_EQ(report.files[1].overlap.size(), 1u);
  EXPECT_EQ(report.files[1].overlap[0].exact_full, 1u);
  EXPECT_EQ(report.files[1].overlap[0].exact_prompt, 2u);
  EXPECT_EQ(report.files[1].duplicates.exact_prompt, 1u);  // within validation: id 10 repeats id 9's prompt
  EXPECT_EQ(report.files[1].group("c")->records, 2u);
}

TEST(StatsCollect, ByAnyTopLevelFieldStringOrNot) {
  TempDir dir;
  write_file(dir.file("by.jsonl"),
             R"({"난이도":3,"출처":"위키\"백과\"","instruction":"q","output":"a"})" "\n"
             R"({"난이도":3,"출처":"\uc0ac\uc804","instruction":"q2","output":"a2"})" "\n"
             R"({"난이도":null,"instruction":"q3","output":"a3"})" "\n");
  StatsOptions options;
  options.by_field = "난이도";
  const FileStats level = stats_of({dir.file("by.jsonl")}, options).files[0];
  ASSERT_EQ(level.groups.size(), 2u);
  EXPECT_EQ(level.groups[0].value, "3");
  EXPECT_EQ(level.groups[0].records, 2u);
  EXPECT_EQ(level.groups[1].value, "null");
  options.by_field = "출처";
  const FileStats source = stats_of({dir.file("by.jsonl")}, options).files[0];
  ASSERT_EQ(source.groups.size(), 3u);
  EXPECT_EQ(source.groups[0].value, "위키\"백과\"");
  EXPECT_EQ(source.groups[1].value, "사전");
  EXPECT_EQ(source.groups[2].value, kMissingGroup);
  EXPECT_EQ(source.by_present, 2u);
}

TEST(StatsCollect, ManyGroupValuesAreCappedInTextAndHtml) {
  TempDir dir;
  std::string lines;
  for (int idx = 0; idx < 100; ++idx) {
    // id 0 appears 3 times, id 1 twice: they are among the most frequent and must be shown.
    int id = idx < 3 ? 0 : idx < 5 ? 1 : idx;
    lines += R"({"id":"<i>)" + std::to_string(id) + R"(&","instruction":"q","output":"a"})" "\n";
  }
  write_file(dir.file("ids.jsonl"), lines);
  StatsOptions options;
  options.by_field = "id";
  StatsReport report = stats_of({dir.file("ids.jsonl")}, options, 2, 1024);
  EXPECT_EQ(report.files[0].groups.size(), 97u);  // every value in the statistics and the JSON
  size_t omitted = 0;
  std::vector<std::string> shown = shown_group_values(report, 40, &omitted);
  ASSERT_EQ(shown.size(), 40u);
  EXPECT_EQ(omitted, 57u);
  EXPECT_EQ(shown[0], "<i>0&");
  EXPECT_EQ(shown[1], "<i>1&");
  EXPECT_EQ(shown[2], "<i>5&");  // then the first values seen once, in order
  EXPECT_NE(format_stats_text(report).find("(57 more values; all in --json)"), std::string::npos);
  std::string html = format_stats_html(report);
  EXPECT_NE(html.find("&lt;i&gt;0&amp;"), std::string::npos);
  EXPECT_EQ(html.find("<i>0&"), std::string::npos);
  EXPECT_NE(html.find("57 more are in the JSON report"), std::string::npos);
}

TEST(StatsCollect, ChatTurnsAreFieldsByRole) {
  TempDir dir;
  write_file(dir.file("chat.jsonl"),
             R"({"messages":[{"role":"system","content":"친절하게 답합니다."},{"role":"user","content":"안녕?"},{"role":"assistant","content":"안녕하세요."},{"role":"user","content":"표로 보여 줘"},{"role":"assistant","content":"| a | b |\n|---|---|\n| 1 | 2 |"}]})" "\n");
  const FileStats file = stats_of({dir.file("chat.jsonl")}).files[0];
  EXPECT_EQ(file.turns, 5u);
  ASSERT_EQ(file.fields.size(), 3u);
  EXPECT_EQ(file.fields[0].name, "system");
  EXPECT_EQ(file.fields[1].name, "user");
  EXPECT_EQ(file.fields[2].name, "assistant");
  EXPECT_EQ(file.field("user")->records, 1u);
  EXPECT_EQ(file.field("user")->texts, 2u);
  EXPECT_EQ(file.structure.counts[at(Structure::kTable)], 1u);  // answer = both assistant texts
  EXPECT_EQ(file.speech.answers[at(SpeechLevel::kPolite)], 1u);
}

// ---------------------------------------------------------------------------
// Determinism and reports

std::string generated_set(int records) {
  std::string lines;
  const char* categories[] = {"요약", "번역", "코드"};
  for (int idx = 0; idx < records; ++idx) {
    lines += R"({"id":)" + std::to_string(idx) + R"(,"category":")" + categories[idx % 3] +
             R"(","instruction":"질문 )" + std::to_string(idx % 50) + R"( 번에 답해 주세요","output":"답은 )" +
             std::to_string(idx * 7 % 1000) + R"(입니다. English words here.\n- 하나\n- 둘"})" "\n";
    if (idx % 500 == 0) lines += "broken\n";
  }
  return lines;
}

TEST(StatsReports, SameJsonAtAnyThreadCountAndBatchSize) {
  TempDir dir;
  write_file(dir.file("gen.jsonl"), generated_set(3000));
  std::string one = format_stats_json(stats_of({dir.file("gen.jsonl")}, {}, 1, 4096));
  std::string two = format_stats_json(stats_of({dir.file("gen.jsonl")}, {}, 2, 4096));
  std::string big = format_stats_json(stats_of({dir.file("gen.jsonl")}, {}, 2));
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, big);
  EXPECT_EQ(format_stats_text(stats_of({dir.file("gen.jsonl")}, {}, 1, 4096)),
            format_stats_text(stats_of({dir.file("gen.jsonl")}, {}, 2, 4096)));
}

TEST(StatsReports, JsonIsValidWithTheDocumentedKeys) {
  TempDir dir;
  write_file(dir.file("small.jsonl"), kSmall);
  std::string json = format_stats_json(stats_of({dir.file("small.jsonl")}));
  EXPECT_TRUE(is_json_document(json)) << json;
  ASSERT_FALSE(json.empty());
  EXPECT_EQ(json.back(), '\n');
  for (const char* key : {"\"schema_version\":1", "\"options\":", "\"files\":[", "\"records\":{\"read\":5,\"valid\":4,\"rejected\":1}",
                          "\"turns\":11", "\"fields\":", "\"instruction\":{\"records\":4,\"texts\":4,\"empty\":0",
                          "\"chars\":{\"count\":4,\"min\":4,\"p5\":4,\"p50\":6,\"p95\":14,\"max\":14,\"mean\":7.5}",
                          "\"record_lengths\":", "\"script\":", "\"hangul_ratio\":", "\"answers_not_korean\":1",
                          "\"normalization\":", "\"duplicates\":{\"exact_full\":1,\"exact_full_rate\":0.25",
                          "\"near\":1", "\"overlap\":[]", "\"pii\":{\"records\":1", "\"phone\":1", "\"by_field\":{\"output\":{\"phone\":1}}",
                          "\"structure\":", "\"speech_level\":", "\"formal\":2", "\"over_max_tokens\":null",
                          "\"by\":{\"field\":\"category\"", "\"value\":\"(missing)\"", "\"spm\":null"}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << "\n" << json;
  }
}

TEST(StatsReports, HtmlIsSelfContained) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), kSmall);
  write_file(dir.file("validation.jsonl"), generated_set(30));
  std::string html = format_stats_html(stats_of({dir.file("train.jsonl"), dir.file("validation.jsonl")}));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Comparison"), std::string::npos);  // two files
  EXPECT_NE(html.find("Script mix"), std::string::npos);
  EXPECT_NE(html.find("(missing)"), std::string::npos);
  // Every element that opens is closed (a cheap well-formedness check).
  for (const char* tag : {"svg", "section", "table", "figure"}) {
    size_t opened = 0, closed = 0;
    for (size_t pos = 0; (pos = html.find(std::string("<") + tag, pos)) != std::string::npos; ++pos) ++opened;
    for (size_t pos = 0; (pos = html.find(std::string("</") + tag + ">", pos)) != std::string::npos; ++pos) ++closed;
    EXPECT_EQ(opened, closed) << tag;
  }
  std::string one_file = format_stats_html(stats_of({dir.file("train.jsonl")}));
  EXPECT_EQ(one_file.find("Comparison"), std::string::npos);
}

TEST(StatsReports, TextIsAligned) {
  TempDir dir;
  write_file(dir.file("small.jsonl"), kSmall);
  std::string text = format_stats_text(stats_of({dir.file("small.jsonl")}));
  EXPECT_NE(text.find("records valid / rejected"), std::string::npos) << text;
  EXPECT_NE(text.find("4 / 1"), std::string::npos);
  EXPECT_NE(text.find("exact (full example)"), std::string::npos);
  EXPECT_NE(text.find("1 (25.0%)"), std::string::npos);
  // The value column starts at the same offset on every row with a value.
  size_t column = std::string::npos;
  for (const std::string& line : testing::split_lines(text)) {
    if (line.rfind("  ", 0) == 0 || line.find("  ") == std::string::npos) continue;
    size_t start = line.find_first_not_of(' ', line.find("  "));
    if (column == std::string::npos) column = start;
    if (line.find_first_of("\xEA\xEB\xEC\xED") < start) continue;  // Korean labels: bytes != columns
    EXPECT_EQ(start, column) << line;
  }
}

// ---------------------------------------------------------------------------
// The seed set: the report agrees with seeds/README.md and with an independent count

std::vector<std::pair<std::string, uint64_t>> readme_categories() {
  std::string readme = testing::read_file(testing::source_path("seeds/README.md"));
  size_t begin = readme.find("<!-- seed-categories:begin -->");
  size_t end = readme.find("<!-- seed-categories:end -->");
  std::vector<std::pair<std::string, uint64_t>> rows;
  std::regex row(R"(^\| ([^|]+?) \| (\d+) \| (\d+) \|)");
  for (const std::string& line : testing::split_lines(readme.substr(begin, end - begin))) {
    std::smatch match;
    if (std::regex_search(line, match, row)) rows.emplace_back(match[1].str(), std::stoull(match[2].str()));
  }
  return rows;
}

// Independent Hangul-ratio count: Hangul / (Hangul + Latin + Hanja) per record, written here
// from the Unicode blocks without the library's scanner.
double independent_ratio(const Example& record, bool& has_letters) {
  uint64_t hangul = 0, letters = 0;
  for (const Turn& turn : record.turns) {
    const std::string& text = turn.text;
    for (size_t pos = 0; pos < text.size();) {
      auto lead = static_cast<unsigned char>(text[pos]);
      size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      char32_t cp = length == 1 ? lead : lead & (0xFF >> (length + 1));
      for (size_t idx = 1; idx < length; ++idx) cp = (cp << 6) | (static_cast<unsigned char>(text[pos + idx]) & 0x3F);
      pos += length;
      bool is_hangul = (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x3131 && cp <= 0x318E) || (cp >= 0x1100 && cp <= 0x11FF);
      bool is_latin = (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
      bool is_hanja = cp >= 0x4E00 && cp <= 0x9FFF;
      hangul += is_hangul;
      letters += is_hangul || is_latin || is_hanja;
    }
  }
  has_letters = letters > 0;
  return has_letters ? static_cast<double>(hangul) / static_cast<double>(letters) : 0;
}

TEST(StatsSeedSet, ReportAgreesWithReadmeAndIndependentCounts) {
  std::string path = testing::source_path("seeds/ko-instruct-400.jsonl");
  StatsReport report = stats_of({path});
  const FileStats& file = report.files.at(0);

  auto expected = readme_categories();
  ASSERT_EQ(expected.size(), 12u);
  ASSERT_EQ(file.groups.size(), expected.size());
  for (size_t idx = 0; idx < expected.size(); ++idx) {
    EXPECT_EQ(file.groups[idx].value, expected[idx].first);
    EXPECT_EQ(file.groups[idx].records, expected[idx].second) << expected[idx].first;
  }
  EXPECT_EQ(file.by_present, 396u);

  testing::ReadAll all = testing::read_all_records({path});
  ASSERT_TRUE(all.status.is_ok());
  uint64_t records = 0, empty_input = 0, with_letters = 0;
  double ratio_sum = 0;
  for (const Example* record : testing::records_of(all)) {
    if (!record->kept()) continue;
    ++records;
    for (const Turn& turn : record->turns) empty_input += turn.slot == Slot::kInput && turn.text.empty();
    bool has_letters = false;
    double ratio = independent_ratio(*record, has_letters);
    if (has_letters) {
      ++with_letters;
      ratio_sum += ratio;
    }
  }
  EXPECT_EQ(file.valid, records);
  EXPECT_EQ(file.valid, 396u);
  EXPECT_EQ(file.field("input")->empty, empty_input);
  EXPECT_EQ(file.field("input")->texts - file.field("input")->empty, 142u);  // README: 142 use input
  EXPECT_EQ(file.field("output")->empty, 0u);
  EXPECT_EQ(file.hangul_ratio_summary.count, with_letters);
  EXPECT_NEAR(file.hangul_ratio_summary.mean, ratio_sum / static_cast<double>(with_letters), 0.001);
  // README: clean by construction.
  EXPECT_EQ(file.duplicates.exact_full, 0u);
  EXPECT_EQ(file.duplicates.exact_prompt, 0u);
  EXPECT_EQ(file.duplicates.near, 0u);
  EXPECT_EQ(file.pii.records, 0u);
  for (uint64_t count : file.diagnostics) EXPECT_EQ(count, 0u);
}

// ---------------------------------------------------------------------------
// Tokens

class StatsTokens : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto reader = InputReader::open({testing::source_path("seeds/ko-instruct-400.jsonl")}, {});
    ASSERT_TRUE(reader.is_ok());
    TokenizerTrainOptions options;
    options.vocab_size = 3000;
    Counts counts;
    auto trained = train_tokenizer(*reader.value(), {2}, dir_->file("ko"), options, nullptr, counts);
    ASSERT_TRUE(trained.is_ok()) << trained.status().message();
    result_ = new TokenizerTrainResult(trained.value());
  }
  static void TearDownTestSuite() {
    delete result_;
    delete dir_;
  }
  static TempDir* dir_;
  static TokenizerTrainResult* result_;
};
TempDir* StatsTokens::dir_ = nullptr;
TokenizerTrainResult* StatsTokens::result_ = nullptr;

TEST_F(StatsTokens, TrainsAModelOnEveryText) {
  EXPECT_EQ(result_->model_path, dir_->file("ko.model"));
  EXPECT_TRUE(testing::exists(dir_->file("ko.model")));
  EXPECT_TRUE(testing::exists(dir_->file("ko.vocab")));
  EXPECT_EQ(result_->records, 396u);
  EXPECT_EQ(result_->texts, 396u * 2 + 142u);  // instruction, output and the non-empty inputs
  EXPECT_GT(result_->lines, result_->texts);   // multi-line answers give several lines
  EXPECT_LE(result_->vocab_size, 3000u);
  EXPECT_GT(result_->vocab_size, 100u);
  // The temporary text file is gone.
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_->path())) files += entry.is_regular_file();
  EXPECT_EQ(files, 2u);
  EXPECT_EQ(tokenizer_prefix("out/ko.model"), "out/ko");
  EXPECT_EQ(tokenizer_prefix("out/ko"), "out/ko");
}

TEST_F(StatsTokens, CountsPiecesAndRecordsOverBudget) {
  auto tokenizer = Tokenizer::load(result_->model_path);
  ASSERT_TRUE(tokenizer.is_ok());
  EXPECT_EQ(tokenizer.value()->count(""), 0u);
  EXPECT_GT(tokenizer.value()->count("안녕하세요"), 0u);
  // Pieces never cross a space: a two-word text has at least two pieces.
  EXPECT_GE(tokenizer.value()->count("도서관 운영"), 2u);

  TempDir dir;
  write_file(dir.file("small.jsonl"), kSmall);
  StatsOptions options;
  options.tokenizer = tokenizer.value().get();
  options.tokenizer_name = result_->model_path;
  options.max_tokens = 10;
  StatsReport report = stats_of({dir.file("small.jsonl")}, options);
  const FileStats& file = report.files[0];
  EXPECT_TRUE(report.tokens);

  // Independent count: each valid record's texts through the tokenizer.
  testing::ReadAll all = testing::read_all_records({dir.file("small.jsonl")});
  uint64_t over = 0, instruction_tokens = 0;
  for (const Example* record : testing::records_of(all)) {
    if (!record->kept()) continue;
    uint64_t total = 0;
    for (const Turn& turn : record->turns) {
      total += tokenizer.value()->count(turn.text);
      if (turn.slot == Slot::kInstruction) instruction_tokens += tokenizer.value()->count(turn.text);
    }
    over += total > 10;
  }
  EXPECT_EQ(file.over_budget, over);
  EXPECT_GT(over, 0u);
  const Distribution& tokens = file.field("instruction")->lengths.summary[at(Unit::kTokens)];
  EXPECT_EQ(tokens.count, 4u);
  EXPECT_DOUBLE_EQ(tokens.mean, static_cast<double>(instruction_tokens) / 4);
  std::string json = format_stats_json(report);
  EXPECT_NE(json.find("\"over_max_tokens\":" + std::to_string(over)), std::string::npos);
  EXPECT_NE(json.find("\"tokens\":{\"count\":4"), std::string::npos);
  EXPECT_TRUE(is_json_document(json));

  EXPECT_FALSE(Tokenizer::load(dir.file("missing.model")).is_ok());
  write_file(dir.file("bad.model"), "not a model");
  EXPECT_FALSE(Tokenizer::load(dir.file("bad.model")).is_ok());
}

}  // namespace
}  // namespace dadeum
