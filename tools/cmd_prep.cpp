// dadeum prep (the main job) and dadeum split (the split alone).
#include "cli_common.hpp"
#include "commands.hpp"
#include "dadeum/tokenizer.hpp"
#include "prep_flags.hpp"
#include "progress_bar.hpp"

namespace dadeum::cli {
namespace {

struct PrepCommandOptions {
  InputOptions input;
  SplitFlags split;
  StageFlags stages;
};

int run(const PrepCommandOptions& flags, bool full_prep) {
  PrepOptions options;
  Result<ReadOptions> read = read_options_from(flags.input);
  Status status = read.is_ok() ? flags.split.apply(options) : read.status();
  if (status.is_ok() && full_prep) status = flags.stages.apply(options);
  if (!status.is_ok()) {
    print_error(status.message());
    return kExitUsage;
  }
  // The token limits' tokenizer lives as long as the run.
  std::unique_ptr<Tokenizer> tokenizer;
  if (full_prep && !flags.stages.spm.empty()) {
    Result<std::unique_ptr<Tokenizer>> loaded = Tokenizer::load(flags.stages.spm);
    if (!loaded.is_ok()) {
      print_error(loaded.status().message());
      return kExitUsage;
    }
    tokenizer = std::move(loaded.value());
    options.filters.tokenizer = tokenizer.get();
  }
  options.read = read.value();
  options.pipeline.threads = flags.input.threads;
  options.strict = flags.input.strict;
  options.command = full_prep ? "prep" : "split";
  options.options_json = options_json(flags.input, flags.split, full_prep ? &flags.stages : nullptr);
  if (!full_prep) {
    options.normalize = false;
    options.filter = false;
    options.dedup = false;
  }
  ProgressBar bar(options.command, flags.input.quiet);
  if (bar.enabled()) {
    options.on_progress = [&bar](std::string_view phase, uint64_t done, uint64_t total) {
      bar.update(phase, done, total, phase == "read" ? ProgressBar::Unit::kBytes : ProgressBar::Unit::kRecords);
    };
  }
  auto report = run_prep(flags.input.inputs, options, [&](const Example& record, const std::string& source) {
    if (flags.input.quiet) return;
    bar.clear();  // the message gets its own line; the next update draws the bar again
    print_error(describe_problem(record, source));
  });
  bar.clear();
  if (!report.is_ok()) {
    print_error(report.status().message());
    return report.status().code() == StatusCode::kStopped ? kExitFindings : kExitUsage;
  }
  if (!flags.input.quiet) print_prep_summary(report.value(), options);
  return kExitOk;
}

}  // namespace

void add_prep_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<PrepCommandOptions>();
  CLI::App* command = app.add_subcommand("prep", "Raw files to clean, deduplicated, leak-free train/validation(/test) JSONL");
  command->footer(
      "read -> validate -> normalize -> filter -> PII -> exact + near dedup (+ --against) -> split -> write.\n"
      "OUTDIR gets train.jsonl, validation.jsonl (test.jsonl), dropped.jsonl, rejects.jsonl,\n"
      "duplicates.jsonl and manifest.json. No prompt appears in two splits.\n"
      "Exit: 0 done, 1 stopped by --strict, 2 usage or fatal error.\n"
      "Examples:\n"
      "  dadeum prep seeds/ko-instruct-400.jsonl -o out/seed --val-size 40 --stratify-by category\n"
      "  dadeum prep raw/*.jsonl.gz -o out/v1 --val-ratio 0.05 --test-ratio 0.05 --pii mask\n"
      "  dadeum prep data.jsonl -o out --against bench.jsonl --against-map prompt=question --split-mode hash");
  add_input_options(*command, options->input);
  options->split.add_to(*command);
  options->stages.add_to(*command);
  command->callback([options, &exit_code] { exit_code = run(*options, true); });
}

void add_split_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<PrepCommandOptions>();
  CLI::App* command = app.add_subcommand("split", "Split records into train/validation(/test) without changing them");
  command->footer(
      "Records are written as read; records that share a canonical prompt stay in one split.\n"
      "Exit: 0 done, 1 stopped by --strict, 2 usage or fatal error.\n"
      "Examples:\n"
      "  dadeum split clean.jsonl -o out --val-size 500 --seed 7\n"
      "  dadeum split clean.jsonl -o out --split-mode hash --val-ratio 0.1 --group-by source");
  add_input_options(*command, options->input);
  options->split.add_to(*command);
  command->callback([options, &exit_code] { exit_code = run(*options, false); });
}

}  // namespace dadeum::cli
