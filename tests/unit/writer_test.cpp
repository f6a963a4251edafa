#include <gtest/gtest.h>
#include "dadeum/writer.hpp"
TEST(WriterSmoke, Escapes) {
  std::string out;
  dadeum::append_json_string(out, "a\"b\n");
  EXPECT_EQ(out, R"("a\"b\n")");
}
