// The JSON report. Its schema is documented in docs/stats.md; keys are always present (null
// where a value is not defined), so consumers can rely on them.
#include <cmath>
#include <cstdio>
#include <map>

#include "dadeum/stats.hpp"
#include "dadeum/writer.hpp"

namespace dadeum {
namespace {

inline constexpr int kSchemaVersion = 1;

// Integers as integers; other values with at most 6 decimals, trailing zeros dropped.
void number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    out += std::to_string(static_cast<int64_t>(value));
    return;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6f", value);
  std::string text = buffer;
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  out += text;
}

// Writes `"key":` with the right comma before it.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  ~ObjectWriter() { out_ += '}'; }
  std::string& key(std::string_view name) {
    if (!first_) out_ += ',';
    first_ = false;
    append_json_string(out_, name);
    out_ += ':';
    return out_;
  }
  void integer(std::string_view name, uint64_t value) { key(name) += std::to_string(value); }
  void real(std::string_view name, double value) { number(key(name), value); }
  void string(std::string_view name, std::string_view value) { append_json_string(key(name), value); }
  void rate(std::string_view name, uint64_t part, uint64_t whole) {
    if (whole == 0) key(name) += "null";
    else number(key(name), static_cast<double>(part) / static_cast<double>(whole));
  }

 private:
  std::string& out_;
  bool first_ = true;
};

void distribution(std::string& out, const Distribution& dist) {
  ObjectWriter object(out);
  object.integer("count", dist.count);
  for (auto [name, value] : {std::pair<std::string_view, double>{"min", dist.min}, {"p5", dist.p5}, {"p50", dist.p50},
                             {"p95", dist.p95}, {"max", dist.max}, {"mean", dist.mean}}) {
    if (dist.count == 0) object.key(name) += "null";
    else object.real(name, value);
  }
}

void series(std::string& out, const LengthSeries& lengths, bool tokens) {
  ObjectWriter object(out);
  for (size_t unit = 0; unit < kUnitCount; ++unit) {
    if (unit == static_cast<size_t>(Unit::kTokens) && !tokens) continue;
    distribution(object.key(unit_name(static_cast<Unit>(unit))), lengths.summary[unit]);
  }
}

template <typename T, size_t N, typename NameFn>
void named_counts(std::string& out, const std::array<T, N>& counts, NameFn&& name_of) {
  ObjectWriter object(out);
  for (size_t pos = 0; pos < N; ++pos) object.integer(name_of(pos), counts[pos]);
}

