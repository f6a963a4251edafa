// Tests for src/hash128.cpp and src/minhash.cpp: stable hashes, the exact
// index, shingles, Jaccard, MinHash signatures, band keys and the
// bands x rows choice.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dadeum/dedup_engine.hpp"
#include "detail/minhash_shingles.hpp"

namespace dadeum {
namespace {

// ---------------------------------------------------------------------------
// Helpers: deterministic Korean-like text and edits of it

class Lcg {
 public:
  explicit Lcg(uint64_t seed) : state_(seed) {}
  uint32_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state_ >> 33);
  }

 private:
  uint64_t state_;
};

std::string syllable(uint32_t index) {  // U+AC00 + index, as UTF-8
  uint32_t cp = 0xac00 + index % 11172;
  std::string out;
  out += static_cast<char>(0xe0 | (cp >> 12));
  out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
  out += static_cast<char>(0x80 | (cp & 0x3f));
  return out;
}

// `length` code points: syllables from the first 500, a space now and then.
std::vector<std::string> random_code_points(Lcg& rng, size_t length) {
  std::vector<std::string> cps;
  for (size_t pos = 0; pos < length; ++pos) {
    cps.push_back(pos > 0 && rng.next() % 5 == 0 ? std::string(" ") : syllable(rng.next() % 500));
  }
  return cps;
}

std::string join(const std::vector<std::string>& cps) {
  std::string out;
  for (const std::string& cp : cps) out += cp;
  return out;
}

// A copy with `edits` code points replaced by random syllables.
std::vector<std::string> edited(const std::vector<std::string>& cps, size_t edits, Lcg& rng) {
  std::vector<std::string> copy = cps;
  for (size_t edit = 0; edit < edits; ++edit)
    copy[rng.next() % copy.size()] = syllable(600 + rng.next() % 500);
  return copy;
}

double true_jaccard(std::string_view a, std::string_view b, uint32_t ngram) {
  std::vector<uint64_t> shingles_a;
  std::vector<uint64_t> shingles_b;
  shingle_hashes(a, ngram, shingles_a);
  shingle_hashes(b, ngram, shingles_b);
  return jaccard(shingles_a, shingles_b);
}

// ---------------------------------------------------------------------------
// hash128 and to_hex

TEST(Hash128, GoldenValues) {
  // Pinned forever: exact-dedup keys are saved in manifests. Cross-checked
  // with python3-xxhash: xxh3_128_hexdigest(text, seed=0x64616465756d3031).
  EXPECT_EQ(to_hex(hash128("")), "d65bb01b88b89195c2fd502e59837d66");
  EXPECT_EQ(to_hex(hash128("다듬")), "07bd5026eab7b0b2ab7c7cb0f14404e2");
  EXPECT_EQ(to_hex(hash128("dadeum")), "56e50515084cf27dc123380b071b2db6");
  EXPECT_EQ(to_hex(hash128("안녕하세요 반갑습니다")), "5b2c8e90e5d24bd428b5abf1f467652e");
  EXPECT_EQ(to_hex(hash128("dadeum", 0)), "7af3296606c4c0802fe119e82bcfa63c");
}

TEST(Hash128, HexIsHighThenLow) {
  EXPECT_EQ(to_hex(Hash128{0x1, 0xabcdef0123456789ULL}), "abcdef01234567890000000000000001");
  EXPECT_EQ(to_hex(Hash128{}), std::string(32, '0'));
}

// ---------------------------------------------------------------------------
// ExactIndex

TEST(ExactIndex, InsertOrGetReturnsTheFirstValue) {
  ExactIndex index;
  Hash128 key = hash128("같은 질문");
  EXPECT_EQ(index.insert_or_get(key, 7), std::nullopt);
  EXPECT_EQ(index.insert_or_get(key, 9), 7u);
  EXPECT_EQ(index.find(key), 7u);
  EXPECT_EQ(index.find(hash128("다른 질문")), std::nullopt);
  EXPECT_EQ(index.size(), 1u);
}

TEST(ExactIndex, ZeroKeyIsAnOrdinaryKey) {
  ExactIndex index;
  EXPECT_EQ(index.find(Hash128{}), std::nullopt);
  EXPECT_EQ(index.insert_or_get(Hash128{}, 0), std::nullopt);
  EXPECT_EQ(index.find(Hash128{}), 0u);
}

