// `--config FILE` (prep, split): a recipe of options kept in a file next to a dataset.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace dadeum::cli {

//! When `args` (the command line without the program name) runs a command of `app` that has a
//! `--config` option and names a file with `--config FILE` or `--config=FILE`, inserts the
//! file's options right after the command name. The format (docs/prep.md, "Recipes"): one
//! `name = value` per line, the option's long name without `--` (`inputs` for the input
//! files); values are "strings", numbers, true/false, or [lists]; `#` starts a comment; a
//! `[section]` other than the command's name is skipped. An option also given on the command
//! line keeps the command line's value; list options (inputs, --against) add up. Returns an
//! error message naming the file and line, or "" when all is well (or there is no --config).
std::string expand_config_file(CLI::App& app, std::vector<std::string>& args);

}  // namespace dadeum::cli
