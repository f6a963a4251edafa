// Pieces shared by the subcommands: input options, reject reporting, exit codes.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dadeum/pipeline.hpp"
#include "dadeum/reader.hpp"
#include "dadeum/writer.hpp"

namespace dadeum::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;  //!< rejects found (validate), leaks, or --strict stop
inline constexpr int kExitUsage = 2;     //!< usage or fatal error

//! Options every command that reads records takes.
struct InputOptions {
  std::vector<std::string> inputs;  //!< files; "-" is stdin
  std::string schema = "auto";      //!< alpaca, sharegpt, messages, prompt-completion or auto
  std::string map;                  //!< --map target=source,...
  size_t max_line_bytes = 64u << 20;
  size_t threads = 0;               //!< 0: all cores
  bool strict = false;              //!< stop at the first reject
  bool quiet = false;               //!< no per-record messages, no summary on stderr
  std::string rejects;              //!< rejects.jsonl path (optional)
};

void add_input_options(CLI::App& command, InputOptions& options);

//! Prints "dadeum: <message>" on stderr.
void print_error(const std::string& message);

//! Turns the command-line strings into ReadOptions, or an error message.
Result<ReadOptions> read_options_from(const InputOptions& options);

//! Reports rejects as they reach the sink: a stderr line each and a line in the rejects file.
class RejectReporter {
 public:
  RejectReporter(const InputOptions& options, const InputReader& reader) : options_(options), reader_(reader) {}
  Status open();  //!< opens the rejects file when one was asked for
  //! Call from the sink for every batch; returns kStopped under --strict at the first reject.
  Status report(const Batch& batch);
  Status commit();
  const std::map<std::string, uint64_t>& by_code() const { return by_code_; }

 private:
  const InputOptions& options_;
  const InputReader& reader_;
  std::optional<AtomicFile> file_;
  std::map<std::string, uint64_t> by_code_;
};

//! The closing line: "dadeum: read N = written W + dropped D + rejected R".
void print_counts(const Counts& counts, const char* kept_word);

//! Exit code for a library error: stopped runs are findings (1), others fatal (2).
int exit_code_for(const Status& status);

}  // namespace dadeum::cli
