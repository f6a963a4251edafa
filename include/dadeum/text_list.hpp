// Many short strings end to end in one buffer: one allocation for all of them, and 8 bytes of
// bookkeeping each instead of a std::string's 32 (indexes hold one per record).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dadeum {

class TextList {
 public:
  void add(std::string_view text) {
    bytes_ += text;
    ends_.push_back(bytes_.size());
  }
  std::string_view operator[](size_t idx) const {
    const size_t begin = idx == 0 ? 0 : ends_[idx - 1];
    return std::string_view(bytes_).substr(begin, ends_[idx] - begin);
  }
  size_t size() const { return ends_.size(); }

 private:
  std::string bytes_;
  std::vector<uint64_t> ends_;  // end of each text in bytes_
};

}  // namespace dadeum
