// Tests for the exact grouping of src/dedup.cpp (DedupIndex): exact duplicates by key, then
// records that share a prompt (conflicts), found as records are added and resolved at the end.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "dadeum/dedup.hpp"

namespace dadeum {
namespace {

DedupOptions exact_only() {
  DedupOptions options;
  options.near = false;
  return options;
}

RecordKeys keys_of(Hash128 key, Hash128 prompt, uint32_t length = 1) {
  RecordKeys keys;
  keys.key = key;
  keys.full = key;
  keys.prompt = prompt;
  keys.length = length;
  return keys;
}

// Hashes that share the 32 bits the index's table keeps of each hash, and differ elsewhere.
Hash128 pool_hash(uint32_t value) { return Hash128{0x1234567800000000ULL ^ value, 0xabcdef0100000000ULL | (value % 3)}; }

TEST(DedupIndex, GroupsExactDuplicatesAndConflictsLikeAPlainMap) {
  std::mt19937 random(11);
  const uint32_t records = 5000;  // past several growths of the tables (no reserve)
  DedupIndex index(exact_only());
  std::vector<bool> kept(records);
  std::vector<uint32_t> full(records), prompt(records);
  for (uint32_t ordinal = 0; ordinal < records; ++ordinal) {
    kept[ordinal] = random() % 10 != 0;
    prompt[ordinal] = random() % 700;
    full[ordinal] = prompt[ordinal] * 4 + random() % 4;  // a prompt has up to 4 answers
    index.add(kept[ordinal], keys_of(pool_hash(full[ordinal]), pool_hash(prompt[ordinal] + 100000)));
  }
  index.resolve_exact();

  // The plain version: first kept record of each full key stays, the others are its exact
  // duplicates; among those left, records sharing a prompt form one group (keep-all) led by
  // the first.
  std::map<uint32_t, uint32_t> first_full, first_prompt;
  size_t exact_removed = 0, conflict_members = 0;
  for (uint32_t ordinal = 0; ordinal < records; ++ordinal) {
    if (!kept[ordinal]) {
      EXPECT_FALSE(index.survives(ordinal));
      continue;
    }
    auto [full_first, full_new] = first_full.emplace(full[ordinal], ordinal);
    if (!full_new) {
      ++exact_removed;
      EXPECT_EQ(index.decision(ordinal).reason, DedupReason::kExact) << ordinal;
      EXPECT_EQ(index.decision(ordinal).duplicate_of, full_first->second) << ordinal;
      continue;
    }
    EXPECT_TRUE(index.survives(ordinal)) << ordinal;
    auto [prompt_first, prompt_new] = first_prompt.emplace(prompt[ordinal], ordinal);
    EXPECT_EQ(index.group_of(ordinal), prompt_first->second) << ordinal;
    conflict_members += !prompt_new;
  }
  size_t exact_in_clusters = 0, conflict_in_clusters = 0;
  for (const DedupCluster& cluster : index.clusters()) {
    (cluster.kind == "exact" ? exact_in_clusters : conflict_in_clusters) += cluster.members.size();
  }
  EXPECT_GT(exact_removed, 500u);  // the pools are small enough for both kinds to be common
  EXPECT_GT(conflict_members, 500u);
  EXPECT_EQ(exact_in_clusters, exact_removed);
  EXPECT_EQ(conflict_in_clusters, conflict_members);
}

TEST(DedupIndex, ClustersComeInTheOrderOfTheirSecondMember) {
  DedupIndex index(exact_only());
  const Hash128 a{1, 1}, b{2, 2};
  index.add(true, keys_of(a, Hash128{10, 10}));  // 0
  index.add(true, keys_of(b, Hash128{20, 20}));  // 1
  index.add(true, keys_of(b, Hash128{20, 20}));  // 2: b's group is found first
  index.add(true, keys_of(a, Hash128{10, 10}));  // 3
  index.resolve_exact();
  ASSERT_EQ(index.clusters().size(), 2u);
  EXPECT_EQ(index.clusters()[0].kept, 1u);
  EXPECT_EQ(index.clusters()[0].members, std::vector<uint32_t>{2});
  EXPECT_EQ(index.clusters()[1].kept, 0u);
  EXPECT_EQ(index.clusters()[1].members, std::vector<uint32_t>{3});
}

TEST(DedupIndex, AConflictGroupStartsAtItsFirstRecordLeftAfterExactDuplicates) {
  DedupOptions options = exact_only();
  options.keep = KeepPolicy::kLongest;
  DedupIndex index(options);
  const Hash128 prompt{7, 7};
  index.add(true, keys_of(Hash128{1, 1}, prompt, 5));   // 0: removed, 1 is longer
  index.add(true, keys_of(Hash128{1, 1}, prompt, 10));  // 1
  index.add(true, keys_of(Hash128{2, 2}, prompt, 3));   // 2: same prompt, another answer
  index.resolve_exact();
  EXPECT_EQ(index.decision(0).reason, DedupReason::kExact);
  EXPECT_EQ(index.decision(0).duplicate_of, 1u);
  EXPECT_TRUE(index.survives(1));
  EXPECT_TRUE(index.survives(2));
  EXPECT_EQ(index.group_of(1), 1u);
  EXPECT_EQ(index.group_of(2), 1u);
  ASSERT_EQ(index.clusters().size(), 2u);
  EXPECT_EQ(index.clusters()[1].kind, "conflict");
  EXPECT_EQ(index.clusters()[1].kept, 1u);
  EXPECT_EQ(index.clusters()[1].members, std::vector<uint32_t>{2});
}

TEST(DedupIndex, RecordsNotKeptNeverJoinAGroup) {
  DedupIndex index(exact_only());
  const Hash128 same{3, 3};
  index.add(false, keys_of(same, same));  // 0: rejected or filtered
  index.add(true, keys_of(same, same));   // 1
  index.add(false, keys_of(same, same));  // 2
  index.add(true, keys_of(same, same));   // 3
  index.resolve_exact();
  EXPECT_FALSE(index.survives(0));
  EXPECT_TRUE(index.survives(1));
  EXPECT_EQ(index.decision(3).duplicate_of, 1u);
  ASSERT_EQ(index.clusters().size(), 1u);
  EXPECT_EQ(index.clusters()[0].members, std::vector<uint32_t>{3});
}

}  // namespace
}  // namespace dadeum
