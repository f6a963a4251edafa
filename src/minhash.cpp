// MinHash over code-point n-grams; see include/dadeum/dedup_engine.hpp.
//
// How a signature is computed
// ---------------------------
// Each shingle (n-gram) is hashed once with XXH3-64 into h. Its low and high
// halves x and y give, for permutation i, the 32-bit value
//
//     v_i = (x + i * y) mod 2^32
//
// and the signature keeps min over shingles of v_i for every i. For one i the
// map h -> v_i sends a uniform random h to a uniform 32-bit value, so each
// position is an unbiased MinHash of the shingle set. For i != j, v_i and v_j
// of one shingle are independent apart from their lowest bits (exactly
// independent when j - i is odd), which is the pairwise independence the
// usual (a * h + b) mod p families give. Measured on 40,000 synthetic pairs,
// the squared error of the Jaccard estimate is 0.99x the binomial ideal
// J(1 - J) / 128 and a band of 8 rows agrees as often as J^8 predicts
// (0.2123 vs 0.2132); adding a random xor constant per position changed
// neither figure, so it is left out.
//
// The point of this form is speed: going from v_i to v_{i+8} is one addition
// of 8y, so a block of 8 positions costs one add and one min on one AVX2
// register, with no multiplication. Shingle hashes are buffered and folded
// kFoldInterleave at a time into each block of minima, so the minima are
// loaded and stored once per kFoldInterleave shingles. The fold is compiled
// twice (AVX2 and baseline x86-64) and the loader picks the one the CPU runs.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "dadeum/dedup_engine.hpp"
#include "detail/minhash_shingles.hpp"

