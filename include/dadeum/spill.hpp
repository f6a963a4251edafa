// The records of the first read, kept on disk until the global steps (dedup, split) have
// decided where each one goes; the last step replays them instead of reading and processing
// the inputs again.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "dadeum/example.hpp"
#include "dadeum/reader.hpp"
#include "dadeum/status.hpp"

namespace dadeum {

//! A temporary file of length-framed entries, written once in order and read back once in
//! order. It is unlinked as soon as it is opened, so no run, not even a killed one, leaves it
//! behind.
class SpillFile {
 public:
  //! Opens an anonymous file in `dir` (the output directory: the disk the user chose).
  static Result<SpillFile> create(const std::string& dir);
  SpillFile(SpillFile&& other) noexcept;
  SpillFile& operator=(SpillFile&& other) noexcept;
  ~SpillFile();

  //! Appends one entry to `out` (in a parallel stage); write() then stores whole buffers.
  static void frame(std::string& out, std::string_view payload);
  Status write(std::string_view framed);
  //! The framed entries written between offsets `begin` and `end` (values of bytes() taken
  //! between write() calls), read into the end - begin bytes at `framed`; split them with
  //! take_entry(). Thread-safe.
  Status read_range(uint64_t begin, uint64_t end, char* framed) const;
  //! Takes the first entry off `framed`; false when none is left or the framing is damaged
  //! (then `framed` is left non-empty).
  static bool take_entry(std::string_view& framed, std::string_view& entry);
  //! Calls `each` on every entry in order; stops at the first error it returns.
  Status read_back(const std::function<Status(std::string_view entry)>& each) const;
  uint64_t bytes() const { return bytes_; }

  //! Reads the entries in order, one call at a time.
  class Cursor {
   public:
    explicit Cursor(const SpillFile& spill);
    ~Cursor();
    //! The next entry (valid until the next call), or false after the last one.
    Result<bool> next(std::string_view& entry);

   private:
    struct Window;
    const SpillFile& spill_;
    std::unique_ptr<Window> window_;
    uint64_t offset_ = 0;
  };

 private:
  SpillFile() = default;
  int fd_ = -1;
  std::string where_;  // for messages
  uint64_t bytes_ = 0;
};

//! One record as the first read left it, decoded from a spill entry. Views into the entry.
struct SpilledRecord {
  enum class Kind : char { kKept = 'K', kDropped = 'D', kRejected = 'R' };
  Kind kind = Kind::kKept;
  std::string_view code;          //!< dropped or rejected: the reason or reject code
  std::string_view line;          //!< the finished line: output (kept), dropped or reject line
  std::string_view dropped_head;  //!< kept: how its dropped line starts, should dedup remove it
  std::string_view raw;           //!< kept: the record as read (the "record" of that line)
  //! A kept record written as read from a plain JSONL file is not copied into the spill:
  //! `in_input` is set, `raw` and `line` are empty, and the reader of the spill takes the
  //! `length` bytes at `offset` of input `source` as `raw`.
  bool in_input = false;
  uint32_t source = 0;  //!< kept: the input it came from
  uint64_t offset = 0, length = 0;
};

//! Encodes `record` after the per-record stages. A kept record is formatted in schema `to`;
//! when that conversion cannot be exact the record is rejected (conversion_lossy) here and
//! spilled as rejected. A kept record written from its original bytes is stored once, or only
//! referred to when `raw_in_input` (its input is uncompressed JSONL: raw is the file's bytes).
void append_spilled_record(std::string& out, Example& record, std::string_view source, Schema to, bool raw_in_input);

//! Decodes one entry; false when it is damaged (a bug or a failing disk, never user input).
bool read_spilled_record(std::string_view entry, SpilledRecord& record);


//! The dropped.jsonl line of a record spilled as kept that a global step then removed.
void append_late_dropped_line(std::string& out, const SpilledRecord& record, const Outcome& outcome);

}  // namespace dadeum
