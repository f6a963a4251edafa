// Reading instruction data: files or stdin, plain/gzip/zstd, JSONL / JSON / CSV / TSV,
// in batches of whole records that carry their provenance.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dadeum/example.hpp"
#include "dadeum/status.hpp"

namespace dadeum {

//! `--map instruction=질문,output=답변`: a schema field read from another (dotted) path.
struct FieldMapping {
  std::string target;             //!< instruction, input, output, prompt, completion,
                                  //!< system, messages, conversations or id
  std::vector<std::string> path;  //!< keys from the top-level object down
};

//! Parses "target=source,target=a.b"; rejects unknown targets and empty paths.
Result<std::vector<FieldMapping>> parse_field_map(std::string_view spec);

//! Whether `map` reads a text field under another name (`instruction=q`; `id` does not count:
//! it is only read, never written). Records read through such a map are marked
//! Example::renamed: with --to naming their own schema they are rebuilt, not written as read.
bool renames_fields(const std::vector<FieldMapping>& map);

struct ReadOptions {
  Schema schema = Schema::kAuto;           //!< kAuto: detected per input from its first records
  std::vector<FieldMapping> map;           //!< custom field names (also fixes the schema)
  size_t max_line_bytes = 64u << 20;       //!< a longer record is rejected (line_too_long)
  //! Target size of one batch of records. Small enough that the batches in flight (4 per
  //! thread, with their parsed records) stay in cache and reuse the same pages: on a VM a
  //! page touched for the first time can cost about 13 us (docs/benchmarks.md), and 4 MiB
  //! batches made prep fault in three times as many pages.
  size_t batch_bytes = 512u << 10;
  bool decode_text = true;                 //!< false: validate only, Turn::text stays empty
                                           //!< (records are written from their raw bytes)
};

//! kSquad: SQuAD-style JSON, read as one alpaca record per question
//! ({"id", "instruction": question, "input": context, "output": first answer, "title"}).
enum class InputFormat : uint8_t { kJsonl, kJson, kCsv, kTsv, kSquad };
std::string_view input_format_name(InputFormat format);

//! What is known about one input once it is open.
struct InputInfo {
  std::string path;         //!< as given; "-" for stdin
  std::string display;      //!< name used in messages ("<stdin>" for "-")
  InputFormat format = InputFormat::kJsonl;
  std::string compression;  //!< "none", "gzip" or "zstd"
  Schema schema = Schema::kAuto;  //!< resolved schema (kAuto when nothing could be detected)
  //! Once the input was read to its end: the size and XXH3-128 (hex) of its own bytes (the
  //! compressed ones for a compressed input); xxh3 is empty until then.
  uint64_t bytes = 0;
  std::string xxh3;
};

//! A run of records from one input, in input order. Records view `buffer`.
struct Batch {
  uint64_t sequence = 0;     //!< position of the batch in the whole stream
  uint32_t source = 0;       //!< index of the input
  Schema schema = Schema::kAuto;  //!< the input's schema (kAuto: detect per record)
  std::string buffer;        //!< the records' bytes (+ parser padding)
  std::vector<Example> records;
  std::string output;        //!< free for stages: formatted output of this batch
  std::string side_output;   //!< free for stages: e.g. dropped lines
  std::shared_ptr<void> stage_counts;  //!< free for stages: per-batch counts the sink merges
  std::shared_ptr<void> stage_keys;    //!< used by the dedup passes

  Batch() = default;
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
};

struct ParseContext;  // per-thread parser state (src/parse.cpp)

//! Reads the inputs one after another and hands out batches; not thread-safe (one reader
//! stage). Opening checks every input first, so a missing file fails before any work.
class InputReader {
 public:
  static Result<std::unique_ptr<InputReader>> open(std::vector<std::string> paths,
                                                   ReadOptions options);
  ~InputReader();

  //! The next batch, or nullptr when every input is exhausted. Problems with single records
  //! become rejects inside the batch; only an I/O failure returns an error.
  Result<std::unique_ptr<Batch>> next();

  const std::vector<InputInfo>& inputs() const { return infos_; }
  const ReadOptions& options() const { return options_; }
  //! Names an input in messages (e.g. "<stdin>" for a spilled copy of stdin).
  void set_display_name(size_t index, std::string name) { infos_[index].display = std::move(name); }
  uint64_t blank_lines() const { return blank_lines_; }

 private:
  InputReader() = default;
  class Splitter;
  Status start_input(size_t index);

  ReadOptions options_;
  std::vector<InputInfo> infos_;
  std::unique_ptr<Splitter> current_;
  size_t current_index_ = 0;
  uint64_t next_sequence_ = 0;
  uint64_t blank_lines_ = 0;
};

//! Parses and validates every record of the batch against its input's schema: fills turns,
//! members and id, or rejects the record with a code. Thread-safe with one context per thread.
class RecordParser {
 public:
  explicit RecordParser(const ReadOptions& options);
  ~RecordParser();
  RecordParser(const RecordParser&) = delete;
  RecordParser& operator=(const RecordParser&) = delete;

  void parse(Batch& batch) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

//! Parses a few JSON lines outside a pipeline (tests, small tools). With kAuto the schema is
//! detected from the lines as for a file.
std::unique_ptr<Batch> parse_lines(const std::vector<std::string>& lines,
                                   Schema schema = Schema::kAuto,
                                   const std::vector<FieldMapping>& map = {});

}  // namespace dadeum
