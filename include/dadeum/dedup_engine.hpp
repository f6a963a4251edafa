// Deduplication engine: stable 128-bit keys for exact dedup, MinHash signatures
// over character n-grams, LSH banding and union-find clustering.
//
// Everything here works on the *canonical form* of a text (NFC, case-folded,
// punctuation removed, whitespace collapsed), which the caller computes. The
// functions are pure and deterministic: the same input, configuration and seed
// give the same hashes, signatures and candidate pairs on every run and every
// machine of the same byte order. Nothing prints, exits or throws on any
// input (invalid UTF-8 included); only memory exhaustion can escape as
// std::bad_alloc.
//
// Typical near-duplicate flow (see docs/dedup_engine_notes.md for measured
// defaults):
//
//   MinHashConfig config = make_minhash_config(0.8);
//   MinHasher hasher(config);                       // one per thread
//   for each record i: hasher.signature(canon[i], sig);
//                      band_keys(sig, config, keys); append keys to all_keys
//   for (auto [a, b] : lsh_candidates(all_keys, config.bands))
//     if (jaccard(shingles(a), shingles(b)) >= config.threshold) uf.unite(a, b);
//   record i is kept iff uf.find(i) == i
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dadeum {

// ---------------------------------------------------------------------------
// Stable hashing and the exact-duplicate index

//! A 128-bit hash value (XXH3-128 layout: low and high 64-bit halves).
struct Hash128 {
  uint64_t low = 0;
  uint64_t high = 0;
  friend bool operator==(const Hash128&, const Hash128&) = default;
};

//! The home slot of a key in an open-addressing table of 2^(64 - shift) slots. Keys are XXH3
//! outputs and already uniform, but callers may build keys by hand (tests do): both halves
//! are folded in, so that keys differing only in the low or only in the high half still
//! spread, then Fibonacci hashing (2^64 / golden ratio) takes the top bits.
inline size_t hash128_home_slot(const Hash128& key, unsigned shift) {
  const uint64_t mixed = key.low ^ ((key.high << 29) | (key.high >> 35));
  return static_cast<size_t>((mixed * 0x9e3779b97f4a7c15ULL) >> shift);
}

//! Seed of every saved hash: the bytes "dadeum01". Recorded in run manifests.
inline constexpr uint64_t kDefaultHashSeed = 0x64616465756d3031ULL;

//! XXH3-128 of the bytes with the given seed. Stable across versions: never change.
Hash128 hash128(std::string_view bytes, uint64_t seed = kDefaultHashSeed);

//! 32 lowercase hex digits, high half first (the canonical XXH128 form that
//! `xxhsum -H2` and python-xxhash's xxh3_128_hexdigest print).
std::string to_hex(const Hash128& hash);

//! Flat open-addressing table from 128-bit keys to a uint32 value (a record
//! index). Linear probing, power-of-two capacity, at most 70% full: 24-byte
//! slots, 35-69 bytes per key, no per-key allocation.
class ExactIndex {
 public:
  //! Reserves room for `expected` keys (0: start small and grow).
  explicit ExactIndex(size_t expected = 0);

  //! If key is present, returns its stored value (the first record seen with
  //! this key); otherwise stores `value` and returns std::nullopt.
  std::optional<uint32_t> insert_or_get(const Hash128& key, uint32_t value);

  //! The value stored for key, if any.
  std::optional<uint32_t> find(const Hash128& key) const;

  //! Number of keys stored.
  size_t size() const { return size_; }
  //! Number of slots (a power of two).
  size_t capacity() const { return slots_.size(); }
  //! Bytes of the slot array, the whole memory of the table.
  size_t memory_bytes() const { return slots_.size() * sizeof(Slot); }

 private:
  struct Slot {
    uint64_t low = 0;
    uint64_t high = 0;
    uint32_t value = 0;
    uint32_t used = 0;  //!< 0 = empty; lives in what would be padding
  };

  size_t home_slot(const Hash128& key) const;
  void grow();

  std::vector<Slot> slots_;
  size_t size_ = 0;
  unsigned shift_ = 64;  //!< 64 - log2(capacity): the top bits of the mixed key pick the slot
};

// ---------------------------------------------------------------------------
// MinHash

//! Parameters of MinHash and LSH. Build one with make_minhash_config().
struct MinHashConfig {
  uint32_t ngram = 5;           //!< character n-grams (Unicode code points) of the canonical form
  uint32_t permutations = 128;  //!< signature length (= bands * rows)
  uint32_t bands = 0;           //!< LSH bands
  uint32_t rows = 0;            //!< signature values per band
  double threshold = 0.8;       //!< Jaccard threshold the bands x rows are tuned for
  uint64_t seed = kDefaultHashSeed;  //!< seeds the shingle hashes and the band keys
};

//! Weights of the two error areas make_minhash_config() minimizes. Candidates
//! are verified with exact Jaccard, so a false positive costs one exact
//! comparison while a false negative is a duplicate missed for good;
//! and nearly all pairs of a real corpus sit at J < 0.3, where every sensible
//! S-curve is ~0, so the false positive area overstates the real cost. Hence
//! misses weigh nine times as much (datasketch weighs them equally).
inline constexpr double kFalsePositiveWeight = 0.1;
inline constexpr double kFalseNegativeWeight = 0.9;

//! Probability that two texts with Jaccard similarity `similarity` share at
//! least one band key: 1 - (1 - s^rows)^bands.
double candidate_probability(double similarity, uint32_t bands, uint32_t rows);

//! A configuration whose bands x rows (with bands * rows == permutations
//! exactly, so every position belongs to one band; the choice therefore snaps
//! to the divisors: 128 gives 32x4, 16x8, 8x16 ...) minimize
//!   kFalsePositiveWeight * integral_0^t P(s) ds
//!   + kFalseNegativeWeight * integral_t^1 (1 - P(s)) ds,
//! P = candidate_probability, t = threshold. Deterministic (fixed-step Simpson
//! integration, first minimum in order of increasing bands). The threshold is
//! clamped to [0.01, 0.99], permutations and ngram to at least 1.
MinHashConfig make_minhash_config(double threshold, uint32_t permutations = 128,
                                  uint32_t ngram = 5);

//! The set of hashed n-grams of code points of `canonical`, sorted and unique
//! (written to `out`, which is cleared first). A text shorter than n code
//! points is one shingle; an empty text has none. Code points are found from
//! UTF-8 lead bytes, so invalid UTF-8 is harmless. ngram 0 counts as 1.
void shingle_hashes(std::string_view canonical, uint32_t ngram, std::vector<uint64_t>& out,
                    uint64_t seed = kDefaultHashSeed);

//! Exact Jaccard similarity of two sorted unique sets (as from
//! shingle_hashes). Two empty sets are identical: 1.0.
double jaccard(const std::vector<uint64_t>& shingles_a, const std::vector<uint64_t>& shingles_b);

//! Exact Jaccard similarity of the shingle sets of two texts: the value jaccard() gives for
//! their shingle_hashes(), found with a hash table instead of two sorts (about 5 times
//! faster for texts of 1-2 KB). Thread-safe (its table is per thread).
double shingle_jaccard(std::string_view text_a, std::string_view text_b, uint32_t ngram,
                       uint64_t seed = kDefaultHashSeed);

//! Computes MinHash signatures, reusing its scratch buffers from record to
//! record. Not thread-safe: use one per thread (it is cheap to create).
class MinHasher {
 public:
  explicit MinHasher(const MinHashConfig& config);

  //! `signature` is resized to config.permutations. One-permutation hashing:
  //! each shingle's hash picks a position and each position keeps the least
  //! value of its shingles; empty positions borrow a filled one's value
  //! (densification, see src/minhash.cpp). Positions agree between two texts
  //! with probability equal to their Jaccard similarity. A text with no
  //! shingles gets all 0xffffffff.
  void signature(std::string_view canonical, std::vector<uint32_t>& signature);

  const MinHashConfig& config() const { return config_; }

  //! This thread's MinHasher for `config`, kept between calls: its scratch buffers grow
  //! once instead of once per record (for short records that was a third of the cost).
  static MinHasher& for_this_thread(const MinHashConfig& config);

 private:
  void densify(std::vector<uint32_t>& signature);
  uint32_t draw(uint32_t pos, uint64_t attempt) const;

  static constexpr uint32_t kTabledDraws = 16;  //!< draws per position kept in first_draws_

  MinHashConfig config_;
  std::vector<size_t> ring_;            //!< offsets of the last n code points (for_each_shingle_hash)
  std::vector<uint64_t> filled_;        //!< bit per position that got a shingle of its own
  std::vector<uint32_t> first_draws_;   //!< draw(pos, 1..kTabledDraws), made on first use
};

//! One-off signature; prefer a MinHasher in loops.
void minhash_signature(std::string_view canonical, const MinHashConfig& config,
                       std::vector<uint32_t>& signature);

//! Fraction of positions where two signatures agree (an estimate of Jaccard);
//! 0 when the lengths differ or are 0.
double estimate_jaccard(const std::vector<uint32_t>& signature_a,
                        const std::vector<uint32_t>& signature_b);

//! One 64-bit key per band (written to `keys`, cleared first): XXH3-64 of the
//! band's `rows` values, seeded with config.seed plus the band index so that
//! equal rows in different bands give different keys. Only complete bands
//! that fit in the signature are emitted.
void band_keys(const std::vector<uint32_t>& signature, const MinHashConfig& config,
               std::vector<uint64_t>& keys);

// ---------------------------------------------------------------------------
// LSH and clustering

//! Buckets (records sharing a band key) up to this size yield all their pairs;
//! a larger bucket links each member to its first (lowest index) member only,
//! so one key shared by many records costs n - 1 pairs instead of n^2 / 2.
inline constexpr size_t kMaxAllPairsBucket = 32;

//! Candidate pairs (a < b) of records sharing at least one band key. `keys`
//! holds N records' band keys record after record (N * bands values; a
//! trailing partial record is ignored). The result is sorted and unique.
//! Bands run in parallel (under the caller's ThreadLimit); the result does not
//! depend on the thread count. Memory per thread: a table of 4-8 one-byte
//! counters per record and a (key, record) array for the records whose key may
//! be shared, both reused band by band, plus the pairs.
std::vector<std::pair<uint32_t, uint32_t>> lsh_candidates(const std::vector<uint64_t>& keys,
                                                          uint32_t bands);

//! The same over the records listed in `rows` (ascending record numbers; the others take no
//! part), so that a caller whose index holds every record's keys need not copy the keys of
//! the records still in play (DedupIndex: 8 bytes per band and record, 1.3 GB at 10^7).
//! Pairs are record numbers, as above.
std::vector<std::pair<uint32_t, uint32_t>> lsh_candidates(const std::vector<uint64_t>& keys, uint32_t bands,
                                                          const std::vector<uint32_t>& rows);

//! Disjoint sets over record indices 0..n-1. The root of a set is always its
//! smallest index, so the record kept from a cluster is the first in input
//! order.
class UnionFind {
 public:
  explicit UnionFind(size_t n);

  //! The root (smallest index) of x's set. Indices >= size() are their own root.
  uint32_t find(uint32_t x);
  //! Merges the sets of a and b; out-of-range indices are ignored.
  void unite(uint32_t a, uint32_t b);

  size_t size() const { return parent_.size(); }

 private:
  std::vector<uint32_t> parent_;
};

}  // namespace dadeum
