// Assigning records to train / validation / test: exact sizes, strata, groups that never
// span two splits, and a hash mode where adding data never moves an existing record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dadeum/status.hpp"

namespace dadeum {

enum class SplitName : uint8_t { kTrain, kValidation, kTest };
std::string_view split_name(SplitName split);  //!< "train", "validation", "test"

enum class SplitMode : uint8_t { kShuffle, kHash };

struct SplitOptions {
  double val_ratio = 0.1;              //!< used when val_size is not set
  std::optional<uint64_t> val_size;    //!< exact number of validation records
  double test_ratio = 0.0;
  std::optional<uint64_t> test_size;
  uint64_t seed = 42;
  SplitMode mode = SplitMode::kShuffle;
};

//! Records that must land in the same split (a near-duplicate cluster, a conflict group, a
//! --group-by group, or a single record).
struct SplitUnit {
  uint32_t records = 1;  //!< records in the unit
  uint64_t stratum = 0;  //!< --stratify-by value (hashed); all equal when not stratifying
  uint64_t key = 0;      //!< stable content hash of the unit (hash mode)
};

struct SplitPlan {
  std::vector<SplitName> assignment;  //!< one per unit
  uint64_t train = 0;                 //!< records per split
  uint64_t validation = 0;
  uint64_t test = 0;
  uint64_t asked_validation = 0;      //!< the sizes asked for (shuffle mode)
  uint64_t asked_test = 0;
};

//! Validation and test sizes for `total` records: exact sizes, or ratios rounded to nearest.
Result<std::pair<uint64_t, uint64_t>> split_sizes(uint64_t total, const SplitOptions& options);

//! Assigns every unit. Shuffle mode: a seeded shuffle per stratum, quotas by largest
//! remainder so the totals are exact; a unit goes to validation (then test) while it fits.
//! Only units larger than what is left can leave a split short, and the plan says by how
//! much. Hash mode: each unit by its key alone (ratios; sizes are approximate).
Result<SplitPlan> plan_split(const std::vector<SplitUnit>& units, const SplitOptions& options);

//! Largest-remainder apportionment of `total` over `weights` (sums exactly to total; ties go
//! to the earlier weight).
std::vector<uint64_t> apportion(uint64_t total, const std::vector<uint64_t>& weights);

}  // namespace dadeum
