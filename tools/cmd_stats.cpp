// dadeum stats: dataset statistics as text, JSON and an HTML report; and dadeum tokenizer
// train: a sentencepiece model for token counts.
#include <cerrno>
#include <iostream>

#include "cli_common.hpp"
#include "commands.hpp"
#include "dadeum/stats.hpp"
#include "dadeum/tokenizer.hpp"

namespace dadeum::cli {
namespace {

struct StatsCommandOptions {
  InputOptions input;
  std::string spm;            //!< sentencepiece model for token counts
  uint32_t max_tokens = 0;    //!< count records over this many tokens (needs --spm)
  bool json = false;          //!< JSON on stdout instead of the text summary
  std::string html;           //!< write the HTML report here
  std::string by = "category";  //!< --by FIELD
  double near_threshold = 0.8;  //!< 0 turns the near-duplicate search off
};

int run_stats(const StatsCommandOptions& options, bool by_given) {
  if (options.max_tokens > 0 && options.spm.empty()) {
    print_error("--max-tokens needs a tokenizer: give --spm MODEL (dadeum tokenizer train makes one)");
    return kExitUsage;
  }
  if (options.near_threshold < 0 || options.near_threshold > 1) {
    print_error("--near-threshold must be between 0 and 1");
    return kExitUsage;
  }
  if (!options.html.empty()) {
    if (Status status = check_not_an_input(options.html, options.input.inputs); !status.is_ok()) {
      print_error(status.message());
      return kExitUsage;
    }
  }
  Result<ReadOptions> read = read_options_from(options.input);
  if (!read.is_ok()) {
    print_error(read.status().message());
    return kExitUsage;
  }
  std::unique_ptr<Tokenizer> tokenizer;
  if (!options.spm.empty()) {
    Result<std::unique_ptr<Tokenizer>> loaded = Tokenizer::load(options.spm);
    if (!loaded.is_ok()) {
      print_error(loaded.status().message());
      return kExitUsage;
    }
    tokenizer = std::move(loaded.value());
  }
  auto reader = InputReader::open(options.input.inputs, read.value());
  if (!reader.is_ok()) {
    print_error(reader.status().message());
    return kExitUsage;
  }
  RejectReporter rejects(options.input, *reader.value());
  if (Status status = rejects.open(); !status.is_ok()) {
    print_error(status.message());
    return kExitUsage;
  }

  StatsOptions stats;
  stats.by_field = options.by;
  stats.by_requested = by_given && !options.by.empty();
  stats.tokenizer = tokenizer.get();
  stats.tokenizer_name = options.spm;
  stats.max_tokens = options.max_tokens;
  stats.near_threshold = options.near_threshold;
  StatsCollector collector(stats, options.input.inputs.size());
  Counts counts;
  Status status = run_stream(
      *reader.value(), {options.input.threads}, [&collector](Batch& batch) { collector.accumulate(batch); },
      [&](Batch& batch) {
        collector.merge(batch);
        return rejects.report(batch);
      },
      counts);
  if (status.is_ok()) status = rejects.commit();
  if (!status.is_ok()) {
    print_error(status.message());
    return exit_code_for(status);
  }
  ThreadLimit limit(options.input.threads);  // near duplicates: LSH banding runs its bands in parallel
  StatsReport report = collector.finish(reader.value()->inputs());

  if (!options.html.empty()) {
    Result<AtomicFile> file = AtomicFile::create(options.html);
    Status written = file.is_ok() ? file.value().write(format_stats_html(report)) : file.status();
    if (written.is_ok()) written = file.value().commit();
    if (!written.is_ok()) {
      print_error(written.message());
      return kExitUsage;
    }
  }
  errno = 0;
  std::cout << (options.json ? format_stats_json(report) : format_stats_text(report)) << std::flush;
  if (!std::cout) {
    if (errno == EPIPE) return kExitOk;  // the reader closed the pipe (| head): not an error
    print_error("cannot write to standard output");
    return kExitUsage;
  }
  return kExitOk;
}

struct TrainCommandOptions {
  InputOptions input;
  std::string output;            //!< model prefix (MODEL.model, MODEL.vocab)
  uint32_t vocab_size = 8000;
  uint64_t max_sentences = 2'000'000;
};

int run_train(const TrainCommandOptions& options) {
  Result<ReadOptions> read = read_options_from(options.input);
  if (!read.is_ok()) {
    print_error(read.status().message());
    return kExitUsage;
  }
  std::string prefix = tokenizer_prefix(options.output);
  for (const std::string& produced : {prefix + ".model", prefix + ".vocab"}) {
    if (Status status = check_not_an_input(produced, options.input.inputs); !status.is_ok()) {
      print_error(status.message());
      return kExitUsage;
    }
  }
  auto reader = InputReader::open(options.input.inputs, read.value());
  if (!reader.is_ok()) {
    print_error(reader.status().message());
    return kExitUsage;
  }
  RejectReporter rejects(options.input, *reader.value());
  if (Status status = rejects.open(); !status.is_ok()) {
    print_error(status.message());
    return kExitUsage;
  }
  TokenizerTrainOptions train;
  train.vocab_size = options.vocab_size;
  train.max_sentences = options.max_sentences;
  Counts counts;
  Result<TokenizerTrainResult> result = train_tokenizer(
      *reader.value(), {options.input.threads}, options.output, train,
      [&rejects](Batch& batch) { return rejects.report(batch); }, counts);
  Status status = result.is_ok() ? rejects.commit() : result.status();
  if (!status.is_ok()) {
    print_error(status.message());
    return exit_code_for(status);
  }
  const TokenizerTrainResult& done = result.value();
  std::cout << done.model_path << ": unigram, " << done.vocab_size << " pieces, trained on " << done.lines
            << " lines (" << done.texts << " texts of " << done.records << " records)\n"
            << done.vocab_path << ": the vocabulary with scores\n";
  if (!options.input.quiet) print_counts(counts, "used");
  return kExitOk;
}

}  // namespace

void add_stats_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<StatsCommandOptions>();
  CLI::App* command = app.add_subcommand("stats", "Dataset statistics: lengths, script mix, duplicates, PII, structure");
  command->footer(
      "Several files are reported side by side (e.g. train and validation). The JSON schema and\n"
      "every measure are described in docs/stats.md.\n"
      "Exit: 0 done (rejected records are counted), 1 stopped by --strict, 2 usage or fatal error.\n"
      "Examples:\n"
      "  dadeum stats seeds/ko-instruct-400.jsonl\n"
      "  dadeum stats train.jsonl validation.jsonl --html report.html\n"
      "  dadeum tokenizer train train.jsonl -o ko --vocab-size 8000\n"
      "  dadeum stats train.jsonl --spm ko.model --max-tokens 2048 --json");
  add_input_options(*command, options->input);
  command->add_option("--spm", options->spm, "Sentencepiece model: count tokens with it");
  command->add_option("--max-tokens", options->max_tokens, "Count records with more tokens than this (needs --spm)");
  command->add_flag("--json", options->json, "Print the report as JSON (schema in docs/stats.md)");
  command->add_option("--html", options->html, "Write a self-contained HTML report with charts to this file");
  CLI::Option* by = command->add_option("--by", options->by, "Break down by this top-level field ('' for none)")
                        ->capture_default_str();
  command->add_option("--near-threshold", options->near_threshold,
                      "MinHash Jaccard for near duplicates (0: do not search)")
      ->capture_default_str();
  command->callback([options, by, &exit_code] { exit_code = run_stats(*options, by->count() > 0); });
}

