#include "dadeum/example.hpp"

#include <array>
#include <utility>

namespace dadeum {

namespace {
constexpr std::array<std::pair<Schema, std::string_view>, 5> kSchemaNames{{
    {Schema::kAuto, "auto"},
    {Schema::kAlpaca, "alpaca"},
    {Schema::kShareGpt, "sharegpt"},
    {Schema::kMessages, "messages"},
    {Schema::kPromptCompletion, "prompt-completion"},
}};
}  // namespace

std::string_view schema_name(Schema schema) {
  for (const auto& [value, name] : kSchemaNames) {
    if (value == schema) return name;
  }
  return "auto";
}

std::optional<Schema> parse_schema(std::string_view name) {
  for (const auto& [value, known] : kSchemaNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kSystem: return "system";
    case Role::kUser: return "user";
    case Role::kAssistant: return "assistant";
    case Role::kTool: return "tool";
  }
  return "user";
}

bool Example::changed() const {
  for (const Turn& turn : turns) {
    if (turn.changed) return true;
  }
  return false;
}

void Example::reject(std::string stage, std::string code, std::string message) {
  outcome = Outcome{Verdict::kReject, std::move(stage), std::move(code), std::move(message), {}, 0};
}

void Example::drop(std::string stage, std::string code, std::string message) {
  outcome = Outcome{Verdict::kDrop, std::move(stage), std::move(code), std::move(message), {}, 0};
}

}  // namespace dadeum