// Inserts `count` keys built by make_key, twice, and checks every answer.
template <typename MakeKey>
void check_many_keys(size_t count, size_t expected, MakeKey make_key) {
  ExactIndex index(expected);
  size_t initial_capacity = index.capacity();
  for (uint32_t key_idx = 0; key_idx < count; ++key_idx) {
    ASSERT_EQ(index.insert_or_get(make_key(key_idx), key_idx), std::nullopt) << key_idx;
  }
  EXPECT_EQ(index.size(), count);
  if (expected == 0) {
    EXPECT_GT(index.capacity(), initial_capacity);  // it grew
  }
  EXPECT_LE(index.size() * 10, index.capacity() * 7);  // at most 70% full
  for (uint32_t key_idx = 0; key_idx < count; ++key_idx) {
    ASSERT_EQ(index.find(make_key(key_idx)), key_idx);
    ASSERT_EQ(index.insert_or_get(make_key(key_idx), 0xffffffffu), key_idx);
  }
  EXPECT_EQ(index.size(), count);
}

TEST(ExactIndex, HundredThousandHashedKeysWithGrowth) {
  check_many_keys(100000, 0, [](uint32_t idx) { return hash128(std::to_string(idx)); });
}

TEST(ExactIndex, KeysThatCollideInTheLowBits) {
  // Same low half, and the high halves differ only above bit 40: a table
  // indexed by the low bits of either half would put them all in one chain.
  check_many_keys(100000, 0, [](uint32_t idx) {
    return Hash128{0x1234, static_cast<uint64_t>(idx) << 40};
  });
  check_many_keys(100000, 0, [](uint32_t idx) {
    return Hash128{static_cast<uint64_t>(idx) << 32, 0};
  });
  check_many_keys(100000, 100000, [](uint32_t idx) { return Hash128{idx, idx}; });
}

// ---------------------------------------------------------------------------
// Shingles and Jaccard

TEST(Shingles, CodePointNgramsNotBytes) {
  std::vector<uint64_t> shingles;
  shingle_hashes("가나다라", 2, shingles);
  EXPECT_EQ(shingles.size(), 3u);  // 가나 나다 다라 (12 bytes would give 11 byte bigrams)

  // Each shingle is the hash of its code points: the same as the one shingle
  // of that bigram on its own.
  std::set<uint64_t> expected;
  for (const char* bigram : {"가나", "나다", "다라"}) {
    std::vector<uint64_t> one;
    shingle_hashes(bigram, 2, one);
    ASSERT_EQ(one.size(), 1u);
    expected.insert(one[0]);
  }
  EXPECT_EQ(std::set<uint64_t>(shingles.begin(), shingles.end()), expected);

  shingle_hashes("가나다라", 3, shingles);
  EXPECT_EQ(shingles.size(), 2u);
  shingle_hashes("ab 가나", 2, shingles);
  EXPECT_EQ(shingles.size(), 4u);  // "ab" "b " " 가" "가나"
}

TEST(Shingles, ShortEmptyAndRepeatedTexts) {
  std::vector<uint64_t> shingles{1, 2, 3};
  shingle_hashes("", 5, shingles);
  EXPECT_TRUE(shingles.empty());
  shingle_hashes("가나다", 5, shingles);  // shorter than n: the whole text
  ASSERT_EQ(shingles.size(), 1u);
  std::vector<uint64_t> exact_length;
  shingle_hashes("가나다", 3, exact_length);
  EXPECT_EQ(shingles, exact_length);
  shingle_hashes("가가가가가가", 2, shingles);  // sorted and unique
  EXPECT_EQ(shingles.size(), 1u);
  shingle_hashes("가나다라", 0, shingles);  // n = 0 counts as 1
  EXPECT_EQ(shingles.size(), 4u);
}

