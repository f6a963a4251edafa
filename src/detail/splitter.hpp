// Splitting a byte stream into records: JSON lines, the elements of a JSON array, CSV/TSV rows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "detail/byte_source.hpp"
#include "dadeum/example.hpp"
#include "dadeum/reader.hpp"

namespace dadeum::detail {

//! A record found by a splitter: a byte range of the batch buffer, and maybe a reject already
//! known at read time (line too long, truncated input, wrong CSV column count).
struct PendingRecord {
  size_t offset = 0;
  size_t length = 0;
  uint64_t line = 0;
  uint64_t byte_offset = 0;
  std::string reject_code;
  std::string reject_message;
};

//! Bytes the reader appends after a batch's records: simdjson reads a little past each record.
inline constexpr size_t kParserPadding = 64;

struct SplitLimits {
  size_t batch_bytes = 512u << 10;  // ReadOptions::batch_bytes
  size_t max_line_bytes = 64u << 20;
};

class RecordSplitter {
 public:
  virtual ~RecordSplitter() = default;
  //! Appends the next records to `buffer` / `records`. Returns false when the input had no
  //! more records; a read failure is an error only when it is not a data problem (a
  //! truncated stream becomes a reject record instead).
  virtual Result<bool> fill(std::string& buffer, std::vector<PendingRecord>& records) = 0;
  uint64_t blank_lines() const { return blank_lines_; }

 protected:
  uint64_t blank_lines_ = 0;
};

//! Bytes kept of a record too long to keep whole (for the rejects file).
inline constexpr size_t kRejectRawPrefix = 1024;

std::unique_ptr<RecordSplitter> make_jsonl_splitter(std::unique_ptr<ByteSource> source,
                                                    std::string head, SplitLimits limits);
//! JSON array of objects (or one object). Loads the input whole.
std::unique_ptr<RecordSplitter> make_json_splitter(std::unique_ptr<ByteSource> source,
                                                   std::string head, SplitLimits limits);
//! SQuAD-style JSON: one alpaca record per question (src/squad_splitter.cpp). Loads the
//! input whole.
std::unique_ptr<RecordSplitter> make_squad_splitter(std::unique_ptr<ByteSource> source,
                                                    std::string head, SplitLimits limits);
//! True when `head` (the start of an input) is a SQuAD-style document.
bool looks_like_squad(std::string_view head);
//! CSV (',') or TSV ('\t') with a header row; each row becomes a JSON object of strings.
std::unique_ptr<RecordSplitter> make_csv_splitter(std::unique_ptr<ByteSource> source,
                                                  std::string head, SplitLimits limits,
                                                  char delimiter);

}  // namespace dadeum::detail
