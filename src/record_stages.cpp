#include "dadeum/record_stages.hpp"

#include <vector>

namespace dadeum {

std::string_view field_label(const Turn& turn) {
  switch (turn.slot) {
    case Slot::kInstruction: return "instruction";
    case Slot::kInput: return "input";
    case Slot::kOutput: return "output";
    case Slot::kPrompt: return "prompt";
    case Slot::kCompletion: return "completion";
    case Slot::kSystem: return "system";
    case Slot::kMessage: return role_name(turn.role);
  }
  return "text";
}

void NormalizeCounts::add(const NormalizeCounts& other) {
  for (size_t idx = 0; idx < kNormRuleCount; ++idx) records_per_rule[idx] += other.records_per_rule[idx];
  records_changed += other.records_changed;
}

void normalize_record(Example& example, const NormalizeOptions& options, NormalizeCounts& counts) {
  if (!example.kept()) return;
  uint32_t record_rules = 0;
  const bool covers_canonical = (options.rules & kCanonicalRules) == kCanonicalRules;
  for (Turn& turn : example.turns) {
    if (!normalize_may_change(turn.text, options)) {
      turn.settled = covers_canonical;  // the scan is monotone in the rules: a subset cannot change it either
      continue;
    }
    uint32_t changed = normalize_in_place(turn.text, options);
    if (changed != 0) turn.changed = true;
    turn.settled = false;
    record_rules |= changed;
  }
  if (record_rules == 0) return;
  ++counts.records_changed;
  for (size_t idx = 0; idx < kNormRuleCount; ++idx) {
    if (record_rules & (1u << idx)) ++counts.records_per_rule[idx];
  }
}

std::optional<PiiAction> parse_pii_action(std::string_view name) {
  if (name == "off") return PiiAction::kOff;
  if (name == "report") return PiiAction::kReport;
  if (name == "mask") return PiiAction::kMask;
  if (name == "drop") return PiiAction::kDrop;
  return std::nullopt;
}

void PiiCounts::add(const PiiCounts& other) {
  for (const auto& [key, count] : other.hits) hits[key] += count;
  records += other.records;
}

uint64_t PiiCounts::total(PiiType type) const {
  uint64_t sum = 0;
  for (const auto& [key, count] : hits) sum += key.first == type ? count : 0;
  return sum;
}

void scan_record_pii(Example& example, PiiAction action, PiiCounts& counts) {
  if (!example.kept() || action == PiiAction::kOff) return;
  std::vector<PiiMatch> matches;
  uint32_t types_found = 0;
  for (Turn& turn : example.turns) {
    find_pii_into(turn.text, matches);
    if (matches.empty()) continue;
    for (const PiiMatch& match : matches) {
      ++counts.hits[{match.type, std::string(field_label(turn))}];
      types_found |= 1u << static_cast<unsigned>(match.type);
    }
    if (action == PiiAction::kMask) {
      turn.text = mask_pii(turn.text, matches);
      turn.changed = true;
      turn.settled = false;
    }
  }
  if (types_found == 0) return;
  ++counts.records;
  if (action == PiiAction::kDrop) {
    std::string names;
    for (size_t type = 0; type < kPiiTypeCount; ++type) {
      if (!(types_found & (1u << type))) continue;
      if (!names.empty()) names += ", ";
      names += pii_type_name(static_cast<PiiType>(type));
    }
    example.drop("pii", "pii", "contains personal data: " + names);
  }
}

}  // namespace dadeum
