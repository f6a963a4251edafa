// dadeum: dispatch to the subcommands. Each cmd_*.cpp parses its flags and calls the library.
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "commands.hpp"
#include "config_file.hpp"

#ifndef DADEUM_VERSION
#define DADEUM_VERSION "unknown"
#endif

namespace {

// `@FILE` arguments: each line of FILE is one argument (verbatim, no quoting; blank lines
// skipped). Lists of 10^5 input files then pass the kernel's limit on a command line.
// Returns false (with `bad` set) when a file cannot be read; `list_from_pipe` says whether a
// list was not a regular file (a pipe can be read only once).
bool expand_argument_files(int argc, char** argv, std::vector<std::string>& args, std::string& bad,
                           bool& list_from_pipe) {
  list_from_pipe = false;
  for (int idx = 1; idx < argc; ++idx) {
    const std::string arg = argv[idx];
    if (arg.size() < 2 || arg[0] != '@') {
      args.push_back(arg);
      continue;
    }
    struct stat info {};
    if (::stat(arg.c_str() + 1, &info) != 0 || !S_ISREG(info.st_mode)) list_from_pipe = true;
    std::ifstream in(arg.substr(1), std::ios::binary);
    if (!in) {
      bad = arg.substr(1);
      return false;
    }
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) args.push_back(line);
    }
  }
  return true;
}

// Keeps freed memory in the process for the next batch instead of giving it back to the
// kernel: on the VMs this runs on, a page touched for the first time costs about 13 us (a
// fault the host serves), and glibc's defaults unmapped every large batch buffer when it was
// freed and trimmed its heaps, so each new batch faulted its pages in again
// (docs/benchmarks.md: prep --no-near at 2 threads made 14,000 faults, 10,000 with this).
// Allocations of 32 MiB and more (the index's arrays) are still mapped on their own.
void keep_freed_memory() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
}

// Whether this run should restart with glibc's heap on transparent huge pages. Where a
// first-touched 4 KiB page costs a fault of about 13 us, a 2 MiB page is one fault for 512 of
// them: prep of the 100k corpus went from 15,600 faults to 4,500 and 0.89 to 0.82 s
// (docs/benchmarks.md). A small job would only pay for it (a second start and 2 MiB pages to
// clear: 17 -> 25 ms for the seed set), so: when the named files hold 64 MiB or more, or always
// with DADEUM_HUGE_PAGES=1; never with DADEUM_HUGE_PAGES=0, when the kernel gives huge pages to
// nobody, when the tunable is already set (this is the second start), or when an @FILE list is
// a pipe (this start has read it, the next could not).
bool huge_pages_pay_off(const std::vector<std::string>& args, bool list_from_pipe) {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.hugetlb") != nullptr) return false;
  if (list_from_pipe) return false;
  const char* wanted = std::getenv("DADEUM_HUGE_PAGES");
  const std::string choice = wanted != nullptr ? wanted : "";
  if (choice == "0") return false;
  if (choice != "1") {
    constexpr uint64_t kLargeInput = uint64_t{64} << 20;
    uint64_t bytes = 0;
    for (size_t idx = 0; idx < args.size() && bytes < kLargeInput; ++idx) {
      struct stat info {};
      if (::stat(args[idx].c_str(), &info) == 0 && S_ISREG(info.st_mode)) bytes += static_cast<uint64_t>(info.st_size);
    }
    if (bytes < kLargeInput) return false;
  }
  std::ifstream mode("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  return std::getline(mode, modes) && modes.find("[never]") == std::string::npos;
}

// Runs this program again with glibc.malloc.hugetlb=1 added to GLIBC_TUNABLES: glibc reads its
// tunables only at startup. Not under the sanitizers (their allocator is not glibc's). If the
// exec fails, the run goes on as it is.
void restart_with_huge_pages(char** argv) {
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  const std::string old_value = tunables != nullptr ? tunables : "";
  const std::string value = (old_value.empty() ? "" : old_value + ":") + "glibc.malloc.hugetlb=1";
  if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  if (tunables != nullptr) ::setenv("GLIBC_TUNABLES", old_value.c_str(), 1);  // exec failed: as before
  else ::unsetenv("GLIBC_TUNABLES");
#else
  (void)argv;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  keep_freed_memory();
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe becomes a write error, reported once
  CLI::App app{"dadeum (다듬) — clean, deduplicate and split Korean instruction data"};
  app.set_version_flag("--version", "dadeum " DADEUM_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  int exit_code = dadeum::cli::kExitOk;

  CLI::App* help = app.add_subcommand("help", "Show the commands, or one command's help");
  std::string help_topic;
  help->add_option("command", help_topic, "Command to explain");

  dadeum::cli::add_prep_command(app, exit_code);
  dadeum::cli::add_split_command(app, exit_code);
  dadeum::cli::add_check_command(app, exit_code);
  dadeum::cli::add_stats_command(app, exit_code);
  dadeum::cli::add_tokenizer_command(app, exit_code);
  dadeum::cli::add_validate_command(app, exit_code);
  dadeum::cli::add_convert_command(app, exit_code);
  dadeum::cli::add_normalize_command(app, exit_code);
  dadeum::cli::add_dedup_command(app, exit_code);

  std::vector<std::string> args;
  std::string bad_file;
  bool list_from_pipe = false;
  if (!expand_argument_files(argc, argv, args, bad_file, list_from_pipe)) {
    dadeum::cli::print_error("cannot read argument file " + bad_file);
    return dadeum::cli::kExitUsage;
  }
  if (std::string error = dadeum::cli::expand_config_file(app, args); !error.empty()) {
    dadeum::cli::print_error(error);
    return dadeum::cli::kExitUsage;
  }
  if (huge_pages_pay_off(args, list_from_pipe)) restart_with_huge_pages(argv);
  try {
    app.name(argv[0]);
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e, std::cerr, std::cerr);
    return dadeum::cli::kExitUsage;
  }
  if (help->parsed()) {
    app.clear();  // otherwise CLI11 prints the help of the parsed 'help' subcommand
    if (help_topic.empty()) {
      std::cout << app.help();
      return 0;
    }
    try {
      std::cout << app.get_subcommand(help_topic)->help();
      return 0;
    } catch (const CLI::OptionNotFound&) {
      dadeum::cli::print_error("no command '" + help_topic + "'");
      return dadeum::cli::kExitUsage;
    }
  }
  return exit_code;
}
