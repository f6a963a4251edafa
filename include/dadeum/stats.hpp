// Dataset statistics: one parallel pass over the records measures lengths, script mix,
// normalization problems, duplicates, personal data, answer structure and speech level, per
// input file, so that several files (train, validation) can be compared side by side.
//
// The measures of one text are pure functions (scan_text, detect_structure, speech_level)
// tested on their own. StatsCollector runs them inside the streaming pipeline: accumulate()
// measures a batch in parallel and keeps the partial result in the batch; merge() adds the
// partials in input order, so every number is the same at any thread count. finish() computes
// the exact quantiles and the near-duplicate clusters. The reports (text, JSON, HTML) are
// strings; the schema of the JSON is documented in docs/stats.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dadeum/pipeline.hpp"
#include "dadeum/reader.hpp"
#include "dadeum/record_stages.hpp"
#include "dadeum/status.hpp"

namespace dadeum {

class Tokenizer;  // dadeum/tokenizer.hpp

// ---------------------------------------------------------------------------
// Measures of one text

//! Classes of the script mix. Whitespace is not counted in any class.
enum class ScriptClass : uint8_t {
  kHangulSyllable,  //!< U+AC00–D7A3
  kCompatJamo,      //!< U+3130–318F (ㅋ, ㅠ …)
  kConjoiningJamo,  //!< U+1100–11FF, U+A960–A97F, U+D7B0–D7FF
  kLatin,           //!< A–Z, a–z, Latin-1 and Latin Extended letters, full-width Latin
  kHanja,           //!< CJK unified and compatibility ideographs
  kDigit,           //!< 0–9 and full-width digits
  kOther,           //!< punctuation, symbols, emoji, other scripts
};
inline constexpr size_t kScriptClassCount = 7;
std::string_view script_class_name(ScriptClass value);  //!< "hangul_syllables", "latin", ...

//! Normalization problems a text can have (what `dadeum normalize` would fix).
enum class Diagnostic : uint8_t {
  kNonNfc,     //!< the text is not in Unicode NFC (ICU)
  kInvisible,  //!< zero-width, bidi or soft-hyphen characters, BOM
  kFiller,     //!< Hangul fillers U+3164, U+FFA0, U+115F, U+1160
  kFullWidth,  //!< full-width ASCII U+FF01–FF5E or the ideographic space U+3000
  kControl,    //!< C0/C1 control characters other than tab, LF and CR, and DEL
};
inline constexpr size_t kDiagnosticCount = 5;
std::string_view diagnostic_name(Diagnostic value);  //!< "non_nfc", "invisible", ...

//! What one scan of a UTF-8 text finds.
struct TextScan {
  uint32_t chars = 0;   //!< code points
  uint32_t eojeol = 0;  //!< 어절: runs of non-whitespace code points
  std::array<uint32_t, kScriptClassCount> script{};        //!< code points per class
  std::array<uint32_t, kDiagnosticCount> diagnostics{};    //!< characters per problem (non_nfc: 0/1)

