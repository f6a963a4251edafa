// dadeum convert: rewrite records as JSON lines, in their own schema or another one.
#include <iostream>

#include "cli_common.hpp"
#include "commands.hpp"

namespace dadeum::cli {
namespace {

struct ConvertOptions {
  InputOptions input;
  std::string to = "auto";
  std::string output = "-";
};

int run_convert(const ConvertOptions& options) {
  Result<ReadOptions> read = read_options_from(options.input);
  std::optional<Schema> to = parse_schema(options.to);
  if (!read.is_ok() || !to) {
    print_error(!read.is_ok() ? read.status().message() : "--to '" + options.to + "' is unknown");
    return kExitUsage;
  }
  if (Status status = check_not_an_input(options.output, options.input.inputs); !status.is_ok()) {
    print_error(status.message());
    return kExitUsage;
  }
  read.value().decode_text = *to != Schema::kAuto;  // records kept as they are need no texts
  auto reader = InputReader::open(options.input.inputs, read.value());
  if (!reader.is_ok()) {
    print_error(reader.status().message());
    return kExitUsage;
  }
  RejectReporter rejects(options.input, *reader.value());
  Result<AtomicFile> output = AtomicFile::create(options.output);
  Status status = output.is_ok() ? rejects.open() : output.status();
  if (!status.is_ok()) {
    print_error(status.message());
    return kExitUsage;
  }

  auto format = [&](Batch& batch) {
    std::string error;
    for (Example& record : batch.records) {
      if (!record.kept()) continue;
      size_t before = batch.output.size();
      if (!append_example(batch.output, record, *to, error)) {
        batch.output.resize(before);
        record.reject("convert", "conversion_lossy", error);
      }
    }
  };
  auto write = [&](Batch& batch) -> Status {
    DADEUM_RETURN_IF_ERROR(rejects.report(batch));
    return output.value().write(batch.output);
  };
  Counts counts;
  status = run_stream(*reader.value(), {options.input.threads}, format, write, counts);
  if (status.is_ok()) status = output.value().commit();
  if (status.is_ok()) status = rejects.commit();
  if (!status.is_ok()) {
    print_error(status.message());
    return exit_code_for(status);
  }
  if (!options.input.quiet) print_counts(counts, "written");
  return kExitOk;
}

}  // namespace

void add_convert_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ConvertOptions>();
  CLI::App* command = app.add_subcommand("convert", "Write records as JSON lines, optionally in another schema");
  command->footer(
      "A record nothing changed is written from its original bytes. Conversions that cannot be\n"
      "exact (a multi-turn dialogue to alpaca) are rejected with code conversion_lossy.\n"
      "Exit: 0 done (rejects are listed, not fatal), 1 stopped by --strict, 2 usage or fatal error.\n"
      "Examples:\n"
      "  dadeum convert ko_alpaca_data.json --to messages -o train.jsonl\n"
      "  dadeum convert ChatbotData.csv --map instruction=Q,output=A --to alpaca -o chatbot.jsonl\n"
      "  dadeum convert chats.jsonl.zst --to sharegpt --rejects rejects.jsonl > out.jsonl");
  add_input_options(*command, options->input);
  command->add_option("--to", options->to, "alpaca | sharegpt | messages | prompt-completion (auto: keep)")
      ->capture_default_str();
  command->add_option("-o,--output", options->output, "Output JSONL ('-' is stdout)")->capture_default_str();
  command->callback([options, &exit_code] { exit_code = run_convert(*options); });
}

}  // namespace dadeum::cli