void file_json(std::string& out, const StatsReport& report, const FileStats& file) {
  ObjectWriter object(out);
  object.string("path", file.input.path);
  object.string("format", input_format_name(file.input.format));
  object.string("compression", file.input.compression.empty() ? "none" : file.input.compression);
  object.string("schema", schema_name(file.input.schema));
  {
    ObjectWriter records(object.key("records"));
    records.integer("read", file.read);
    records.integer("valid", file.valid);
    records.integer("rejected", file.rejected);
  }
  object.integer("turns", file.turns);
  {
    ObjectWriter fields(object.key("fields"));
    for (const FieldStats& field : file.fields) {
      ObjectWriter entry(fields.key(field.name));
      entry.integer("records", field.records);
      entry.integer("texts", field.texts);
      entry.integer("empty", field.empty);
      series(entry.key("lengths"), field.lengths, report.tokens);
      named_counts(entry.key("script"), field.script,
                   [](size_t pos) { return script_class_name(static_cast<ScriptClass>(pos)); });
    }
  }
  {
    ObjectWriter parts(object.key("record_lengths"));
    for (size_t part = 0; part < kRecordPartCount; ++part) {
      series(parts.key(record_part_name(static_cast<RecordPart>(part))), file.parts[part], report.tokens);
    }
  }
  named_counts(object.key("script"), file.script, [](size_t pos) { return script_class_name(static_cast<ScriptClass>(pos)); });
  {
    ObjectWriter ratio(object.key("hangul_ratio"));
    distribution(ratio.key("records"), file.hangul_ratio_summary);
    ratio.integer("no_letters", file.no_letters);
    ratio.integer("answers_checked", file.answers_checked);
    ratio.integer("answers_not_korean", file.answers_not_korean);
  }
  named_counts(object.key("normalization"), file.diagnostics,
               [](size_t pos) { return diagnostic_name(static_cast<Diagnostic>(pos)); });
  {
    ObjectWriter dup(object.key("duplicates"));
    dup.integer("exact_full", file.duplicates.exact_full);
    dup.rate("exact_full_rate", file.duplicates.exact_full, file.valid);
    dup.integer("exact_prompt", file.duplicates.exact_prompt);
    dup.rate("exact_prompt_rate", file.duplicates.exact_prompt, file.valid);
    if (file.duplicates.near_checked) {
      dup.integer("near", file.duplicates.near);
      dup.rate("near_rate", file.duplicates.near, file.valid);
      dup.integer("near_clusters", file.duplicates.near_clusters);
    } else {
      dup.key("near") += "null";
      dup.key("near_rate") += "null";
      dup.key("near_clusters") += "null";
    }
  }
  {
    std::string& list = object.key("overlap");
    list += '[';
    for (const OverlapStats& overlap : file.overlap) {
      if (list.back() != '[') list += ',';
      ObjectWriter entry(list);
      entry.integer("with", overlap.other);
      entry.integer("exact_full", overlap.exact_full);
      entry.integer("exact_prompt", overlap.exact_prompt);
    }
    list += ']';
  }
  {
    ObjectWriter pii(object.key("pii"));
    pii.integer("records", file.pii.records);
    {
      ObjectWriter hits(pii.key("hits"));
      for (size_t type = 0; type < kPiiTypeCount; ++type) {
        hits.integer(pii_type_name(static_cast<PiiType>(type)), file.pii.total(static_cast<PiiType>(type)));
      }
    }
    ObjectWriter by_field(pii.key("by_field"));
    std::map<std::string, std::map<std::string_view, uint64_t>> grouped;
    for (const auto& [key, count] : file.pii.hits) grouped[key.second][pii_type_name(key.first)] += count;
    for (const auto& [field, types] : grouped) {
      ObjectWriter field_object(by_field.key(field));
      for (const auto& [type, count] : types) field_object.integer(type, count);
    }
  }
  {
    ObjectWriter structure(object.key("structure"));
    structure.integer("answers", file.structure.answers);
    for (size_t shape = 0; shape < kStructureCount; ++shape) {
      structure.integer(structure_name(static_cast<Structure>(shape)), file.structure.counts[shape]);
    }
    structure.integer("plain", file.structure.plain);
  }
  {
    ObjectWriter speech(object.key("speech_level"));
    speech.integer("answers", file.structure.answers);
    for (size_t level = 0; level < kSpeechLevelCount; ++level) {
      speech.integer(speech_level_name(static_cast<SpeechLevel>(level)), file.speech.answers[level]);
    }
    ObjectWriter sentences(speech.key("sentences"));
    sentences.integer("formal", file.speech.sentences[static_cast<size_t>(SpeechLevel::kFormal)]);
    sentences.integer("polite", file.speech.sentences[static_cast<size_t>(SpeechLevel::kPolite)]);
    sentences.integer("plain", file.speech.sentences[static_cast<size_t>(SpeechLevel::kPlain)]);
    sentences.integer("unclassified", file.speech.sentences[static_cast<size_t>(SpeechLevel::kNone)]);
  }
  if (report.tokens && report.options.max_tokens > 0) object.integer("over_max_tokens", file.over_budget);
  else object.key("over_max_tokens") += "null";
  {
    ObjectWriter by(object.key("by"));
    by.string("field", report.options.by_field);
    by.integer("records_with_field", file.by_present);
    std::string& list = by.key("groups");
    list += '[';
    for (const GroupStats& group : file.groups) {
      if (list.back() != '[') list += ',';
      ObjectWriter entry(list);
      entry.string("value", group.value);
      entry.integer("records", group.records);
      series(entry.key("prompt"), group.prompt, report.tokens);
      series(entry.key("answer"), group.answer, report.tokens);
      if (group.ratio_records == 0) entry.key("hangul_ratio_mean") += "null";
      else entry.real("hangul_ratio_mean", group.hangul_ratio_mean());
      entry.integer("answers_not_korean", group.answers_not_korean);
      if (report.tokens && report.options.max_tokens > 0) entry.integer("over_max_tokens", group.over_budget);
      else entry.key("over_max_tokens") += "null";
    }
    list += ']';
  }
}

}  // namespace

std::string format_stats_json(const StatsReport& report) {
  std::string out;
  {
    ObjectWriter object(out);
    object.integer("schema_version", kSchemaVersion);
    {
      ObjectWriter options(object.key("options"));
      options.string("by", report.options.by_field);
      if (report.tokens) options.string("spm", report.options.tokenizer_name);
      else options.key("spm") += "null";
      if (report.options.max_tokens > 0) options.integer("max_tokens", report.options.max_tokens);
      else options.key("max_tokens") += "null";
      if (report.options.near_threshold > 0) options.real("near_threshold", report.options.near_threshold);
      else options.key("near_threshold") += "null";
    }
    std::string& list = object.key("files");
    list += '[';
    for (const FileStats& file : report.files) {
      if (list.back() != '[') list += ',';
      file_json(list, report, file);
    }
    list += ']';
  }
  out += '\n';
  return out;
}

}  // namespace dadeum