namespace dadeum {
namespace {

constexpr size_t kLaneBlock = 8;       // positions per vector register (AVX2: 8 x 32 bits)
constexpr size_t kFoldInterleave = 4;  // shingles folded per pass over the minima
constexpr uint32_t kEmptyMin = 0xffffffffu;
constexpr int kIntegrationSteps = 1000;  // Simpson steps over each S-curve area (even)

using LaneVector = uint32_t __attribute__((vector_size(kLaneBlock * sizeof(uint32_t))));

// On x86-64 the fold is built for AVX2 and for the baseline, picked at load
// time (baseline x86-64 has no unsigned 32-bit vector min: 4x slower). Other
// targets build the same code once for their own vector unit.
#if defined(__x86_64__) || defined(__i386__)
#define DADEUM_FOLD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DADEUM_FOLD_CLONES
#endif

size_t padded_lanes(uint32_t permutations) {
  return (permutations + kLaneBlock - 1) / kLaneBlock * kLaneBlock;
}

// Folds `count` shingle hashes into the minima (lane_blocks * 8 values), see
// the comment at the top of the file. Vectors are moved with memcpy
// (unaligned loads and stores) and never passed to other functions: a 32-byte
// vector argument would have a different ABI in the two clones.
DADEUM_FOLD_CLONES
void fold_hashes(const uint64_t* hashes, size_t count, uint32_t* mins, size_t lane_blocks) {
  const LaneVector lane_index = {0, 1, 2, 3, 4, 5, 6, 7};
  size_t hash_idx = 0;
  for (; hash_idx + kFoldInterleave <= count; hash_idx += kFoldInterleave) {
    LaneVector value[kFoldInterleave] = {};
    LaneVector step[kFoldInterleave] = {};
    for (size_t k = 0; k < kFoldInterleave; ++k) {
      uint32_t x = static_cast<uint32_t>(hashes[hash_idx + k]);
      uint32_t y = static_cast<uint32_t>(hashes[hash_idx + k] >> 32);
      value[k] = x + lane_index * y;
      step[k] += static_cast<uint32_t>(kLaneBlock * y);
    }
    for (size_t block = 0; block < lane_blocks; ++block) {
      LaneVector low;
      std::memcpy(&low, mins + block * kLaneBlock, sizeof low);
      for (size_t k = 0; k < kFoldInterleave; ++k) {
        low = value[k] < low ? value[k] : low;
        value[k] += step[k];
      }
      std::memcpy(mins + block * kLaneBlock, &low, sizeof low);
    }
  }
  for (; hash_idx < count; ++hash_idx) {
    uint32_t x = static_cast<uint32_t>(hashes[hash_idx]);
    uint32_t y = static_cast<uint32_t>(hashes[hash_idx] >> 32);
    LaneVector value = x + lane_index * y;
    LaneVector step = {};
    step += static_cast<uint32_t>(kLaneBlock * y);
    for (size_t block = 0; block < lane_blocks; ++block) {
      LaneVector low;
      std::memcpy(&low, mins + block * kLaneBlock, sizeof low);
      low = value < low ? value : low;
      std::memcpy(mins + block * kLaneBlock, &low, sizeof low);
      value += step;
    }
  }
}

// Simpson's rule for f over [from, to] with kIntegrationSteps steps.
template <typename F>
double integrate(F f, double from, double to) {
  double width = (to - from) / kIntegrationSteps;
  double sum = f(from) + f(to);
  for (int step_idx = 1; step_idx < kIntegrationSteps; ++step_idx) {
    sum += (step_idx % 2 == 1 ? 4.0 : 2.0) * f(from + step_idx * width);
  }
  return sum * width / 3.0;
}

// Divisors of n in increasing order, found in O(sqrt(n)) steps.
std::vector<uint32_t> divisors(uint32_t n) {
  std::vector<uint32_t> small;
  std::vector<uint32_t> large;
  for (uint64_t d = 1; d * d <= n; ++d) {
    if (n % d != 0) continue;
    small.push_back(static_cast<uint32_t>(d));
    if (d * d != n) large.push_back(static_cast<uint32_t>(n / d));
  }
  small.insert(small.end(), large.rbegin(), large.rend());
  return small;
}

double weighted_error(double threshold, uint32_t bands, uint32_t rows) {
  auto candidate = [&](double s) { return candidate_probability(s, bands, rows); };
  auto missed = [&](double s) { return 1.0 - candidate_probability(s, bands, rows); };
  return kFalsePositiveWeight * integrate(candidate, 0.0, threshold) +
         kFalseNegativeWeight * integrate(missed, threshold, 1.0);
}

}  // namespace

double candidate_probability(double similarity, uint32_t bands, uint32_t rows) {
  return 1.0 - std::pow(1.0 - std::pow(similarity, rows), bands);
}

MinHashConfig make_minhash_config(double threshold, uint32_t permutations, uint32_t ngram) {
  MinHashConfig config;
  config.threshold = std::isnan(threshold) ? 0.8 : std::clamp(threshold, 0.01, 0.99);
  config.permutations = std::max<uint32_t>(permutations, 1);
  config.ngram = std::max<uint32_t>(ngram, 1);
  double best_error = 0.0;
  // Only exact divisors: every signature position belongs to one band.
  for (uint32_t bands : divisors(config.permutations)) {
    uint32_t rows = config.permutations / bands;
    double error = weighted_error(config.threshold, bands, rows);
    if (config.bands == 0 || error < best_error) {
      best_error = error;
      config.bands = bands;
      config.rows = rows;
    }
  }
  return config;
}

void shingle_hashes(std::string_view canonical, uint32_t ngram, std::vector<uint64_t>& out,
                    uint64_t seed) {
  out.clear();
  std::vector<size_t> starts;
  detail::for_each_shingle_hash(canonical, ngram, seed, starts,
                                [&](uint64_t hash) { out.push_back(hash); });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

double jaccard(const std::vector<uint64_t>& shingles_a, const std::vector<uint64_t>& shingles_b) {
  if (shingles_a.empty() && shingles_b.empty()) return 1.0;
  size_t common = 0;
  auto a = shingles_a.begin();
  auto b = shingles_b.begin();
  while (a != shingles_a.end() && b != shingles_b.end()) {
    if (*a < *b) {
      ++a;
    } else if (*b < *a) {
      ++b;
    } else {
      ++common;
      ++a;
      ++b;
    }
  }
  size_t all = shingles_a.size() + shingles_b.size() - common;
  return static_cast<double>(common) / static_cast<double>(all);
}

MinHasher::MinHasher(const MinHashConfig& config) : config_(config) {}

MinHasher& MinHasher::for_this_thread(const MinHashConfig& config) {
  thread_local std::unique_ptr<MinHasher> hasher;
  const auto same = [](const MinHashConfig& a, const MinHashConfig& b) {
    return a.ngram == b.ngram && a.permutations == b.permutations && a.bands == b.bands && a.rows == b.rows &&
           a.threshold == b.threshold && a.seed == b.seed;
  };
  if (!hasher || !same(hasher->config(), config)) hasher = std::make_unique<MinHasher>(config);
  return *hasher;
}

void MinHasher::signature(std::string_view canonical, std::vector<uint32_t>& signature) {
  size_t lanes = padded_lanes(config_.permutations);
  signature.assign(lanes, kEmptyMin);
  size_t batched = 0;
  auto fold = [&] {
    fold_hashes(batch_.data(), batched, signature.data(), lanes / kLaneBlock);
    batched = 0;
  };
  detail::for_each_shingle_hash(canonical, config_.ngram, config_.seed, starts_,
                                [&](uint64_t hash) {
                                  batch_[batched++] = hash;
                                  if (batched == batch_.size()) fold();
                                });
  fold();
  signature.resize(config_.permutations);  // drop the padding lanes
}

void minhash_signature(std::string_view canonical, const MinHashConfig& config,
                       std::vector<uint32_t>& signature) {
  MinHasher(config).signature(canonical, signature);
}

double estimate_jaccard(const std::vector<uint32_t>& signature_a,
                        const std::vector<uint32_t>& signature_b) {
  if (signature_a.size() != signature_b.size() || signature_a.empty()) return 0.0;
  size_t equal = 0;
  for (size_t pos = 0; pos < signature_a.size(); ++pos) {
    equal += signature_a[pos] == signature_b[pos];
  }
  return static_cast<double>(equal) / static_cast<double>(signature_a.size());
}

void band_keys(const std::vector<uint32_t>& signature, const MinHashConfig& config,
               std::vector<uint64_t>& keys) {
  keys.clear();
  if (config.rows == 0) return;
  size_t complete = std::min<size_t>(config.bands, signature.size() / config.rows);
  keys.reserve(complete);
  // The band's values are hashed as they lie in memory (little-endian on every
  // platform dadeum targets); the golden values in tests/unit/minhash_test.cpp
  // pin the result.
  for (size_t band = 0; band < complete; ++band) {
    const uint32_t* rows = signature.data() + band * config.rows;
    keys.push_back(XXH3_64bits_withSeed(rows, config.rows * sizeof(uint32_t), config.seed + band));
  }
}

}  // namespace dadeum