TEST(Shingles, SortedUniqueAndSeeded) {
  std::vector<uint64_t> shingles;
  shingle_hashes("하늘 하늘 하늘 바다 바다", 3, shingles);
  EXPECT_TRUE(std::is_sorted(shingles.begin(), shingles.end()));
  EXPECT_EQ(std::adjacent_find(shingles.begin(), shingles.end()), shingles.end());
  std::vector<uint64_t> other_seed;
  shingle_hashes("하늘 하늘 하늘 바다 바다", 3, other_seed, 42);
  EXPECT_NE(shingles, other_seed);
}

TEST(Shingles, InvalidUtf8IsHarmless) {
  std::vector<uint64_t> shingles;
  for (std::string text : {std::string("\x80\x80\x80"), std::string("\xea\xb0"),
                           std::string("가\xff나\xc0다"), std::string("\xed\x95", 2)}) {
    shingle_hashes(text, 2, shingles);
    EXPECT_FALSE(shingles.empty());
    std::vector<uint32_t> signature;
    minhash_signature(text, make_minhash_config(0.8), signature);
    EXPECT_EQ(signature.size(), 128u);
  }
}

TEST(MinHashShingles, ShortShingleHashIsXxh3) {
  // The shortcut for shingles of up to 16 bytes gives XXH3_64bits_withSeed's value at every
  // length, and with seed 0 (the signature golden values pin the hash itself).
  Lcg rng(5);
  char bytes[40];
  for (int trial = 0; trial < 20000; ++trial) {
    const size_t length = trial % 41;
    for (size_t pos = 0; pos < length; ++pos) bytes[pos] = static_cast<char>(rng.next());
    const uint64_t seed = trial % 3 == 0 ? 0 : (uint64_t{rng.next()} << 32 | rng.next());
    ASSERT_EQ(detail::shingle_hash(bytes, length, seed), XXH3_64bits_withSeed(bytes, length, seed)) << length;
  }
}

// The n-grams in order, as plain byte-by-byte code: a code point is a non-continuation byte
// (or the text's first byte) and the continuation bytes after it.
std::vector<uint64_t> reference_shingle_hashes(std::string_view text, uint32_t ngram, uint64_t seed) {
  std::vector<uint64_t> hashes;
  if (text.empty()) return hashes;
  ngram = std::max<uint32_t>(ngram, 1);
  std::vector<size_t> starts{0};
  for (size_t pos = 1; pos < text.size(); ++pos) {
    if ((static_cast<unsigned char>(text[pos]) & 0xc0) != 0x80) starts.push_back(pos);
  }
  starts.push_back(text.size());
  const size_t code_points = starts.size() - 1;
  if (code_points <= ngram) return {XXH3_64bits_withSeed(text.data(), text.size(), seed)};
  for (size_t first = 0; first + ngram <= code_points; ++first) {
    hashes.push_back(XXH3_64bits_withSeed(text.data() + starts[first], starts[first + ngram] - starts[first], seed));
  }
  return hashes;
}

TEST(MinHashShingles, SameNgramsAsAPlainByteByByteWalk) {
  // Lengths around the 64-byte blocks, Hangul, ASCII, 4-byte code points and invalid bytes
  // (stray continuation bytes, a text that starts with one, a truncated sequence at the end).
  const std::vector<std::string> pieces = {"가", "나", " ", "a", "Z", "\xf0\x9f\x98\x80", "\x80", "\xbf", "\xff", "\xc3",
                                           "\xe2\x80", "é", "7"};
  Lcg rng(11);
  std::vector<size_t> ring;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string text;
    const size_t count = trial % 97;
    for (size_t idx = 0; idx < count; ++idx) text += pieces[rng.next() % (idx % 5 == 0 ? pieces.size() : 4)];
    for (uint32_t ngram : {0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 17u}) {  // each fixed n, and the ring past 8
      const uint64_t seed = trial;
      std::vector<uint64_t> got;
      detail::for_each_shingle_hash(text, ngram, seed, ring, [&](uint64_t hash) { got.push_back(hash); });
      ASSERT_EQ(got, reference_shingle_hashes(text, ngram, seed)) << "trial " << trial << " n " << ngram;
    }
  }
}

