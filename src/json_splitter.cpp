// A JSON document holding an array of records (or a single record). Each element is
// minified (whitespace outside strings removed) so that it can be written as one JSON line;
// nothing inside strings changes. The parser later validates each element on its own, so a
// broken element costs only itself.
#include <algorithm>

#include "detail/read_all.hpp"
#include "detail/splitter.hpp"

namespace dadeum::detail {
namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class JsonSplitter final : public RecordSplitter {
 public:
  JsonSplitter(std::unique_ptr<ByteSource> source, std::string head, SplitLimits limits)
      : source_(std::move(source)), doc_(std::move(head)), limits_(limits) {}

  Result<bool> fill(std::string& buffer, std::vector<PendingRecord>& records) override {
    if (!loaded_) DADEUM_RETURN_IF_ERROR(load());
    buffer.clear();
    while (pos_ < doc_.size() && buffer.size() < limits_.batch_bytes) {
      skip_space();
      if (pos_ >= doc_.size()) break;
      if (in_array_) {
        char c = doc_[pos_];
        if (c == ']') {
          ++pos_;
          in_array_ = false;
          array_closed_or_single_done_ = true;
          continue;
        }
        if (c == ',' && !expect_value_) {
          ++pos_;
          expect_value_ = true;
          continue;
        }
      } else if (array_closed_or_single_done_) {
        add_trailing(buffer, records);
        break;
      }
      add_element(buffer, records);
    }
    if (pos_ >= doc_.size() && !finished_) {
      finished_ = true;
      if (!data_error_.empty()) {
        records.push_back({buffer.size(), 0, line_, pos_, "truncated_input",
                           "input ends early: " + data_error_});
      } else if (in_array_) {
        records.push_back({buffer.size(), 0, line_, pos_, "invalid_json",
                           "JSON array is not closed with ']'"});
      }
    }
    return !(records.empty() && finished_);
  }

 private:
  Status load() {
    loaded_ = true;
    DADEUM_RETURN_IF_ERROR(read_all(*source_, doc_, data_error_));
    if (doc_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
    skip_space();
    if (pos_ < doc_.size() && doc_[pos_] == '[') {
      ++pos_;
      in_array_ = true;
      expect_value_ = true;
    }
    return Status::ok();
  }

  void skip_space() {
    while (pos_ < doc_.size() && is_json_space(doc_[pos_])) {
      if (doc_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }

  // Copies one value (minified) into the buffer; stops at the ',' or ']' that ends it.
  void add_element(std::string& buffer, std::vector<PendingRecord>& records) {
    PendingRecord record;
    record.offset = buffer.size();
    record.line = line_;
    record.byte_offset = pos_;
    int depth = 0;
    bool in_string = false;
    while (pos_ < doc_.size()) {
      char c = doc_[pos_];
      if (in_string) {
        buffer.push_back(c);
        if (c == '\\' && pos_ + 1 < doc_.size()) {
          buffer.push_back(doc_[++pos_]);
        } else if (c == '"') {
          in_string = false;
        } else if (c == '\n') {
          ++line_;
        }
        ++pos_;
        continue;
      }
      if (depth == 0 && in_array_ && (c == ',' || c == ']')) break;
      if (c == '"') in_string = true;
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') --depth;
      if (is_json_space(c)) {
        if (c == '\n') ++line_;
      } else {
        buffer.push_back(c);
      }
      ++pos_;
      if (depth <= 0 && !in_array_) break;  // a single top-level object ends here
    }
    record.length = buffer.size() - record.offset;
    if (record.length > limits_.max_line_bytes) {
      buffer.resize(record.offset + std::min(record.length, kRejectRawPrefix));
      record.reject_code = "line_too_long";
      record.reject_message = "record is " + std::to_string(record.length) +
                              " bytes, over the limit of " + std::to_string(limits_.max_line_bytes);
      record.length = buffer.size() - record.offset;
    }
    expect_value_ = false;
    if (!in_array_) array_closed_or_single_done_ = true;
    records.push_back(std::move(record));
  }

  void add_trailing(std::string& buffer, std::vector<PendingRecord>& records) {
    PendingRecord record;
    record.offset = buffer.size();
    record.line = line_;
    record.byte_offset = pos_;
    size_t length = std::min(doc_.size() - pos_, kRejectRawPrefix);
    buffer.append(doc_, pos_, length);
    record.length = length;
    record.reject_code = "invalid_json";
    record.reject_message = "unexpected data after the JSON document";
    records.push_back(std::move(record));
    pos_ = doc_.size();
  }

  std::unique_ptr<ByteSource> source_;
  std::string doc_;
  SplitLimits limits_;
  std::string data_error_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
  bool loaded_ = false;
  bool in_array_ = false;
  bool expect_value_ = false;
  bool array_closed_or_single_done_ = false;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<RecordSplitter> make_json_splitter(std::unique_ptr<ByteSource> source,
                                                   std::string head, SplitLimits limits) {
  return std::make_unique<JsonSplitter>(std::move(source), std::move(head), limits);
}

}  // namespace dadeum::detail
