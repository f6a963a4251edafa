// Tests for src/lsh.cpp: LSH candidate pairs and union-find clustering.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dadeum/dedup_engine.hpp"
#include "dadeum/pipeline.hpp"

namespace dadeum {
namespace {

using Pairs = std::vector<std::pair<uint32_t, uint32_t>>;

TEST(LshCandidates, HandMadeKeys) {
  // 5 records x 3 bands, record after record.
  std::vector<uint64_t> keys = {
      10, 20, 30,  // record 0
      11, 21, 31,  // record 1
      12, 22, 32,  // record 2
      10, 20, 33,  // record 3: shares bands 0 and 1 with record 0 (reported once)
      14, 24, 31,  // record 4: shares band 2 with record 1
  };
  EXPECT_EQ(lsh_candidates(keys, 3), (Pairs{{0, 3}, {1, 4}}));
}

TEST(LshCandidates, SameKeyInDifferentBandsIsNotAMatch) {
  std::vector<uint64_t> keys = {1, 2,   // record 0
                                2, 1};  // record 1: the same values, in other bands
  EXPECT_TRUE(lsh_candidates(keys, 2).empty());
}

TEST(LshCandidates, SmallBucketGivesAllPairsSortedAndUnique) {
  std::vector<uint64_t> keys = {7, 7, 1, 7};  // one band, records 0 1 3 share key 7
  EXPECT_EQ(lsh_candidates(keys, 1), (Pairs{{0, 1}, {0, 3}, {1, 3}}));
}

TEST(LshCandidates, BucketAtTheCapStillGivesAllPairs) {
  std::vector<uint64_t> keys(kMaxAllPairsBucket, 99);
  EXPECT_EQ(lsh_candidates(keys, 1).size(), kMaxAllPairsBucket * (kMaxAllPairsBucket - 1) / 2);
}

TEST(LshCandidates, HugeBucketLinksEveryMemberToTheFirst) {
  // 1000 records share a key (e.g. empty texts); record 0 does not.
  std::vector<uint64_t> keys(1001, 5);
  keys[0] = 4;
  Pairs pairs = lsh_candidates(keys, 1);
  ASSERT_EQ(pairs.size(), 999u);
  for (uint32_t member = 2; member <= 1000; ++member) {
    EXPECT_EQ(pairs[member - 2], std::make_pair(1u, member));
  }
}

// The bands run in parallel: the pairs must be the same at any thread count, and the same as
// a plain all-pairs comparison band by band.
TEST(LshCandidates, SameAtAnyThreadCountAndAsAllPairs) {
  const uint32_t bands = 16, records = 3000;
  std::vector<uint64_t> keys(size_t{records} * bands);
  uint64_t state = 42;
  for (uint64_t& key : keys) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    key = (state >> 33) % 4000 == 0 ? 7 : state;  // a few shared keys among unique ones
  }
  for (uint32_t record = 1; record < records; record += 37) {  // copies of earlier records, some bands
    for (uint32_t band = 0; band < bands; band += 1 + record % 3) keys[record * bands + band] = keys[(record / 2) * bands + band];
  }
  Pairs expected;
  for (uint32_t a = 0; a < records; ++a) {
    for (uint32_t b = a + 1; b < records; ++b) {
      for (uint32_t band = 0; band < bands; ++band) {
        if (keys[a * bands + band] == keys[b * bands + band]) {
          expected.emplace_back(a, b);
          break;
        }
      }
    }
  }
  ASSERT_GT(expected.size(), 60u);
  ASSERT_LT(expected.size(), 5000u);  // no bucket reaches the large-bucket rule
  for (size_t threads : {1, 2, 4}) {
    ThreadLimit limit(threads);
    EXPECT_EQ(lsh_candidates(keys, bands), expected) << threads << " threads";
  }
}

// Only the listed rows take part, and the pairs name records: the same pairs as banding a copy
// of those rows' keys, mapped back (what DedupIndex did before it passed its rows).
TEST(LshCandidates, RowsTakePartWithoutCopyingTheirKeys) {
  const uint32_t bands = 4, records = 400;
  std::vector<uint64_t> keys(size_t{records} * bands);
  for (size_t idx = 0; idx < keys.size(); ++idx) keys[idx] = idx % 4 == 1 ? (idx / 4) % 50 : 1000 + idx;  // band 1: 8 per key
  std::vector<uint32_t> rows;
  std::vector<uint64_t> copied;
  for (uint32_t record = 0; record < records; ++record) {
    if (record % 3 == 0) continue;
    rows.push_back(record);
    copied.insert(copied.end(), keys.begin() + record * bands, keys.begin() + (record + 1) * bands);
  }
  Pairs expected;
  for (const auto& [a, b] : lsh_candidates(copied, bands)) expected.emplace_back(rows[a], rows[b]);
  ASSERT_GT(expected.size(), 100u);
  for (size_t threads : {1, 2}) {
    ThreadLimit limit(threads);
    EXPECT_EQ(lsh_candidates(keys, bands, rows), expected) << threads << " threads";
  }
  for (const auto& [a, b] : lsh_candidates(keys, bands, rows)) EXPECT_TRUE(a % 3 != 0 && b % 3 != 0);
  EXPECT_TRUE(lsh_candidates(keys, bands, {}).empty());
}

TEST(LshCandidates, DegenerateInputs) {
  EXPECT_TRUE(lsh_candidates({}, 16).empty());
  EXPECT_TRUE(lsh_candidates({1, 1, 1}, 0).empty());
  EXPECT_TRUE(lsh_candidates({1, 2, 3}, 2).empty());               // 1 record + a partial one
  EXPECT_EQ(lsh_candidates({1, 2, 1, 3, 1}, 2), (Pairs{{0, 1}}));  // trailing 1 ignored
}

TEST(LshCandidates, FindsNearDuplicateTextsOnly) {
  const std::string base =
      "인공지능 모델을 학습시키기 위한 한국어 지시문 데이터를 정제하는 방법을 단계별로 자세히 "
      "설명해 주세요 중복된 예시와 개인정보를 제거하고 품질이 낮은 응답을 걸러내야 합니다";
  std::vector<std::string> texts = {
      base,
      "오늘 저녁 메뉴로 어울리는 간단한 찌개 요리법을 알려 주세요 재료는 두부와 애호박이 있습니다",
      base + " 감사합니다",  // near copy of 0
      "서울에서 부산까지 기차로 가는 가장 빠른 방법과 소요 시간을 비교해 주세요",
  };
  MinHashConfig config = make_minhash_config(0.8);
  MinHasher hasher(config);
  std::vector<uint64_t> all_keys;
  std::vector<uint32_t> signature;
  std::vector<uint64_t> keys;
  for (const std::string& text : texts) {
    hasher.signature(text, signature);
    band_keys(signature, config, keys);
    all_keys.insert(all_keys.end(), keys.begin(), keys.end());
  }
  EXPECT_EQ(lsh_candidates(all_keys, config.bands), (Pairs{{0, 2}}));
}

TEST(UnionFind, KeeperIsTheSmallestIndex) {
  UnionFind clusters(10);
  clusters.unite(5, 3);
  clusters.unite(9, 3);
  clusters.unite(9, 1);
  for (uint32_t member : {1u, 3u, 5u, 9u}) EXPECT_EQ(clusters.find(member), 1u);
  EXPECT_EQ(clusters.find(0), 0u);
  EXPECT_EQ(clusters.find(4), 4u);
  clusters.unite(4, 0);
  clusters.unite(3, 4);  // joins {0,4} and {1,3,5,9}: 0 becomes the keeper
  for (uint32_t member : {0u, 1u, 3u, 4u, 5u, 9u}) EXPECT_EQ(clusters.find(member), 0u);
  EXPECT_EQ(clusters.find(2), 2u);
}

TEST(UnionFind, OutOfRangeIsIgnored) {
  UnionFind clusters(3);
  clusters.unite(1, 7);
  EXPECT_EQ(clusters.find(1), 1u);
  EXPECT_EQ(clusters.find(7), 7u);
  EXPECT_EQ(clusters.size(), 3u);
}

TEST(UnionFind, LongChainsStayConsistent) {
  // Unite i with i + 1 from the far end: every root must end up 0 and the
  // finds must not degrade into deep recursion (path halving is iterative).
  const uint32_t kCount = 200000;
  UnionFind clusters(kCount);
  for (uint32_t member = kCount - 1; member > 0; --member) clusters.unite(member, member - 1);
  for (uint32_t member = 0; member < kCount; member += 997) EXPECT_EQ(clusters.find(member), 0u);

  UnionFind pairs(kCount);  // even and odd chains
  for (uint32_t member = 2; member < kCount; ++member) pairs.unite(member, member - 2);
  EXPECT_EQ(pairs.find(kCount - 1), 1u);
  EXPECT_EQ(pairs.find(kCount - 2), 0u);
}

}  // namespace
}  // namespace dadeum
