// Small helpers shared by the tests: temporary files, reading files, running the CLI.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dadeum/pipeline.hpp"
#include "dadeum/reader.hpp"

namespace dadeum::testing {

//! A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dadeum-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) lines.push_back(line);
  return lines;
}

//! Result of running a shell command: exit code and what it printed.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

//! Runs `args` (already shell-quoted) through /bin/sh with the dadeum binary first.
inline CommandResult run_cli(const std::string& args, const std::string& stdin_file = "") {
  TempDir dir;
  std::string out = dir.file("out"), err = dir.file("err");
  std::string command = std::string(DADEUM_CLI) + " " + args + " >" + out + " 2>" + err;
  if (!stdin_file.empty()) command += " <" + stdin_file;
  int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

//! Reads every record of `paths` through the real pipeline and returns them per batch.
struct ReadAll {
  Status status;
  Counts counts;
  std::vector<InputInfo> inputs;
  std::vector<std::unique_ptr<Batch>> batches;
};

//! Streams `paths` through the pipeline (parse only) and keeps every batch.
inline ReadAll read_all_records(const std::vector<std::string>& paths, ReadOptions options = {},
                                size_t threads = 2, const BatchStage& stage = nullptr) {
  ReadAll all;
  auto reader = InputReader::open(paths, std::move(options));
  if (!reader.is_ok()) {
    all.status = reader.status();
    return all;
  }
  all.status = run_stream(*reader.value(), {threads}, stage, [&](Batch& batch) {
    auto kept = std::make_unique<Batch>();
    kept->sequence = batch.sequence;
    kept->source = batch.source;
    kept->schema = batch.schema;
    kept->buffer = std::move(batch.buffer);  // heap buffer moves: record views stay valid
    kept->records = std::move(batch.records);
    kept->output = std::move(batch.output);
    all.batches.push_back(std::move(kept));
    return Status::ok();
  }, all.counts);
  all.inputs = reader.value()->inputs();
  return all;
}

//! Every record of a ReadAll, in order.
inline std::vector<const Example*> records_of(const ReadAll& all) {
  std::vector<const Example*> records;
  for (const auto& batch : all.batches) {
    for (const Example& record : batch->records) records.push_back(&record);
  }
  return records;
}

inline std::string source_path(const std::string& relative) { return std::string(DADEUM_SOURCE_DIR) + "/" + relative; }
inline std::string shared_data(const std::string& relative) { return std::string(DADEUM_SHARED_DATA) + "/" + relative; }
inline bool exists(const std::string& path) { return std::filesystem::exists(path); }

}  // namespace dadeum::testing
