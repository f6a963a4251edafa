// The dedup options shared by `dedup` and `prep`.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "dadeum/dedup.hpp"
#include "dadeum/reader.hpp"

namespace dadeum::cli {

struct DedupFlags {
  std::string key = "full";
  std::string keep = "first";
  std::string conflicts = "keep-all";
  bool near = true;
  double threshold = 0.8;
  uint32_t ngram = 5;
  uint32_t permutations = 128;
  std::vector<std::string> against;
  std::string against_map;
  std::string against_schema = "auto";

  void add_to(CLI::App& command);
  Result<DedupOptions> resolve() const;
  Result<ReadOptions> against_read_options() const;
};

}  // namespace dadeum::cli
