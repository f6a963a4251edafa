#include "dadeum/dedup.hpp"

#include <algorithm>
#include <map>

#include "dadeum/normalize.hpp"

namespace dadeum {
namespace {

bool in_prompt(const Turn& turn) { return turn.role != Role::kAssistant; }

}  // namespace

std::optional<DedupKey> parse_dedup_key(std::string_view name) {
  if (name == "prompt") return DedupKey::kPrompt;
  if (name == "full") return DedupKey::kFull;
  return std::nullopt;
}

std::optional<KeepPolicy> parse_keep_policy(std::string_view name) {
  if (name == "first") return KeepPolicy::kFirst;
  if (name == "longest") return KeepPolicy::kLongest;
  return std::nullopt;
}

std::optional<ConflictPolicy> parse_conflict_policy(std::string_view name) {
  if (name == "keep-all") return ConflictPolicy::kKeepAll;
  if (name == "keep-first") return ConflictPolicy::kKeepFirst;
  if (name == "keep-longest") return ConflictPolicy::kKeepLongest;
  if (name == "drop-all") return ConflictPolicy::kDropAll;
  return std::nullopt;
}

std::string_view dedup_reason_code(DedupReason reason) {
  switch (reason) {
    case DedupReason::kExact: return "exact_duplicate";
    case DedupReason::kConflict: return "conflict";
    case DedupReason::kNear: return "near_duplicate";
    case DedupReason::kNone: break;
  }
  return "";
}

void canonical_key_text(const Example& example, DedupKey key, std::string& out) {
  out.clear();
  std::string canonical;
  for (const Turn& turn : example.turns) {
    if (key == DedupKey::kPrompt && !in_prompt(turn)) continue;
    canonical_form_into(turn.text, canonical, turn.settled);
    if (canonical.empty()) continue;  // an empty input is no text at all
    if (!out.empty()) out += '\n';
    out += canonical;
  }
}

void canonical_key_texts(const Example& example, std::string& full, std::string& prompt) {
  full.clear();
  prompt.clear();
  for (const Turn& turn : example.turns) {
    const size_t before = full.size();
    if (before > 0) full += '\n';
    const size_t start = full.size();
    canonical_form_append(turn.text, full, turn.settled);  // folded in place: no copy
    if (full.size() == start) {  // an empty input is no text at all
      full.resize(before);
      continue;
    }
    if (!in_prompt(turn)) continue;
    if (!prompt.empty()) prompt += '\n';
    prompt.append(full, start);
  }
}

KeyMaker::KeyMaker(const DedupOptions& options)
    : options_(options), config_(make_minhash_config(options.threshold, options.permutations, options.ngram)) {}

void KeyMaker::make(const Example& example, RecordKeys& keys, std::string& scratch) const {
  // Kept per thread: allocating them for every record was a tenth of the key's cost.
  thread_local std::string prompt_text;
  canonical_key_texts(example, scratch, prompt_text);
  keys.length = 0;
  for (const Turn& turn : example.turns) keys.length += static_cast<uint32_t>(turn.text.size());
  keys.prompt = hash128(prompt_text, options_.seed);
  keys.full = hash128(scratch, options_.seed);
  keys.key = options_.key == DedupKey::kPrompt ? keys.prompt : keys.full;
  keys.bands.clear();
  if (!options_.near) return;
  thread_local std::vector<uint32_t> signature;
  MinHasher::for_this_thread(config_).signature(options_.key == DedupKey::kPrompt ? prompt_text : scratch, signature);
  band_keys(signature, config_, keys.bands);
}


DedupIndex::DedupIndex(const DedupOptions& options)
    : options_(options), bands_(options.near ? make_minhash_config(options.threshold, options.permutations, options.ngram).bands : 0) {}

void DedupIndex::reserve(size_t records) {
  kept_.reserve(records);
  key_.reserve(records);
  prompt_.reserve(records);
  full_.reserve(records);
  length_.reserve(records);
  band_keys_.reserve(records * bands_);
  decisions_.reserve(records);
  group_.reserve(records);
}

void DedupIndex::add(bool kept, const RecordKeys& keys) {
  uint32_t ordinal = static_cast<uint32_t>(kept_.size());
  kept_.push_back(kept);
  key_.push_back(kept ? keys.key : Hash128{});
  prompt_.push_back(kept ? keys.prompt : Hash128{});
  full_.push_back(kept ? keys.full : Hash128{});
  length_.push_back(kept ? keys.length : 0);
  for (uint32_t band = 0; band < bands_; ++band) {
    band_keys_.push_back(kept && band < keys.bands.size() ? keys.bands[band] : 0);
  }
  decisions_.emplace_back();
  group_.push_back(ordinal);
}

uint64_t DedupIndex::bytes_per_record() const {
  return 1 + 3 * sizeof(Hash128) + sizeof(uint32_t) + bands_ * sizeof(uint64_t) + sizeof(DedupDecision) + sizeof(uint32_t);
}

namespace {

// Groups the active ordinals by a 128-bit hash: returns the groups with two or more members,
// each in input order.
std::vector<std::vector<uint32_t>> group_by(const std::vector<Hash128>& hashes, const std::vector<uint32_t>& active) {
  ExactIndex index(active.size());
  std::vector<uint32_t> head_slot;  // per group: position in `groups`
  std::map<uint32_t, size_t> group_of_head;
  std::vector<std::vector<uint32_t>> groups;
  for (uint32_t ordinal : active) {
    std::optional<uint32_t> head = index.insert_or_get(hashes[ordinal], ordinal);
    if (!head) continue;
    auto [it, inserted] = group_of_head.emplace(*head, groups.size());
    if (inserted) groups.push_back({*head});
    groups[it->second].push_back(ordinal);
  }
  return groups;
}

uint32_t pick_keeper(const std::vector<uint32_t>& members, bool longest, const std::vector<uint32_t>& length) {
  uint32_t keeper = members.front();
  if (!longest) return keeper;
  for (uint32_t member : members) {
    if (length[member] > length[keeper]) keeper = member;  // ties: the earlier stays
  }
  return keeper;
}

}  // namespace

void DedupIndex::resolve_exact() {
  std::vector<uint32_t> active;
  for (uint32_t ordinal = 0; ordinal < kept_.size(); ++ordinal) {
    if (kept_[ordinal]) active.push_back(ordinal);
  }
  if (options_.group_only) {  // split alone: same prompt, same split; nothing removed
    for (const auto& members : group_by(prompt_, active)) {
      for (uint32_t member : members) group_[member] = members.front();
    }
    return;
  }
  bool keep_longest = options_.keep == KeepPolicy::kLongest;
  for (const auto& members : group_by(key_, active)) {
    uint32_t keeper = pick_keeper(members, keep_longest, length_);
    DedupCluster cluster{"exact", keeper, {}, {}, true};
    for (uint32_t member : members) {
      if (member == keeper) continue;
      decisions_[member] = {DedupReason::kExact, keeper, 1.0f};
      cluster.members.push_back(member);
      cluster.similarity.push_back(1.0f);
    }
    clusters_.push_back(std::move(cluster));
  }
  auto still_active = [&] {
    std::vector<uint32_t> left;
    for (uint32_t ordinal : active) {
      if (decisions_[ordinal].reason == DedupReason::kNone) left.push_back(ordinal);
    }
    return left;
  };
  active = still_active();

  if (options_.key == DedupKey::kFull) {  // the same prompt with different answers
    for (const auto& members : group_by(prompt_, active)) {
      DedupCluster cluster{"conflict", members.front(), {}, {}, true};
      uint32_t keeper = members.front();
      switch (options_.conflicts) {
        case ConflictPolicy::kKeepAll: cluster.members_removed = false; break;
        case ConflictPolicy::kKeepLongest: keeper = pick_keeper(members, true, length_); break;
        default: break;
      }
      cluster.kept = keeper;
      for (uint32_t member : members) {
        if (options_.conflicts == ConflictPolicy::kKeepAll) {
          group_[member] = members.front();
        } else if (member != keeper || options_.conflicts == ConflictPolicy::kDropAll) {
          decisions_[member] = {DedupReason::kConflict, keeper, 1.0f};
        }
        if (member != keeper) {
          cluster.members.push_back(member);
          cluster.similarity.push_back(1.0f);
        }
      }
      clusters_.push_back(std::move(cluster));
    }
    active = still_active();
  }

  candidates_.clear();
  if (bands_ == 0 || active.size() < 2) return;
  std::vector<uint64_t> keys;
  keys.reserve(active.size() * bands_);
  for (uint32_t ordinal : active) {
    keys.insert(keys.end(), band_keys_.begin() + uint64_t(ordinal) * bands_, band_keys_.begin() + uint64_t(ordinal + 1) * bands_);
  }
  for (const auto& [a, b] : lsh_candidates(keys, bands_)) candidates_.emplace_back(active[a], active[b]);
}

std::vector<uint32_t> DedupIndex::records_to_verify() const {
  std::vector<uint32_t> ordinals;
  for (const auto& [a, b] : candidates_) {
    ordinals.push_back(a);
    ordinals.push_back(b);
  }
  std::sort(ordinals.begin(), ordinals.end());
  ordinals.erase(std::unique(ordinals.begin(), ordinals.end()), ordinals.end());
  return ordinals;
}

void DedupIndex::add_verified(uint32_t a, uint32_t b, double similarity) {
  if (similarity >= options_.threshold) verified_.push_back({{std::min(a, b), std::max(a, b)}, static_cast<float>(similarity)});
}

void DedupIndex::resolve_near() {
  std::sort(verified_.begin(), verified_.end());  // the same clusters whatever the verification order
  UnionFind sets(kept_.size());
  for (const auto& [pair, similarity] : verified_) sets.unite(pair.first, pair.second);
  std::map<uint32_t, std::vector<uint32_t>> members_of;
  std::map<uint32_t, float> best_similarity;
  for (const auto& [pair, similarity] : verified_) {
    for (uint32_t ordinal : {pair.first, pair.second}) {
      members_of[sets.find(ordinal)].push_back(ordinal);
      best_similarity[ordinal] = std::max(best_similarity[ordinal], similarity);
    }
  }
  for (auto& [root, members] : members_of) {
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
    uint32_t keeper = pick_keeper(members, options_.keep == KeepPolicy::kLongest, length_);
    DedupCluster cluster{"near", keeper, {}, {}, !options_.keep_near};
    for (uint32_t member : members) {
      if (options_.keep_near) group_[member] = group_[members.front()];
      if (member == keeper) continue;
      if (!options_.keep_near) decisions_[member] = {DedupReason::kNear, keeper, best_similarity[member]};
      cluster.members.push_back(member);
      cluster.similarity.push_back(best_similarity[member]);
    }
    clusters_.push_back(std::move(cluster));
  }
}

}  // namespace dadeum
