#include "cli_common.hpp"

#include <iostream>

namespace dadeum::cli {

void add_input_options(CLI::App& command, InputOptions& options) {
  command.add_option("inputs", options.inputs, "Input files (.jsonl, .json, .csv, .tsv; .gz/.zst); '-' is stdin")
      ->required();
  command.add_option("--schema", options.schema, "alpaca | sharegpt | messages | prompt-completion | auto")
      ->capture_default_str();
  command.add_option("--map", options.map, "Field names: target=source,... e.g. instruction=질문,output=답변 (dotted paths)");
  command.add_option("--rejects", options.rejects, "Write every rejected record to this JSONL file");
  command.add_option("--max-line-bytes", options.max_line_bytes, "Longest record accepted")->capture_default_str();
  command.add_option("--threads", options.threads, "Worker threads (0: all cores)")->capture_default_str();
  command.add_flag("--strict", options.strict, "Stop at the first rejected record (exit 1)");
  command.add_flag("-q,--quiet", options.quiet, "No per-record messages or summary on stderr");
}

void print_error(const std::string& message) { std::cerr << "dadeum: " << message << '\n'; }

Result<ReadOptions> read_options_from(const InputOptions& options) {
  ReadOptions read;
  std::optional<Schema> schema = parse_schema(options.schema);
  if (!schema) return invalid_argument("--schema '" + options.schema + "' is unknown");
  read.schema = *schema;
  if (!options.map.empty()) {
    Result<std::vector<FieldMapping>> map = parse_field_map(options.map);
    if (!map.is_ok()) return map.status();
    read.map = std::move(map.value());
  }
  if (options.max_line_bytes < 16) return invalid_argument("--max-line-bytes must be at least 16");
  read.max_line_bytes = options.max_line_bytes;
  return read;
}

Status RejectReporter::open() {
  if (options_.rejects.empty()) return Status::ok();
  DADEUM_RETURN_IF_ERROR(check_not_an_input(options_.rejects, options_.inputs));
  Result<AtomicFile> file = AtomicFile::create(options_.rejects);
  if (!file.is_ok()) return file.status();
  file_.emplace(std::move(file.value()));
  return Status::ok();
}

Status RejectReporter::report(const Batch& batch) {
  std::string lines;
  for (const Example& record : batch.records) {
    if (record.outcome.verdict != Verdict::kReject) continue;
    const std::string& source = reader_.inputs()[record.where.source].display;
    ++by_code_[record.outcome.code];
    if (!options_.quiet) print_error(describe_problem(record, source));
    if (file_) append_reject_line(lines, record, source);
    if (options_.strict) {
      if (file_) DADEUM_RETURN_IF_ERROR(file_->write(lines));
      return Status(StatusCode::kStopped, "stopped at the first rejected record (--strict)");
    }
  }
  if (file_) return file_->write(lines);
  return Status::ok();
}

Status RejectReporter::commit() {
  if (file_) return file_->commit();
  return Status::ok();
}

void print_counts(const Counts& counts, const char* kept_word) {
  std::cerr << "dadeum: read " << counts.read << " = " << kept_word << ' ' << counts.kept << " + dropped "
            << counts.dropped << " + rejected " << counts.rejected << (counts.balanced() ? "" : "  (UNBALANCED)")
            << '\n';
}

int exit_code_for(const Status& status) {
  if (status.is_ok()) return kExitOk;
  return status.code() == StatusCode::kStopped ? kExitFindings : kExitUsage;
}

}  // namespace dadeum::cli
