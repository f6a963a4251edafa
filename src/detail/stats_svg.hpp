// Small inline-SVG charts for the HTML statistics report: no scripts, no external resources.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dadeum::detail {

//! Colours of the inputs (series) in every chart, in input order (cycled).
std::string_view series_color(size_t series);

//! Text escaped for HTML and SVG content and attribute values.
std::string html_escape(std::string_view text);

//! One input's values: one per category or per bin.
struct SvgSeries {
  std::string name;
  std::vector<double> values;
  size_t color = 0;  //!< index for series_color(): the input's position, so colours match across charts
};

//! Horizontal bars grouped by category, one bar per series, each labelled at its end with
//! labels[series][category]. Bars are scaled to `max_value` (the largest value when 0).
std::string svg_grouped_bars(const std::vector<std::string>& categories, const std::vector<SvgSeries>& series,
                             const std::vector<std::vector<std::string>>& labels, double max_value = 0);

//! A histogram of percentages: bins side by side, the series' bars next to each other in each
//! bin. `edges` labels the bin boundaries (bins + 1 labels; a few are drawn).
std::string svg_histogram(const std::vector<std::string>& edges, const std::vector<SvgSeries>& series,
                          std::string_view x_title);

//! 100% stacked horizontal bars, one per row; values[row][segment]; with a legend.
std::string svg_stacked_bars(const std::vector<std::string>& rows, const std::vector<std::string>& segments,
                             const std::vector<std::vector<double>>& values, const std::vector<std::string>& colors);

//! An HTML legend of the series colours.
std::string series_legend(const std::vector<std::string>& names);

}  // namespace dadeum::detail
