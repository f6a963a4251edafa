// Deduplication of records: exact (canonical key hash), conflicting answers (same prompt,
// different answer), near-duplicates (MinHash LSH, every candidate verified by exact
// Jaccard), and matches against reference sets. Works in passes over an index that holds a
// few hashes per record, never the texts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dadeum/dedup_engine.hpp"
#include "dadeum/example.hpp"
#include "dadeum/status.hpp"

namespace dadeum {

enum class DedupKey : uint8_t { kPrompt, kFull };
enum class KeepPolicy : uint8_t { kFirst, kLongest };
enum class ConflictPolicy : uint8_t { kKeepAll, kKeepFirst, kKeepLongest, kDropAll };

std::optional<DedupKey> parse_dedup_key(std::string_view name);              //!< prompt | full
std::optional<KeepPolicy> parse_keep_policy(std::string_view name);          //!< first | longest
std::optional<ConflictPolicy> parse_conflict_policy(std::string_view name);  //!< keep-all | keep-first | keep-longest | drop-all

struct DedupOptions {
  DedupKey key = DedupKey::kFull;     //!< what "the same example" means
  KeepPolicy keep = KeepPolicy::kFirst;
  ConflictPolicy conflicts = ConflictPolicy::kKeepAll;
  bool near = true;                   //!< near-duplicates too
  bool keep_near = false;             //!< keep near-duplicates, as one group (prep: one split)
  bool group_only = false;            //!< remove nothing: records sharing a prompt form one group
  double threshold = 0.8;             //!< verified Jaccard of character n-grams
  uint32_t ngram = 5;
  uint32_t permutations = 128;
  uint64_t seed = kDefaultHashSeed;   //!< hashing seed (written in reports and manifests)
};

//! The canonical text of a record's prompt (system and user turns, alpaca instruction and
//! input) or of the whole example, each turn's canonical form on its own line.
void canonical_key_text(const Example& example, DedupKey key, std::string& out);
//! Both texts at once, each turn canonicalized once.
void canonical_key_texts(const Example& example, std::string& full, std::string& prompt);

//! What the index keeps of one record, computed in parallel.
struct RecordKeys {
  Hash128 key;             //!< hash of the canonical key text (prompt or full)
  Hash128 prompt;          //!< hash of the canonical prompt
  Hash128 full;            //!< hash of the canonical full example
  uint32_t length = 0;     //!< bytes of the texts (for --keep longest)
  std::vector<uint64_t> bands;  //!< LSH band keys of the key text (empty without --near)
};

//! Computes the keys of a kept record. `scratch` is reused between calls.
class KeyMaker {
 public:
  explicit KeyMaker(const DedupOptions& options);
  void make(const Example& example, RecordKeys& keys, std::string& scratch) const;
  const MinHashConfig& config() const { return config_; }

 private:
  DedupOptions options_;
  MinHashConfig config_;
};

//! Why a record is removed.
enum class DedupReason : uint8_t { kNone, kExact, kConflict, kNear };
std::string_view dedup_reason_code(DedupReason reason);  //!< exact_duplicate, conflict, near_duplicate

struct DedupDecision {
  DedupReason reason = DedupReason::kNone;
  uint32_t duplicate_of = 0;  //!< ordinal of the record kept instead
  float similarity = 1.0f;
};

//! A group reported in duplicates.jsonl: the record kept and those removed (or, for
//! conflicts kept whole, all members).
struct DedupCluster {
  std::string kind;  //!< "exact", "near" or "conflict"
  uint32_t kept = 0;
  std::vector<uint32_t> members;     //!< the other records of the group
  std::vector<float> similarity;     //!< per member: verified Jaccard (1 for exact)
  bool members_removed = true;       //!< false for a conflict group kept whole
};

//! The index over every record of a run, by ordinal (input order, rejects included).
class DedupIndex {
 public:
  explicit DedupIndex(const DedupOptions& options);

