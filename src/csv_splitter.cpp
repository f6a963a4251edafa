// CSV / TSV with a header row. Each data row becomes a JSON object whose keys are the header
// names and whose values are the cells as strings, so the rest of the pipeline (and --map)
// sees the same shape as JSON input. A field is quoted only when it starts with '"'
// (RFC 4180: "" inside quotes is one quote); quoted fields may span lines.
#include <algorithm>
#include <cstring>

#include "dadeum/writer.hpp"
#include "detail/read_all.hpp"
#include "detail/splitter.hpp"

namespace dadeum::detail {
namespace {

class CsvSplitter final : public RecordSplitter {
 public:
  CsvSplitter(std::unique_ptr<ByteSource> source, std::string head, SplitLimits limits,
              char delimiter)
      : source_(std::move(source)), doc_(std::move(head)), limits_(limits), delimiter_(delimiter) {}

  Result<bool> fill(std::string& buffer, std::vector<PendingRecord>& records) override {
    buffer.clear();
    if (!loaded_) {
      loaded_ = true;
      DADEUM_RETURN_IF_ERROR(read_all(*source_, doc_, data_error_));
      if (doc_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
      read_header(buffer, records);
      if (!header_ok_) {
        finished_ = true;
        return !records.empty();  // a broken header is one reject; no rows can be read
      }
    }
    if (!header_ok_) return false;
    while (pos_ < doc_.size() && buffer.size() < limits_.batch_bytes) add_row(buffer, records);
    if (pos_ >= doc_.size() && !finished_) {
      finished_ = true;
      if (!data_error_.empty()) {
        records.push_back({buffer.size(), 0, line_, pos_, "truncated_input",
                           "input ends early: " + data_error_});
      }
      return true;
    }
    return !records.empty() || pos_ < doc_.size();
  }

 private:
  struct Row {
    std::vector<std::string> cells;
    uint64_t line = 0;
    size_t begin = 0;
    size_t end = 0;
    bool unterminated_quote = false;
  };

  // Reads one row starting at pos_, handling quotes and CRLF.
  Row next_row() {
    Row row;
    row.line = line_;
    row.begin = pos_;
    std::string cell;
    bool cell_started_quoted = false;
    bool in_quotes = false;
    while (pos_ < doc_.size()) {
      char c = doc_[pos_];
      if (in_quotes) {
        if (c == '"') {
          if (pos_ + 1 < doc_.size() && doc_[pos_ + 1] == '"') {
            cell.push_back('"');
            pos_ += 2;
            continue;
          }
          in_quotes = false;
          ++pos_;
          continue;
        }
        if (c == '\n') ++line_;
        cell.push_back(c);
        ++pos_;
        continue;
      }
      if (c == '"' && cell.empty() && !cell_started_quoted) {
        in_quotes = true;
        cell_started_quoted = true;
        ++pos_;
        continue;
      }
      if (c == delimiter_) {
        row.cells.push_back(std::move(cell));
        cell.clear();
        cell_started_quoted = false;
        ++pos_;
        continue;
      }
      if (c == '\n' || c == '\r') {
        size_t end = pos_;
        if (c == '\r' && pos_ + 1 < doc_.size() && doc_[pos_ + 1] == '\n') ++pos_;
        ++pos_;
        ++line_;
        row.cells.push_back(std::move(cell));
        row.end = end;
        return row;
      }
      cell.push_back(c);
      ++pos_;
    }
    row.unterminated_quote = in_quotes;
    row.cells.push_back(std::move(cell));
    row.end = pos_;
    return row;
  }

  static bool row_is_blank(const Row& row) {
    return row.cells.size() == 1 && row.cells[0].find_first_not_of(" \t") == std::string::npos;
  }

  void read_header(std::string& buffer, std::vector<PendingRecord>& records) {
    while (pos_ < doc_.size()) {
      Row row = next_row();
      if (row_is_blank(row)) continue;
      header_ = std::move(row.cells);
      header_ok_ = true;
      for (size_t idx = 0; idx < header_.size(); ++idx) {
        for (size_t other = 0; other < idx; ++other) {
          if (header_[idx] == header_[other]) {
            header_ok_ = false;
            buffer.append(doc_, row.begin, std::min(row.end - row.begin, kRejectRawPrefix));
            records.push_back({0, buffer.size(), row.line, row.begin, "duplicate_field",
                               "header names column '" + header_[idx] + "' twice"});
            return;
          }
        }
      }
      return;
    }
  }

  void add_row(std::string& buffer, std::vector<PendingRecord>& records) {
    Row row = next_row();
    if (row_is_blank(row)) {
      ++blank_lines_;
      return;
    }
    PendingRecord record;
    record.offset = buffer.size();
    record.line = row.line;
    record.byte_offset = row.begin;
    std::string problem;
    if (row.unterminated_quote) {
      problem = "quoted field is not closed before the end of the input";
      record.reject_code = "invalid_csv";
    } else if (row.cells.size() != header_.size()) {
      problem = "row has " + std::to_string(row.cells.size()) + " fields, the header has " +
                std::to_string(header_.size());
      record.reject_code = "invalid_csv";
    }
    if (!problem.empty()) {
      buffer.append(doc_, row.begin, std::min(row.end - row.begin, kRejectRawPrefix));
      record.reject_message = problem;
    } else {
      buffer.push_back('{');
      for (size_t idx = 0; idx < header_.size(); ++idx) {
        if (idx > 0) buffer.push_back(',');
        append_json_string(buffer, header_[idx]);
        buffer.push_back(':');
        append_json_string(buffer, row.cells[idx]);
      }
      buffer.push_back('}');
    }
    record.length = buffer.size() - record.offset;
    records.push_back(std::move(record));
  }

  std::unique_ptr<ByteSource> source_;
  std::string doc_;
  SplitLimits limits_;
  char delimiter_;
  std::string data_error_;
  std::vector<std::string> header_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
  bool loaded_ = false;
  bool header_ok_ = false;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<RecordSplitter> make_csv_splitter(std::unique_ptr<ByteSource> source,
                                                  std::string head, SplitLimits limits,
                                                  char delimiter) {
  return std::make_unique<CsvSplitter>(std::move(source), std::move(head), limits, delimiter);
}

}  // namespace dadeum::detail
