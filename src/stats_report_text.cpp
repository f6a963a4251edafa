// The terminal summary: one aligned column per input, a few lines per topic.
#include <algorithm>
#include <cstdio>

#include "dadeum/stats.hpp"

namespace dadeum {
namespace {

// Columns a code point takes in a terminal: Hangul, CJK and full-width forms take two.
size_t display_width(std::string_view text) {
  size_t width = 0;
  for (size_t pos = 0; pos < text.size();) {
    auto lead = static_cast<unsigned char>(text[pos]);
    size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    char32_t cp = lead < 0x80 ? lead : lead & (0x7F >> length);
    for (size_t idx = 1; idx < length && pos + idx < text.size(); ++idx) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[pos + idx]) & 0x3F);
    }
    pos += length;
    if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1160 && cp <= 0x11FF) || cp == 0x200B) continue;
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
    width += wide ? 2 : 1;
  }
  return width;
}

std::string pad(std::string_view text, size_t width) {
  std::string out(text);
  size_t used = display_width(text);
  if (used < width) out.append(width - used, ' ');
  return out;
}

std::string num(uint64_t value) { return std::to_string(value); }

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "-";
  return fixed(100.0 * static_cast<double>(part) / static_cast<double>(whole), 1) + "%";
}

std::string count_and_percent(uint64_t part, uint64_t whole) { return num(part) + " (" + percent(part, whole) + ")"; }

// "p50 [p5–p95] max" of a length distribution.
std::string dist_cell(const Distribution& dist) {
  if (dist.count == 0) return "-";
  return fixed(dist.p50, 0) + " [" + fixed(dist.p5, 0) + "–" + fixed(dist.p95, 0) + "] " + fixed(dist.max, 0);
}

// Rows of labels and one cell per input, aligned when printed.
class Table {
 public:
  explicit Table(size_t columns) : columns_(columns) {}
  void section(std::string title) { rows_.push_back({std::move(title), {}, true}); }
  void row(std::string label, std::vector<std::string> cells) { rows_.push_back({std::move(label), std::move(cells), false}); }

  std::string render() const {
    size_t label_width = 0;
    std::vector<size_t> widths(columns_, 0);
    for (const Row& row : rows_) {
      if (row.heading) continue;
      label_width = std::max(label_width, display_width(row.label));
      for (size_t col = 0; col < row.cells.size() && col < columns_; ++col) {
        widths[col] = std::max(widths[col], display_width(row.cells[col]));
      }
    }
    std::string out;
    for (const Row& row : rows_) {
      if (row.heading) {
        out += row.label + '\n';
        continue;
      }
      std::string line = pad(row.label, label_width + 2);
      for (size_t col = 0; col < row.cells.size() && col < columns_; ++col) {
        line += col + 1 < row.cells.size() ? pad(row.cells[col], widths[col] + 3) : row.cells[col];
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + '\n';
    }
    return out;
  }

 private:
  struct Row {
    std::string label;
    std::vector<std::string> cells;
    bool heading = false;
  };
  size_t columns_;
  std::vector<Row> rows_;
};

template <typename Fn>
std::vector<std::string> cells(const StatsReport& report, Fn&& fn) {
  std::vector<std::string> out;
  for (const FileStats& file : report.files) out.push_back(fn(file));
  return out;
}

// Field names present in any input, in report order.
std::vector<std::string> field_names(const StatsReport& report) {
  std::vector<std::string> names;
  for (const FileStats& file : report.files) {
    for (const FieldStats& field : file.fields) {
      if (std::find(names.begin(), names.end(), field.name) == names.end()) names.push_back(field.name);
    }
  }
  std::stable_sort(names.begin(), names.end(),
                   [](const std::string& a, const std::string& b) { return field_order(a) < field_order(b); });
  return names;
}


void add_lengths(Table& table, const StatsReport& report, Unit unit, const std::vector<std::string>& fields) {
  size_t u = static_cast<size_t>(unit);
  std::string title = unit == Unit::kEojeol ? "어절" : std::string(unit_name(unit));
  table.section("lengths in " + title + ": p50 [p5–p95] max");
  for (const std::string& name : fields) {
    table.row("  " + name, cells(report, [&](const FileStats& file) {
                const FieldStats* field = file.field(name);
                return field ? dist_cell(field->lengths.summary[u]) : std::string("-");
              }));
  }
  for (RecordPart part : {RecordPart::kPrompt, RecordPart::kAnswer, RecordPart::kTotal}) {
    table.row("  record " + std::string(record_part_name(part)), cells(report, [&](const FileStats& file) {
                return dist_cell(file.parts[static_cast<size_t>(part)].summary[u]);
              }));
  }
}

}  // namespace