TEST(Jaccard, ExactOnSmallSets) {
  EXPECT_DOUBLE_EQ(jaccard({1, 2, 3}, {2, 3, 4}), 0.5);
  EXPECT_DOUBLE_EQ(jaccard({1, 2, 3}, {1, 2, 3}), 1.0);
  EXPECT_DOUBLE_EQ(jaccard({1, 2}, {3, 4}), 0.0);
  EXPECT_DOUBLE_EQ(jaccard({1}, {1, 2, 3, 4}), 0.25);
  EXPECT_DOUBLE_EQ(jaccard({}, {1}), 0.0);
  EXPECT_DOUBLE_EQ(jaccard({}, {}), 1.0);
}

TEST(Jaccard, ShingleJaccardEqualsTheSortedSets) {
  // Texts from a few syllables, so shingles repeat within and across texts; empty and short
  // texts; several n.
  Lcg rng(99);
  const std::vector<std::string> fixed = {"", "가", "가나", "가가가가가가가가", "ab ab ab", "\xff\xfe"};
  for (int pair_idx = 0; pair_idx < 2000; ++pair_idx) {
    auto make = [&](size_t length) {
      std::string text;
      for (size_t pos = 0; pos < length; ++pos) text += rng.next() % 7 == 0 ? std::string(" ") : syllable(rng.next() % 6);
      return text;
    };
    std::string a = pair_idx < 36 ? fixed[pair_idx % 6] : make(rng.next() % 300);
    std::string b = pair_idx < 36 ? fixed[pair_idx / 6] : rng.next() % 3 == 0 ? a + make(rng.next() % 20) : make(rng.next() % 300);
    const uint32_t ngram = 1 + pair_idx % 6;
    std::vector<uint64_t> set_a, set_b;
    shingle_hashes(a, ngram, set_a, 5);
    shingle_hashes(b, ngram, set_b, 5);
    ASSERT_EQ(shingle_jaccard(a, b, ngram, 5), jaccard(set_a, set_b)) << pair_idx;
  }
}

TEST(Jaccard, ShingleJaccardOfEditedCopiesEqualsTheSortedSets) {
  // Near-duplicate pairs, the pairs verification sees: byte edits anywhere (inside multi-byte
  // code points too), cut ends, identical texts, invalid bytes.
  const std::vector<std::string> pieces = {"가", "나", "다", " ", "a", "b", "\xf0\x9f\x98\x80", "\x80", "\xff", "é"};
  Lcg rng(7);
  auto make = [&](size_t count) {
    std::string text;
    for (size_t idx = 0; idx < count; ++idx) text += pieces[rng.next() % pieces.size()];
    return text;
  };
  for (int pair_idx = 0; pair_idx < 3000; ++pair_idx) {
    const std::string a = make(rng.next() % 80);
    std::string b = a;
    const size_t at = b.empty() ? 0 : rng.next() % (b.size() + 1);
    switch (pair_idx % 6) {
      case 0: b.insert(at, make(1 + rng.next() % 3)); break;                 // insert
      case 1: b.erase(at, 1 + rng.next() % 4); break;                         // delete
      case 2: if (at < b.size()) b[at] = static_cast<char>(rng.next()); break;  // replace one byte
      case 3: b = b.substr(0, at); break;                                     // cut the end
      case 4: b = b.substr(at); break;                                        // cut the start
      default: break;                                                         // identical
    }
    for (uint32_t ngram : {1u, 2u, 3u, 5u}) {
      std::vector<uint64_t> set_a, set_b;
      shingle_hashes(a, ngram, set_a, 5);
      shingle_hashes(b, ngram, set_b, 5);
      ASSERT_EQ(shingle_jaccard(a, b, ngram, 5), jaccard(set_a, set_b)) << pair_idx << " n " << ngram;
      ASSERT_EQ(shingle_jaccard(b, a, ngram, 5), jaccard(set_a, set_b)) << pair_idx << " n " << ngram;
    }
  }
}

TEST(Jaccard, OfKoreanTexts) {
  // 5 bigrams each (가나 나다 다라 라마 마바 / 가나 나다 다라 라마 마사), 4 shared, 6 in all.
  EXPECT_DOUBLE_EQ(true_jaccard("가나다라마바", "가나다라마사", 2), 4.0 / 6.0);
}

// ---------------------------------------------------------------------------
// Signatures

