// dadeum validate: read every record, report the schema, counts and every problem.
#include <iostream>

#include "cli_common.hpp"
#include "commands.hpp"

namespace dadeum::cli {
namespace {

struct ValidateOptions {
  InputOptions input;
  bool json = false;
};

void print_text(const InputReader& reader, const Counts& counts, const std::map<std::string, uint64_t>& by_code,
                uint64_t blank_lines) {
  for (const InputInfo& info : reader.inputs()) {
    std::cout << info.display << ": " << input_format_name(info.format) << ", " << info.compression
              << ", schema " << schema_name(info.schema) << '\n';
  }
  std::cout << "records: " << counts.read << "  valid: " << counts.kept << "  rejected: " << counts.rejected
            << "  blank lines: " << blank_lines << '\n';
  for (const auto& [code, count] : by_code) std::cout << "  " << code << ": " << count << '\n';
}

void print_json(const InputReader& reader, const Counts& counts, const std::map<std::string, uint64_t>& by_code,
                uint64_t blank_lines) {
  std::string out = "{\"inputs\":[";
  bool first = true;
  for (const InputInfo& info : reader.inputs()) {
    if (!first) out += ',';
    first = false;
    out += "{\"path\":";
    append_json_string(out, info.path);
    out += ",\"format\":";
    append_json_string(out, input_format_name(info.format));
    out += ",\"compression\":";
    append_json_string(out, info.compression);
    out += ",\"schema\":";
    append_json_string(out, schema_name(info.schema));
    out += '}';
  }
  out += "],\"records\":" + std::to_string(counts.read) + ",\"valid\":" + std::to_string(counts.kept) +
         ",\"rejected\":" + std::to_string(counts.rejected) + ",\"blank_lines\":" + std::to_string(blank_lines) +
         ",\"rejects_by_code\":{";
  first = true;
  for (const auto& [code, count] : by_code) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, code);
    out += ':' + std::to_string(count);
  }
  out += "}}\n";
  std::cout << out;
}

int run_validate(const ValidateOptions& options) {
  Result<ReadOptions> read = read_options_from(options.input);
  if (!read.is_ok()) {
    print_error(read.status().message());
    return kExitUsage;
  }
  read.value().decode_text = false;  // validation needs no copies of the texts
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
  Counts counts;
  Status status = run_stream(*reader.value(), {options.input.threads}, nullptr,
                             [&](Batch& batch) { return rejects.report(batch); }, counts);
  if (status.is_ok()) status = rejects.commit();
  if (!status.is_ok()) {
    print_error(status.message());
    return exit_code_for(status);
  }
  if (options.json) {
    print_json(*reader.value(), counts, rejects.by_code(), reader.value()->blank_lines());
  } else {
    print_text(*reader.value(), counts, rejects.by_code(), reader.value()->blank_lines());
  }
  return counts.rejected == 0 ? kExitOk : kExitFindings;
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* command = app.add_subcommand("validate", "Check records against their schema and report every problem");
  command->footer(
      "Exit: 0 all records valid, 1 some rejected, 2 usage or fatal error.\n"
      "Examples:\n"
      "  dadeum validate seeds/ko-instruct-400.jsonl\n"
      "  dadeum validate data.csv --map instruction=질문,output=답변 --rejects rejects.jsonl\n"
      "  zcat big.jsonl.gz | dadeum validate - --json");
  add_input_options(*command, options->input);
  command->add_flag("--json", options->json, "Print the report as JSON");
  command->callback([options, &exit_code] { exit_code = run_validate(*options); });
}

}  // namespace dadeum::cli
