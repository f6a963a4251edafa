// The progress line of prep and split on stderr, drawn only when stderr is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace dadeum::cli {

class ProgressBar {
 public:
  //! Draws nothing unless stderr is a terminal and `quiet` is false.
  ProgressBar(std::string command, bool quiet);
  ~ProgressBar() { clear(); }

  bool enabled() const { return enabled_; }
  enum class Unit { kBytes, kRecords };
  //! `label`: what is being done ("read", "write", a file's name); total 0: unknown. Redraws at
  //! most four times a second (brief §11: a few), and always at the end of a phase.
  void update(std::string_view label, uint64_t done, uint64_t total, Unit unit);
  //! Erases the line (before a message or the summary); the next update draws it again.
  void clear();

 private:
  std::string command_;
  bool enabled_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace dadeum::cli
