// dadeum dedup: remove exact duplicates, settle conflicting answers, remove verified
// near-duplicates and matches of reference sets; say what was removed and why.
#include <cstdio>
#include <iostream>
#include <map>

#include "cli_common.hpp"
#include "commands.hpp"
#include "dadeum/dedup_run.hpp"
#include "dedup_flags.hpp"

namespace dadeum::cli {
namespace {

struct DedupCommandOptions {
  InputOptions input;
  DedupFlags dedup;
  std::string output = "-";
  std::string dropped;
  std::string clusters;
  bool json = false;
};

int run_dedup(const DedupCommandOptions& options) {
  Result<ReadOptions> read = read_options_from(options.input);
  Result<DedupOptions> dedup = options.dedup.resolve();
  Status usage = !read.is_ok() ? read.status() : dedup.status();
  for (const std::string& path : {options.output, options.dropped, options.clusters}) {
    if (usage.is_ok()) usage = check_not_an_input(path, options.input.inputs);
  }
  if (!usage.is_ok()) {
    print_error(usage.message());
    return kExitUsage;
  }
  DedupRun run(options.input.inputs, read.value(), {options.input.threads}, dedup.value());
  if (!options.dedup.against.empty()) {
    Result<ReadOptions> against_read = options.dedup.against_read_options();
    Status status = against_read.is_ok() ? run.load_references(options.dedup.against, against_read.value()) : against_read.status();
    if (!status.is_ok()) {
      print_error("--against: " + status.message());
      return kExitUsage;
    }
  }
  Status status = run.index(nullptr, nullptr);
  if (!status.is_ok()) {
    print_error(status.message());
    return exit_code_for(status);
  }

  Result<AtomicFile> output = AtomicFile::create(options.output);
  if (!output.is_ok()) {
    print_error(output.status().message());
    return kExitUsage;
  }
  std::optional<AtomicFile> dropped, clusters;
  for (auto [path, file] : {std::pair{&options.dropped, &dropped}, std::pair{&options.clusters, &clusters}}) {
    if (path->empty()) continue;
    auto created = AtomicFile::create(*path);
    if (!created.is_ok()) {
      print_error(created.status().message());
      return kExitUsage;
    }
    file->emplace(std::move(created.value()));
  }
  // Messages and rejects are reported in the last pass only, once.
  std::map<std::string, uint64_t> removed_by_reason;
  const std::vector<InputInfo>& inputs = run.inputs();
  auto format = [&](Batch& batch) {
    std::string error;
    for (Example& record : batch.records) {
      if (record.kept()) append_example(batch.output, record, Schema::kAuto, error);
      else if (record.outcome.verdict == Verdict::kDrop) append_dropped_line(batch.side_output, record, inputs[record.where.source].display);
    }
  };
  std::string rejects_lines;
  uint64_t rejects = 0;
  auto sink = [&](Batch& batch) -> Status {
    for (const Example& record : batch.records) {
      if (record.outcome.verdict == Verdict::kDrop) ++removed_by_reason[record.outcome.code];
      if (record.outcome.verdict != Verdict::kReject) continue;
      ++rejects;
      if (!options.input.quiet) print_error(describe_problem(record, inputs[record.where.source].display));
      if (!options.input.rejects.empty()) append_reject_line(rejects_lines, record, inputs[record.where.source].display);
      if (options.input.strict) return Status(StatusCode::kStopped, "stopped at the first rejected record (--strict)");
    }
    if (dropped) DADEUM_RETURN_IF_ERROR(dropped->write(batch.side_output));
    return output.value().write(batch.output);
  };
  Counts counts;
  status = run.write(nullptr, format, sink, counts);
  if (status.is_ok()) status = output.value().commit();
  if (status.is_ok() && dropped) status = dropped->commit();
  if (status.is_ok() && clusters) status = [&] {
    std::string lines;
    append_cluster_lines(lines, run);
    return clusters->write(lines);
  }();
  if (status.is_ok() && clusters) status = clusters->commit();
  if (status.is_ok() && !options.input.rejects.empty()) {
    auto file = AtomicFile::create(options.input.rejects);
    status = file.is_ok() ? file.value().write(rejects_lines) : file.status();
    if (status.is_ok()) status = file.value().commit();
  }
  if (!status.is_ok()) {
    print_error(status.message());
    return exit_code_for(status);
  }
  if (options.json) {
    std::string out = "{\"read\":" + std::to_string(counts.read) + ",\"kept\":" + std::to_string(counts.kept) +
                      ",\"dropped\":" + std::to_string(counts.dropped) + ",\"rejected\":" + std::to_string(counts.rejected) +
                      ",\"dropped_by_reason\":{";
    bool first = true;
    for (const auto& [reason, count] : removed_by_reason) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, reason);
      out += ':' + std::to_string(count);
    }
    out += "},\"clusters\":" + std::to_string(run.index_data().clusters().size()) +
           ",\"candidate_pairs\":" + std::to_string(run.candidate_pairs()) +
           ",\"verified_pairs\":" + std::to_string(run.verified_pairs()) +
           ",\"index_bytes_per_record\":" + std::to_string(run.index_data().bytes_per_record()) +
           ",\"hash_seed\":\"" + std::to_string(dedup.value().seed) + "\"}\n";
    std::cerr << out;
  } else if (!options.input.quiet) {
    for (const auto& [reason, count] : removed_by_reason) std::cerr << "dadeum: " << reason << ": " << count << '\n';
    std::cerr << "dadeum: clusters " << run.index_data().clusters().size() << ", near candidates "
              << run.candidate_pairs() << ", verified " << run.verified_pairs() << '\n';
    print_counts(counts, "kept");
  }
  return kExitOk;
}

}  // namespace

void add_dedup_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DedupCommandOptions>();
  CLI::App* command = app.add_subcommand("dedup", "Remove exact and near-duplicates, settle conflicting answers");
  command->footer(
      "Exact: XXH3-128 of the canonical form (NFC, case-folded, no punctuation, spaces collapsed).\n"
      "Near: MinHash LSH over character n-grams, every candidate verified by exact Jaccard.\n"
      "Exit: 0 done, 1 stopped by --strict, 2 usage or fatal error.\n"
      "Examples:\n"
      "  dadeum dedup raw.jsonl -o dedup.jsonl --dropped dropped.jsonl --clusters duplicates.jsonl\n"
      "  dadeum dedup a.jsonl b.json --key prompt --conflicts keep-longest -o out.jsonl\n"
      "  dadeum dedup train.jsonl --against bench.jsonl --against-map prompt=question -o clean.jsonl");
  add_input_options(*command, options->input);
  options->dedup.add_to(*command);
  command->add_option("-o,--output", options->output, "Kept records ('-' is stdout)")->capture_default_str();
  command->add_option("--dropped", options->dropped, "Removed records with reason, duplicate_of and similarity");
  command->add_option("--clusters", options->clusters, "One line per duplicate cluster or conflict group");
  command->add_flag("--json", options->json, "Print the report as JSON on stderr");
  command->callback([options, &exit_code] { exit_code = run_dedup(*options); });
}

}  // namespace dadeum::cli