TEST(Signature, DeterministicAndSized) {
  MinHashConfig config = make_minhash_config(0.8);
  std::vector<uint32_t> first;
  std::vector<uint32_t> second;
  minhash_signature("오늘 날씨가 정말 좋네요 산책하러 갈까요", config, first);
  MinHasher hasher(config);
  hasher.signature("오늘 날씨가 정말 좋네요 산책하러 갈까요", second);
  EXPECT_EQ(first.size(), 128u);
  EXPECT_EQ(first, second);

  MinHashConfig reseeded = config;
  reseeded.seed = 7;
  minhash_signature("오늘 날씨가 정말 좋네요 산책하러 갈까요", reseeded, second);
  EXPECT_NE(first, second);
}

TEST(Signature, GoldenValues) {
  // Pinned: a change here silently changes which records are near-duplicates.
  MinHashConfig config = make_minhash_config(0.8);
  std::vector<uint32_t> signature;
  minhash_signature("다듬 데이터 정제 도구", config, signature);
  std::vector<uint32_t> head(signature.begin(), signature.begin() + 4);
  // 8 shingles for 128 positions: nearly all positions borrow one of 8 values.
  EXPECT_EQ(head, (std::vector<uint32_t>{0xe5194215u, 0xbd693df3u, 0x918d85d1u, 0x5e3927a0u}));
  EXPECT_EQ(std::set<uint32_t>(signature.begin(), signature.end()).size(), 8u);
  std::vector<uint64_t> keys;
  band_keys(signature, config, keys);
  ASSERT_EQ(keys.size(), 16u);
  EXPECT_EQ(keys[0], 0xbeafd769c9e4b44bULL);
}

TEST(Signature, OnePermutationHashingByDefinition) {
  // Recomputed from the definition in src/minhash.cpp: a shingle's XXH3-64 hash
  // h picks position (h >> 32) * P >> 32 and offers its low half there.
  MinHashConfig config = make_minhash_config(0.8);
  config.seed = 42;
  std::vector<uint64_t> shingles;
  shingle_hashes("가나다라마바", 5, shingles, 42);  // 가나다라마, 나다라마바
  ASSERT_EQ(shingles.size(), 2u);
  std::vector<uint32_t> signature;
  minhash_signature("가나다라마바", config, signature);
  std::set<uint32_t> offered;
  for (uint64_t hash : shingles) {
    const uint32_t position = static_cast<uint32_t>(((hash >> 32) * 128) >> 32);
    EXPECT_EQ(signature[position], static_cast<uint32_t>(hash));  // the two positions differ here
    offered.insert(static_cast<uint32_t>(hash));
  }
  // Every other position borrowed one of the two values.
  for (uint32_t value : signature) EXPECT_EQ(offered.count(value), 1u);
  EXPECT_EQ(std::set<uint32_t>(signature.begin(), signature.end()), offered);

  // One shingle: every position holds its value.
  shingle_hashes("가", 5, shingles, 42);
  minhash_signature("가", config, signature);
  EXPECT_EQ(signature, std::vector<uint32_t>(128, static_cast<uint32_t>(shingles[0])));
}

// Short texts fill few positions and borrow the rest (densification): their whole signatures
// are pinned (computed at commit 34cb23d). "가" and "짧은 문장" have one shingle, so every other
// position borrows; the longer ones fill more of their own.
TEST(Signature, DensifiedSignaturesArePinned) {
  const std::vector<std::pair<std::string, uint64_t>> pinned = {
      {"가", 0xa4d1113609c20ae0ull},
      {"가나다라마바사", 0x6af233b3631faa4aull},
      {"짧은 문장", 0x5a2a884e2163ff81ull},
      {"dadeum refine text", 0x5c4e5713557c4c9bull},
      {"가나다라마바사아자차카타파하 하나 둘 셋 넷 다섯 여섯", 0xbb20dd7d05574dd7ull},
  };
  MinHasher hasher(make_minhash_config(0.8));
  for (int round = 0; round < 2; ++round) {  // the same hasher again: its scratch carries nothing over
    for (const auto& [text, expected] : pinned) {
      std::vector<uint32_t> signature;
      hasher.signature(text, signature);
      EXPECT_EQ(XXH3_64bits(signature.data(), signature.size() * sizeof(uint32_t)), expected) << text;
    }
  }
}