std::string format_stats_text(const StatsReport& report) {
  Table table(report.files.size());
  table.row("file", cells(report, [](const FileStats& file) { return file.input.display; }));
  table.row("format", cells(report, [](const FileStats& file) {
              return std::string(input_format_name(file.input.format)) + " " + std::string(schema_name(file.input.schema)) +
                     (file.input.compression == "none" || file.input.compression.empty() ? "" : " " + file.input.compression);
            }));
  table.row("records valid / rejected", cells(report, [](const FileStats& file) {
              return num(file.valid) + " / " + num(file.rejected);
            }));
  table.row("texts (turns)", cells(report, [](const FileStats& file) { return num(file.turns); }));

  std::vector<std::string> fields = field_names(report);
  table.section("fields: records with it, empty texts");
  for (const std::string& name : fields) {
    table.row("  " + name, cells(report, [&](const FileStats& file) {
                const FieldStats* field = file.field(name);
                return field ? num(field->records) + ", " + num(field->empty) + " empty" : std::string("-");
              }));
  }
  add_lengths(table, report, Unit::kChars, fields);
  add_lengths(table, report, Unit::kEojeol, fields);
  if (report.tokens) add_lengths(table, report, Unit::kTokens, fields);

  table.section("script mix (share of non-space characters)");
  for (size_t cls = 0; cls < kScriptClassCount; ++cls) {
    table.row("  " + std::string(script_class_name(static_cast<ScriptClass>(cls))), cells(report, [&](const FileStats& file) {
                uint64_t total = 0;
                for (uint64_t count : file.script) total += count;
                return percent(file.script[cls], total);
              }));
  }
  table.row("Hangul ratio mean / p5", cells(report, [](const FileStats& file) {
              const Distribution& dist = file.hangul_ratio_summary;
              return dist.count == 0 ? std::string("-") : fixed(dist.mean, 3) + " / " + fixed(dist.p5, 3);
            }));
  table.row("answers mostly not Korean", cells(report, [](const FileStats& file) {
              return num(file.answers_not_korean) + " of " + num(file.answers_checked);
            }));

  table.section("normalization: records with");
  for (size_t problem = 0; problem < kDiagnosticCount; ++problem) {
    table.row("  " + std::string(diagnostic_name(static_cast<Diagnostic>(problem))),
              cells(report, [&](const FileStats& file) { return num(file.diagnostics[problem]); }));
  }

  table.section("duplicates: records matching an earlier one");
  table.row("  exact (full example)", cells(report, [](const FileStats& file) {
              return count_and_percent(file.duplicates.exact_full, file.valid);
            }));
  table.row("  exact (prompt)", cells(report, [](const FileStats& file) {
              return count_and_percent(file.duplicates.exact_prompt, file.valid);
            }));
  if (report.options.near_threshold > 0) {
    table.row("  near (J ≥ " + fixed(report.options.near_threshold, 2) + ")", cells(report, [](const FileStats& file) {
                return count_and_percent(file.duplicates.near, file.valid) + ", " + num(file.duplicates.near_clusters) +
                       " clusters";
              }));
  }
  for (size_t earlier = 0; earlier + 1 < report.files.size(); ++earlier) {
    table.row("  also in file " + num(earlier + 1) + " (full / prompt)", cells(report, [&](const FileStats& file) {
                if (earlier >= file.overlap.size()) return std::string("");
                return num(file.overlap[earlier].exact_full) + " / " + num(file.overlap[earlier].exact_prompt);
              }));
  }

  table.row("PII: records with any", cells(report, [](const FileStats& file) { return num(file.pii.records); }));
  for (size_t type = 0; type < kPiiTypeCount; ++type) {
    auto pii = static_cast<PiiType>(type);
    bool any = false;
    for (const FileStats& file : report.files) any |= file.pii.total(pii) > 0;
    if (!any) continue;
    table.row("  " + std::string(pii_type_name(pii)), cells(report, [&](const FileStats& file) { return num(file.pii.total(pii)); }));
  }

  table.section("answer structure: share of answers");
  for (size_t shape = 0; shape < kStructureCount; ++shape) {
    table.row("  " + std::string(structure_name(static_cast<Structure>(shape))), cells(report, [&](const FileStats& file) {
                return count_and_percent(file.structure.counts[shape], file.structure.answers);
              }));
  }
  table.row("  plain prose", cells(report, [](const FileStats& file) {
              return count_and_percent(file.structure.plain, file.structure.answers);
            }));

  table.section("speech level of answers (by sentence endings)");
  for (size_t level = 0; level < kSpeechLevelCount; ++level) {
    auto value = static_cast<SpeechLevel>(level);
    table.row("  " + std::string(speech_level_label(value)) + " (" + std::string(speech_level_name(value)) + ")",
              cells(report, [&](const FileStats& file) {
                return count_and_percent(file.speech.answers[level], file.structure.answers);
              }));
  }

  if (report.tokens && report.options.max_tokens > 0) {
    table.row("records over " + num(report.options.max_tokens) + " tokens", cells(report, [](const FileStats& file) {
                return count_and_percent(file.over_budget, file.valid);
              }));
  }

  bool any_by = report.options.by_requested;
  for (const FileStats& file : report.files) any_by |= file.by_present > 0;
  if (any_by && !report.options.by_field.empty()) {
    table.section("by " + report.options.by_field + ": records, answer chars p50");
    size_t omitted = 0;
    for (const std::string& value : shown_group_values(report, 40, &omitted)) {
      table.row("  " + value, cells(report, [&](const FileStats& file) {
                  const GroupStats* group = file.group(value);
                  if (group == nullptr) return std::string("-");
                  const Distribution& answer = group->answer.summary[static_cast<size_t>(Unit::kChars)];
                  return count_and_percent(group->records, file.valid) + ", " + fixed(answer.p50, 0);
                }));
    }
    if (omitted > 0) table.row("  (" + num(omitted) + " more values; all in --json)", {});
  }
  return table.render();
}

}  // namespace dadeum
