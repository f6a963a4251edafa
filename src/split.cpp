#include "dadeum/split.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace dadeum {
namespace {

// splitmix64: a tiny, fully specified generator, so shuffles are the same on every platform
// and standard library (std::shuffle's algorithm is not specified).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t bound) {  // unbiased enough for shuffling: 128-bit multiply-shift
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * bound) >> 64);
  }

 private:
  uint64_t state_;
};

uint64_t mix(uint64_t value) { return Rng(value).next(); }

template <typename T>
void shuffle(std::vector<T>& items, Rng& rng) {
  for (size_t idx = items.size(); idx > 1; --idx) std::swap(items[idx - 1], items[rng.below(idx)]);
}

// Moves units from train into `target` while they fit, in the given order.
uint64_t fill(const std::vector<uint32_t>& order, const std::vector<SplitUnit>& units, uint64_t quota,
              SplitName target, std::vector<SplitName>& assignment) {
  uint64_t taken = 0;
  for (uint32_t unit : order) {
    if (taken == quota) break;
    if (assignment[unit] != SplitName::kTrain || units[unit].records == 0) continue;
    if (taken + units[unit].records <= quota) {
      assignment[unit] = target;
      taken += units[unit].records;
    }
  }
  return taken;
}

}  // namespace

std::string_view split_name(SplitName split) {
  switch (split) {
    case SplitName::kTrain: return "train";
    case SplitName::kValidation: return "validation";
    case SplitName::kTest: return "test";
  }
  return "train";
}

std::vector<uint64_t> apportion(uint64_t total, const std::vector<uint64_t>& weights) {
  std::vector<uint64_t> shares(weights.size(), 0);
  uint64_t weight_sum = std::accumulate(weights.begin(), weights.end(), uint64_t{0});
  if (weight_sum == 0) return shares;
  std::vector<std::pair<unsigned __int128, size_t>> remainders;
  uint64_t given = 0;
  for (size_t idx = 0; idx < weights.size(); ++idx) {
    unsigned __int128 exact = static_cast<unsigned __int128>(total) * weights[idx];
    shares[idx] = static_cast<uint64_t>(exact / weight_sum);
    given += shares[idx];
    remainders.emplace_back(exact % weight_sum, idx);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t idx = 0; given < total && idx < remainders.size(); ++idx, ++given) ++shares[remainders[idx].second];
  return shares;
}

Result<std::pair<uint64_t, uint64_t>> split_sizes(uint64_t total, const SplitOptions& options) {
  auto size_of = [total](std::optional<uint64_t> size, double ratio) -> Result<uint64_t> {
    if (size) return *size;
    if (!(ratio >= 0.0 && ratio < 1.0)) return invalid_argument("a split ratio must be in [0, 1)");
    return static_cast<uint64_t>(std::llround(ratio * static_cast<double>(total)));
  };
  Result<uint64_t> validation = size_of(options.val_size, options.val_ratio);
  if (!validation.is_ok()) return validation.status();
  Result<uint64_t> test = size_of(options.test_size, options.test_ratio);
  if (!test.is_ok()) return test.status();
  if (validation.value() + test.value() > total) {
    return invalid_argument("validation (" + std::to_string(validation.value()) + ") + test (" +
                            std::to_string(test.value()) + ") is more than the " + std::to_string(total) +
                            " records available");
  }
  return std::make_pair(validation.value(), test.value());
}

Result<SplitPlan> plan_split(const std::vector<SplitUnit>& units, const SplitOptions& options) {
  SplitPlan plan;
  plan.assignment.assign(units.size(), SplitName::kTrain);
  uint64_t total = 0;
  for (const SplitUnit& unit : units) total += unit.records;

  if (options.mode == SplitMode::kHash) {
    double val_ratio = options.val_size ? double(*options.val_size) / double(std::max<uint64_t>(total, 1)) : options.val_ratio;
    double test_ratio = options.test_size ? double(*options.test_size) / double(std::max<uint64_t>(total, 1)) : options.test_ratio;
    if (val_ratio + test_ratio > 1.0) return invalid_argument("validation + test ratios exceed 1");
    for (size_t idx = 0; idx < units.size(); ++idx) {
      double position = double(mix(units[idx].key ^ options.seed) >> 11) * 0x1.0p-53;  // uniform in [0, 1)
      SplitName split = position < val_ratio ? SplitName::kValidation
                        : position < val_ratio + test_ratio ? SplitName::kTest
                                                            : SplitName::kTrain;
      plan.assignment[idx] = split;
    }
  } else {
    auto sizes = split_sizes(total, options);
    if (!sizes.is_ok()) return sizes.status();
    plan.asked_validation = sizes.value().first;
    plan.asked_test = sizes.value().second;

    // Strata in order of first appearance, each with its units in input order.
    std::map<uint64_t, size_t> stratum_index;
    std::vector<std::vector<uint32_t>> strata;
    std::vector<uint64_t> stratum_records;
    for (size_t idx = 0; idx < units.size(); ++idx) {
      auto [it, inserted] = stratum_index.emplace(units[idx].stratum, strata.size());
      if (inserted) {
        strata.emplace_back();
        stratum_records.push_back(0);
      }
      strata[it->second].push_back(static_cast<uint32_t>(idx));
      stratum_records[it->second] += units[idx].records;
    }
    std::vector<uint64_t> val_quota = apportion(plan.asked_validation, stratum_records);
    std::vector<uint64_t> test_quota = apportion(plan.asked_test, stratum_records);
    std::vector<uint32_t> global_order;
    for (size_t stratum = 0; stratum < strata.size(); ++stratum) {
      Rng rng(options.seed ^ mix(stratum + 1));
      shuffle(strata[stratum], rng);
      fill(strata[stratum], units, val_quota[stratum], SplitName::kValidation, plan.assignment);
      fill(strata[stratum], units, test_quota[stratum], SplitName::kTest, plan.assignment);
      global_order.insert(global_order.end(), strata[stratum].begin(), strata[stratum].end());
    }
    // Groups too large for a stratum's quota can leave a split short: top it up from any stratum.
    auto count = [&](SplitName split) {
      uint64_t records = 0;
      for (size_t idx = 0; idx < units.size(); ++idx) records += plan.assignment[idx] == split ? units[idx].records : 0;
      return records;
    };
    uint64_t have_val = count(SplitName::kValidation);
    if (have_val < plan.asked_validation) fill(global_order, units, plan.asked_validation - have_val, SplitName::kValidation, plan.assignment);
    uint64_t have_test = count(SplitName::kTest);
    if (have_test < plan.asked_test) fill(global_order, units, plan.asked_test - have_test, SplitName::kTest, plan.assignment);
  }
  for (size_t idx = 0; idx < units.size(); ++idx) {
    uint64_t records = units[idx].records;
    switch (plan.assignment[idx]) {
      case SplitName::kTrain: plan.train += records; break;
      case SplitName::kValidation: plan.validation += records; break;
      case SplitName::kTest: plan.test += records; break;
    }
  }
  return plan;
}

}  // namespace dadeum
