// dadeum normalize: apply the Korean text rules (and the PII action) to every text of every
// record, keeping the schema; per-rule counts of changed records on stderr.
#include <iostream>

#include "cli_common.hpp"
#include "commands.hpp"
#include "dadeum/record_stages.hpp"

namespace dadeum::cli {
namespace {

struct NormalizeCommandOptions {
  InputOptions input;
  std::string output = "-";
  std::string rules;
  std::string no_rules;
  std::string pii = "report";
  std::string dropped;
  bool json = false;
};

struct BatchCounts {
  NormalizeCounts normalize;
  PiiCounts pii;
};

std::string report_json(const Counts& counts, const NormalizeCounts& normalize, const PiiCounts& pii,
                        const NormalizeOptions& rules) {
  std::string out = "{\"read\":" + std::to_string(counts.read) + ",\"written\":" + std::to_string(counts.kept) +
                    ",\"dropped\":" + std::to_string(counts.dropped) + ",\"rejected\":" + std::to_string(counts.rejected) +
                    ",\"rules\":";
  append_json_string(out, format_norm_rules(rules));
  out += ",\"records_changed\":" + std::to_string(normalize.records_changed) + ",\"changed_per_rule\":{";
  for (size_t idx = 0; idx < kNormRuleCount; ++idx) {
    if (idx) out += ',';
    append_json_string(out, norm_rule_name(static_cast<NormRule>(idx)));
    out += ':' + std::to_string(normalize.records_per_rule[idx]);
  }
  out += "},\"pii\":{\"records\":" + std::to_string(pii.records) + ",\"hits\":[";
  bool first = true;
  for (const auto& [key, count] : pii.hits) {
    if (!first) out += ',';
    first = false;
    out += "{\"type\":";
    append_json_string(out, pii_type_name(key.first));
    out += ",\"field\":";
    append_json_string(out, key.second);
    out += ",\"count\":" + std::to_string(count) + '}';
  }
  out += "]}}\n";
  return out;
}

void print_report(const NormalizeCounts& normalize, const PiiCounts& pii) {
  std::cerr << "dadeum: records changed: " << normalize.records_changed << '\n';
  for (size_t idx = 0; idx < kNormRuleCount; ++idx) {
    if (normalize.records_per_rule[idx] == 0) continue;
    std::cerr << "  " << norm_rule_name(static_cast<NormRule>(idx)) << ": " << normalize.records_per_rule[idx] << '\n';
  }
  std::cerr << "dadeum: records with personal data: " << pii.records << '\n';
  for (const auto& [key, count] : pii.hits) {
    std::cerr << "  " << pii_type_name(key.first) << " in " << key.second << ": " << count << '\n';
  }
}

int run_normalize(const NormalizeCommandOptions& options) {
  Result<ReadOptions> read = read_options_from(options.input);
  Result<NormalizeOptions> rules = make_normalize_options(options.rules, options.no_rules);
  std::optional<PiiAction> pii_action = parse_pii_action(options.pii);
  Status usage = !read.is_ok() ? read.status() : !rules.is_ok() ? rules.status() : Status::ok();
  if (usage.is_ok() && !pii_action) usage = invalid_argument("--pii must be off, report, mask or drop");
  if (usage.is_ok()) usage = check_not_an_input(options.output, options.input.inputs);
  if (usage.is_ok()) usage = check_not_an_input(options.dropped, options.input.inputs);
  if (!usage.is_ok()) {
    print_error(usage.message());
    return kExitUsage;
  }
  auto reader = InputReader::open(options.input.inputs, read.value());
  if (!reader.is_ok()) {
    print_error(reader.status().message());
    return kExitUsage;
  }
  RejectReporter rejects(options.input, *reader.value());
  Result<AtomicFile> output = AtomicFile::create(options.output);
  std::optional<AtomicFile> dropped;
  Status status = output.is_ok() ? rejects.open() : output.status();
  if (status.is_ok() && !options.dropped.empty()) {
    auto file = AtomicFile::create(options.dropped);
    if (file.is_ok()) dropped.emplace(std::move(file.value()));
    else status = file.status();
  }
  if (!status.is_ok()) {
    print_error(status.message());
    return kExitUsage;
  }

  NormalizeCounts normalize_total;
  PiiCounts pii_total;
  const std::vector<InputInfo>& inputs = reader.value()->inputs();
  auto stage = [&](Batch& batch) {
    auto counts = std::make_shared<BatchCounts>();
    for (Example& record : batch.records) {
      normalize_record(record, rules.value(), counts->normalize);
      scan_record_pii(record, *pii_action, counts->pii);
      std::string error;
      if (record.kept()) append_example(batch.output, record, Schema::kAuto, error);
      else if (record.outcome.verdict == Verdict::kDrop) append_dropped_line(batch.side_output, record, inputs[record.where.source].display);
    }
    batch.stage_counts = counts;
  };
  auto sink = [&](Batch& batch) -> Status {
    auto counts = std::static_pointer_cast<BatchCounts>(batch.stage_counts);
    normalize_total.add(counts->normalize);
    pii_total.add(counts->pii);
    DADEUM_RETURN_IF_ERROR(rejects.report(batch));
    if (dropped) DADEUM_RETURN_IF_ERROR(dropped->write(batch.side_output));
    return output.value().write(batch.output);
  };
  Counts counts;
  status = run_stream(*reader.value(), {options.input.threads}, stage, sink, counts);
  if (status.is_ok()) status = output.value().commit();
  if (status.is_ok() && dropped) status = dropped->commit();
  if (status.is_ok()) status = rejects.commit();
  if (!status.is_ok()) {
    print_error(status.message());
    return exit_code_for(status);
  }
  if (options.json) {
    std::cerr << report_json(counts, normalize_total, pii_total, rules.value());
  } else if (!options.input.quiet) {
    print_report(normalize_total, pii_total);
    print_counts(counts, "written");
  }
  return kExitOk;
}

}  // namespace

void add_normalize_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<NormalizeCommandOptions>();
  CLI::App* command = app.add_subcommand("normalize", "Apply the Korean text rules (and a PII action) to every text");
  command->footer(
      "Rules (default on): newlines invisible filler nfc jamo width spaces; off: repeat=N quotes nfkc.\n"
      "Keys, unknown fields and untouched records are written back unchanged.\n"
      "Exit: 0 done, 1 stopped by --strict, 2 usage or fatal error.\n"
      "Examples:\n"
      "  dadeum normalize raw.jsonl -o clean.jsonl\n"
      "  dadeum normalize chats.jsonl --rules default,repeat=3 --no-rule width --pii mask > out.jsonl\n"
      "  cat data.jsonl | dadeum normalize - --json 2>report.json >clean.jsonl");
  add_input_options(*command, options->input);
  command->add_option("-o,--output", options->output, "Output JSONL ('-' is stdout)")->capture_default_str();
  command->add_option("--rules", options->rules, "Replace the rule set: e.g. default,repeat=3 or nfc,invisible");
  command->add_option("--no-rule", options->no_rules, "Turn rules off: e.g. width,spaces");
  command->add_option("--pii", options->pii, "off | report | mask | drop")->capture_default_str();
  command->add_option("--dropped", options->dropped, "Write records dropped by --pii drop to this JSONL file");
  command->add_flag("--json", options->json, "Print the report as JSON on stderr");
  command->callback([options, &exit_code] { exit_code = run_normalize(*options); });
}

}  // namespace dadeum::cli
