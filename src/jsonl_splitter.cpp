// JSON Lines: one record per line. Reads big chunks straight into the batch buffer and
// carries the partial last line over to the next batch, so no line is copied twice.
#include <algorithm>
#include <cstring>  // memrchr (a GNU extension, declared under _GNU_SOURCE)

#include "detail/splitter.hpp"

namespace dadeum::detail {
namespace {

bool is_blank(const char* data, size_t size) {
  for (size_t idx = 0; idx < size; ++idx) {
    char c = data[idx];
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

std::string too_long_message(uint64_t length, size_t limit, bool exact) {
  return std::string("line is ") + (exact ? "" : "over ") + std::to_string(length) +
         " bytes, over the limit of " + std::to_string(limit) +
         " (--max-line-bytes); raw keeps its first " + std::to_string(kRejectRawPrefix) + " bytes";
}

class JsonlSplitter final : public RecordSplitter {
 public:
  JsonlSplitter(std::unique_ptr<ByteSource> source, std::string head, SplitLimits limits)
      : source_(std::move(source)), carry_(std::move(head)), limits_(limits) {}

  Result<bool> fill(std::string& buffer, std::vector<PendingRecord>& records) override {
    if (done_) return false;
    buffer.clear();
    buffer.swap(carry_);
    uint64_t buffer_offset = carry_offset_;
    size_t target = limits_.batch_bytes;
    size_t searched = 0;  // buffer[0, searched) holds no '\n'
    size_t end = std::string::npos;  // records end here; the rest is carried over
    while (true) {
      while (!eof_ && buffer.size() < target) DADEUM_RETURN_IF_ERROR(read_more(buffer, target));
      // Only the bytes read since the last look: a line many batches long is searched once.
      const void* newline = ::memrchr(buffer.data() + searched, '\n', buffer.size() - searched);
      if (newline != nullptr) {
        end = static_cast<size_t>(static_cast<const char*>(newline) - buffer.data()) + 1;
        break;
      }
      if (eof_) {
        end = buffer.size();
        break;
      }
      searched = buffer.size();
      if (buffer.size() > limits_.max_line_bytes) {
        DADEUM_RETURN_IF_ERROR(skip_long_line(buffer, buffer_offset, records));
        return true;
      }
      target = buffer.size() + limits_.batch_bytes;  // one line longer than a batch: grow
    }
    carry_.assign(buffer, end, std::string::npos);
    buffer.resize(end);
    carry_offset_ = buffer_offset + end;
    split_lines(buffer, buffer_offset, records);
    if (eof_ && carry_.empty()) done_ = !read_error_.empty() ? report_truncation(buffer, records) : true;
    return true;
  }

 private:
  Status read_more(std::string& buffer, size_t target) {
    // Grow geometrically from 64 KiB up to the target: resize() zero-fills what it adds, and a
    // tiny input (10^5 one-record files) must not pay for a whole batch of zeros each.
    // Past 64 KiB the input is no tiny file: take the whole batch's capacity at once (no copy
    // at each doubling, and room for the parser's padding).
    size_t old_size = buffer.size();
    if (old_size >= (1 << 16) && buffer.capacity() < target + kParserPadding) buffer.reserve(target + kParserPadding);
    size_t want = std::max<size_t>(std::min(target - old_size, old_size), 1 << 16);
    buffer.resize(old_size + want);
    Result<size_t> got = source_->read(buffer.data() + old_size, want);
    if (!got.is_ok()) {
      buffer.resize(old_size);
      if (got.status().code() != StatusCode::kDataError) return got.status();
      read_error_ = got.status().message();  // truncated/corrupt: keep what came before
      eof_ = true;
      return Status::ok();
    }
    buffer.resize(old_size + got.value());
    if (got.value() == 0) eof_ = true;
    return Status::ok();
  }

  void split_lines(std::string& buffer, uint64_t buffer_offset, std::vector<PendingRecord>& records) {
    size_t pos = 0;
    while (pos < buffer.size()) {
      const char* start = buffer.data() + pos;
      const char* newline = static_cast<const char*>(std::memchr(start, '\n', buffer.size() - pos));
      size_t length = newline ? static_cast<size_t>(newline - start) : buffer.size() - pos;
      size_t next = pos + length + (newline ? 1 : 0);
      bool last_without_newline = newline == nullptr;
      add_line(buffer, pos, length, buffer_offset + pos, records,
               last_without_newline && !read_error_.empty());
      pos = next;
    }
  }

  void add_line(std::string& buffer, size_t pos, size_t length, uint64_t byte_offset,
                std::vector<PendingRecord>& records, bool truncated) {
    uint64_t line = next_line_++;
    if (line == 1 && length >= 3 && std::memcmp(buffer.data() + pos, "\xEF\xBB\xBF", 3) == 0) {
      pos += 3;  // a UTF-8 byte order mark is not part of the record
      length -= 3;
      byte_offset += 3;
    }
    if (length > 0 && buffer[pos + length - 1] == '\r') --length;  // CRLF endings are fine
    if (is_blank(buffer.data() + pos, length) && !truncated) {
      ++blank_lines_;
      return;
    }
    PendingRecord record{pos, length, line, byte_offset, {}, {}};
    if (truncated) {
      record.reject_code = "truncated_input";
      record.reject_message = "input ends inside this line: " + read_error_;
      truncation_reported_ = true;
    } else if (length > limits_.max_line_bytes) {
      record.length = std::min(length, kRejectRawPrefix);
      record.reject_code = "line_too_long";
      record.reject_message = too_long_message(length, limits_.max_line_bytes, true);
    }
    records.push_back(std::move(record));
  }

  // The buffer holds the start of a line longer than the limit and no newline: keep a prefix
  // for the rejects file and read on, discarding, to the end of that line.
  Status skip_long_line(std::string& buffer, uint64_t buffer_offset,
                        std::vector<PendingRecord>& records) {
    uint64_t length = buffer.size();
    std::string chunk(limits_.batch_bytes, '\0');
    std::string rest;
    bool found = false;
    while (!found && !eof_) {
      Result<size_t> got = source_->read(chunk.data(), chunk.size());
      if (!got.is_ok()) {
        if (got.status().code() != StatusCode::kDataError) return got.status();
        read_error_ = got.status().message();
        eof_ = true;
        break;
      }
      if (got.value() == 0) {
        eof_ = true;
        break;
      }
      const char* newline = static_cast<const char*>(std::memchr(chunk.data(), '\n', got.value()));
      size_t used = newline ? static_cast<size_t>(newline - chunk.data()) + 1 : got.value();
      length += newline ? used - 1 : used;
      if (newline) {
        found = true;
        rest.assign(chunk.data() + used, got.value() - used);
      }
    }
    size_t kept = std::min(buffer.size(), kRejectRawPrefix);
    buffer.resize(kept);
    uint64_t line = next_line_++;
    records.push_back({0, kept, line, buffer_offset, "line_too_long",
                       too_long_message(length, limits_.max_line_bytes, true)});
    carry_ = std::move(rest);
    carry_offset_ = buffer_offset + length + (found ? 1 : 0);
    if (eof_ && carry_.empty()) done_ = true;
    return Status::ok();
  }

  // The stream broke at a line boundary: one reject says so, so the loss is never silent.
  bool report_truncation(std::string& buffer, std::vector<PendingRecord>& records) {
    if (!truncation_reported_) {
      records.push_back({buffer.size(), 0, next_line_, carry_offset_, "truncated_input",
                         "input ends early: " + read_error_});
      truncation_reported_ = true;
    }
    return true;
  }

  std::unique_ptr<ByteSource> source_;
  std::string carry_;
  uint64_t carry_offset_ = 0;
  SplitLimits limits_;
  uint64_t next_line_ = 1;
  bool eof_ = false;
  bool done_ = false;
  bool truncation_reported_ = false;
  std::string read_error_;
};

}  // namespace

std::unique_ptr<RecordSplitter> make_jsonl_splitter(std::unique_ptr<ByteSource> source,
                                                    std::string head, SplitLimits limits) {
  return std::make_unique<JsonlSplitter>(std::move(source), std::move(head), limits);
}

}  // namespace dadeum::detail
