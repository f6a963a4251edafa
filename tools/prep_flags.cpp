#include "prep_flags.hpp"

#include <iostream>

namespace dadeum::cli {

void SplitFlags::add_to(CLI::App& command) {
  command.add_option("-o,--output", out_dir, "Output directory")->required();
  command.add_option("--val-ratio", val_ratio, "Share of records for validation")->capture_default_str();
  command.add_option("--val-size", val_size, "Exact number of validation records (overrides --val-ratio)");
  command.add_option("--test-ratio", test_ratio, "Share of records for test (0: no test.jsonl)")->capture_default_str();
  command.add_option("--test-size", test_size, "Exact number of test records");
  command.add_option("--seed", seed, "Seed of the shuffle (and of hash mode)")->capture_default_str();
  command.add_option("--split-mode", mode, "shuffle | hash (stable when data is added)")->capture_default_str();
  command.add_option("--stratify-by", stratify_by, "Top-level field whose values keep their share in every split");
  command.add_option("--group-by", group_by, "Top-level field: records with the same value stay in one split");
  command.add_flag("--force", force, "Write into a non-empty output directory");
  command.add_option("--to", to, "Output schema: alpaca | sharegpt | messages | prompt-completion (auto: keep)")
      ->capture_default_str();
  // Read by expand_config_file() before CLI11 parses the command line; kept for the manifest.
  command.add_option("--config", config, "Options from FILE, one 'name = value' per line (the command line wins)");
}

Status SplitFlags::apply(PrepOptions& options) const {
  options.out_dir = out_dir;
  options.force = force;
  options.split.val_ratio = val_ratio;
  if (val_size >= 0) options.split.val_size = static_cast<uint64_t>(val_size);
  options.split.test_ratio = test_ratio;
  if (test_size >= 0) options.split.test_size = static_cast<uint64_t>(test_size);
  options.split.seed = seed;
  if (mode == "shuffle") options.split.mode = SplitMode::kShuffle;
  else if (mode == "hash") options.split.mode = SplitMode::kHash;
  else return invalid_argument("--split-mode must be shuffle or hash");
  if (!(val_ratio >= 0 && val_ratio < 1) || !(test_ratio >= 0 && test_ratio < 1)) return invalid_argument("ratios must be in [0, 1)");
  options.stratify_by = stratify_by;
  options.group_by = group_by;
  auto schema = parse_schema(to);
  if (!schema) return invalid_argument("--to '" + to + "' is unknown");
  options.to = *schema;
  return Status::ok();
}

void StageFlags::add_to(CLI::App& command) {
  command.add_option("--rules", rules, "Normalization rules (default set if empty): e.g. default,repeat=3");
  command.add_option("--no-rule", no_rules, "Turn normalization rules off: e.g. width,spaces");
  command.add_flag("--no-normalize", no_normalize, "Write texts as read (hashing still uses the canonical form)");
  command.add_option("--pii", pii, "off | report | mask | drop")->capture_default_str();
  command.add_option("--min-answer-chars", min_answer_chars, "Drop answers shorter than this (characters)");
  command.add_option("--max-answer-chars", max_answer_chars, "Drop answers longer than this (characters)");
  command.add_option("--max-chars", max_example_chars, "Drop examples longer than this (characters)");
  command.add_option("--min-hangul-ratio", min_hangul_ratio, "Drop answers whose letters are less Hangul than this (0-1)");
  command.add_option("--spm", spm, "Sentencepiece model for the token limits (dadeum tokenizer train makes one)");
  command.add_option("--max-tokens", max_example_tokens, "Drop examples longer than this (tokens, every turn; needs --spm)");
  command.add_option("--min-answer-tokens", min_answer_tokens, "Drop answers shorter than this (tokens; needs --spm)");
  command.add_option("--max-answer-tokens", max_answer_tokens, "Drop answers longer than this (tokens; needs --spm)");
  command.add_option("--blocklist", blocklist, "File of patterns (one per line); records holding one are dropped");
  command.add_flag("--drop-boilerplate", drop_boilerplate, "Drop 'AI 언어 모델로서…' style answers");
  command.add_flag("--keep-empty", keep_empty, "Keep records whose prompt or answer is empty after normalization");
  command.add_flag("--keep-echo", keep_echo, "Keep records whose answer repeats the prompt");
  command.add_flag("--no-dedup", no_dedup, "Remove no duplicates (records sharing a prompt still share a split)");
  command.add_flag("--keep-near-duplicates", keep_near_duplicates, "Keep near-duplicates, each cluster in one split");
  dedup.add_to(command);
}

Status StageFlags::apply(PrepOptions& options) const {
  auto normalize = make_normalize_options(rules, no_rules);
  if (!normalize.is_ok()) return normalize.status();
  options.rules = normalize.value();
  options.normalize = !no_normalize;
  auto action = parse_pii_action(pii);
  if (!action) return invalid_argument("--pii must be off, report, mask or drop");
  options.pii = *action;
  options.filters.min_answer_chars = min_answer_chars;
  options.filters.max_answer_chars = max_answer_chars;
  options.filters.max_example_chars = max_example_chars;
  options.filters.min_hangul_ratio = min_hangul_ratio;
  options.filters.drop_boilerplate = drop_boilerplate;
  options.filters.drop_empty = !keep_empty;
  options.filters.drop_echo = !keep_echo;
  options.filters.min_answer_tokens = min_answer_tokens;
  options.filters.max_answer_tokens = max_answer_tokens;
  options.filters.max_example_tokens = max_example_tokens;
  if ((min_answer_tokens || max_answer_tokens || max_example_tokens) && spm.empty()) {
    return invalid_argument("token limits need a tokenizer: give --spm MODEL (dadeum tokenizer train makes one)");
  }
  if (!blocklist.empty()) {
    auto patterns = load_blocklist(blocklist);
    if (!patterns.is_ok()) return patterns.status();
    options.filters.blocklist = patterns.value();
  }
  auto dedup_options = dedup.resolve();
  if (!dedup_options.is_ok()) return dedup_options.status();
  options.dedup_options = dedup_options.value();
  options.dedup_options.keep_near = keep_near_duplicates;
  options.dedup = !no_dedup;
  options.against = dedup.against;
  if (!dedup.against.empty()) {
    auto read = dedup.against_read_options();
    if (!read.is_ok()) return read.status();
    options.against_read = read.value();
  }
  return Status::ok();
}

namespace {
void add_json(std::string& out, const char* key, const std::string& value) {
  out += out.size() > 1 ? ", " : "";
  append_json_string(out, key);
  out += ": ";
  append_json_string(out, value);
}
void add_raw(std::string& out, const char* key, const std::string& value) {
  out += out.size() > 1 ? ", " : "";
  append_json_string(out, key);
  out += ": " + value;
}
}  // namespace

std::string options_json(const InputOptions& input, const SplitFlags& split, const StageFlags* stages) {
  std::string out = "{";
  add_json(out, "schema", input.schema);
  add_json(out, "map", input.map);
  add_raw(out, "max_line_bytes", std::to_string(input.max_line_bytes));
  add_raw(out, "val_ratio", std::to_string(split.val_ratio));
  add_raw(out, "val_size", split.val_size >= 0 ? std::to_string(split.val_size) : "null");
  add_raw(out, "test_ratio", std::to_string(split.test_ratio));
  add_raw(out, "test_size", split.test_size >= 0 ? std::to_string(split.test_size) : "null");
  add_raw(out, "seed", std::to_string(split.seed));
  add_json(out, "split_mode", split.mode);
  add_json(out, "stratify_by", split.stratify_by);
  add_json(out, "group_by", split.group_by);
  add_json(out, "to", split.to);
  add_json(out, "config", split.config);
  if (stages != nullptr) {
    auto rules = make_normalize_options(stages->rules, stages->no_rules);
    add_json(out, "rules", stages->no_normalize ? std::string("none") : rules.is_ok() ? format_norm_rules(rules.value()) : "");
    add_json(out, "pii", stages->pii);
    add_raw(out, "min_answer_chars", std::to_string(stages->min_answer_chars));
    add_raw(out, "max_answer_chars", std::to_string(stages->max_answer_chars));
    add_raw(out, "max_chars", std::to_string(stages->max_example_chars));
    add_raw(out, "min_hangul_ratio", std::to_string(stages->min_hangul_ratio));
    add_json(out, "spm", stages->spm);
    add_raw(out, "max_tokens", std::to_string(stages->max_example_tokens));
    add_raw(out, "min_answer_tokens", std::to_string(stages->min_answer_tokens));
    add_raw(out, "max_answer_tokens", std::to_string(stages->max_answer_tokens));
    add_json(out, "blocklist", stages->blocklist);
    add_raw(out, "drop_boilerplate", stages->drop_boilerplate ? "true" : "false");
    add_raw(out, "dedup", stages->no_dedup ? "false" : "true");
    add_json(out, "key", stages->dedup.key);
    add_json(out, "keep", stages->dedup.keep);
    add_json(out, "conflicts", stages->dedup.conflicts);
    add_raw(out, "near", stages->dedup.near ? "true" : "false");
    add_raw(out, "keep_near_duplicates", stages->keep_near_duplicates ? "true" : "false");
    add_raw(out, "threshold", std::to_string(stages->dedup.threshold));
    add_raw(out, "ngram", std::to_string(stages->dedup.ngram));
    add_raw(out, "permutations", std::to_string(stages->dedup.permutations));
    std::string against = "[";
    for (size_t idx = 0; idx < stages->dedup.against.size(); ++idx) {
      if (idx) against += ", ";
      append_json_string(against, stages->dedup.against[idx]);
    }
    add_raw(out, "against", against + "]");
  }
  return out + "}";
}

void print_prep_summary(const PrepReport& report, const PrepOptions& options) {
  std::cerr << "dadeum: " << options.out_dir << ": train " << report.train << ", validation " << report.validation;
  if (report.test > 0 || report.asked_test > 0) std::cerr << ", test " << report.test;
  std::cerr << '\n';
  if (report.validation != report.asked_validation && options.split.mode == SplitMode::kShuffle) {
    std::cerr << "dadeum: validation has " << report.validation << " records, " << report.asked_validation
              << " asked: groups larger than what was left could not be split\n";
  }
  if (report.normalize.records_changed) std::cerr << "dadeum: normalized " << report.normalize.records_changed << " records\n";
  if (report.pii.records) std::cerr << "dadeum: records with personal data: " << report.pii.records << '\n';
  for (const auto& [reason, count] : report.dropped_by_reason) std::cerr << "dadeum: dropped " << reason << ": " << count << '\n';
  for (const auto& [code, count] : report.rejected_by_code) std::cerr << "dadeum: rejected " << code << ": " << count << '\n';
  std::cerr << "dadeum: read " << report.counts.read << " = train " << report.train << " + validation " << report.validation
            << " + test " << report.test << " + dropped " << report.counts.dropped << " + rejected " << report.counts.rejected
            << '\n';
}

}  // namespace dadeum::cli
