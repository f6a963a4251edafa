// One function per subcommand: it adds the subcommand to the app and, when run, stores the
// exit code.
#pragma once

#include <CLI/CLI.hpp>

namespace dadeum::cli {

void add_validate_command(CLI::App& app, int& exit_code);
void add_convert_command(CLI::App& app, int& exit_code);
void add_normalize_command(CLI::App& app, int& exit_code);
void add_dedup_command(CLI::App& app, int& exit_code);
void add_prep_command(CLI::App& app, int& exit_code);
void add_split_command(CLI::App& app, int& exit_code);
void add_check_command(CLI::App& app, int& exit_code);
void add_stats_command(CLI::App& app, int& exit_code);
void add_tokenizer_command(CLI::App& app, int& exit_code);

}  // namespace dadeum::cli
