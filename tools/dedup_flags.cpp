#include "dedup_flags.hpp"

namespace dadeum::cli {

void DedupFlags::add_to(CLI::App& command) {
  command.add_option("--key", key, "prompt | full: what makes two records the same")->capture_default_str();
  command.add_option("--keep", keep, "first | longest: which duplicate stays")->capture_default_str();
  command.add_option("--conflicts", conflicts, "keep-all | keep-first | keep-longest | drop-all (same prompt, other answer)")
      ->capture_default_str();
  command.add_flag("--near,!--no-near", near, "Also remove near-duplicates (default on)");
  command.add_option("--threshold", threshold, "Near-duplicate Jaccard threshold")->capture_default_str();
  command.add_option("--ngram", ngram, "Character n-gram size for near-duplicates")->capture_default_str();
  command.add_option("--permutations", permutations, "MinHash signature length (positions; one-permutation hashing)")->capture_default_str();
  command.add_option("--against", against, "Reference files: remove records that match any of their records");
  command.add_option("--against-map", against_map, "--map for the reference files (e.g. prompt=question)");
  command.add_option("--against-schema", against_schema, "--schema for the reference files")->capture_default_str();
}

Result<DedupOptions> DedupFlags::resolve() const {
  DedupOptions options;
  auto parsed_key = parse_dedup_key(key);
  auto parsed_keep = parse_keep_policy(keep);
  auto parsed_conflicts = parse_conflict_policy(conflicts);
  if (!parsed_key) return invalid_argument("--key must be prompt or full");
  if (!parsed_keep) return invalid_argument("--keep must be first or longest");
  if (!parsed_conflicts) return invalid_argument("--conflicts must be keep-all, keep-first, keep-longest or drop-all");
  if (!(threshold > 0.0 && threshold <= 1.0)) return invalid_argument("--threshold must be in (0, 1]");
  if (ngram < 1 || ngram > 32) return invalid_argument("--ngram must be between 1 and 32");
  if (permutations < 8 || permutations > 1024) return invalid_argument("--permutations must be between 8 and 1024");
  options.key = *parsed_key;
  options.keep = *parsed_keep;
  options.conflicts = *parsed_conflicts;
  options.near = near;
  options.threshold = threshold;
  options.ngram = ngram;
  options.permutations = permutations;
  return options;
}

Result<ReadOptions> DedupFlags::against_read_options() const {
  ReadOptions read;
  auto schema = parse_schema(against_schema);
  if (!schema) return invalid_argument("--against-schema '" + against_schema + "' is unknown");
  read.schema = *schema;
  if (!against_map.empty()) {
    auto map = parse_field_map(against_map);
    if (!map.is_ok()) return map.status();
    read.map = map.value();
  }
  return read;
}

}  // namespace dadeum::cli
