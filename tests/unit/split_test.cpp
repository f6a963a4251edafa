#include <gtest/gtest.h>

#include <map>

#include "dadeum/split.hpp"

namespace dadeum {
namespace {

std::vector<SplitUnit> singles(size_t count, uint64_t stratum = 0) {
  std::vector<SplitUnit> units(count);
  for (size_t idx = 0; idx < count; ++idx) units[idx] = {1, stratum, idx * 2654435761ULL + 7};
  return units;
}

TEST(Apportion, SumsExactlyWithLargestRemainder) {
  EXPECT_EQ(apportion(10, {1, 1, 1}), (std::vector<uint64_t>{4, 3, 3}));
  EXPECT_EQ(apportion(40, {200, 150, 50}), (std::vector<uint64_t>{20, 15, 5}));
  EXPECT_EQ(apportion(7, {5, 3, 2}), (std::vector<uint64_t>{4, 2, 1}));  // 3.5, 2.1, 1.4
  EXPECT_EQ(apportion(0, {5, 3}), (std::vector<uint64_t>{0, 0}));
}

TEST(Split, ExactSizes) {
  SplitOptions options;
  options.val_size = 40;
  auto plan = plan_split(singles(400), options);
  ASSERT_TRUE(plan.is_ok());
  EXPECT_EQ(plan.value().validation, 40u);
  EXPECT_EQ(plan.value().train, 360u);
  options.val_size.reset();
  options.val_ratio = 0.1;
  options.test_ratio = 0.05;
  plan = plan_split(singles(401), options);
  EXPECT_EQ(plan.value().validation, 40u);  // 40.1 rounds to 40
  EXPECT_EQ(plan.value().test, 20u);        // 20.05 rounds to 20
  EXPECT_EQ(plan.value().train, 341u);
}

TEST(Split, StratifiedQuotasAreExactPerStratum) {
  std::vector<SplitUnit> units;
  for (uint64_t stratum : {11u, 22u, 33u}) {
    size_t count = stratum == 11 ? 200 : stratum == 22 ? 150 : 50;
    auto part = singles(count, stratum);
    units.insert(units.end(), part.begin(), part.end());
  }
  SplitOptions options;
  options.val_size = 40;
  auto plan = plan_split(units, options).value();
  std::map<uint64_t, int> validation_per_stratum;
  for (size_t idx = 0; idx < units.size(); ++idx) {
    if (plan.assignment[idx] == SplitName::kValidation) ++validation_per_stratum[units[idx].stratum];
  }
  EXPECT_EQ(validation_per_stratum[11], 20);
  EXPECT_EQ(validation_per_stratum[22], 15);
  EXPECT_EQ(validation_per_stratum[33], 5);
}

TEST(Split, GroupsStayWholeAndSizesStayExact) {
  std::vector<SplitUnit> units = singles(100);
  units.push_back({30, 0, 999});  // a group bigger than the quota can never go to validation
  units.push_back({3, 0, 998});
  SplitOptions options;
  options.val_size = 10;
  auto plan = plan_split(units, options).value();
  EXPECT_EQ(plan.validation, 10u);
  EXPECT_EQ(plan.assignment[100], SplitName::kTrain);
  EXPECT_EQ(plan.train + plan.validation, 133u);
}

TEST(Split, SameSeedSameSplitOtherSeedOther) {
  SplitOptions options;
  options.val_size = 50;
  auto a = plan_split(singles(500), options).value().assignment;
  auto b = plan_split(singles(500), options).value().assignment;
  EXPECT_EQ(a, b);
  options.seed = 7;
  EXPECT_NE(plan_split(singles(500), options).value().assignment, a);
}

TEST(Split, HashModeNeverMovesExistingUnits) {
  SplitOptions options;
  options.mode = SplitMode::kHash;
  options.val_ratio = 0.2;
  auto before = plan_split(singles(1000), options).value();
  auto after = plan_split(singles(3000), options).value();
  for (size_t idx = 0; idx < 1000; ++idx) ASSERT_EQ(before.assignment[idx], after.assignment[idx]);
  EXPECT_NEAR(double(after.validation) / 3000.0, 0.2, 0.03);
}

TEST(Split, RefusesImpossibleSizes) {
  SplitOptions options;
  options.val_size = 8;
  options.test_size = 3;
  EXPECT_FALSE(plan_split(singles(10), options).is_ok());
  options = {};
  options.val_ratio = 1.5;
  EXPECT_FALSE(plan_split(singles(10), options).is_ok());
}

}  // namespace
}  // namespace dadeum
