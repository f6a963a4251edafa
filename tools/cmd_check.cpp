// dadeum check: prove that splits do not leak into each other or contain benchmark items.
#include <array>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>

#include "cli_common.hpp"
#include "commands.hpp"
#include "dadeum/leakage.hpp"

namespace dadeum::cli {
namespace {

struct CheckOptions {
  std::string train, validation, test;
  std::vector<std::string> against;
  std::string schema = "auto", map, against_schema = "auto", against_map;
  std::string kinds = "exact,prompt,near,ngram";
  double threshold = 0.8;
  uint32_t ngram = 10;
  std::string unit = "eojeol";
  uint32_t template_records = 10;
  uint64_t max_leaks = 0;
  std::string pairs;
  std::string rejects;  // rejects.jsonl path (optional)
  bool strict = false;  // stop at the first rejected record
  bool json = false;
  bool quiet = false;
  size_t threads = 0;
};

// --rejects and --strict, as for the other commands: the check passes every batch it reads here.
class CheckRejects {
 public:
  explicit CheckRejects(const CheckOptions& options) : options_(options) {}

  Status open() {
    if (options_.rejects.empty()) return Status::ok();
    auto file = AtomicFile::create(options_.rejects);
    if (!file.is_ok()) return file.status();
    file_.emplace(std::move(file.value()));
    return Status::ok();
  }
  Status observe(const Batch& batch, const std::string& path) {
    std::string lines;
    for (const Example& record : batch.records) {
      if (record.outcome.verdict != Verdict::kReject) continue;
      if (file_) append_reject_line(lines, record, path);
      if (options_.strict) {  // no report follows: the message names the record
        return Status(StatusCode::kStopped, "stopped at the first rejected record (--strict): " + describe_problem(record, path));
      }
    }
    return file_ ? file_->write(lines) : Status::ok();
  }
  Status commit() { return file_ ? file_->commit() : Status::ok(); }