  //! Adds the next record; `keys` is ignored (and may be empty) when the record is not kept.
  void add(bool kept, const RecordKeys& keys);
  size_t size() const { return kept_.size(); }
  //! Room for `records` in all per-record arrays: growing them by doubling would keep up to
  //! twice the memory (three times while a copy is made).
  void reserve(size_t records);

  //! Exact duplicates, conflicts and LSH candidates. Afterwards `candidates()` lists the
  //! pairs that still need verification.
  void resolve_exact();
  const std::vector<std::pair<uint32_t, uint32_t>>& candidates() const { return candidates_; }
  //! The ordinals whose shingles verification needs.
  std::vector<uint32_t> records_to_verify() const;
  //! Verified Jaccard of a candidate pair (call for every candidate, any order).
  void add_verified(uint32_t a, uint32_t b, double similarity);
  //! Near clusters from the verified pairs (union-find, keeper by policy).
  void resolve_near();

  const DedupDecision& decision(uint32_t ordinal) const { return decisions_[ordinal]; }
  const std::vector<DedupCluster>& clusters() const { return clusters_; }
  //! Records that must share a split: conflict groups kept whole. Group id per ordinal
  //! (the ordinal of its first member), or the record's own ordinal.
  uint32_t group_of(uint32_t ordinal) const { return group_[ordinal]; }
  const Hash128& prompt_hash(uint32_t ordinal) const { return prompt_[ordinal]; }
  //! Kept through pass 1 and not removed by dedup.
  bool survives(uint32_t ordinal) const { return kept_[ordinal] && decisions_[ordinal].reason == DedupReason::kNone; }
  uint64_t bytes_per_record() const;

 private:
  // The first ordinal of each hash, found as records are added: pass 1 adds records on its
  // serial sink, beside the parallel stages, so resolve_exact() no longer hashes every record
  // into a table on one thread while the others wait. A slot holds an ordinal and 32 bits of
  // its hash; the whole hash is read from the index's own vector, so a table costs 16-32
  // bytes per record (ExactIndex's would cost 34-69). Records are looked up a few hundred at
  // a time, each slot fetched ahead: one by one, between the sink's other work, every lookup
  // waited for its own cache miss.
  class FirstOfHash {
   public:
    //! Appends to `heads`, for each ordinal of [heads.size(), end), the first ordinal with
    //! the same hash (itself if none); ordinals that are not kept are their own heads.
    void find_heads(const std::vector<Hash128>& hashes, const std::vector<bool>& kept, uint32_t end,
                    std::vector<uint32_t>& heads);
    void reserve(const std::vector<Hash128>& hashes, size_t records);
    void release();

   private:
    void rehash(const std::vector<Hash128>& hashes, size_t slots);
    uint32_t first(const std::vector<Hash128>& hashes, uint32_t ordinal);
    std::vector<uint64_t> slots_;  // (32 bits of the hash << 32) | (ordinal + 1); 0 = empty
    size_t used_ = 0;
    unsigned shift_ = 64;
  };
  void find_heads();  // brings key_head_ and prompt_head_ up to the records added
  bool groups_keys() const;     // exact duplicates are grouped by key_
  bool groups_prompts() const;  // conflicts (or split groups) are grouped by prompt_

  DedupOptions options_;
  uint32_t bands_ = 0;
  std::vector<bool> kept_;
  std::vector<Hash128> key_, prompt_;
  FirstOfHash first_key_, first_prompt_;
  std::vector<uint32_t> key_head_, prompt_head_;  // per ordinal: first kept ordinal of its key / prompt
  std::vector<uint32_t> length_;
  std::vector<uint64_t> band_keys_;  // bands_ per record (zeros for records not kept)
  std::vector<DedupDecision> decisions_;
  std::vector<uint32_t> group_;
  std::vector<DedupCluster> clusters_;
  std::vector<std::pair<uint32_t, uint32_t>> candidates_;
  std::vector<std::pair<std::pair<uint32_t, uint32_t>, float>> verified_;
};

}  // namespace dadeum
