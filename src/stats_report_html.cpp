// The HTML report: one offline page (inline CSS and SVG; no script, font or image fetched).
// Several inputs share every chart, in the same colours, so train and validation can be read
// against each other; with two or more inputs a comparison section lists their differences.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "dadeum/stats.hpp"
#include "detail/stats_svg.hpp"

namespace dadeum {
namespace {

using detail::html_escape;
using detail::SvgSeries;

constexpr int kBins = 20;

constexpr std::string_view kStyle = R"css(
body{font-family:system-ui,"Noto Sans CJK KR","NanumGothic","Apple SD Gothic Neo","Malgun Gothic",sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
h3{font-size:14px;margin:16px 0 6px}p.note{color:#555;font-size:13px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f4f5f7}td.l,th.l{text-align:left}
.grid-charts{display:flex;flex-wrap:wrap;gap:12px}.grid-charts figure{margin:0;border:1px solid #eee;padding:4px}
figcaption{font-size:12px;color:#444;text-align:center}
svg.chart{font-size:11px;display:block}svg .tick{fill:#555;font-size:10px}svg .value{fill:#333;font-size:10px}
svg .axis{stroke:#888;stroke-width:1}svg .grid{stroke:#eee;stroke-width:1}svg .axis-title{fill:#444;font-size:11px}
.legend span{margin-right:16px;font-size:13px}.legend i{display:inline-block;width:11px;height:11px;margin-right:5px;vertical-align:-1px}
)css";

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string share(uint64_t part, uint64_t whole) {
  return whole == 0 ? "-" : fixed(100.0 * static_cast<double>(part) / static_cast<double>(whole), 1) + "%";
}

double pct(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::vector<std::string> file_names(const StatsReport& report) {
  std::vector<std::string> names;
  for (const FileStats& file : report.files) names.push_back(file.input.display);
  return names;
}

// A table with one column per input.
class HtmlTable {
 public:
  HtmlTable(const StatsReport& report, std::string_view first_header) {
    out_ = "<table><tr><th class=\"l\">" + html_escape(first_header) + "</th>";
    for (const FileStats& file : report.files) out_ += "<th>" + html_escape(file.input.display) + "</th>";
    out_ += "</tr>";
  }
  void row(std::string_view label, const std::vector<std::string>& cells) {
    out_ += "<tr><td class=\"l\">" + html_escape(label) + "</td>";
    for (const std::string& cell : cells) out_ += "<td>" + html_escape(cell) + "</td>";
    out_ += "</tr>";
  }
  std::string done() { return out_ + "</table>"; }

 private:
  std::string out_;
};

template <typename Fn>
std::vector<std::string> per_file(const StatsReport& report, Fn&& fn) {
  std::vector<std::string> cells;
  for (const FileStats& file : report.files) cells.push_back(fn(file));
  return cells;
}

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

// A histogram of the lengths of every input over common bins: kBins equal bins from 0 to just
// above the largest p95, the last bin also holding everything beyond it.
std::string length_histogram(const std::vector<const std::vector<uint32_t>*>& values,
                             const std::vector<const Distribution*>& summaries, const std::vector<std::string>& names,
                             const std::vector<size_t>& colors, std::string_view title) {
  double p95 = 0;
  for (const Distribution* dist : summaries) p95 = std::max(p95, dist->p95);
  // Whole-number bins of a round width (1, 2, 5, 10, 20, 50 …) since lengths are integers.
  double width = 1;
  while (width * kBins < p95 * 1.05) {
    double magnitude = std::pow(10.0, std::floor(std::log10(width)));
    double step = width / magnitude;
    width = (step < 2 ? 2 : step < 5 ? 5 : 10) * magnitude;
  }
  std::vector<SvgSeries> series;
  for (size_t idx = 0; idx < values.size(); ++idx) {
    SvgSeries one{names[idx], std::vector<double>(kBins, 0.0), colors[idx]};
    for (uint32_t value : *values[idx]) {
      auto bin = static_cast<size_t>(static_cast<double>(value) / width);
      one.values[std::min<size_t>(bin, kBins - 1)] += 1;
    }
    for (double& count : one.values) count = values[idx]->empty() ? 0 : 100 * count / static_cast<double>(values[idx]->size());
    series.push_back(std::move(one));
  }
  std::vector<std::string> edges;
  for (int edge = 0; edge <= kBins; ++edge) edges.push_back(fixed(width * edge, width * edge == std::floor(width * edge) ? 0 : 1));
  edges.back() += "+";
  return "<figure>" + detail::svg_histogram(edges, series, title) + "</figure>";
}

std::string dist_row_cells(const Distribution& dist) {
  if (dist.count == 0) return "<td>0</td><td colspan=\"6\">-</td>";
  std::string out = "<td>" + std::to_string(dist.count) + "</td>";
  for (double value : {dist.min, dist.p5, dist.p50, dist.p95, dist.max}) out += "<td>" + fixed(value, 0) + "</td>";
  return out + "<td>" + fixed(dist.mean, 1) + "</td>";
}

std::string summary_section(const StatsReport& report) {
  HtmlTable table(report, "");
  table.row("format / schema", per_file(report, [](const FileStats& file) {
              return std::string(input_format_name(file.input.format)) + " / " + std::string(schema_name(file.input.schema)) +
                     (file.input.compression.empty() || file.input.compression == "none" ? "" : " / " + file.input.compression);
            }));
  table.row("records read", per_file(report, [](const FileStats& file) { return std::to_string(file.read); }));
  table.row("valid", per_file(report, [](const FileStats& file) { return std::to_string(file.valid); }));
  table.row("rejected", per_file(report, [](const FileStats& file) { return std::to_string(file.rejected); }));
  table.row("texts (turns)", per_file(report, [](const FileStats& file) { return std::to_string(file.turns); }));
  for (const std::string& name : field_names(report)) {
    table.row("field " + name + ": records / empty texts", per_file(report, [&](const FileStats& file) {
                const FieldStats* field = file.field(name);
                return field ? std::to_string(field->records) + " / " + std::to_string(field->empty) : std::string("-");
              }));
  }
  table.row("Hangul ratio (mean)", per_file(report, [](const FileStats& file) {
              return file.hangul_ratio_summary.count ? fixed(file.hangul_ratio_summary.mean, 3) : std::string("-");
            }));
  table.row("answers mostly not Korean", per_file(report, [](const FileStats& file) {
              return std::to_string(file.answers_not_korean) + " of " + std::to_string(file.answers_checked);
            }));
  table.row("exact duplicates (full)", per_file(report, [](const FileStats& file) {
              return share(file.duplicates.exact_full, file.valid);
            }));
  table.row("records with PII", per_file(report, [](const FileStats& file) { return std::to_string(file.pii.records); }));
  if (report.tokens && report.options.max_tokens > 0) {
    table.row("over " + std::to_string(report.options.max_tokens) + " tokens",
              per_file(report, [](const FileStats& file) { return std::to_string(file.over_budget); }));
  }
  return "<section><h2>Summary · 개요</h2>" + table.done() + "</section>";
}

std::string lengths_section(const StatsReport& report) {
  std::vector<std::string> names = file_names(report);
  std::vector<std::string> fields = field_names(report);
  std::vector<Unit> units = {Unit::kChars, Unit::kEojeol, Unit::kBytes};
  if (report.tokens) units.push_back(Unit::kTokens);
  std::string out = "<section><h2>Lengths · 길이</h2><p class=\"note\">Per text (fields) and per record (prompt = "
                    "every text but the answer). Characters are Unicode code points, 어절 are whitespace-separated "
                    "units; percentiles are exact (nearest rank).</p>";
  out += "<h3>Histograms (share of texts per bin)</h3>" + detail::series_legend(names) + "<div class=\"grid-charts\">";
  std::vector<Unit> drawn = {Unit::kChars, Unit::kEojeol};
  if (report.tokens) drawn.push_back(Unit::kTokens);
  auto chart = [&](const std::string& label, auto&& series_of) {
    for (Unit unit : drawn) {
      std::vector<const std::vector<uint32_t>*> values;
      std::vector<const Distribution*> summaries;
      std::vector<std::string> present;
      std::vector<size_t> colors;
      for (size_t idx = 0; idx < report.files.size(); ++idx) {
        const FileStats& file = report.files[idx];
        const LengthSeries* series = series_of(file);
        if (series == nullptr) continue;
        values.push_back(&series->values[static_cast<size_t>(unit)]);
        summaries.push_back(&series->summary[static_cast<size_t>(unit)]);
        present.push_back(file.input.display);
        colors.push_back(idx);
      }
      if (values.empty()) continue;
      std::string unit_label = unit == Unit::kEojeol ? "어절" : std::string(unit_name(unit));
      out += length_histogram(values, summaries, present, colors, label + " · " + unit_label);
    }
  };
  for (const std::string& name : fields) {
    chart(name, [&](const FileStats& file) -> const LengthSeries* {
      const FieldStats* field = file.field(name);
      return field ? &field->lengths : nullptr;
    });
  }
  for (RecordPart part : {RecordPart::kPrompt, RecordPart::kAnswer}) {
    chart("record " + std::string(record_part_name(part)),
          [&](const FileStats& file) -> const LengthSeries* { return &file.parts[static_cast<size_t>(part)]; });
  }
  out += "</div>";
  out += "<h3>Distributions</h3><table><tr><th class=\"l\">series</th><th class=\"l\">unit</th><th class=\"l\">file</th><th>count</th><th>min</th>"
         "<th>p5</th><th>p50</th><th>p95</th><th>max</th><th>mean</th></tr>";
  auto rows = [&](const std::string& label, auto&& series_of) {
    for (Unit unit : units) {
      for (const FileStats& file : report.files) {
        const LengthSeries* series = series_of(file);
        if (series == nullptr) continue;
        out += "<tr><td class=\"l\">" + html_escape(label) + "</td><td class=\"l\">" + std::string(unit_name(unit)) +
               "</td><td class=\"l\">" + html_escape(file.input.display) + "</td>" +
               dist_row_cells(series->summary[static_cast<size_t>(unit)]) + "</tr>";
      }
    }
  };
  for (const std::string& name : fields) {
    rows(name, [&](const FileStats& file) -> const LengthSeries* {
      const FieldStats* field = file.field(name);
      return field ? &field->lengths : nullptr;
    });
  }
  for (size_t part = 0; part < kRecordPartCount; ++part) {
    rows("record " + std::string(record_part_name(static_cast<RecordPart>(part))),
         [&](const FileStats& file) -> const LengthSeries* { return &file.parts[part]; });
  }
  out += "</table>";

  return out + "</section>";
}

std::string script_section(const StatsReport& report) {
  static const std::vector<std::string> kColors = {"#2f6db5", "#7fa7dc", "#b9d0ee", "#e07b39",
                                                   "#a8499a", "#3a9a5b", "#9a9a9a"};
  std::vector<std::string> segments;
  for (size_t cls = 0; cls < kScriptClassCount; ++cls) segments.emplace_back(script_class_name(static_cast<ScriptClass>(cls)));
  std::vector<std::string> rows;
  std::vector<std::vector<double>> values;
  for (const FileStats& file : report.files) {
    rows.push_back(file.input.display);
    values.emplace_back(file.script.begin(), file.script.end());
    for (const FieldStats& field : file.fields) {
      rows.push_back("  " + field.name);
      values.emplace_back(field.script.begin(), field.script.end());
    }
  }
  std::string out = "<section><h2>Script mix · 문자 구성</h2><p class=\"note\">Share of non-space characters per "
                    "class, for each file and each of its fields.</p>";
  out += detail::svg_stacked_bars(rows, segments, values, kColors);

  HtmlTable table(report, "characters");
  for (size_t cls = 0; cls < kScriptClassCount; ++cls) {
    table.row(segments[cls], per_file(report, [&](const FileStats& file) {
                uint64_t total = 0;
                for (uint64_t count : file.script) total += count;
                return std::to_string(file.script[cls]) + " (" + share(file.script[cls], total) + ")";
              }));
  }
  out += table.done();

  // Per-record Hangul ratio over 20 bins of 0.05.
  std::vector<SvgSeries> series;
  for (const FileStats& file : report.files) {
    SvgSeries one{file.input.display, std::vector<double>(kBins, 0.0), series.size()};
    for (float ratio : file.hangul_ratio) one.values[std::min(static_cast<size_t>(ratio * kBins), size_t{kBins - 1})] += 1;
    for (double& count : one.values) {
      count = file.hangul_ratio.empty() ? 0 : 100 * count / static_cast<double>(file.hangul_ratio.size());
    }
    series.push_back(std::move(one));
  }
  std::vector<std::string> edges;
  for (int edge = 0; edge <= kBins; ++edge) edges.push_back(fixed(edge / static_cast<double>(kBins), 2));
  out += "<h3>Hangul ratio per record: Hangul / (Hangul + Latin + Hanja letters)</h3>" +
         detail::series_legend(file_names(report)) + "<div class=\"grid-charts\"><figure>" +
         detail::svg_histogram(edges, series, "Hangul ratio") + "</figure></div>";
  HtmlTable ratio(report, "Hangul ratio");
  ratio.row("records with letters", per_file(report, [](const FileStats& file) { return std::to_string(file.hangul_ratio_summary.count); }));
  ratio.row("mean / p5 / p50", per_file(report, [](const FileStats& file) {
              const Distribution& dist = file.hangul_ratio_summary;
              return dist.count ? fixed(dist.mean, 3) + " / " + fixed(dist.p5, 3) + " / " + fixed(dist.p50, 3) : std::string("-");
            }));
  ratio.row("answers mostly not Korean (ratio < 0.5, ≥ 20 letters)", per_file(report, [](const FileStats& file) {
              return std::to_string(file.answers_not_korean) + " of " + std::to_string(file.answers_checked);
            }));
  return out + ratio.done() + "</section>";
}

std::string problems_section(const StatsReport& report) {
  HtmlTable norm(report, "records with");
  for (size_t problem = 0; problem < kDiagnosticCount; ++problem) {
    norm.row(diagnostic_name(static_cast<Diagnostic>(problem)), per_file(report, [&](const FileStats& file) {
               return std::to_string(file.diagnostics[problem]) + " (" + share(file.diagnostics[problem], file.valid) + ")";
             }));
  }
  std::string out = "<section><h2>Normalization · 정규화 진단</h2><p class=\"note\">Records with at least one text "
                    "that <code>dadeum normalize</code> would change for this reason.</p>" + norm.done() + "</section>";

  HtmlTable dup(report, "records matching an earlier one");
  dup.row("exact, full example", per_file(report, [](const FileStats& file) {
            return std::to_string(file.duplicates.exact_full) + " (" + share(file.duplicates.exact_full, file.valid) + ")";
          }));
  dup.row("exact, prompt", per_file(report, [](const FileStats& file) {
            return std::to_string(file.duplicates.exact_prompt) + " (" + share(file.duplicates.exact_prompt, file.valid) + ")";
          }));
  if (report.options.near_threshold > 0) {
    dup.row("near (MinHash J ≥ " + fixed(report.options.near_threshold, 2) + ")", per_file(report, [](const FileStats& file) {
              return std::to_string(file.duplicates.near) + " (" + share(file.duplicates.near, file.valid) + ")";
            }));
    dup.row("near clusters", per_file(report, [](const FileStats& file) { return std::to_string(file.duplicates.near_clusters); }));
  }
  for (size_t earlier = 0; earlier + 1 < report.files.size(); ++earlier) {
    dup.row("also in " + report.files[earlier].input.display + " (full / prompt)", per_file(report, [&](const FileStats& file) {
              if (earlier >= file.overlap.size()) return std::string("");
              return std::to_string(file.overlap[earlier].exact_full) + " / " + std::to_string(file.overlap[earlier].exact_prompt);
            }));
  }
  out += "<section><h2>Duplicates · 중복</h2><p class=\"note\">Canonical form: normalized, case-folded, punctuation "
         "removed, whitespace collapsed. A record counts when an earlier record of the same file matches it.</p>" +
         dup.done() + "</section>";

  HtmlTable pii(report, "PII hits");
  pii.row("records with any", per_file(report, [](const FileStats& file) { return std::to_string(file.pii.records); }));
  for (size_t type = 0; type < kPiiTypeCount; ++type) {
    auto value = static_cast<PiiType>(type);
    pii.row(std::string(pii_type_name(value)) + " " + std::string(pii_placeholder(value)),
            per_file(report, [&](const FileStats& file) { return std::to_string(file.pii.total(value)); }));
  }
  out += "<section><h2>Personal data · 개인정보</h2>" + pii.done();
  std::string by_field = "<table><tr><th class=\"l\">file</th><th class=\"l\">field</th><th class=\"l\">type</th><th>hits</th></tr>";
  bool any = false;
  for (const FileStats& file : report.files) {
    for (const auto& [key, count] : file.pii.hits) {
      any = true;
      by_field += "<tr><td class=\"l\">" + html_escape(file.input.display) + "</td><td class=\"l\">" + html_escape(key.second) +
                  "</td><td class=\"l\">" + std::string(pii_type_name(key.first)) + "</td><td>" + std::to_string(count) + "</td></tr>";
    }
  }
  if (any) out += "<h3>By field</h3>" + by_field + "</table>";
  return out + "</section>";
}

std::string shares_chart(const StatsReport& report, const std::vector<std::string>& categories,
                         const std::function<uint64_t(const FileStats&, size_t)>& count_of,
                         const std::function<uint64_t(const FileStats&)>& whole_of) {
  std::vector<SvgSeries> series;
  std::vector<std::vector<std::string>> labels;
  for (const FileStats& file : report.files) {
    SvgSeries one{file.input.display, {}, series.size()};
    std::vector<std::string> texts;
    for (size_t cat = 0; cat < categories.size(); ++cat) {
      uint64_t count = count_of(file, cat);
      one.values.push_back(pct(count, whole_of(file)));
      texts.push_back(std::to_string(count) + " (" + share(count, whole_of(file)) + ")");
    }
    series.push_back(std::move(one));
    labels.push_back(std::move(texts));
  }
  return detail::series_legend(file_names(report)) + detail::svg_grouped_bars(categories, series, labels, 100);
}

std::string answers_section(const StatsReport& report) {
  std::vector<std::string> shapes;
  for (size_t shape = 0; shape < kStructureCount; ++shape) shapes.emplace_back(structure_name(static_cast<Structure>(shape)));
  shapes.emplace_back("plain prose");
  std::string out = "<section><h2>Answer structure · 답변 구조</h2><p class=\"note\">Share of answers (all assistant "
                    "texts of a record) containing each structure; one answer can have several.</p>";
  out += shares_chart(
      report, shapes,
      [](const FileStats& file, size_t shape) {
        return shape < kStructureCount ? file.structure.counts[shape] : file.structure.plain;
      },
      [](const FileStats& file) { return file.structure.answers; });
  out += "</section>";

  std::vector<std::string> levels;
  for (size_t level = 0; level < kSpeechLevelCount; ++level) {
    auto value = static_cast<SpeechLevel>(level);
    levels.push_back(std::string(speech_level_label(value)) + " (" + std::string(speech_level_name(value)) + ")");
  }
  out += "<section><h2>Speech level · 말투</h2><p class=\"note\">Each sentence of an answer is classified by its ending "
         "(합니다체 -습니다/-ㅂ니다/-습니까/-십시오, 해요체 -요/-죠, 반말 -다/-야/-어/-지 …, code, tables and headings "
         "skipped); the answer takes the level of most of its sentences (a tie is 혼합). See docs/stats.md.</p>";
  out += shares_chart(
      report, levels, [](const FileStats& file, size_t level) { return file.speech.answers[level]; },
      [](const FileStats& file) { return file.structure.answers; });
  HtmlTable sentences(report, "sentences");
  for (SpeechLevel level : {SpeechLevel::kFormal, SpeechLevel::kPolite, SpeechLevel::kPlain, SpeechLevel::kNone}) {
    sentences.row(level == SpeechLevel::kNone ? "unclassified" : speech_level_label(level), per_file(report, [&](const FileStats& file) {
                    return std::to_string(file.speech.sentences[static_cast<size_t>(level)]);
                  }));
  }
  return out + sentences.done() + "</section>";
}


std::string groups_section(const StatsReport& report) {
  bool any = report.options.by_requested;
  for (const FileStats& file : report.files) any |= file.by_present > 0;
  if (!any || report.options.by_field.empty()) return "";
  size_t omitted = 0;
  std::vector<std::string> values = shown_group_values(report, 40, &omitted);
  std::string out = "<section><h2>By " + html_escape(report.options.by_field) + " · 분류별</h2>";
  if (omitted > 0) {
    out += "<p class=\"note\">The " + std::to_string(values.size()) + " values with the most records; " +
           std::to_string(omitted) + " more are in the JSON report.</p>";
  }
  out += shares_chart(
      report, values,
      [&](const FileStats& file, size_t idx) {
        const GroupStats* group = file.group(values[idx]);
        return group ? group->records : uint64_t{0};
      },
      [](const FileStats& file) { return file.valid; });
  out += "<table><tr><th class=\"l\">" + html_escape(report.options.by_field) +
         "</th><th class=\"l\">file</th><th>records</th><th>prompt chars p50</th><th>answer chars p50</th>";
  if (report.tokens) out += "<th>answer tokens p50</th>";
  out += "<th>Hangul ratio</th><th>answers not Korean</th></tr>";
  for (const std::string& value : values) {
    for (const FileStats& file : report.files) {
      const GroupStats* group = file.group(value);
      if (group == nullptr) continue;
      out += "<tr><td class=\"l\">" + html_escape(value) + "</td><td class=\"l\">" + html_escape(file.input.display) +
             "</td><td>" + std::to_string(group->records) + "</td><td>" +
             fixed(group->prompt.summary[static_cast<size_t>(Unit::kChars)].p50, 0) + "</td><td>" +
             fixed(group->answer.summary[static_cast<size_t>(Unit::kChars)].p50, 0) + "</td>";
      if (report.tokens) out += "<td>" + fixed(group->answer.summary[static_cast<size_t>(Unit::kTokens)].p50, 0) + "</td>";
      out += "<td>" + (group->ratio_records ? fixed(group->hangul_ratio_mean(), 3) : std::string("-")) + "</td><td>" +
             std::to_string(group->answers_not_korean) + "</td></tr>";
    }
  }
  return out + "</table></section>";
}

// With two or more inputs: each later input against the first (train vs validation).
std::string comparison_section(const StatsReport& report) {
  if (report.files.size() < 2) return "";
  const FileStats& base = report.files[0];
  std::string out = "<section><h2>Comparison · 비교</h2><p class=\"note\">Each file against " +
                    html_escape(base.input.display) + ": medians, shares and overlap (the charts above show "
                    "the distributions side by side).</p>";
  for (size_t other = 1; other < report.files.size(); ++other) {
    const FileStats& file = report.files[other];
    out += "<h3>" + html_escape(file.input.display) + " vs " + html_escape(base.input.display) + "</h3>";
    out += "<table><tr><th class=\"l\">measure</th><th>" + html_escape(base.input.display) + "</th><th>" +
           html_escape(file.input.display) + "</th><th>difference</th></tr>";
    auto line = [&](const std::string& label, double a, double b, int decimals, const std::string& unit) {
      out += "<tr><td class=\"l\">" + html_escape(label) + "</td><td>" + fixed(a, decimals) + unit + "</td><td>" +
             fixed(b, decimals) + unit + "</td><td>" + (b - a >= 0 ? "+" : "") + fixed(b - a, decimals) + unit + "</td></tr>";
    };
    line("records", static_cast<double>(base.valid), static_cast<double>(file.valid), 0, "");
    std::vector<Unit> units = {Unit::kChars};
    if (report.tokens) units.push_back(Unit::kTokens);
    for (RecordPart part : {RecordPart::kPrompt, RecordPart::kAnswer}) {
      for (Unit unit : units) {
        line(std::string(record_part_name(part)) + " " + std::string(unit_name(unit)) + " p50",
             base.parts[static_cast<size_t>(part)].summary[static_cast<size_t>(unit)].p50,
             file.parts[static_cast<size_t>(part)].summary[static_cast<size_t>(unit)].p50, 0, "");
      }
    }
    line("Hangul ratio mean", base.hangul_ratio_summary.mean, file.hangul_ratio_summary.mean, 3, "");
    line("answers not Korean", pct(base.answers_not_korean, base.answers_checked),
         pct(file.answers_not_korean, file.answers_checked), 1, "%");
    line("exact duplicates (full)", pct(base.duplicates.exact_full, base.valid), pct(file.duplicates.exact_full, file.valid), 1, "%");
    for (size_t shape = 0; shape < kStructureCount; ++shape) {
      line("answers with " + std::string(structure_name(static_cast<Structure>(shape))),
           pct(base.structure.counts[shape], base.structure.answers), pct(file.structure.counts[shape], file.structure.answers), 1, "%");
    }
    for (const std::string& value : shown_group_values(report, 40)) {
      const GroupStats* a = base.group(value);
      const GroupStats* b = file.group(value);
      line(report.options.by_field + " " + value, pct(a ? a->records : 0, base.valid), pct(b ? b->records : 0, file.valid), 1, "%");
    }
    out += "</table>";
    if (!file.overlap.empty()) {
      out += "<p>Records of " + html_escape(file.input.display) + " also in " + html_escape(base.input.display) +
             ": <b>" + std::to_string(file.overlap[0].exact_full) + "</b> identical examples, <b>" +
             std::to_string(file.overlap[0].exact_prompt) + "</b> identical prompts (canonical form). Use <code>dadeum "
             "check</code> for near and n-gram leakage.</p>";
    }
  }
  return out + "</section>";
}

}  // namespace

std::string format_stats_html(const StatsReport& report) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<title>dadeum stats</title><style>";
  out += kStyle;
  out += "</style></head><body><h1>dadeum stats</h1><p class=\"note\">";
  for (size_t idx = 0; idx < report.files.size(); ++idx) {
    if (idx) out += " · ";
    out += html_escape(report.files[idx].input.display);
  }
  if (report.tokens) out += " · tokens: " + html_escape(report.options.tokenizer_name);
  if (!report.options.by_field.empty()) out += " · by: " + html_escape(report.options.by_field);
  out += "</p>";
  out += summary_section(report);
  out += lengths_section(report);
  out += script_section(report);
  out += groups_section(report);
  out += answers_section(report);
  out += problems_section(report);
  out += comparison_section(report);
  out += "</body></html>\n";
  return out;
}

}  // namespace dadeum