 private:
  const CheckOptions& options_;
  std::optional<AtomicFile> file_;
};

// The JSON writers append to one buffer: a check can report hundreds of thousands of findings.
void append_ref_json(std::string& out, const LeakageReport& report, const RecordRef& ref) {
  out += "{\"file\":";
  append_json_string(out, report.file(ref));
  out += ",\"line\":";
  out += std::to_string(ref.line);
  out += ",\"id\":";
  append_json_string(out, ref.id);
  out += '}';
}

void append_finding_json(std::string& out, const LeakageReport& report, const LeakFinding& finding) {
  out += "{\"kind\":";
  append_json_string(out, leak_kind_name(finding.kind));
  out += ",\"pair\":";
  append_json_string(out, report.pair(finding));
  out += ",\"a\":";
  append_ref_json(out, report, finding.a);
  out += ",\"b\":";
  append_ref_json(out, report, finding.b);
  if (finding.kind == LeakKind::kNgram) {
    out += ",\"span_units\":";
    out += std::to_string(finding.span_units);
    out += ",\"shared_span\":";
    append_json_string(out, finding.shared_span);
  } else {
    char similarity[16];
    std::snprintf(similarity, sizeof similarity, "%.3f", finding.similarity);
    out += ",\"similarity\":";
    out += similarity;
  }
  out += '}';
}

std::string ref_json(const LeakageReport& report, const RecordRef& ref) {
  std::string out;
  append_ref_json(out, report, ref);
  return out;
}

std::string ref_text(const LeakageReport& report, const RecordRef& ref) {
  return report.file(ref) + ":" + std::to_string(ref.line) + (ref.id.empty() ? "" : " " + ref.id);
}

Result<ReadOptions> read_for(const std::string& schema, const std::string& map, size_t threads) {
  InputOptions input;
  input.schema = schema;
  input.map = map;
  input.threads = threads;
  return read_options_from(input);
}

int run_check(const CheckOptions& options) {
  LeakageOptions leakage;
  for (bool& kind : leakage.kinds) kind = false;
  size_t start = 0;
  while (start <= options.kinds.size()) {
    size_t comma = options.kinds.find(',', start);
    std::string kind = options.kinds.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? options.kinds.size() + 1 : comma + 1;
    bool known = false;
    for (int idx = 0; idx < 4; ++idx) {
      if (kind == leak_kind_name(LeakKind(idx))) leakage.kinds[idx] = known = true;
    }
    if (!known) {
      print_error("--kinds: unknown kind '" + kind + "' (exact, prompt, near, ngram)");
      return kExitUsage;
    }
  }
  if (options.unit != "eojeol" && options.unit != "char") {
    print_error("--ngram-unit must be eojeol or char");
    return kExitUsage;
  }
  leakage.unit = options.unit == "char" ? NgramUnit::kChar : NgramUnit::kEojeol;
  leakage.threshold = options.threshold;
  leakage.ngram = std::max<uint32_t>(1, options.ngram);
  leakage.template_records = options.template_records;
  auto split_read = read_for(options.schema, options.map, options.threads);
  auto against_read = read_for(options.against_schema, options.against_map, options.threads);
  if (!split_read.is_ok() || !against_read.is_ok()) {
    print_error(!split_read.is_ok() ? split_read.status().message() : against_read.status().message());
    return kExitUsage;
  }
  if (options.validation.empty() && options.against.empty()) {
    print_error("check needs --validation, --against, or both");
    return kExitUsage;
  }
  std::vector<CheckInput> inputs = {{"train", options.train, split_read.value()}};
  if (!options.validation.empty()) inputs.push_back({"validation", options.validation, split_read.value()});
  if (!options.test.empty()) inputs.push_back({"test", options.test, split_read.value()});
  for (const std::string& path : options.against) inputs.push_back({"against", path, against_read.value()});
  CheckRejects rejects(options);
  if (Status status = rejects.open(); !status.is_ok()) {
    print_error(status.message());
    return kExitUsage;
  }
  auto report = check_leakage(inputs, leakage, {options.threads},
                              [&](const Batch& batch, const std::string& path) { return rejects.observe(batch, path); });
  Status committed = report.is_ok() ? rejects.commit() : report.status();
  if (!committed.is_ok()) {
    print_error(committed.message());
    return exit_code_for(committed);
  }
  const LeakageReport& result = report.value();
  if (!options.quiet) {
    for (const auto& [problem, count] : result.rejects) print_error(problem);
  }
  // A file none of whose records could be read was not checked at all: "no findings" against
  // it would prove nothing, so the check fails instead of passing (typically a benchmark whose
  // fields need --against-map).
  for (const auto& [name, file_counts] : result.files) {
    if (file_counts.kept > 0 || file_counts.rejected == 0) continue;
    const bool against = name.starts_with("against:");
    print_error("no record of " + name.substr(name.find(':') + 1) + " could be read (" +
                std::to_string(file_counts.rejected) + " rejected" + (against ? "; --against-map names its fields" : "") +
                "): nothing was checked against it");
    return kExitUsage;
  }
  if (!options.pairs.empty()) {
    auto file = AtomicFile::create(options.pairs);
    std::string lines;
    for (const LeakFinding& finding : result.findings) {
      append_finding_json(lines, result, finding);
      lines += '\n';
    }
    Status status = file.is_ok() ? file.value().write(lines) : file.status();
    if (status.is_ok()) status = file.value().commit();
    if (!status.is_ok()) {
      print_error(status.message());
      return kExitUsage;
    }
  }
  std::map<std::string, std::map<std::string, uint64_t>> per_pair;  // pair -> kind -> count
  std::vector<std::array<uint64_t, 4>> counts(result.pair_names.size());  // by pair, then LeakKind
  for (const LeakFinding& finding : result.findings) ++counts[finding.pair][static_cast<size_t>(finding.kind)];
  for (size_t pair = 0; pair < counts.size(); ++pair) {
    for (size_t kind = 0; kind < 4; ++kind) {
      if (counts[pair][kind] > 0) per_pair[result.pair_names[pair]][std::string(leak_kind_name(LeakKind(kind)))] = counts[pair][kind];
    }
  }
  if (options.json) {
    std::string out = "{\"findings\":" + std::to_string(result.findings.size()) + ",\"by_pair\":{";
    bool first = true;
    for (const auto& [pair, kinds] : per_pair) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, pair);
      out += ":{";
      bool first_kind = true;
      for (const auto& [kind, count] : kinds) {
        if (!first_kind) out += ',';
        first_kind = false;
        append_json_string(out, kind);
        out += ':' + std::to_string(count);
      }
      out += '}';
    }
    out += "},\"within_split_duplicates\":[";
    for (size_t idx = 0; idx < result.within.size(); ++idx) {
      if (idx) out += ',';
      out += "{\"split\":";
      append_json_string(out, result.within[idx].role);
      out += ",\"a\":" + ref_json(result, result.within[idx].a) + ",\"b\":" + ref_json(result, result.within[idx].b) + "}";
    }
    out += "],\"templates_skipped\":" + std::to_string(result.templates_skipped) + ",\"rejected\":" +
           std::to_string(result.rejects.size()) + ",\"details\":[";
    for (size_t idx = 0; idx < result.findings.size(); ++idx) {
      if (idx) out += ',';
      append_finding_json(out, result, result.findings[idx]);
      if (out.size() > (1u << 20)) {  // written in pieces: the details can run to gigabytes
        std::cout << out;
        out.clear();
      }
    }
    out += "]}\n";
    std::cout << out;
  } else {
    std::cout << "findings: " << result.findings.size() << " (max allowed " << options.max_leaks << ")\n";
    for (const auto& [pair, kinds] : per_pair) {
      std::cout << "  " << pair << ':';
      for (const auto& [kind, count] : kinds) std::cout << ' ' << kind << ' ' << count;
      std::cout << '\n';
    }
    std::cout << "within-split duplicates: " << result.within.size() << '\n';
    for (const WithinDuplicate& duplicate : result.within) {
      std::cout << "  " << duplicate.role << ": " << ref_text(result, duplicate.a) << " = " << ref_text(result, duplicate.b) << '\n';
    }
    for (const LeakFinding& finding : result.findings) {
      std::cout << leak_kind_name(finding.kind) << '\t' << ref_text(result, finding.a) << "  ~  " << ref_text(result, finding.b);
      if (finding.kind == LeakKind::kNgram) {
        std::cout << "\tshared " << finding.span_units << (options.unit == "char" ? " chars: " : " 어절: ") << finding.shared_span.substr(0, 240);
      } else {
        char similarity[16];
        std::snprintf(similarity, sizeof similarity, "%.3f", finding.similarity);
        std::cout << "\tsimilarity " << similarity;
      }
      std::cout << '\n';
    }
  }
  return result.findings.size() <= options.max_leaks ? kExitOk : kExitFindings;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* command = app.add_subcommand("check", "Find leakage between splits and against benchmarks (exit 1 on findings)");
  command->footer(
      "Kinds: exact (same canonical example), prompt (same prompt, any answer), near (verified\n"
      "Jaccard >= --threshold), ngram (a shared run of --ngram 어절; spans many records of one file\n"
      "share are templates, not evidence). One finding per record pair, under its strongest kind.\n"
      "Exit: 0 findings <= --max-leaks, 1 more (or a rejected record under --strict), 2 usage or\n"
      "fatal error.\n"
      "Examples:\n"
      "  dadeum check --train out/train.jsonl --validation out/validation.jsonl\n"
      "  dadeum check --train t.jsonl --validation v.jsonl --against bench.jsonl --against-map prompt=question --json\n"
      "  dadeum check --train t.jsonl --validation v.jsonl --kinds exact,prompt --pairs leaks.jsonl");
  command->add_option("--train", options->train, "Train file")->required();
  command->add_option("--validation", options->validation, "Validation file (may be left out with --against)");
  command->add_option("--test", options->test, "Test file");
  command->add_option("--against", options->against, "Benchmark / reference files");
  command->add_option("--schema", options->schema, "Schema of the splits")->capture_default_str();
  command->add_option("--map", options->map, "--map for the splits");
  command->add_option("--against-schema", options->against_schema, "Schema of the --against files")->capture_default_str();
  command->add_option("--against-map", options->against_map, "--map for the --against files (e.g. prompt=question)");
  command->add_option("--kinds", options->kinds, "Kinds to check")->capture_default_str();
  command->add_option("--threshold", options->threshold, "Near: Jaccard threshold")->capture_default_str();
  command->add_option("--ngram", options->ngram, "N-gram length in units")->capture_default_str();
  command->add_option("--ngram-unit", options->unit, "eojeol | char")->capture_default_str();
  command->add_option("--template-records", options->template_records, "An n-gram in this many records of a file is a template")
      ->capture_default_str();
  command->add_option("--max-leaks", options->max_leaks, "Findings allowed before exit 1")->capture_default_str();
  command->add_option("--pairs", options->pairs, "Write one JSON line per finding");
  command->add_option("--rejects", options->rejects, "Write the rejected records of every file (JSONL, with the reason)");
  command->add_flag("--strict", options->strict, "Stop at the first rejected record (exit 1)");
  command->add_flag("--json", options->json, "Report as JSON");
  command->add_flag("-q,--quiet", options->quiet, "No messages for rejected records");
  command->add_option("--threads", options->threads, "Worker threads (0: all cores)");
  command->callback([options, &exit_code] { exit_code = run_check(*options); });
}

}  // namespace dadeum::cli