TEST(Signature, EmptyTextAndOddSizes) {
  MinHashConfig config = make_minhash_config(0.8, 20, 3);
  std::vector<uint32_t> signature{1, 2};
  minhash_signature("", config, signature);
  EXPECT_EQ(signature, std::vector<uint32_t>(20, 0xffffffffu));
  minhash_signature("가", config, signature);  // one shingle, 20 positions
  EXPECT_EQ(signature.size(), 20u);
  EXPECT_NE(signature[0], 0xffffffffu);

  config.permutations = 0;
  minhash_signature("가나다라", config, signature);
  EXPECT_TRUE(signature.empty());
}

TEST(Signature, OrderOfShinglesDoesNotMatter) {
  // MinHash sees a set: two texts with the same shingles agree everywhere.
  MinHashConfig config = make_minhash_config(0.8, 128, 2);
  std::vector<uint32_t> a;
  std::vector<uint32_t> b;
  minhash_signature("가나가나가나", config, a);
  minhash_signature("나가나가", config, b);
  EXPECT_EQ(a, b);
}

TEST(Signature, EstimatesTrueJaccard) {
  // 120 synthetic pairs over the whole range of similarity: the estimate is a
  // mean of 128 Bernoulli(J) draws, so its error has sd <= 0.044.
  MinHashConfig config = make_minhash_config(0.8);
  MinHasher hasher(config);
  Lcg rng(2024);
  std::vector<uint32_t> sig_a;
  std::vector<uint32_t> sig_b;
  double sum_error = 0.0;
  double sum_abs_error = 0.0;
  const int kPairs = 120;
  for (int pair_idx = 0; pair_idx < kPairs; ++pair_idx) {
    auto source = random_code_points(rng, 300 + rng.next() % 600);
    auto copy = edited(source, pair_idx % 40, rng);
    std::string a = join(source);
    std::string b = join(copy);
    double truth = true_jaccard(a, b, config.ngram);
    hasher.signature(a, sig_a);
    hasher.signature(b, sig_b);
    double error = estimate_jaccard(sig_a, sig_b) - truth;
    EXPECT_LT(std::abs(error), 0.2) << "pair " << pair_idx << " J=" << truth;
    sum_error += error;
    sum_abs_error += std::abs(error);
  }
  EXPECT_LT(std::abs(sum_error / kPairs), 0.015);  // no bias
  EXPECT_LT(sum_abs_error / kPairs, 0.04);
}

TEST(Signature, BandsCollideAsOftenAsTheory) {
  // P(a band of r rows agrees) = J^r needs the r positions of a band to be
  // (nearly) independent, not just each unbiased.
  MinHashConfig config = make_minhash_config(0.8);
  MinHasher hasher(config);
  Lcg rng(77);
  std::vector<uint32_t> sig_a;
  std::vector<uint32_t> sig_b;
  double expected = 0.0;
  double observed = 0.0;
  int trials = 0;
  for (int pair_idx = 0; pair_idx < 300; ++pair_idx) {
    auto source = random_code_points(rng, 800);
    std::string a = join(source);
    std::string b = join(edited(source, 8 + pair_idx % 8, rng));
    double truth = true_jaccard(a, b, config.ngram);
    hasher.signature(a, sig_a);
    hasher.signature(b, sig_b);
    for (uint32_t band = 0; band < config.bands; ++band) {
      bool agree =
          std::equal(sig_a.begin() + band * config.rows, sig_a.begin() + (band + 1) * config.rows,
                     sig_b.begin() + band * config.rows);
      observed += agree;
      expected += std::pow(truth, config.rows);
      ++trials;
    }
  }
  // 4800 band trials at J^8 around 0.2-0.35: sd of the mean about 0.007.
  EXPECT_NEAR(observed / trials, expected / trials, 0.03);
}

TEST(EstimateJaccard, MismatchedOrEmpty) {
  EXPECT_EQ(estimate_jaccard({}, {}), 0.0);
  EXPECT_EQ(estimate_jaccard({1, 2}, {1}), 0.0);
  EXPECT_EQ(estimate_jaccard({1, 2, 3, 4}, {1, 2, 0, 4}), 0.75);
}

