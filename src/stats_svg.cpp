// Inline SVG charts (bars, histograms, stacked bars) drawn as plain elements with fixed
// coordinates, so the report renders the same in any browser and needs nothing fetched.
#include "detail/stats_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dadeum::detail {
namespace {

std::string fmt(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string rect(double x, double y, double width, double height, std::string_view fill, std::string_view title) {
  std::string out = "<rect x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" width=\"" + fmt(std::max(width, 0.0)) +
                    "\" height=\"" + fmt(std::max(height, 0.0)) + "\" fill=\"" + std::string(fill) + "\">";
  if (!title.empty()) out += "<title>" + html_escape(title) + "</title>";
  return out + "</rect>";
}

std::string text(double x, double y, std::string_view content, std::string_view anchor = "start",
                 std::string_view css_class = "") {
  std::string out = "<text x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\"";
  if (anchor != "start") out += " text-anchor=\"" + std::string(anchor) + "\"";
  if (!css_class.empty()) out += " class=\"" + std::string(css_class) + "\"";
  return out + ">" + html_escape(content) + "</text>";
}

std::string svg_open(double width, double height) {
  return "<svg class=\"chart\" viewBox=\"0 0 " + fmt(width) + " " + fmt(height) + "\" width=\"" + fmt(width) +
         "\" height=\"" + fmt(height) + "\" role=\"img\">";
}

}  // namespace

std::string_view series_color(size_t series) {
  static constexpr std::string_view kColors[] = {"#2f6db5", "#e07b39", "#3a9a5b", "#a8499a", "#8c6d31", "#5f6b7a"};
  return kColors[series % std::size(kColors)];
}

std::string html_escape(std::string_view input) {
  std::string out;
  out.reserve(input.size());
  for (char ch : input) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string svg_grouped_bars(const std::vector<std::string>& categories, const std::vector<SvgSeries>& series,
                             const std::vector<std::vector<std::string>>& labels, double max_value) {
  constexpr double kLabelWidth = 150, kBarArea = 300, kValueWidth = 110, kBar = 13, kGap = 8;
  if (max_value <= 0) {
    for (const SvgSeries& one : series) {
      for (double value : one.values) max_value = std::max(max_value, value);
    }
  }
  if (max_value <= 0) max_value = 1;
  double group = kBar * static_cast<double>(series.size()) + kGap;
  double height = group * static_cast<double>(categories.size()) + 4;
  std::string out = svg_open(kLabelWidth + kBarArea + kValueWidth, height);
  for (size_t cat = 0; cat < categories.size(); ++cat) {
    double top = 2 + group * static_cast<double>(cat);
    out += text(kLabelWidth - 6, top + group / 2 - kGap / 2 + 4, categories[cat], "end");
    for (size_t idx = 0; idx < series.size(); ++idx) {
      double value = cat < series[idx].values.size() ? series[idx].values[cat] : 0;
      double width = kBarArea * value / max_value;
      double y = top + kBar * static_cast<double>(idx);
      std::string label = idx < labels.size() && cat < labels[idx].size() ? labels[idx][cat] : "";
      out += rect(kLabelWidth, y, width, kBar - 2, series_color(series[idx].color), series[idx].name + ": " + label);
      out += text(kLabelWidth + width + 4, y + kBar - 3.5, label, "start", "value");
    }
  }
  out += "<line x1=\"" + fmt(kLabelWidth) + "\" y1=\"0\" x2=\"" + fmt(kLabelWidth) + "\" y2=\"" + fmt(height) +
         "\" class=\"axis\"/>";
  return out + "</svg>";
}

std::string svg_histogram(const std::vector<std::string>& edges, const std::vector<SvgSeries>& series,
                          std::string_view x_title) {
  constexpr double kWidth = 330, kHeight = 180, kLeft = 34, kRight = 8, kTop = 8, kBottom = 36;
  size_t bins = edges.empty() ? 0 : edges.size() - 1;
  double max_value = 0;
  for (const SvgSeries& one : series) {
    for (double value : one.values) max_value = std::max(max_value, value);
  }
  // A round top for the y axis: 10, 20, 25, 50, 100 …
  double top = 1;
  for (double step : {1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0}) {
    top = step;
    if (max_value <= step) break;
  }
  double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  std::string out = svg_open(kWidth, kHeight);
  for (double tick : {0.0, 0.5, 1.0}) {
    double y = kTop + plot_h * (1 - tick);
    out += "<line x1=\"" + fmt(kLeft) + "\" y1=\"" + fmt(y) + "\" x2=\"" + fmt(kWidth - kRight) + "\" y2=\"" + fmt(y) +
           "\" class=\"grid\"/>";
    double label = top * tick;
    std::string label_text = label == std::floor(label) ? std::to_string(static_cast<int>(label)) : fmt(label);
    out += text(kLeft - 4, y + 4, label_text + "%", "end", "tick");
  }
  if (bins > 0) {
    double bin_w = plot_w / static_cast<double>(bins);
    double bar_w = (bin_w - 1) / static_cast<double>(std::max<size_t>(series.size(), 1));
    for (size_t bin = 0; bin < bins; ++bin) {
      for (size_t idx = 0; idx < series.size(); ++idx) {
        double value = bin < series[idx].values.size() ? series[idx].values[bin] : 0;
        double h = plot_h * value / top;
        double x = kLeft + bin_w * static_cast<double>(bin) + bar_w * static_cast<double>(idx);
        out += rect(x, kTop + plot_h - h, bar_w, h, series_color(series[idx].color),
                    series[idx].name + " " + edges[bin] + "–" + edges[bin + 1] + ": " + fmt(value) + "%");
      }
    }
    size_t step = std::max<size_t>(1, bins / 4);
    for (size_t edge = 0; edge <= bins; edge += step) {
      out += text(kLeft + bin_w * static_cast<double>(edge), kTop + plot_h + 13, edges[edge], "middle", "tick");
    }
  }
  out += "<line x1=\"" + fmt(kLeft) + "\" y1=\"" + fmt(kTop + plot_h) + "\" x2=\"" + fmt(kWidth - kRight) + "\" y2=\"" +
         fmt(kTop + plot_h) + "\" class=\"axis\"/>";
  out += text(kLeft + plot_w / 2, kHeight - 4, x_title, "middle", "axis-title");
  return out + "</svg>";
}

std::string svg_stacked_bars(const std::vector<std::string>& rows, const std::vector<std::string>& segments,
                             const std::vector<std::vector<double>>& values, const std::vector<std::string>& colors) {
  constexpr double kLabelWidth = 190, kBarArea = 420, kRow = 22, kLegendRow = 18;
  size_t legend_rows = (segments.size() + 3) / 4;
  double height = kRow * static_cast<double>(rows.size()) + kLegendRow * static_cast<double>(legend_rows) + 8;
  std::string out = svg_open(kLabelWidth + kBarArea + 10, height);
  for (size_t row = 0; row < rows.size(); ++row) {
    double y = 2 + kRow * static_cast<double>(row);
    out += text(kLabelWidth - 6, y + 14, rows[row], "end");
    double total = 0;
    for (double value : values[row]) total += value;
    double x = kLabelWidth;
    for (size_t seg = 0; seg < segments.size() && seg < values[row].size(); ++seg) {
      double share = total > 0 ? values[row][seg] / total : 0;
      double width = kBarArea * share;
      out += rect(x, y, width, kRow - 6, colors[seg % colors.size()], segments[seg] + ": " + fmt(100 * share) + "%");
      x += width;
    }
  }
  double legend_top = kRow * static_cast<double>(rows.size()) + 8;
  for (size_t seg = 0; seg < segments.size(); ++seg) {
    double x = kLabelWidth + 105 * static_cast<double>(seg % 4);
    double y = legend_top + kLegendRow * static_cast<double>(seg / 4);
    out += rect(x, y, 10, 10, colors[seg % colors.size()], "");
    out += text(x + 14, y + 9, segments[seg], "start", "tick");
  }
  return out + "</svg>";
}

std::string series_legend(const std::vector<std::string>& names) {
  std::string out = "<p class=\"legend\">";
  for (size_t idx = 0; idx < names.size(); ++idx) {
    out += "<span><i style=\"background:" + std::string(series_color(idx)) + "\"></i>" + html_escape(names[idx]) +
           "</span>";
  }
  return out + "</p>";
}

}  // namespace dadeum::detail
