// LSH banding and union-find; see include/dadeum/dedup_engine.hpp.
//
// Banding without a hash map
// --------------------------
// Two records are candidates when they agree on all rows of some band, that
// is when they have the same key in that band. Instead of a hash map from key
// to a vector of records per band (tens of bytes per record and an allocation
// per bucket), each band is handled in turn: its N (key, record) entries are
// written to one flat array, sorted, and each run of equal keys is a bucket.
// The array is reused for every band, so the working memory is 16 bytes per
// record plus the pairs found. Records within a run come out in input order,
// which is what the large-bucket rule below needs.
//
// Nearly every key of a band is unique, and a unique key makes no pair. So
// before sorting, a table of small counters indexed by the key's top bits (at
// least four slots per record, one byte each) counts each key's slot; only
// records whose slot was hit twice (a shared key, or a rare slot collision)
// enter the sort. That made banding twice as fast (BM_LshCandidates, 20,000 records).
//
// Pairs from all bands are collected, then sorted and made unique once; when
// the list doubles in size it is compacted early so that pairs found again in
// many bands (true duplicates usually match in most bands) do not pile up.
// Bands run in parallel, each thread with its own table, array and pairs.

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>

#include "dadeum/dedup_engine.hpp"

namespace dadeum {
namespace {

struct KeyedRecord {
  uint64_t key;
  uint32_t record;

  friend bool operator<(const KeyedRecord& a, const KeyedRecord& b) {
    return a.key != b.key ? a.key < b.key : a.record < b.record;
  }
};

using Pairs = std::vector<std::pair<uint32_t, uint32_t>>;

void sort_unique(Pairs& pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
}

// Emits the pairs of one bucket (records ascending). Small buckets give all
// pairs; a large one (a key shared by very many records: empty or very short
// texts, boilerplate) links each member to the first only, which keeps the
// output linear in the bucket size and still joins them all in union-find.
void emit_bucket(const KeyedRecord* members, size_t count, Pairs& pairs) {
  if (count <= kMaxAllPairsBucket) {
    for (size_t first = 0; first < count; ++first) {
      for (size_t second = first + 1; second < count; ++second) {
        pairs.emplace_back(members[first].record, members[second].record);
      }
    }
    return;
  }
  for (size_t member = 1; member < count; ++member) {
    pairs.emplace_back(members[0].record, members[member].record);
  }
}

// One band's buckets over the records `rows` (ascending), appended to `pairs`. `slot_hits`
// and `entries` are scratch, reused.
void band_pairs(const std::vector<uint64_t>& keys, uint32_t bands, const std::vector<uint32_t>& rows, uint32_t band,
                int slot_bits, std::vector<uint8_t>& slot_hits, std::vector<KeyedRecord>& entries, Pairs& pairs) {
  const int shift = 64 - slot_bits;
  slot_hits.assign(size_t{1} << slot_bits, 0);
  for (uint32_t record : rows) {
    uint8_t& hits = slot_hits[keys[size_t{record} * bands + band] >> shift];
    hits += hits < 2;
  }
  entries.clear();
  for (uint32_t record : rows) {
    uint64_t key = keys[size_t{record} * bands + band];
    if (slot_hits[key >> shift] == 2) entries.push_back(KeyedRecord{key, record});
  }
  std::sort(entries.begin(), entries.end());
  const size_t shared = entries.size();
  size_t run_begin = 0;
  while (run_begin < shared) {
    size_t run_end = run_begin + 1;
    while (run_end < shared && entries[run_end].key == entries[run_begin].key) ++run_end;
    if (run_end - run_begin > 1) emit_bucket(&entries[run_begin], run_end - run_begin, pairs);
    run_begin = run_end;
  }
}

}  // namespace

// The bands are independent: each thread takes whole bands with its own scratch and pairs, and
// the union of all pairs is sorted and made unique at the end, so the result does not depend on
// which thread took which band.
std::vector<std::pair<uint32_t, uint32_t>> lsh_candidates(const std::vector<uint64_t>& keys,
                                                          uint32_t bands) {
  if (bands == 0) return {};
  std::vector<uint32_t> rows(keys.size() / bands);
  for (size_t record = 0; record < rows.size(); ++record) rows[record] = static_cast<uint32_t>(record);
  return lsh_candidates(keys, bands, rows);
}

std::vector<std::pair<uint32_t, uint32_t>> lsh_candidates(const std::vector<uint64_t>& keys, uint32_t bands,
                                                          const std::vector<uint32_t>& rows) {
  if (bands == 0) return {};
  const size_t records = rows.size();
  int slot_bits = 2;  // the table: a power of two, at least 4 slots per record
  while ((size_t{1} << slot_bits) < 4 * records && slot_bits < 63) ++slot_bits;
  struct Scratch {
    std::vector<uint8_t> slot_hits;
    std::vector<KeyedRecord> entries;
    Pairs pairs;
    size_t compacted_size = 0;
  };
  tbb::enumerable_thread_specific<Scratch> scratch;
  tbb::parallel_for(tbb::blocked_range<uint32_t>(0, bands, 1), [&](const tbb::blocked_range<uint32_t>& range) {
    Scratch& mine = scratch.local();
    for (uint32_t band = range.begin(); band != range.end(); ++band) {
      band_pairs(keys, bands, rows, band, slot_bits, mine.slot_hits, mine.entries, mine.pairs);
      if (mine.pairs.size() > 2 * mine.compacted_size + records) {
        sort_unique(mine.pairs);
        mine.compacted_size = mine.pairs.size();
      }
    }
  });
  Pairs pairs;
  for (Scratch& mine : scratch) {
    if (pairs.empty()) pairs.swap(mine.pairs);
    else pairs.insert(pairs.end(), mine.pairs.begin(), mine.pairs.end());
  }
  sort_unique(pairs);
  return pairs;
}

UnionFind::UnionFind(size_t n) : parent_(n) {
  for (size_t idx = 0; idx < n; ++idx) parent_[idx] = static_cast<uint32_t>(idx);
}

uint32_t UnionFind::find(uint32_t x) {
  if (x >= parent_.size()) return x;
  // Path halving: every other node on the path skips to its grandparent.
  while (parent_[x] != x) {
    parent_[x] = parent_[parent_[x]];
    x = parent_[x];
  }
  return x;
}

void UnionFind::unite(uint32_t a, uint32_t b) {
  if (a >= parent_.size() || b >= parent_.size()) return;
  uint32_t root_a = find(a);
  uint32_t root_b = find(b);
  if (root_a == root_b) return;
  // Union by index rather than by rank: the smaller root stays the root, so
  // the root of a cluster is its first record in input order. Path halving
  // alone keeps finds at amortized O(log n).
  if (root_a < root_b) {
    parent_[root_b] = root_a;
  } else {
    parent_[root_a] = root_b;
  }
}

}  // namespace dadeum
