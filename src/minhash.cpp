// MinHash over code-point n-grams; see include/dadeum/dedup_engine.hpp.
//
// How a signature is computed
// ---------------------------
// One-permutation hashing with optimal densification (Li, Owen and Zhang 2012;
// Shrivastava 2017). Each shingle is hashed once with XXH3-64
// (detail/minhash_shingles.hpp) into h; the high half of h picks one of the P
// positions ("bins") and the low half is the value; each position keeps the
// minimum value of its bin. For two texts a position agrees when the smallest
// value of the union's shingles in that bin belongs to both, which happens
// with probability J (the Jaccard similarity): an unbiased MinHash, like P
// independent permutations, at the cost of one hash and one compare per
// shingle instead of P.
//
// A text with fewer shingles than positions leaves bins empty. Each empty bin i
// borrows the value of a filled bin chosen by a fixed pseudo-random sequence
// j_1(i), j_2(i), ... (the first filled one): two texts with the same filled
// bins borrow from the same places, so agreement stays a J-probability event.
//
// Measured on 40,000 synthetic pairs (tests/unit/minhash_test.cpp has smaller
// versions): the squared error of the estimate is 0.83x the binomial ideal
// J(1-J)/P for texts of 300-900 code points and 1.17x for 20-80, and a band of
// 8 rows agrees as often as J^8 predicts, which is what LSH recall rests on
// (docs/dedup_engine_notes.md). It replaced P permutations folded with AVX2,
// which made a signature 1.6 times as costly.

#include <algorithm>
#include <cmath>
#include <memory>

#include "dadeum/dedup_engine.hpp"
#include "detail/minhash_shingles.hpp"

