// Parsing and validating one record: simdjson checks the JSON (UTF-8 included), the schema
// adapter maps the fields to turns, and json_spans remembers where each text sits in the
// line so that the writer can patch it. Every problem becomes a reject with a code.
#include <simdjson.h>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "dadeum/reader.hpp"
#include "detail/json_spans.hpp"
#include "detail/schema_detect.hpp"

namespace dadeum {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
constexpr std::string_view kStage = "parse";

std::string_view type_name(element_type type) {
  switch (type) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

// By value: ranging over value_unsafe() of a temporary result would dangle.
simdjson::dom::object as_object(element value) {
  simdjson::dom::object object;
  auto error = value.get_object().get(object);
  (void)error;
  return object;
}
simdjson::dom::array as_array(element value) {
  simdjson::dom::array array;
  auto error = value.get_array().get(array);
  (void)error;
  return array;
}

// The keys that lead to a field: the --map entry's path, or the field's own name at the top
// level. A view: looking a field up allocates nothing.
struct FieldPath {
  const std::vector<std::string>* mapped = nullptr;
  std::string_view name;
  size_t size() const { return mapped != nullptr ? mapped->size() : 1; }
  std::string_view operator[](size_t depth) const { return mapped != nullptr ? std::string_view((*mapped)[depth]) : name; }
};

std::string join_path(const FieldPath& path) {
  std::string out;
  for (size_t depth = 0; depth < path.size(); ++depth) {
    if (!out.empty()) out += '.';
    out += path[depth];
  }
  return out;
}

// Vectors the adapter fills for every record, kept per thread so that their capacity stays.
struct AdapterScratch {
  std::vector<detail::MemberSpan> spans, turn_spans;
  std::vector<std::string_view> keys;
  std::vector<element> values;
};

// A value found at a path: the DOM element and where its text is.
struct Located {
  bool found = false;
  element value;
  Span span;
  int top_member = -1;  //!< index of the top-level member when the path has one key
};

class RecordAdapter {
 public:
  RecordAdapter(Example& example, const std::vector<FieldMapping>& map, bool decode_text, AdapterScratch& scratch)
      : ex_(example),
        map_(map),
        decode_text_(decode_text),
        spans_(scratch.spans),
        turn_spans_(scratch.turn_spans),
        keys_(scratch.keys),
        values_(scratch.values) {}

  // Returns false when the record was rejected.
  bool load(element root) {
    root_ = root;
    Span whole = detail::root_span(ex_.raw);
    detail::object_members(ex_.raw, whole, spans_);
    keys_.clear();
    values_.clear();
    ex_.members.reserve(spans_.size());
    simdjson::dom::object object = as_object(root);
    size_t idx = 0;
    for (auto field : object) {
      if (idx >= spans_.size()) break;
      for (size_t other = 0; other < keys_.size(); ++other) {
        if (keys_[other] == field.key) {
          return fail("duplicate_field", "field '" + std::string(field.key) + "' appears twice");
        }
      }
      keys_.push_back(field.key);
      values_.push_back(field.value);
      ex_.members.push_back({spans_[idx].key, spans_[idx].value, false});
      ++idx;
    }
    if (keys_.size() != spans_.size()) return fail("invalid_json", "could not index the record's fields");
    return true;
  }

  const std::vector<std::string_view>& keys() const { return keys_; }

  bool adapt(Schema schema) {
    ex_.schema = schema;
    ex_.renamed = renames_fields(map_);
    ex_.turns.reserve(4);  // the alpaca fields; a dialogue reserves its own count
    read_id();
    switch (schema) {
      case Schema::kAlpaca:
        return text_field("instruction", Slot::kInstruction, Role::kUser, true) &&
               text_field("input", Slot::kInput, Role::kUser, false) &&
               text_field("system", Slot::kSystem, Role::kSystem, false) &&
               text_field("output", Slot::kOutput, Role::kAssistant, true) && order_alpaca();
      case Schema::kPromptCompletion:
        return text_field("system", Slot::kSystem, Role::kSystem, false) &&
               text_field("prompt", Slot::kPrompt, Role::kUser, true) &&
               text_field("completion", Slot::kCompletion, Role::kAssistant, true);
      case Schema::kMessages:
        return dialogue("messages", false);
      case Schema::kShareGpt:
        return dialogue("conversations", true);
      case Schema::kAuto:
        break;
    }
    return fail("missing_field",
                "no known schema: expected instruction/output, conversations, messages or "
                "prompt/completion fields (use --schema or --map)");
  }

 private:
  bool fail(std::string code, std::string message) {
    ex_.reject(std::string(kStage), std::move(code), std::move(message));
    return false;
  }

  const FieldMapping* mapping(std::string_view target) const {
    for (const FieldMapping& entry : map_) {
      if (entry.target == target) return &entry;
    }
    return nullptr;
  }

  FieldPath path_for(std::string_view target) const {
    if (const FieldMapping* entry = mapping(target)) return {&entry->path, {}};
    return {nullptr, target};
  }

  // With --map, the fields the user named are the required ones; without, the schema's.
  bool is_required(std::string_view target, bool schema_requires) const {
    if (map_.empty()) return schema_requires;
    return mapping(target) != nullptr;
  }

  Located locate(const FieldPath& path) const {
    Located at;
    for (size_t idx = 0; idx < keys_.size(); ++idx) {
      if (keys_[idx] == path[0]) {
        at = {true, values_[idx], spans_[idx].value, static_cast<int>(idx)};
        break;
      }
    }
    for (size_t depth = 1; at.found && depth < path.size(); ++depth) {
      at.top_member = -1;
      at.found = false;
      const std::string_view key = path[depth];
      if (at.value.is_object()) {
        auto spans = detail::object_members(ex_.raw, at.span);
        size_t idx = 0;
        for (auto field : as_object(at.value)) {
          if (idx < spans.size() && field.key == key) {
            at = {true, field.value, spans[idx].value, -1};
            break;
          }
          ++idx;
        }
      } else if (at.value.is_array()) {
        size_t index = 0;
        auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
        if (ec != std::errc() || end != key.data() + key.size()) return at;
        auto spans = detail::array_elements(ex_.raw, at.span);
        simdjson::dom::array array = as_array(at.value);
        if (index < spans.size()) at = {true, array.at(index).value_unsafe(), spans[index], -1};
      }
    }
    return at;
  }

  void mark_known(const Located& at) {
    if (at.top_member >= 0) ex_.members[static_cast<size_t>(at.top_member)].known = true;
  }

  void read_id() {
    Located at = locate(path_for("id"));
    if (!at.found) return;
    if (at.value.is_string()) {
      ex_.id = std::string(at.value.get_string().value_unsafe());
    } else if (at.value.is_number()) {
      ex_.id = std::string(ex_.raw.substr(at.span.begin, at.span.end - at.span.begin));
    }
  }

  Turn make_turn(Role role, Slot slot, element value, Span span) const {
    Turn turn;
    turn.role = role;
    turn.slot = slot;
    if (decode_text_) turn.text = std::string(value.get_string().value_unsafe());
    turn.token = span;
    return turn;
  }

  // Reads a text field: a string (or, when mapped, an array of strings: one turn each).
  bool text_field(std::string_view target, Slot slot, Role role, bool schema_requires) {
    const FieldPath path = path_for(target);
    bool required = is_required(target, schema_requires);
    Located at = locate(path);
    if (!at.found) {
      if (required) return fail("missing_field", "missing field '" + join_path(path) + "'");
      return true;
    }
    mark_known(at);
    if (at.value.is_null() && !required) return true;
    if (at.value.is_string()) {
      bool may_be_empty = slot == Slot::kInput || slot == Slot::kSystem;  // "" means none
      if (required && !may_be_empty && at.value.get_string().value_unsafe().empty()) {
        return fail("empty_text", "field '" + join_path(path) + "' is empty");
      }
      ex_.turns.push_back(make_turn(role, slot, at.value, at.span));
      return true;
    }
    if (at.value.is_array() && mapping(target) != nullptr) {
      auto spans = detail::array_elements(ex_.raw, at.span);
      size_t idx = 0;
      for (element item : as_array(at.value)) {
        if (!item.is_string()) {
          return fail("wrong_type", "field '" + join_path(path) + "[" + std::to_string(idx) + "]' is " +
                                        std::string(type_name(item.type())) + ", expected a string");
        }
        ex_.turns.push_back(make_turn(role, slot, item, spans[idx]));
        ++idx;
      }
      if (idx == 0 && required) return fail("empty_text", "field '" + join_path(path) + "' is an empty array");
      return true;
    }
    return fail("wrong_type", "field '" + join_path(path) + "' is " + std::string(type_name(at.value.type())) +
                                  ", expected a string");
  }

  // The alpaca turns in prompt order: system, instruction, input, output.
  bool order_alpaca() {
    auto before = [](const Turn& a, const Turn& b) {
      auto rank = [](Slot slot) {
        switch (slot) {
          case Slot::kSystem: return 0;
          case Slot::kInstruction: return 1;
          case Slot::kInput: return 2;
          default: return 3;
        }
      };
      return rank(a.slot) < rank(b.slot);
    };
    // Usually in order already; std::stable_sort would allocate a buffer for every record.
    if (std::is_sorted(ex_.turns.begin(), ex_.turns.end(), before)) return true;
    std::stable_sort(ex_.turns.begin(), ex_.turns.end(), before);
    return true;
  }

  static std::optional<Role> role_from_name(std::string_view name, bool sharegpt) {
    if (name == "system") return Role::kSystem;
    if (name == "user" || (sharegpt && name == "human")) return Role::kUser;
    if (name == "assistant" || (sharegpt && (name == "gpt" || name == "chatgpt" || name == "bard")))
      return Role::kAssistant;
    if (name == "tool" || (sharegpt && (name == "function" || name == "observation"))) return Role::kTool;
    return std::nullopt;
  }

  bool dialogue(std::string_view target, bool sharegpt) {
    const FieldPath path = path_for(target);
    const std::string name = join_path(path);
    Located at = locate(path);
    if (!at.found) return fail("missing_field", "missing field '" + name + "'");
    mark_known(at);
    if (!at.value.is_array()) {
      return fail("wrong_type", "field '" + name + "' is " + std::string(type_name(at.value.type())) +
                                    ", expected an array of turns");
    }
    auto spans = detail::array_elements(ex_.raw, at.span);
    ex_.turns.reserve(spans.size());
    size_t idx = 0;
    for (element item : as_array(at.value)) {
      auto where = [&name, idx] { return name + "[" + std::to_string(idx) + "]"; };  // built only for a message
      if (!item.is_object()) {
        return fail("wrong_type", where() + " is " + std::string(type_name(item.type())) + ", expected an object");
      }
      if (!read_turn(item, spans[idx], where, sharegpt)) return false;
      ++idx;
    }
    if (idx == 0) return fail("empty_text", "field '" + name + "' has no turns");
    return check_role_order();
  }

  template <typename Where>
  bool read_turn(element item, Span span, const Where& where, bool sharegpt) {
    std::vector<detail::MemberSpan>& members = turn_spans_;
    detail::object_members(ex_.raw, span, members);
    std::string_view role_key = sharegpt ? "from" : "role";
    std::string_view text_key = sharegpt ? "value" : "content";
    std::optional<element> role_value, text_value;
    Span text_span;
    bool has_tool_calls = false;
    size_t idx = 0;
    for (auto field : as_object(item)) {
      std::string_view key = field.key;
      if (key == role_key || (sharegpt && key == "role")) {
        role_value = field.value;
      } else if (key == text_key || (sharegpt && key == "content")) {
        text_value = field.value;
        text_span = members[idx].value;
      } else {
        ex_.turn_extras = true;
        if (key == "tool_calls" || key == "function_call") has_tool_calls = true;
      }
      ++idx;
    }
    if (!role_value) return fail("missing_field", where() + " has no '" + std::string(role_key) + "'");
    if (!role_value->is_string()) return fail("wrong_type", where() + "." + std::string(role_key) + " is not a string");
    std::string_view role_text = role_value->get_string().value_unsafe();
    std::optional<Role> role = role_from_name(role_text, sharegpt);
    if (!role) return fail("unknown_role", where() + " has unknown role '" + std::string(role_text) + "'");
    if (!text_value) return fail("missing_field", where() + " has no '" + std::string(text_key) + "'");
    Turn turn;
    turn.role = *role;
    turn.slot = Slot::kMessage;
    if (text_value->is_string()) {
      std::string_view text = text_value->get_string().value_unsafe();
      if (decode_text_) turn.text = std::string(text);
      turn.token = text_span;
      if (text.empty() && !(has_tool_calls && *role == Role::kAssistant)) {
        return fail("empty_text", where() + "." + std::string(text_key) + " is empty");
      }
    } else if (!(text_value->is_null() && has_tool_calls)) {
      return fail("wrong_type", where() + "." + std::string(text_key) + " is " +
                                    std::string(type_name(text_value->type())) + ", expected a string");
    }
    ex_.turns.push_back(std::move(turn));
    return true;
  }

  // System turns first, then user and assistant alternating (tool results after an
  // assistant turn), ending with an assistant answer.
  bool check_role_order() {
    bool started = false;
    std::optional<Role> previous;
    bool has_assistant = false;
    for (size_t idx = 0; idx < ex_.turns.size(); ++idx) {
      Role role = ex_.turns[idx].role;
      auto at = [idx] { return " (turn " + std::to_string(idx + 1) + ")"; };
      if (role == Role::kSystem) {
        if (started) return fail("role_order", "system turn after the dialogue started" + at());
        continue;
      }
      if (!started && role != Role::kUser) return fail("role_order", "dialogue starts with " + std::string(role_name(role)) + at());
      started = true;
      if (previous && *previous == role && role != Role::kTool) {
        return fail("role_order", "two " + std::string(role_name(role)) + " turns in a row" + at());
      }
      if (role == Role::kTool && previous != Role::kAssistant && previous != Role::kTool) {
        return fail("role_order", "tool turn not after an assistant turn" + at());
      }
      if (role == Role::kAssistant) has_assistant = true;
      previous = role;
    }
    if (!has_assistant) return fail("role_order", "no assistant turn");
    if (previous != Role::kAssistant) return fail("role_order", "dialogue ends without an assistant answer");
    return true;
  }

  Example& ex_;
  const std::vector<FieldMapping>& map_;
  bool decode_text_;  // false: only validate (texts stay in raw)
  element root_;
  std::vector<detail::MemberSpan>& spans_;       // the record's top-level members
  std::vector<detail::MemberSpan>& turn_spans_;  // the members of the dialogue turn being read
  std::vector<std::string_view>& keys_;
  std::vector<element>& values_;
};

// Checks that need no parser, then the parse. Returns false when rejected.
bool parse_json(Example& ex, simdjson::dom::parser& parser, element& root) {
  const void* nul = std::memchr(ex.raw.data(), '\0', ex.raw.size());
  if (nul != nullptr) {
    size_t column = static_cast<const char*>(nul) - ex.raw.data() + 1;
    ex.reject(std::string(kStage), "nul_byte", "NUL byte at column " + std::to_string(column));
    return false;
  }
  if (!simdjson::validate_utf8(ex.raw.data(), ex.raw.size())) {
    ex.reject(std::string(kStage), "invalid_utf8", "not valid UTF-8");
    return false;
  }
  auto result = parser.parse(ex.raw.data(), ex.raw.size(), false);
  if (result.error() != simdjson::SUCCESS) {
    ex.reject(std::string(kStage), "invalid_json",
              std::string("not valid JSON: ") + simdjson::error_message(result.error()));
    return false;
  }
  root = result.value_unsafe();
  if (!root.is_object()) {
    ex.reject(std::string(kStage), "not_object",
              "record is " + std::string(type_name(root.type())) + ", expected an object");
    return false;
  }
  return true;
}

// The parser and the adapter's vectors, one per thread.
struct ParseState {
  simdjson::dom::parser parser;
  AdapterScratch scratch;
};

void parse_one(Example& ex, Schema schema, const std::vector<FieldMapping>& map, ParseState& state,
               bool decode_text = true) {
  if (!ex.kept()) return;  // rejected while reading
  element root;
  if (!parse_json(ex, state.parser, root)) return;
  RecordAdapter adapter(ex, map, decode_text, state.scratch);
  if (!adapter.load(root)) return;
  if (schema == Schema::kAuto) schema = detail::detect_schema(adapter.keys(), map);
  adapter.adapt(schema);
}

}  // namespace

namespace detail {

Schema detect_schema(const std::vector<std::string_view>& keys, const std::vector<FieldMapping>& map) {
  auto has = [&](std::string_view name) {
    for (const FieldMapping& entry : map) {
      if (entry.target == name) return true;
    }
    return map.empty() && std::find(keys.begin(), keys.end(), name) != keys.end();
  };
  if (has("messages")) return Schema::kMessages;
  if (has("conversations")) return Schema::kShareGpt;
  if (has("instruction") || has("output") || has("input")) return Schema::kAlpaca;
  if (has("prompt") || has("completion")) return Schema::kPromptCompletion;
  return Schema::kAuto;
}

Schema detect_batch_schema(Batch& batch, const ReadOptions& options, size_t max_records) {
  if (!options.map.empty()) return detect_schema({}, options.map);
  simdjson::dom::parser parser;
  size_t looked = 0;
  for (const Example& record : batch.records) {
    if (!record.kept()) continue;
    if (++looked > max_records) break;
    Example probe;
    probe.raw = record.raw;
    element root;
    if (!parse_json(probe, parser, root)) continue;
    std::vector<std::string_view> keys;
    for (auto field : as_object(root)) keys.push_back(field.key);
    Schema schema = detect_schema(keys, {});
    if (schema != Schema::kAuto) return schema;
  }
  return Schema::kAuto;
}

}  // namespace detail

struct RecordParser::Impl {
  std::vector<FieldMapping> map;
  bool decode_text = true;
  tbb::enumerable_thread_specific<ParseState> states;
};

RecordParser::RecordParser(const ReadOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->map = options.map;
  impl_->decode_text = options.decode_text;
}

RecordParser::~RecordParser() = default;

void RecordParser::parse(Batch& batch) const {
  ParseState& state = impl_->states.local();
  for (Example& record : batch.records) parse_one(record, batch.schema, impl_->map, state, impl_->decode_text);
}

void parse_batch_records(Batch& batch, Schema schema, const std::vector<FieldMapping>& map) {
  ParseState state;
  for (Example& record : batch.records) parse_one(record, schema, map, state);
}

}  // namespace dadeum
