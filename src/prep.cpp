// The main job, in three passes (see dedup_run.hpp): pass 1 runs the per-record stages,
// indexes every record and spills it as it will be written, pass 2 verifies near-duplicate
// candidates, then the split is planned over whole groups and pass 3 replays the spill,
// every record to the file where it belongs.
#include "dadeum/prep.hpp"

#include <ctime>
#include <filesystem>
#include <optional>

#include <tbb/task_group.h>

#include "dadeum/dedup_run.hpp"
#include "dadeum/writer.hpp"
#include "detail/byte_source.hpp"

namespace dadeum {
namespace {

namespace fs = std::filesystem;

struct StageCounts {
  NormalizeCounts normalize;
  PiiCounts pii;
};

// A record's --stratify-by or --group-by key: 0 when the member is missing (or null, with
// `null_is_none`), otherwise a hash of its value that never is 0. A string counts by its decoded
// text (so "한" and "\uD55C" are one value), any other value by its JSON text; "1" and 1 differ.
// A string without escapes hashes exactly its JSON token, as before there was decoding, so hash
// mode keeps its assignments. `decoded` and `quoted` are scratch, reused record to record.
uint64_t value_key(const Example& record, std::string_view name, bool null_is_none, std::string& decoded,
                   std::string& quoted) {
  bool is_string = false;
  std::optional<std::string_view> value = member_value(record, name, decoded, &is_string);
  if (!value || (!is_string && null_is_none && *value == "null")) return 0;
  if (!is_string) return hash128(*value).low | 1;
  quoted.assign(1, '"');
  quoted += *value;
  quoted += '"';
  return hash128(quoted).low | 1;
}

// The bytes pass 1 will read, when every input is an uncompressed regular file (records'
// offsets are then offsets in the files); 0 when that is not known beforehand.
uint64_t known_input_bytes(const std::vector<std::string>& inputs) {
  uint64_t total = 0;
  for (const std::string& path : inputs) {
    std::error_code error;
    if (path == "-" || !fs::is_regular_file(path, error)) return 0;
    Result<std::string> compression = detail::file_compression(path);
    if (!compression.is_ok() || compression.value() != "none") return 0;
    const uint64_t size = fs::file_size(path, error);
    if (error) return 0;
    total += size;
  }
  return total;
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

// Creates OUTDIR when missing (and says so, so that a failed run can take it back).
Status prepare_out_dir(const PrepOptions& options, bool& created) {
  created = false;
  std::error_code error;
  if (fs::exists(options.out_dir, error)) {
    if (!fs::is_directory(options.out_dir, error)) return invalid_argument(options.out_dir + " is not a directory");
    if (!fs::is_empty(options.out_dir, error) && !options.force) {
      return invalid_argument("output directory " + options.out_dir + " is not empty (use --force to write into it)");
    }
  } else if (!fs::create_directories(options.out_dir, error)) {
    return io_error("cannot create " + options.out_dir + ": " + error.message());
  } else {
    created = true;
  }
  return Status::ok();
}

// Size and hex XXH3-128 of each input as read (stdin and pipes: their copies; "" when unreadable).
using InputHashes = std::vector<std::pair<uint64_t, std::string>>;

std::string manifest_json(const std::vector<std::string>& inputs, const PrepOptions& options, const PrepReport& report,
                          const DedupRun& run, const InputHashes& input_hashes) {
  std::string out = "{\n  \"tool\": \"dadeum\",\n  \"version\": ";
  append_json_string(out, DADEUM_VERSION);
  out += ",\n  \"command\": ";
  append_json_string(out, options.command);
  out += ",\n  \"options\": " + (options.options_json.empty() ? std::string("{}") : options.options_json);
  out += ",\n  \"seed\": " + std::to_string(options.split.seed);
  // The only values that may differ between runs of the same input and options.
  out += ",\n  \"run\": {\"threads\": " + std::to_string(ThreadLimit::resolve(options.pipeline.threads)) + ", \"finished_at\": ";
  append_json_string(out, utc_now());
  out += "}";
  out += ",\n  \"hash\": {\"algorithm\": \"XXH3-128\", \"seed\": " + std::to_string(options.dedup_options.seed) + "}";
  out += ",\n  \"inputs\": [";
  for (size_t idx = 0; idx < inputs.size(); ++idx) {
    out += idx ? ",\n    {" : "\n    {";
    out += "\"path\": ";
    append_json_string(out, run.inputs()[idx].display);
    out += ", \"format\": ";
    append_json_string(out, input_format_name(run.inputs()[idx].format));
    out += ", \"compression\": ";
    append_json_string(out, run.inputs()[idx].compression);
    out += ", \"schema\": ";
    append_json_string(out, schema_name(run.inputs()[idx].schema));
    if (!input_hashes[idx].second.empty()) {
      out += ", \"bytes\": " + std::to_string(input_hashes[idx].first) + ", \"xxh3\": \"" + input_hashes[idx].second + "\"";
    }
    out += "}";
  }
  out += "\n  ],\n  \"outputs\": [";
  for (size_t idx = 0; idx < report.outputs.size(); ++idx) {
    const PrepOutput& output = report.outputs[idx];
    out += idx ? ",\n    {" : "\n    {";
    out += "\"path\": ";
    append_json_string(out, output.name);
    out += ", \"records\": " + std::to_string(output.records) + ", \"bytes\": " + std::to_string(output.bytes) +
           ", \"xxh3\": \"" + output.xxh3 + "\"}";
  }
  out += "\n  ],\n  \"counts\": {\n    \"read\": " + std::to_string(report.counts.read);
  out += ",\n    \"train\": " + std::to_string(report.train) + ",\n    \"validation\": " + std::to_string(report.validation) +
         ",\n    \"test\": " + std::to_string(report.test) + ",\n    \"dropped\": " + std::to_string(report.counts.dropped) +
         ",\n    \"rejected\": " + std::to_string(report.counts.rejected);
  auto add_map = [&](const char* name, const std::map<std::string, uint64_t>& values) {
    out += ",\n    \"" + std::string(name) + "\": {";
    bool first = true;
    for (const auto& [key, count] : values) {
      if (!first) out += ", ";
      first = false;
      append_json_string(out, key);
      out += ": " + std::to_string(count);
    }
    out += "}";
  };
  add_map("rejected_by_code", report.rejected_by_code);
  add_map("dropped_by_reason", report.dropped_by_reason);
  std::map<std::string, uint64_t> per_rule;
  for (size_t idx = 0; idx < kNormRuleCount; ++idx) {
    if (report.normalize.records_per_rule[idx]) per_rule[std::string(norm_rule_name(NormRule(idx)))] = report.normalize.records_per_rule[idx];
  }
  add_map("normalized_by_rule", per_rule);
  std::map<std::string, uint64_t> pii;
  for (size_t type = 0; type < kPiiTypeCount; ++type) {
    if (uint64_t total = report.pii.total(PiiType(type))) pii[std::string(pii_type_name(PiiType(type)))] = total;
  }
  add_map("pii_by_type", pii);
  out += ",\n    \"records_normalized\": " + std::to_string(report.normalize.records_changed);
  out += ",\n    \"records_with_pii\": " + std::to_string(report.pii.records);
  out += ",\n    \"duplicate_clusters\": " + std::to_string(report.clusters);
  out += ",\n    \"conflict_groups\": " + std::to_string(report.conflict_groups);
  out += ",\n    \"near_candidate_pairs\": " + std::to_string(report.candidate_pairs);
  out += ",\n    \"near_verified_pairs\": " + std::to_string(report.verified_pairs);
  out += ",\n    \"split_units\": " + std::to_string(report.split_units);
  out += "\n  },\n  \"accounting\": {\"identity\": \"read = train + validation + test + dropped + rejected\", \"holds\": ";
  out += report.balanced() ? "true" : "false";
  out += "}\n}\n";
  return out;
}

}  // namespace

namespace {
Result<PrepReport> run_prep_in(const std::vector<std::string>& inputs, const PrepOptions& options,
                               const RejectCallback& on_reject);
}  // namespace

Result<PrepReport> run_prep(const std::vector<std::string>& inputs, const PrepOptions& options,
                            const RejectCallback& on_reject) {
  // Inputs first: a missing or unreadable input fails before anything is created.
  auto probe = InputReader::open(inputs, options.read);
  if (!probe.is_ok()) return probe.status();
  bool created = false;
  DADEUM_RETURN_IF_ERROR(prepare_out_dir(options, created));
  Result<PrepReport> report = run_prep_in(inputs, options, on_reject);
  std::error_code ignored;
  if (!report.is_ok() && created && fs::is_empty(options.out_dir, ignored)) fs::remove(options.out_dir, ignored);
  return report;
}

namespace {

Result<PrepReport> run_prep_in(const std::vector<std::string>& inputs, const PrepOptions& options,
                               const RejectCallback& on_reject) {
  bool with_test = options.split.test_size.value_or(0) > 0 || options.split.test_ratio > 0;
  std::vector<std::string> file_names = {"train.jsonl", "validation.jsonl"};
  if (with_test) file_names.push_back("test.jsonl");
  for (const char* name : {"dropped.jsonl", "rejects.jsonl", "duplicates.jsonl", "manifest.json"}) file_names.push_back(name);
  for (const std::string& name : file_names) {
    DADEUM_RETURN_IF_ERROR(check_not_an_input((fs::path(options.out_dir) / name).string(), inputs));
  }

  DedupOptions dedup = options.dedup_options;
  if (!options.dedup) {
    dedup.group_only = true;
    dedup.near = false;
  }
  DedupRun run(inputs, options.read, options.pipeline, dedup, options.out_dir);
  if (!options.against.empty()) DADEUM_RETURN_IF_ERROR(run.load_references(options.against, options.against_read));

  // The per-record stages. Pass 1 counts; the verification read redoes only what changes
  // records (a PII report changes nothing, so it is not scanned again).
  auto make_transform = [&options](bool counting) {
    PiiAction pii = counting || options.pii == PiiAction::kMask || options.pii == PiiAction::kDrop ? options.pii : PiiAction::kOff;
    return [&options, pii](Batch& batch) {
      auto counts = std::make_shared<StageCounts>();
      for (Example& record : batch.records) {
        if (options.normalize) normalize_record(record, options.rules, counts->normalize);
        scan_record_pii(record, pii, counts->pii);
        if (options.filter) filter_record(record, options.filters);
      }
      batch.stage_counts = counts;
    };
  };
  BatchStage counting_transform = make_transform(true);
  BatchStage transform = make_transform(false);

  PrepReport report;
  std::vector<uint64_t> stratum, group_value;
  std::string decoded_scratch, quoted_scratch;
  // Progress of pass 1 in input bytes. Only asked for when shown: it opens every input once more.
  const uint64_t read_total = options.on_progress ? known_input_bytes(inputs) : 0;
  uint64_t read_before = 0, read_in_source = 0;  // bytes of the inputs done, of the current one
  uint32_t read_source = 0;
  auto report_read = [&](const Batch& batch) {
    if (!options.on_progress || batch.records.empty()) return;
    if (batch.source != read_source) {
      read_before += read_in_source;
      read_in_source = 0;
      read_source = batch.source;
    }
    const Example& last = batch.records.back();
    read_in_source = last.where.byte_offset + last.raw.size() + 1;  // and its newline
    const uint64_t done = read_before + read_in_source;
    options.on_progress("read", read_total > 0 ? std::min(done, read_total) : done, read_total);
  };
  auto observe = [&](Batch& batch) -> Status {
    report_read(batch);
    auto counts = std::static_pointer_cast<StageCounts>(batch.stage_counts);
    report.normalize.add(counts->normalize);
    report.pii.add(counts->pii);
    for (size_t idx = 0; idx < batch.records.size(); ++idx) {
      const Example& record = batch.records[idx];
      if (record.outcome.verdict == Verdict::kReject) {
        const std::string& path = inputs[record.where.source];
        if (options.strict) {
          return Status(StatusCode::kStopped, "stopped at the first rejected record (--strict): " +
                                                  describe_problem(record, path == "-" ? "<stdin>" : path));
        }
        if (on_reject) on_reject(record, path == "-" ? "<stdin>" : path);
      }
      // A null --group-by value is no group (not one group of every record without a value).
      stratum.push_back(options.stratify_by.empty()
                            ? 0
                            : value_key(record, options.stratify_by, false, decoded_scratch, quoted_scratch));
      group_value.push_back(options.group_by.empty()
                                ? 0
                                : value_key(record, options.group_by, true, decoded_scratch, quoted_scratch));
    }
    return Status::ok();
  };
  DADEUM_RETURN_IF_ERROR(run.index(counting_transform, observe, options.to, transform));
  if (options.on_progress) {
    const uint64_t done = read_before + read_in_source;
    options.on_progress("read", read_total > 0 ? read_total : done, read_total);
  }

  // Units: union of dedup groups (conflicts, kept near clusters) and --group-by groups.
  const DedupIndex& index = run.index_data();
  uint32_t records = static_cast<uint32_t>(index.size());
  UnionFind groups(records);
  std::map<uint64_t, uint32_t> first_with_value;
  for (uint32_t ordinal = 0; ordinal < records; ++ordinal) {
    if (!index.survives(ordinal)) continue;
    groups.unite(ordinal, index.group_of(ordinal));
    if (group_value[ordinal] != 0) {
      auto [it, inserted] = first_with_value.emplace(group_value[ordinal], ordinal);
      if (!inserted) groups.unite(it->second, ordinal);
    }
  }
  std::vector<SplitUnit> units;
  std::vector<uint32_t> unit_of(records, UINT32_MAX);
  // A unit is numbered when its root is first met; unit_of[root] holds that number.
  for (uint32_t ordinal = 0; ordinal < records; ++ordinal) {
    if (!index.survives(ordinal)) continue;
    uint32_t root = groups.find(ordinal);
    if (unit_of[root] == UINT32_MAX) {
      uint64_t key = group_value[root] != 0 ? group_value[root] : index.prompt_hash(root).low;
      unit_of[root] = static_cast<uint32_t>(units.size());
      units.push_back({0, stratum[root], key});
    }
    ++units[unit_of[root]].records;
    unit_of[ordinal] = unit_of[root];
  }
  auto plan = plan_split(units, options.split);
  if (!plan.is_ok()) return plan.status();
  report.asked_validation = plan.value().asked_validation;
  report.asked_test = plan.value().asked_test;
  report.split_units = units.size();

  // Pass 3: every record to its file.
  std::vector<std::optional<AtomicFile>> files(file_names.size());
  for (size_t idx = 0; idx < file_names.size(); ++idx) {
    auto file = AtomicFile::create((fs::path(options.out_dir) / file_names[idx]).string());
    if (!file.is_ok()) return file.status();
    files[idx].emplace(std::move(file.value()));
    files[idx]->hash_contents();  // hashed as written, for the manifest
  }
  size_t dropped_file = with_test ? 3 : 2, rejects_file = dropped_file + 1, clusters_file = dropped_file + 2;
  // What the records of one chunk add to the report, summed in input order.
  struct ChunkTally {
    Counts counts;
    uint64_t train = 0, validation = 0, test = 0;
    std::map<std::string, uint64_t> dropped_by_reason, rejected_by_code;
    std::vector<uint64_t> lines;
  };
  auto place = [&](uint32_t ordinal, const SpilledRecord& record, OrderedItem& chunk) -> Status {
    if (!chunk.state) {
      auto tally = std::make_shared<ChunkTally>();
      tally->lines.resize(file_names.size());
      chunk.state = tally;
      chunk.out.resize(file_names.size());
    }
    ChunkTally& tally = *static_cast<ChunkTally*>(chunk.state.get());
    auto add_line = [&](size_t file, std::string_view line) {
      ++tally.lines[file];
      chunk.out[file] += line;
      return Status::ok();
    };
    ++tally.counts.read;
    switch (record.kind) {
      case SpilledRecord::Kind::kDropped:
        ++tally.counts.dropped;
        ++tally.dropped_by_reason[std::string(record.code)];
        return add_line(dropped_file, record.line);
      case SpilledRecord::Kind::kRejected:
        ++tally.counts.rejected;
        ++tally.rejected_by_code[std::string(record.code)];
        return add_line(rejects_file, record.line);
      case SpilledRecord::Kind::kKept:
        break;
    }
    if (std::optional<Outcome> removal = run.removal(ordinal)) {
      ++tally.counts.dropped;
      ++tally.dropped_by_reason[removal->code];
      ++tally.lines[dropped_file];
      append_late_dropped_line(chunk.out[dropped_file], record, *removal);
      return Status::ok();
    }
    ++tally.counts.kept;
    switch (plan.value().assignment[unit_of[ordinal]]) {
      case SplitName::kTrain: ++tally.train; return add_line(0, record.line);
      case SplitName::kValidation: ++tally.validation; return add_line(1, record.line);
      case SplitName::kTest: ++tally.test; return add_line(2, record.line);
    }
    return Status(StatusCode::kInternal, "record without a split");
  };
  std::vector<uint64_t> lines(file_names.size(), 0);
  auto commit = [&](OrderedItem& chunk) -> Status {
    if (!chunk.state) return Status::ok();  // a chunk without records
    const ChunkTally& tally = *static_cast<const ChunkTally*>(chunk.state.get());
    for (size_t file = 0; file < chunk.out.size(); ++file) {
      lines[file] += tally.lines[file];
      DADEUM_RETURN_IF_ERROR(files[file]->write_through(chunk.out[file]));
    }
    report.counts.read += tally.counts.read;
    report.counts.kept += tally.counts.kept;
    report.counts.dropped += tally.counts.dropped;
    report.counts.rejected += tally.counts.rejected;
    report.train += tally.train;
    report.validation += tally.validation;
    report.test += tally.test;
    for (const auto& [reason, count] : tally.dropped_by_reason) report.dropped_by_reason[reason] += count;
    for (const auto& [code, count] : tally.rejected_by_code) report.rejected_by_code[code] += count;
    if (options.on_progress) options.on_progress("write", report.counts.read, run.records());
    return Status::ok();
  };
  // The replay places the records of several chunks in parallel; each chunk's lines then go to
  // the outputs in input order, written (and hashed) by the thread that commits it. The
  // clusters file (25,000 lines for the 100k corpus) is formatted beside it, from the final
  // index, which the replay only reads.
  std::string cluster_text;
  tbb::task_group clusters;
  clusters.run([&] { append_cluster_lines(cluster_text, run); });
  Status replayed = run.replay(place, commit);
  clusters.wait();
  DADEUM_RETURN_IF_ERROR(replayed);
  // The inputs' hashes were taken as pass 1 read them (stdin and pipes: their copies); an
  // input not read to its end there (none, unless a reader stopped early) is read again.
  InputHashes input_hashes(inputs.size());
  for (size_t idx = 0; idx < inputs.size(); ++idx) {
    const InputInfo& input = run.inputs()[idx];
    if (!input.xxh3.empty()) {
      input_hashes[idx] = {input.bytes, input.xxh3};
    } else if (auto hashed = hash_file(run.read_paths()[idx]); hashed.is_ok()) {
      input_hashes[idx] = hashed.value();
    }
  }

  DADEUM_RETURN_IF_ERROR(files[clusters_file]->write(cluster_text));
  lines[clusters_file] = index.clusters().size();
  for (const DedupCluster& cluster : index.clusters()) report.conflict_groups += cluster.kind == "conflict";
  report.clusters = index.clusters().size();
  report.candidate_pairs = run.candidate_pairs();
  report.verified_pairs = run.verified_pairs();
  if (!report.balanced() || report.counts.read != run.records()) {
    return Status(StatusCode::kInternal, "record accounting does not balance: read " + std::to_string(report.counts.read) +
                                             " != train + validation + test + dropped + rejected");
  }
  // Everything is written (and was hashed as it was). Give the files their names: any old
  // manifest goes first (it must never describe files of another run), the manifest comes
  // last, and a failed rename takes back the names already given, so a failed run leaves no
  // output under a final name.
  size_t manifest_file = file_names.size() - 1;
  for (size_t idx = 0; idx < manifest_file; ++idx) {
    DADEUM_RETURN_IF_ERROR(files[idx]->close());
    report.outputs.push_back({file_names[idx], lines[idx], files[idx]->bytes_written(), files[idx]->content_hash()});
  }
  DADEUM_RETURN_IF_ERROR(files[manifest_file]->write(manifest_json(inputs, options, report, run, input_hashes)));
  DADEUM_RETURN_IF_ERROR(files[manifest_file]->close());
  std::error_code ignored;
  fs::remove(fs::path(options.out_dir) / "manifest.json", ignored);
  std::vector<std::string> published;
  for (size_t idx = 0; idx <= manifest_file; ++idx) {
    Status status = files[idx]->publish();
    if (!status.is_ok()) {
      for (const std::string& path : published) fs::remove(path, ignored);
      return status;
    }
    published.push_back(files[idx]->path());
  }
  return report;
}

}  // namespace
}  // namespace dadeum