namespace dadeum {
namespace {

constexpr uint32_t kEmptyMin = 0xffffffffu;
constexpr int kIntegrationSteps = 1000;  // Simpson steps over each S-curve area (even)
constexpr uint64_t kDensifySalt = 0x6a09e667f3bcc909ULL;  // keeps the borrowing sequence apart from shingle hashes

// The position (0..positions-1) of a 64-bit hash: its high half scaled to the range.
inline uint32_t position_of(uint64_t hash, uint32_t positions) {
  return static_cast<uint32_t>(((hash >> 32) * positions) >> 32);
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
  std::vector<size_t> ring;
  detail::for_each_shingle_hash(canonical, ngram, seed, ring,
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

namespace {

// The two shingle sets of shingle_jaccard(), in one open-addressing table of hashes with a
// byte of flags per slot (bit 0: in a, bit 1: in b). The table is kept per thread and not
// cleared between calls: a slot belongs to the current call only when its stamp is the
// call's (clearing a table twice the size of two 1-2 KB texts for every pair cost as much as
// the hashing).
class ShingleUnion {
 public:
  void reset(size_t shingles) {
    size_t slots = 64;
    while (slots < 2 * shingles) slots *= 2;
    if (++stamp_ == 0 || slots > table_.size()) {  // a new table, or stamps about to repeat
      table_.assign(std::max(slots, table_.size()), Slot{});
      stamp_ = 1;
    }
    mask_ = slots - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(slots));
    count_[0] = count_[1] = common_ = 0;
  }
  // side 0 (a) or 1 (b); the sets' sizes and the common count follow as shingles are added.
  void add(uint64_t hash, unsigned side) {
    size_t slot = static_cast<size_t>(hash >> shift_);
    while (table_[slot].stamp == stamp_ && table_[slot].hash != hash) slot = (slot + 1) & mask_;
    Slot& entry = table_[slot];
    if (entry.stamp != stamp_) entry = Slot{hash, stamp_, 0};
    const uint8_t bit = static_cast<uint8_t>(1u << side);
    if ((entry.flags & bit) != 0) return;  // already in this set
    entry.flags |= bit;
    ++count_[side];
    if (entry.flags == 3) ++common_;
  }
  double jaccard() const {
    const size_t all = count_[0] + count_[1] - common_;
    return all == 0 ? 1.0 : static_cast<double>(common_) / static_cast<double>(all);
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t stamp = 0;
    uint8_t flags = 0;
  };
  std::vector<Slot> table_;
  uint32_t stamp_ = 0;
  size_t mask_ = 0;
  unsigned shift_ = 58;
  size_t count_[2] = {0, 0};
  size_t common_ = 0;
};

// What shingle_jaccard() reuses from call to call on one thread.
struct JaccardScratch {
  ShingleUnion sets;
  std::vector<size_t> ring;
  std::unique_ptr<uint64_t[]> hashes;  // both texts' shingle hashes, a's first
  size_t capacity = 0;
};

// Kept out of shingle_jaccard() (noipa: neither inlined nor cloned with the scratch built in),
// so that the thread_local is looked up once per call: in a shared library every lookup is a
// __tls_get_addr call, and inlined the compiler looked it up again inside the shingle loops
// (63 calls in the function; 3% of a prep's verification).
[[gnu::noipa]] double jaccard_of_texts(JaccardScratch& scratch, std::string_view text_a, std::string_view text_b,
                                       uint32_t ngram, uint64_t seed) {
  // A text has at most one shingle per byte (a text shorter than n is one shingle).
  const size_t bound = text_a.size() + text_b.size() + 2;
  if (scratch.capacity < bound) {
    scratch.capacity = std::max(bound, 2 * scratch.capacity);
    scratch.hashes = std::make_unique_for_overwrite<uint64_t[]>(scratch.capacity);
  }
  uint64_t* hashes = scratch.hashes.get();
  size_t end_a = 0;
  detail::for_each_shingle_hash(text_a, ngram, seed, scratch.ring, [&](uint64_t hash) { hashes[end_a++] = hash; });
  size_t end_b = end_a;
  detail::for_each_shingle_hash(text_b, ngram, seed, scratch.ring, [&](uint64_t hash) { hashes[end_b++] = hash; });
  ShingleUnion& sets = scratch.sets;
  sets.reset(end_b);
  for (size_t idx = 0; idx < end_a; ++idx) sets.add(hashes[idx], 0);
  for (size_t idx = end_a; idx < end_b; ++idx) sets.add(hashes[idx], 1);
  return sets.jaccard();
}

}  // namespace

double shingle_jaccard(std::string_view text_a, std::string_view text_b, uint32_t ngram, uint64_t seed) {
  thread_local JaccardScratch scratch;
  return jaccard_of_texts(scratch, text_a, text_b, ngram, seed);
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
  const uint32_t positions = config_.permutations;
  signature.assign(positions, kEmptyMin);
  if (positions == 0) return;
  // Captured by value, and no flag set per shingle: a store through a bool (a char type,
  // which may alias anything) made GCC reload the captured pointer for every shingle.
  uint32_t* const mins = signature.data();
  detail::for_each_shingle_hash(canonical, config_.ngram, config_.seed, ring_, [mins, positions](uint64_t hash) {
    uint32_t& slot = mins[position_of(hash, positions)];
    slot = std::min(slot, static_cast<uint32_t>(hash));
  });
  if (!canonical.empty()) densify(signature);  // a text that is not empty has a shingle
}

// The position a text's empty position `pos` borrows from at its attempt-th try
// (1, 2, ...): a fixed pseudo-random draw, the same for every text.
uint32_t MinHasher::draw(uint32_t pos, uint64_t attempt) const {
  const uint64_t draw_input[2] = {pos, attempt};
  return position_of(XXH3_64bits_withSeed(draw_input, sizeof draw_input, config_.seed ^ kDensifySalt),
                     config_.permutations);
}

// Fills each empty position from the first filled one of its own borrowing
// sequence (see the top of the file). A value of 0xffffffff counts as empty; a
// real one (chance 2^-32 per position) is then replaced the same way in every
// text, which keeps the estimate consistent.
void MinHasher::densify(std::vector<uint32_t>& signature) {
  const uint32_t positions = static_cast<uint32_t>(signature.size());
  // A text of a few hundred code points fills every position: find that out with one
  // vectorized pass (a 128-position signature took 380 ns per record through the loops below).
  uint32_t empty = 0;
  for (uint32_t value : signature) empty |= static_cast<uint32_t>(value == kEmptyMin);
  if (empty == 0) return;
  filled_.assign((positions + 63) / 64, 0);
  uint32_t filled_count = 0;
  for (uint32_t pos = 0; pos < positions; ++pos) {
    const bool filled = signature[pos] != kEmptyMin;
    filled_[pos / 64] |= uint64_t{filled} << (pos % 64);
    filled_count += filled;
  }
  // None filled: every shingle's value was 0xffffffff, and nothing could be borrowed.
  if (filled_count == 0) return;
  // Most texts of the corpora leave a few positions empty (700 shingles leave 128 * e^-5.5,
  // about 0.5, on average), so the first draws of every position are computed once per
  // MinHasher instead of hashed for every empty position of every text.
  if (first_draws_.empty()) {
    first_draws_.resize(size_t{positions} * kTabledDraws);
    for (uint32_t pos = 0; pos < positions; ++pos) {
      for (uint32_t attempt = 1; attempt <= kTabledDraws; ++attempt) {
        first_draws_[size_t{pos} * kTabledDraws + attempt - 1] = draw(pos, attempt);
      }
    }
  }
  auto is_filled = [&](uint32_t pos) { return ((filled_[pos / 64] >> (pos % 64)) & 1) != 0; };
  for (uint32_t pos = 0; pos < positions; ++pos) {
    if (is_filled(pos)) continue;
    const uint32_t* tabled = &first_draws_[size_t{pos} * kTabledDraws];
    for (uint64_t attempt = 1;; ++attempt) {
      const uint32_t from = attempt <= kTabledDraws ? tabled[attempt - 1] : draw(pos, attempt);
      if (is_filled(from)) {
        signature[pos] = signature[from];
        break;
      }
    }
  }
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
