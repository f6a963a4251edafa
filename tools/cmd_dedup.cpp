// dadeum dedup: remove exact duplicates, settle conflicting answers, remove verified
// near-duplicates and matches of reference sets; say what was removed and why.
#include <cstdio>
#include <filesystem>
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
  std::string spill_dir;  // beside the output, on the disk the user chose
  if (options.output != "-") spill_dir = std::filesystem::path(options.output).parent_path().string();
  if (options.output != "-" && spill_dir.empty()) spill_dir = ".";
  DedupRun run(options.input.inputs, read.value(), {options.input.threads}, dedup.value(), spill_dir);
  if (!options.dedup.against.empty()) {
    Result<ReadOptions> against_read = options.dedup.against_read_options();
    Status status = against_read.is_ok() ? run.load_references(options.dedup.against, against_read.value()) : against_read.status();
    if (!status.is_ok()) {
      print_error("--against: " + status.message());
      return kExitUsage;
    }
  }
  // Rejects are reported as the first read meets them.
  const std::vector<std::string>& paths = options.input.inputs;
  auto observe = [&](Batch& batch) -> Status {
    for (const Example& record : batch.records) {
      if (record.outcome.verdict != Verdict::kReject) continue;
      const std::string& path = paths[record.where.source];
      if (!options.input.quiet) print_error(describe_problem(record, path == "-" ? "<stdin>" : path));
      if (options.input.strict) return Status(StatusCode::kStopped, "stopped at the first rejected record (--strict)");
    }
    return Status::ok();
  };
  Status status = run.index(nullptr, observe, Schema::kAuto);
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
  // Places the records of a chunk in its out strings (kept, dropped, rejects), in parallel;
  // commit() writes them to the files in input order (large pieces at once, small ones buffered).
  enum Out : size_t { kKeptOut, kDroppedOut, kRejectsOut, kOutCount };
  struct ChunkTally {
    Counts counts;
    std::map<std::string, uint64_t> removed_by_reason;
  };
  auto place = [&](uint32_t ordinal, const SpilledRecord& record, OrderedItem& chunk) -> Status {
    if (!chunk.state) {
      chunk.state = std::make_shared<ChunkTally>();
      chunk.out.resize(kOutCount);
    }
    ChunkTally& tally = *static_cast<ChunkTally*>(chunk.state.get());
    ++tally.counts.read;
    if (record.kind == SpilledRecord::Kind::kRejected) {
      ++tally.counts.rejected;
      if (!options.input.rejects.empty()) chunk.out[kRejectsOut] += record.line;
      return Status::ok();
    }
    if (record.kind == SpilledRecord::Kind::kDropped) {
      ++tally.counts.dropped;
      ++tally.removed_by_reason[std::string(record.code)];
      if (dropped) chunk.out[kDroppedOut] += record.line;
      return Status::ok();
    }
    if (std::optional<Outcome> removal = run.removal(ordinal)) {
      ++tally.counts.dropped;
      ++tally.removed_by_reason[removal->code];
      if (dropped) append_late_dropped_line(chunk.out[kDroppedOut], record, *removal);
      return Status::ok();
    }
    ++tally.counts.kept;
    chunk.out[kKeptOut] += record.line;
    return Status::ok();
  };
  std::map<std::string, uint64_t> removed_by_reason;
  std::string rejects_lines;
  Counts counts;
  auto commit = [&](OrderedItem& chunk) -> Status {
    if (!chunk.state) return Status::ok();  // a chunk without records
    const ChunkTally& tally = *static_cast<const ChunkTally*>(chunk.state.get());
    counts.read += tally.counts.read;
    counts.kept += tally.counts.kept;
    counts.dropped += tally.counts.dropped;
    counts.rejected += tally.counts.rejected;
    for (const auto& [reason, count] : tally.removed_by_reason) removed_by_reason[reason] += count;
    rejects_lines += chunk.out[kRejectsOut];
    if (dropped) DADEUM_RETURN_IF_ERROR(dropped->write_through(chunk.out[kDroppedOut]));
    return output.value().write_through(chunk.out[kKeptOut]);
  };
  status = run.replay(place, commit);
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