void add_tokenizer_command(CLI::App& app, int& exit_code) {
  CLI::App* tokenizer = app.add_subcommand("tokenizer", "Sentencepiece tokenizers for token counts");
  tokenizer->require_subcommand(1);
  auto options = std::make_shared<TrainCommandOptions>();
  CLI::App* train = tokenizer->add_subcommand("train", "Train a unigram sentencepiece model on the inputs' texts");
  train->footer(
      "Writes MODEL.model and MODEL.vocab. Every text of every valid record is used, one line per\n"
      "line of text (through a temporary file beside MODEL). Unigram, character coverage 0.9995,\n"
      "pieces never cross a space (so they stay inside one 어절), no NFKC. Any sentencepiece model\n"
      "works with 'dadeum stats --spm'.\n"
      "Exit: 0 trained, 1 stopped by --strict, 2 usage or fatal error.\n"
      "Examples:\n"
      "  dadeum tokenizer train seeds/ko-instruct-400.jsonl seeds/ko-chat-60.jsonl -o ko --vocab-size 4000\n"
      "  dadeum stats train.jsonl --spm ko.model --max-tokens 1024");
  add_input_options(*train, options->input);
  train->add_option("-o,--output", options->output, "Model prefix: writes PREFIX.model and PREFIX.vocab")->required();
  train->add_option("--vocab-size", options->vocab_size, "Vocabulary size (fewer if the texts are too small)")
      ->capture_default_str();
  train->add_option("--max-sentences", options->max_sentences, "Lines sampled for training (0: all)")
      ->capture_default_str();
  train->callback([options, &exit_code] { exit_code = run_train(*options); });
}

}  // namespace dadeum::cli
