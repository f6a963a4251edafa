#include "progress_bar.hpp"

#include <unistd.h>

#include <cstdio>

namespace dadeum::cli {
namespace {

// 1.9 GB, 912 MB, 40 kB: three significant figures at most.
std::string bytes_text(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, value < 10 && unit > 0 ? "%.1f %s" : "%.0f %s", value, kUnits[unit]);
  return text;
}

}  // namespace

ProgressBar::ProgressBar(std::string command, bool quiet)
    : command_(std::move(command)), enabled_(!quiet && ::isatty(STDERR_FILENO) == 1) {}

void ProgressBar::update(std::string_view label, uint64_t done, uint64_t total, Unit unit) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool phase_end = total > 0 && done >= total;
  if (drawn_ && !phase_end && now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  const bool bytes = unit == Unit::kBytes;
  std::string line = "\rdadeum " + command_ + ": " + std::string(label) + (label.size() < 5 ? std::string(5 - label.size(), ' ') : "");
  if (total > 0) {
    constexpr int kWidth = 24;
    const uint64_t shown = done < total ? done : total;
    const int filled = static_cast<int>(shown * kWidth / total);
    line += " [" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(kWidth - filled), '-') + "] ";
    char percent[8];
    std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(shown * 100 / total));
    line += percent;
    line += "  " + (bytes ? bytes_text(shown) + " / " + bytes_text(total)
                         : std::to_string(shown) + " / " + std::to_string(total) + " records");
  } else {
    line += "  " + (bytes ? bytes_text(done) : std::to_string(done) + " records");
  }
  line += "\x1b[K";  // erase what a longer line left
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::clear() {
  if (!enabled_ || !drawn_) return;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace dadeum::cli
