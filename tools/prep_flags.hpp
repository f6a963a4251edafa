// Flags of `prep` and `split`: the split, the output directory, and (prep) the stages.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "cli_common.hpp"
#include "dadeum/prep.hpp"
#include "dedup_flags.hpp"

namespace dadeum::cli {

struct SplitFlags {
  double val_ratio = 0.1;
  int64_t val_size = -1;
  double test_ratio = 0.0;
  int64_t test_size = -1;
  uint64_t seed = 42;
  std::string mode = "shuffle";
  std::string stratify_by;
  std::string group_by;
  std::string out_dir;
  bool force = false;
  std::string to = "auto";
  std::string config;  // --config FILE (tools/config_file.hpp)

  void add_to(CLI::App& command);
  Status apply(PrepOptions& options) const;
};

struct StageFlags {
  std::string rules;
  std::string no_rules;
  bool no_normalize = false;
  std::string pii = "report";
  uint64_t min_answer_chars = 0;
  uint64_t max_answer_chars = 0;
  uint64_t max_example_chars = 0;
  double min_hangul_ratio = 0.0;
  std::string blocklist;
  bool drop_boilerplate = false;
  bool keep_empty = false;
  bool keep_echo = false;
  bool no_dedup = false;
  bool keep_near_duplicates = false;
  std::string spm;                 // sentencepiece model for the token limits
  uint64_t max_example_tokens = 0;
  uint64_t min_answer_tokens = 0;
  uint64_t max_answer_tokens = 0;
  DedupFlags dedup;

  void add_to(CLI::App& command);
  Status apply(PrepOptions& options) const;
};

//! The options as a JSON object for the manifest.
std::string options_json(const InputOptions& input, const SplitFlags& split, const StageFlags* stages);

//! Prints the summary of a prep/split run on stderr.
void print_prep_summary(const PrepReport& report, const PrepOptions& options);

}  // namespace dadeum::cli