  uint32_t hangul() const;   //!< syllables + compatibility jamo + conjoining jamo
  uint32_t letters() const;  //!< hangul() + Latin + Hanja: the letters of the Hangul ratio
  bool blank() const { return eojeol == 0; }  //!< empty or only whitespace
};

//! Scans a text once (the NFC check runs only when a code point >= U+0300 is present).
TextScan scan_text(std::string_view utf8);

//! Answer shapes found by detect_structure().
enum class Structure : uint8_t {
  kNumberedList,  //!< two or more lines "1. …" / "2) …"
  kBulletedList,  //!< two or more lines "- …", "* …", "• …"
  kTable,         //!< a markdown table: a row with '|' followed by a |---| separator row
  kHeading,       //!< a markdown heading "# …" to "###### …"
  kCodeBlock,     //!< a fenced code block (``` or ~~~, opened and closed)
  kJson,          //!< the whole answer, or a ```json block in it, is valid JSON
};
inline constexpr size_t kStructureCount = 6;
std::string_view structure_name(Structure value);  //!< "numbered_list", ..., "json"

//! The structures present in `answer`, one bit (1 << Structure) each; 0 is plain prose.
uint32_t detect_structure(std::string_view answer);

//! True when `text` (surrounding whitespace aside) is one complete JSON object or array.
bool is_json_document(std::string_view text);

//! Speech level of an answer, from its sentence endings (docs/stats.md states the method).
enum class SpeechLevel : uint8_t {
  kFormal,  //!< 합니다체: -습니다, -ㅂ니다, -습니까, -십시오, -ㅂ시다
  kPolite,  //!< 해요체: -요, -죠
  kPlain,   //!< 반말 and plain written style: -다, -야, -어, -아, -지, -니, -자 …
  kMixed,   //!< two levels tie for the most sentences
  kNone,    //!< no sentence ends in a recognizable ending
};
inline constexpr size_t kSpeechLevelCount = 5;
std::string_view speech_level_name(SpeechLevel value);   //!< "formal", "polite", "plain", "mixed", "none"
std::string_view speech_level_label(SpeechLevel value);  //!< "합니다체", "해요체", "반말", "혼합", "판별 불가"

//! Sentences of one answer by the level of their ending (kFormal, kPolite, kPlain) and those
//! whose ending was not recognized (index kNone).
using SentenceCounts = std::array<uint32_t, kSpeechLevelCount>;

//! The level of a single sentence ending; `terminated` says the sentence ended with . ? ! or
//! similar. Without a terminator only formal and polite endings count (a plain -다/-어 at the
//! end of a list item is indistinguishable from a noun such as 바다 or 영어). kNone if none.
SpeechLevel sentence_level(std::string_view sentence, bool terminated);

//! Splits the answer into sentences (skipping code blocks, tables and headings), classifies
//! each ending and returns the majority level; adds the per-sentence counts to `sentences`.
SpeechLevel speech_level(std::string_view answer, SentenceCounts* sentences = nullptr);

// ---------------------------------------------------------------------------
// Distributions

//! Length units.
enum class Unit : uint8_t { kChars, kEojeol, kBytes, kTokens };
inline constexpr size_t kUnitCount = 4;
std::string_view unit_name(Unit value);  //!< "chars", "eojeol", "bytes", "tokens"

//! Summary of a set of values: nearest-rank percentiles (pN is the smallest value with at least
//! N% of the values at or below it) and the exact mean. All zero when count is 0.
struct Distribution {
  uint64_t count = 0;
  double min = 0, p5 = 0, p50 = 0, p95 = 0, max = 0, mean = 0;
};

//! Exact summary; reorders `values` (nth_element), never copies them.
Distribution summarize(std::vector<uint32_t>& values);
Distribution summarize(std::vector<float>& values);

//! Lengths of a set of texts in every unit, one value per text (tokens only with a tokenizer).
struct LengthSeries {
  std::array<std::vector<uint32_t>, kUnitCount> values;
  std::array<Distribution, kUnitCount> summary;  //!< filled by StatsCollector::finish()
  void append(const LengthSeries& other);
};

//! Per-record aggregates: the prompt (every text but the assistant's), the answer (assistant
//! texts) and the whole record.
enum class RecordPart : uint8_t { kPrompt, kAnswer, kTotal };
inline constexpr size_t kRecordPartCount = 3;
std::string_view record_part_name(RecordPart value);  //!< "prompt", "answer", "total"

// ---------------------------------------------------------------------------
// Statistics of one input

//! One field (field_label of a turn: instruction, input, output, system, user, assistant …).
struct FieldStats {
  std::string name;
  uint64_t records = 0;  //!< records with at least one text in this field
  uint64_t texts = 0;    //!< texts (a chat record has several user/assistant texts)
  uint64_t empty = 0;    //!< texts that are empty or only whitespace
  LengthSeries lengths;  //!< non-empty texts only
  std::array<uint64_t, kScriptClassCount> script{};
};

//! One value of the --by field.
struct GroupStats {
  std::string value;           //!< the member's string value, or its JSON text; "(missing)"
  uint64_t records = 0;
  LengthSeries prompt;         //!< per record
  LengthSeries answer;         //!< per record
  uint64_t ratio_records = 0;  //!< records with letters (the Hangul ratio is defined)
  uint64_t ratio_micros = 0;   //!< sum of their Hangul ratios in millionths (exact, order-free)
  uint64_t answers_not_korean = 0;
  uint64_t over_budget = 0;
  double hangul_ratio_mean() const;
};

//! Exact and near duplicates within one input (a record counts if an earlier one matches).
struct DuplicateStats {
  uint64_t exact_full = 0;      //!< same canonical full example as an earlier record
  uint64_t exact_prompt = 0;    //!< same canonical prompt as an earlier record
  uint64_t near = 0;            //!< in a near-duplicate cluster and not its first record
  uint64_t near_clusters = 0;   //!< clusters of two or more records
  bool near_checked = false;    //!< near-duplicates were searched
};

//! Records of a later input that also occur in an earlier one (e.g. validation in train).
struct OverlapStats {
  size_t other = 0;           //!< index of the earlier input
  uint64_t exact_full = 0;
  uint64_t exact_prompt = 0;
};

//! Answers (all assistant texts of a record) by structure.
struct StructureStats {
  uint64_t answers = 0;
  std::array<uint64_t, kStructureCount> counts{};
  uint64_t plain = 0;  //!< none of the structures
};

//! Answers by speech level, and their sentences by ending.
struct SpeechStats {
  std::array<uint64_t, kSpeechLevelCount> answers{};
  std::array<uint64_t, kSpeechLevelCount> sentences{};  //!< formal, polite, plain, -, unclassified
};

//! Everything measured on one input file.
struct FileStats {
  InputInfo input;
  uint64_t read = 0;      //!< records read (valid + rejected)
  uint64_t valid = 0;     //!< records that parsed; every measure below is over these
  uint64_t rejected = 0;
  uint64_t turns = 0;     //!< texts in valid records
  std::vector<FieldStats> fields;  //!< in the order of field_order() (known fields first)
  std::array<LengthSeries, kRecordPartCount> parts;  //!< one value per valid record
  std::array<uint64_t, kScriptClassCount> script{};
  std::vector<float> hangul_ratio;  //!< per valid record with letters: Hangul / letters
  Distribution hangul_ratio_summary;  //!< filled by finish()
  uint64_t no_letters = 0;          //!< valid records without any letter
  uint64_t answers_checked = 0;     //!< answers with at least kMinAnswerLetters letters
  uint64_t answers_not_korean = 0;  //!< of those, Hangul ratio below kNotKoreanRatio
  std::array<uint64_t, kDiagnosticCount> diagnostics{};  //!< records with the problem
  DuplicateStats duplicates;
  std::vector<OverlapStats> overlap;  //!< one per earlier input
  PiiCounts pii;
  StructureStats structure;
  SpeechStats speech;
  uint64_t over_budget = 0;  //!< records with more tokens than StatsOptions::max_tokens
  std::vector<GroupStats> groups;  //!< --by values in order of first appearance
  uint64_t by_present = 0;         //!< records that had the --by member

