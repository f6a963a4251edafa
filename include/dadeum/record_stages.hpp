// Per-record stages on Example texts: normalization and personal data. Plain functions,
// safe to call from many threads; counts are per call and merged by the caller in order.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "dadeum/example.hpp"
#include "dadeum/normalize.hpp"
#include "dadeum/pii.hpp"

namespace dadeum {

//! The field a turn came from, for reports: instruction, input, output, prompt, completion,
//! system, or the role of a chat turn (user, assistant, tool).
std::string_view field_label(const Turn& turn);

//! Records changed, per rule (a record counts once per rule however many texts changed).
struct NormalizeCounts {
  std::array<uint64_t, kNormRuleCount> records_per_rule{};
  uint64_t records_changed = 0;
  void add(const NormalizeCounts& other);
};

//! Normalizes every text of a kept record in place and marks the turns it changed.
void normalize_record(Example& example, const NormalizeOptions& options, NormalizeCounts& counts);

enum class PiiAction : uint8_t { kOff, kReport, kMask, kDrop };
std::optional<PiiAction> parse_pii_action(std::string_view name);  //!< off | report | mask | drop

//! Personal data found, per type and field, and records that held any.
struct PiiCounts {
  std::map<std::pair<PiiType, std::string>, uint64_t> hits;  //!< (type, field) -> matches
  uint64_t records = 0;
  void add(const PiiCounts& other);
  uint64_t total(PiiType type) const;
};

//! Scans every text of a kept record: report counts only; mask replaces each match with its
//! placeholder ([전화번호] …); drop removes the record (stage "pii", code "pii") naming the types.
void scan_record_pii(Example& example, PiiAction action, PiiCounts& counts);

}  // namespace dadeum
