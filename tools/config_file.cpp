// `--config FILE`: reads the recipe and turns it into command-line arguments, so that CLI11
// checks its values exactly as it checks the command line's.
#include "config_file.hpp"

#include <fstream>
#include <string_view>

namespace dadeum::cli {
namespace {

// One `name = value` line of the file.
struct Setting {
  std::string name;
  std::vector<std::string> values;
  bool list = false;  // written as [ ... ]
  size_t line = 0;
};

bool is_space(char c) { return c == ' ' || c == '\t'; }

void skip_spaces(std::string_view text, size_t& pos) {
  while (pos < text.size() && is_space(text[pos])) ++pos;
}

std::string_view trim(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

// Reads one value at `pos`: a "string" (escapes \" \\ \n \t), a 'literal', or a bare word
// (number, true, false) up to a comma, a closing bracket, a comment or the end. False when
// a quoted value is not closed or the value is empty.
bool read_scalar(std::string_view text, size_t& pos, std::string& out) {
  out.clear();
  skip_spaces(text, pos);
  if (pos >= text.size()) return false;
  const char quote = text[pos];
  if (quote == '"' || quote == '\'') {
    for (++pos; pos < text.size(); ++pos) {
      char c = text[pos];
      if (c == quote) {
        ++pos;
        return true;
      }
      if (quote == '"' && c == '\\' && pos + 1 < text.size()) {
        c = text[++pos];
        out += c == 'n' ? '\n' : c == 't' ? '\t' : c;  // \" and \\ are themselves
        continue;
      }
      out += c;
    }
    return false;
  }
  const size_t begin = pos;
  while (pos < text.size() && text[pos] != ',' && text[pos] != ']' && text[pos] != '#') ++pos;
  out = std::string(trim(text.substr(begin, pos - begin)));
  return !out.empty();
}

// The settings of `path` that apply to `command`; an error message, or "".
std::string read_settings(const std::string& path, const std::string& command, std::vector<Setting>& settings) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot read config file " + path;
  std::string raw;
  size_t number = 0;
  bool applies = true;  // outside any section, or in the command's own
  while (std::getline(in, raw)) {
    ++number;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    std::string_view line = trim(raw);
    if (!line.empty() && line.back() == '\r') line = trim(line.substr(0, line.size() - 1));
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      const size_t close = line.find(']');
      if (close == std::string_view::npos) return where + "a section name needs its closing ']'";
      applies = trim(line.substr(1, close - 1)) == command;
      continue;
    }
    const size_t equals = line.find('=');
    if (equals == std::string_view::npos) return where + "expected 'name = value'";
    Setting setting;
    setting.name = std::string(trim(line.substr(0, equals)));
    setting.line = number;
    if (setting.name.starts_with("--")) setting.name.erase(0, 2);  // "--seed = 7" as written on a command line
    std::string_view text = line.substr(equals + 1);
    size_t pos = 0;
    skip_spaces(text, pos);
    std::string value;
    if (pos < text.size() && text[pos] == '[') {
      setting.list = true;
      ++pos;
      skip_spaces(text, pos);
      while (pos < text.size() && text[pos] != ']') {
        if (!read_scalar(text, pos, value)) return where + "a list value is empty or its quote is not closed";
        setting.values.push_back(value);
        skip_spaces(text, pos);
        if (pos < text.size() && text[pos] == ',') ++pos;
        skip_spaces(text, pos);
      }
      if (pos >= text.size()) return where + "a list needs its closing ']'";
      ++pos;
    } else {
      if (!read_scalar(text, pos, value)) return where + "'" + setting.name + "' has no value (or its quote is not closed)";
      setting.values.push_back(value);
    }
    skip_spaces(text, pos);
    if (pos < text.size() && text[pos] != '#') return where + "unexpected text after the value";
    if (applies) settings.push_back(std::move(setting));
  }
  return "";
}

// Whether the command line after `from` gives `option` itself (--name, --name=..., -n, -nVALUE).
bool on_command_line(const CLI::Option& option, const std::vector<std::string>& args, size_t from) {
  for (size_t idx = from; idx < args.size(); ++idx) {
    const std::string& arg = args[idx];
    for (const std::string& name : option.get_lnames()) {
      if (arg == "--" + name || arg.starts_with("--" + name + "=")) return true;
    }
    for (const std::string& name : option.get_snames()) {
      if (arg.size() >= 2 && arg[0] == '-' && arg[1] != '-' && arg.compare(1, name.size(), name) == 0) return true;
    }
  }
  return false;
}

}  // namespace

std::string expand_config_file(CLI::App& app, std::vector<std::string>& args) {
  size_t at = 0;  // the command's name
  while (at < args.size() && args[at].starts_with("-")) ++at;
  if (at == args.size()) return "";
  CLI::App* command = nullptr;
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == args[at]) command = sub;
  }
  if (command == nullptr || command->get_option_no_throw("--config") == nullptr) return "";
  std::string path;
  for (size_t idx = at + 1; idx < args.size(); ++idx) {
    std::string found;
    if (args[idx] == "--config" && idx + 1 < args.size()) found = args[idx + 1];
    else if (args[idx].starts_with("--config=")) found = args[idx].substr(9);
    else continue;
    if (!path.empty()) return "--config is given twice";
    path = found;
  }
  if (path.empty()) return "";
  std::vector<Setting> settings;
  if (std::string error = read_settings(path, command->get_name(), settings); !error.empty()) return error;
  std::vector<std::string> inserted;
  for (const Setting& setting : settings) {
    const std::string where = path + ":" + std::to_string(setting.line) + ": ";
    const bool positional = setting.name == "inputs";
    const CLI::Option* option = command->get_option_no_throw(positional ? setting.name : "--" + setting.name);
    if (option == nullptr || setting.name == "config" || setting.name == "help") {
      return where + "'" + setting.name + "' is not an option of dadeum " + command->get_name();
    }
    const bool list = option->get_expected_max() > 1;
    if (setting.list && !list) return where + "'" + setting.name + "' takes one value, not a list";
    if (!list && on_command_line(*option, args, at + 1)) continue;  // the command line wins
    if (option->get_type_size_max() == 0) {  // a flag: "--force=false" is CLI11's spelling too
      const std::string& value = setting.values.empty() ? "" : setting.values[0];
      if (value != "true" && value != "false") return where + "'" + setting.name + "' is true or false";
    }
    // "--name=value", one value each: a bare "--name" of a list would take the command line's
    // next arguments too.
    for (const std::string& value : setting.values) inserted.push_back(positional ? value : "--" + setting.name + "=" + value);
  }
  args.insert(args.begin() + static_cast<std::ptrdiff_t>(at) + 1, inserted.begin(), inserted.end());
  return "";
}

}  // namespace dadeum::cli