  const FieldStats* field(std::string_view name) const;
  const GroupStats* group(std::string_view value) const;
};

inline constexpr uint32_t kMinAnswerLetters = 20;   //!< shorter answers are not judged
inline constexpr double kNotKoreanRatio = 0.5;      //!< "mostly not Korean" below this
inline constexpr std::string_view kMissingGroup = "(missing)";

struct StatsOptions {
  std::string by_field = "category";  //!< top-level member to break down by ("" for none)
  bool by_requested = false;          //!< the user asked for by_field (report it even if absent)
  const Tokenizer* tokenizer = nullptr;  //!< token counts when set; not owned, must outlive
  std::string tokenizer_name;         //!< shown in reports (the model path)
  uint32_t max_tokens = 0;            //!< count records above this many tokens (0: off)
  double near_threshold = 0.8;        //!< MinHash Jaccard for near duplicates (0: skip)
};

//! The finished statistics of a run: one FileStats per input, in input order.
struct StatsReport {
  StatsOptions options;  //!< tokenizer pointer cleared
  bool tokens = false;   //!< token lengths were measured
  std::vector<FileStats> files;
};

//! Field order used in reports: instruction, input, prompt, system, user, output, completion,
//! assistant, tool, then any other name.
int field_order(std::string_view name);

// ---------------------------------------------------------------------------
// Collecting

//! Accumulates statistics inside run_stream(): accumulate() as the parallel stage, merge() in
//! the serial sink, finish() once at the end.
class StatsCollector {
 public:
  StatsCollector(const StatsOptions& options, size_t inputs);
  ~StatsCollector();
  StatsCollector(const StatsCollector&) = delete;
  StatsCollector& operator=(const StatsCollector&) = delete;

  //! Measures every kept record of the batch; stores the result in batch.stage_counts.
  //! Thread-safe (const): call from the pipeline's parallel stage.
  void accumulate(Batch& batch) const;
  //! Adds the batch's measures (and its rejects) to its input's statistics. Call in input order.
  void merge(Batch& batch);
  //! Quantiles and near-duplicate clusters; `inputs` names the files (InputReader::inputs()).
  StatsReport finish(const std::vector<InputInfo>& inputs);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

//! Reads `paths` and returns their statistics (a convenience around StatsCollector).
Result<StatsReport> compute_stats(const std::vector<std::string>& paths, const ReadOptions& read,
                                  const StatsOptions& options, const PipelineOptions& pipeline = {});

// ---------------------------------------------------------------------------
// Reports

//! The --by values of all inputs in order of first appearance; when there are more than
//! `limit`, only the `limit` values with the most records (summed over inputs) are returned,
//! still in order of first appearance. `omitted` (if set) receives how many were left out.
std::vector<std::string> shown_group_values(const StatsReport& report, size_t limit = 40,
                                            size_t* omitted = nullptr);

//! Compact aligned summary for a terminal, one column per input.
std::string format_stats_text(const StatsReport& report);
//! The JSON document of docs/stats.md (one line, ends with '\n').
std::string format_stats_json(const StatsReport& report);
//! One self-contained HTML page with inline SVG charts: no scripts, no external resources.
std::string format_stats_html(const StatsReport& report);

}  // namespace dadeum