// ---------------------------------------------------------------------------
// Band keys and configuration

TEST(BandKeys, OnePerBandWithTheBandMixedIn) {
  MinHashConfig config = make_minhash_config(0.8);
  std::vector<uint32_t> signature(128, 5);  // every band holds the same rows
  std::vector<uint64_t> keys;
  band_keys(signature, config, keys);
  ASSERT_EQ(keys.size(), config.bands);
  EXPECT_EQ(std::set<uint64_t>(keys.begin(), keys.end()).size(), keys.size());

  std::vector<uint64_t> again;
  band_keys(signature, config, again);
  EXPECT_EQ(keys, again);
  signature[0] = 6;  // only band 0 changes
  band_keys(signature, config, again);
  EXPECT_NE(keys[0], again[0]);
  EXPECT_TRUE(std::equal(keys.begin() + 1, keys.end(), again.begin() + 1));

  signature.resize(config.rows * 3 + 1);  // only complete bands
  band_keys(signature, config, again);
  EXPECT_EQ(again.size(), 3u);
  config.rows = 0;
  band_keys(signature, config, again);
  EXPECT_TRUE(again.empty());
}

TEST(MinHashConfig, ThresholdPointEight) {
  MinHashConfig config = make_minhash_config(0.8);
  EXPECT_EQ(config.bands * config.rows, 128u);
  EXPECT_EQ(config.permutations, 128u);
  EXPECT_EQ(config.ngram, 5u);
  EXPECT_EQ(config.seed, kDefaultHashSeed);
  EXPECT_GT(candidate_probability(0.9, config.bands, config.rows), 0.99);
  EXPECT_LT(candidate_probability(0.3, config.bands, config.rows), 0.01);
  MinHashConfig again = make_minhash_config(0.8);
  EXPECT_EQ(again.bands, config.bands);
  EXPECT_EQ(again.rows, config.rows);
}

TEST(MinHashConfig, OtherThresholdsAndSizes) {
  for (uint32_t permutations : {64u, 128u, 256u, 100u}) {
    for (double threshold : {0.5, 0.7, 0.75, 0.8, 0.85, 0.9}) {
      MinHashConfig config = make_minhash_config(threshold, permutations, 4);
      EXPECT_EQ(config.bands * config.rows, permutations);
      EXPECT_EQ(config.ngram, 4u);
      EXPECT_DOUBLE_EQ(config.threshold, threshold);
      // Recall-leaning weights: a pair at the threshold is more likely found than not.
      EXPECT_GT(candidate_probability(threshold, config.bands, config.rows), 0.5)
          << permutations << " " << threshold;
    }
  }
  // A higher threshold never needs more bands.
  EXPECT_GE(make_minhash_config(0.6).bands, make_minhash_config(0.9).bands);
}

TEST(MinHashConfig, OutOfRangeInputsAreClamped) {
  MinHashConfig config = make_minhash_config(1.5, 0, 0);
  EXPECT_EQ(config.permutations, 1u);
  EXPECT_EQ(config.bands * config.rows, 1u);
  EXPECT_EQ(config.ngram, 1u);
  EXPECT_DOUBLE_EQ(config.threshold, 0.99);
  EXPECT_DOUBLE_EQ(make_minhash_config(-1.0).threshold, 0.01);
  EXPECT_DOUBLE_EQ(make_minhash_config(std::nan("")).threshold, 0.8);
  // A huge prime: only 1 x p and p x 1 exist, found without a 4-billion-step loop.
  MinHashConfig huge = make_minhash_config(0.8, 4294967291u);
  EXPECT_EQ(uint64_t{huge.bands} * huge.rows, 4294967291u);
}

TEST(CandidateProbability, SCurveEnds) {
  EXPECT_DOUBLE_EQ(candidate_probability(0.0, 16, 8), 0.0);
  EXPECT_DOUBLE_EQ(candidate_probability(1.0, 16, 8), 1.0);
  EXPECT_NEAR(candidate_probability(0.5, 2, 1), 0.75, 1e-12);
}

}  // namespace
}  // namespace dadeum
