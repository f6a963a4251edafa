#include "dadeum/dedup.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "dadeum/normalize.hpp"

namespace dadeum {
namespace {

constexpr size_t kHeadsAtATime = 256;  // records added between two DedupIndex::find_heads()

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
  length_.reserve(records);
  band_keys_.reserve(records * bands_);
  decisions_.reserve(records);
  group_.reserve(records);
  if (groups_keys()) {
    key_head_.reserve(records);
    first_key_.reserve(key_, records);
  }
  if (groups_prompts()) {
    prompt_head_.reserve(records);
    first_prompt_.reserve(prompt_, records);
  }
}

bool DedupIndex::groups_keys() const { return !options_.group_only; }
bool DedupIndex::groups_prompts() const { return options_.group_only || options_.key == DedupKey::kFull; }

void DedupIndex::add(bool kept, const RecordKeys& keys) {
  uint32_t ordinal = static_cast<uint32_t>(kept_.size());
  kept_.push_back(kept);
  key_.push_back(kept ? keys.key : Hash128{});
  prompt_.push_back(kept ? keys.prompt : Hash128{});
  length_.push_back(kept ? keys.length : 0);
  for (uint32_t band = 0; band < bands_; ++band) {
    band_keys_.push_back(kept && band < keys.bands.size() ? keys.bands[band] : 0);
  }
  decisions_.emplace_back();
  group_.push_back(ordinal);
  if (kept_.size() % kHeadsAtATime == 0) find_heads();
}

void DedupIndex::find_heads() {
  const auto end = static_cast<uint32_t>(kept_.size());
  if (groups_keys()) first_key_.find_heads(key_, kept_, end, key_head_);
  if (groups_prompts()) first_prompt_.find_heads(prompt_, kept_, end, prompt_head_);
}

uint64_t DedupIndex::bytes_per_record() const {
  // The two first-of-hash tables (8-byte slots, at most half full) and their heads are
  // freed once exact duplicates are resolved; counted at their fullest.
  return 1 + 2 * sizeof(Hash128) + sizeof(uint32_t) + bands_ * sizeof(uint64_t) + sizeof(DedupDecision) +
         sizeof(uint32_t) + 2 * (sizeof(uint32_t) + 4 * sizeof(uint64_t));
}

void DedupIndex::FirstOfHash::find_heads(const std::vector<Hash128>& hashes, const std::vector<bool>& kept,
                                         uint32_t end, std::vector<uint32_t>& heads) {
  const auto begin = static_cast<uint32_t>(heads.size());
  if (begin >= end) return;
  reserve(hashes, used_ + (end - begin));
  constexpr uint32_t kAhead = 8;  // lookups in flight
  for (uint32_t ordinal = begin; ordinal < end; ++ordinal) {
    if (ordinal + kAhead < end) __builtin_prefetch(&slots_[hash128_home_slot(hashes[ordinal + kAhead], shift_)]);
    heads.push_back(kept[ordinal] ? first(hashes, ordinal) : ordinal);
  }
}

uint32_t DedupIndex::FirstOfHash::first(const std::vector<Hash128>& hashes, uint32_t ordinal) {
  const Hash128& hash = hashes[ordinal];
  const uint64_t tag = hash.high & 0xffffffff00000000ULL;
  const size_t mask = slots_.size() - 1;
  for (size_t slot = hash128_home_slot(hash, shift_);; slot = (slot + 1) & mask) {
    const uint64_t entry = slots_[slot];
    if (entry == 0) {
      slots_[slot] = tag | (uint64_t{ordinal} + 1);
      ++used_;
      return ordinal;
    }
    if ((entry & 0xffffffff00000000ULL) != tag) continue;
    const uint32_t other = static_cast<uint32_t>(entry) - 1;
    if (hashes[other] == hash) return other;
  }
}

void DedupIndex::FirstOfHash::reserve(const std::vector<Hash128>& hashes, size_t records) {
  size_t slots = 64;
  while (slots < 2 * records) slots *= 2;
  if (slots > slots_.size()) rehash(hashes, slots);
}

void DedupIndex::FirstOfHash::rehash(const std::vector<Hash128>& hashes, size_t slots) {
  std::vector<uint64_t> old = std::move(slots_);
  slots_.assign(slots, 0);
  shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(slots));
  const size_t mask = slots - 1;
  for (uint64_t entry : old) {
    if (entry == 0) continue;
    size_t slot = hash128_home_slot(hashes[static_cast<uint32_t>(entry) - 1], shift_);
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = entry;
  }
}

void DedupIndex::FirstOfHash::release() {
  std::vector<uint64_t>().swap(slots_);
  used_ = 0;
  shift_ = 64;
}

namespace {

// Groups the active ordinals (in increasing order) that share a hash, given for each ordinal
// the first kept ordinal with its hash (`head`). Returns the groups with two or more active
// members, each in input order, in the order of their second member (the order a single pass
// finds them in). A head may no longer be active (an exact duplicate removed before conflicts
// are grouped), so a group starts at its first active member, not at its head.
std::vector<std::vector<uint32_t>> group_by(const std::vector<uint32_t>& head, const std::vector<uint32_t>& active) {
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> first_active(head.size(), kNone);  // per head
  std::vector<uint32_t> group_of(head.size(), kNone);      // per head: position in `groups`
  std::vector<std::vector<uint32_t>> groups;
  for (uint32_t ordinal : active) {
    const uint32_t group_head = head[ordinal];
    if (first_active[group_head] == kNone) {
      first_active[group_head] = ordinal;
      continue;
    }
    if (group_of[group_head] == kNone) {
      group_of[group_head] = static_cast<uint32_t>(groups.size());
      groups.push_back({first_active[group_head]});
    }
    groups[group_of[group_head]].push_back(ordinal);
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
  find_heads();
  first_key_.release();  // every record is in: the heads are all that is needed now
  first_prompt_.release();
  std::vector<uint32_t> active;
  for (uint32_t ordinal = 0; ordinal < kept_.size(); ++ordinal) {
    if (kept_[ordinal]) active.push_back(ordinal);
  }
  if (options_.group_only) {  // split alone: same prompt, same split; nothing removed
    for (const auto& members : group_by(prompt_head_, active)) {
      for (uint32_t member : members) group_[member] = members.front();
    }
    return;
  }
  bool keep_longest = options_.keep == KeepPolicy::kLongest;
  for (const auto& members : group_by(key_head_, active)) {
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
    for (const auto& members : group_by(prompt_head_, active)) {
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

  std::vector<uint32_t>().swap(key_head_);
  std::vector<uint32_t>().swap(prompt_head_);
  candidates_.clear();
  if (bands_ == 0 || active.size() < 2) return;
  // The keys stay where they are (band_keys_ has every record's); only `active` take part.
  candidates_ = lsh_candidates(band_keys_, bands_, active);
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
