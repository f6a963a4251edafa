#include <gtest/gtest.h>
#include "dadeum/reader.hpp"
TEST(ReaderSmoke, ParsesAlpaca) {
  auto batch = dadeum::parse_lines({R"({"instruction":"안녕","output":"네"})"});
  ASSERT_EQ(batch->records.size(), 1u);
  EXPECT_TRUE(batch->records[0].kept());
}
