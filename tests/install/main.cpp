// Parses one alpaca line with the installed library and writes it back.
#include <dadeum/reader.hpp>
#include <dadeum/writer.hpp>

#include <iostream>

int main() {
  auto batch = dadeum::parse_lines({R"({"instruction":"안녕하세요","output":"반갑습니다"})"});
  std::string out, error;
  if (!batch->records[0].kept() || !dadeum::append_example(out, batch->records[0], dadeum::Schema::kMessages, error)) {
    std::cerr << "failed\n";
    return 1;
  }
  std::cout << out;
  return 0;
}
