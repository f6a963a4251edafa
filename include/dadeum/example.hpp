// The record every stage works on. Only the reader and the writer know JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dadeum {

enum class Schema : uint8_t { kAuto, kAlpaca, kShareGpt, kMessages, kPromptCompletion };

std::string_view schema_name(Schema schema);  //!< "alpaca", "sharegpt", ...; "auto" for kAuto
std::optional<Schema> parse_schema(std::string_view name);

enum class Role : uint8_t { kSystem, kUser, kAssistant, kTool };
std::string_view role_name(Role role);  //!< OpenAI names: system, user, assistant, tool

//! Which field of its schema a text came from.
enum class Slot : uint8_t { kInstruction, kInput, kOutput, kPrompt, kCompletion, kSystem, kMessage };

//! A byte range [begin, end) inside Example::raw.
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool empty() const { return begin == end; }
};

//! One text of a record: an alpaca field, a prompt or completion, or a chat turn.
struct Turn {
  Role role = Role::kUser;
  Slot slot = Slot::kMessage;
  std::string text;     //!< decoded UTF-8
  Span token;           //!< the JSON string token (with its quotes) in raw; empty if none
  bool changed = false; //!< a stage rewrote `text`; the writer re-escapes it
  //! No rule of the canonical form's normalization can change `text` (proved by the
  //! normalize stage's scan); dedup keys skip that scan. Cleared when `text` changes.
  bool settled = false;
};

//! A top-level member of the record's JSON object, in source order.
struct Member {
  Span key;          //!< the key token, quotes included
  Span value;        //!< the value's JSON text
  bool known = false; //!< the schema (or --map) reads this member; conversions rebuild it
};

enum class Verdict : uint8_t { kKeep, kDrop, kReject };

//! Why a record left the stream. Codes are stable (docs/rejects.md).
struct Outcome {
  Verdict verdict = Verdict::kKeep;
  std::string stage;    //!< "read", "parse", "validate", "convert", "filter", "dedup", ...
  std::string code;     //!< e.g. "invalid_json", "missing_field"
  std::string message;  //!< one line, for humans
  std::string duplicate_of;  //!< for dedup drops: id (or file:line) of the record kept instead
  float similarity = 0;      //!< for dedup drops: verified Jaccard (1 for exact)
};

//! Where a record came from.
struct Provenance {
  uint32_t source = 0;       //!< index into the list of inputs
  uint64_t line = 0;         //!< 1-based physical line where the record starts
  uint64_t byte_offset = 0;  //!< offset of that line in the decompressed input
};

struct Example {
  std::string_view raw;  //!< the record's JSON text (one line), owned by its batch
  Schema schema = Schema::kAuto;
  std::vector<Turn> turns;
  std::vector<Member> members;
  std::string id;        //!< the `id` field if present (string or number text), else empty
  bool turn_extras = false;  //!< a turn object has members besides role/content: converting
                             //!< to another schema would lose them
  bool renamed = false;  //!< read through a --map that renames fields: its bytes carry the
                         //!< source's names (append_example rebuilds it for an explicit --to)
  Provenance where;
  Outcome outcome;

  bool kept() const { return outcome.verdict == Verdict::kKeep; }
  bool changed() const;  //!< true when any turn was rewritten
  void reject(std::string stage, std::string code, std::string message);
  void drop(std::string stage, std::string code, std::string message);
};

//! The value of the record's top-level member `name` (its key may be escaped): a string's
//! decoded text, any other value's JSON text (`3`, `null`, `[1,2]`); nullopt when the record has
//! no such member. A view into the record, or into `decoded` when the string has escapes.
//! `is_string` (optional) tells a string from another value ("1" from 1).
std::optional<std::string_view> member_value(const Example& record, std::string_view name, std::string& decoded,
                                             bool* is_string = nullptr);

}  // namespace dadeum
