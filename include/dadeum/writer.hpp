// Writing records back as JSON lines, converting schemas, and writing files safely.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "dadeum/example.hpp"
#include "dadeum/reader.hpp"
#include "dadeum/status.hpp"

namespace dadeum {

//! Appends `text` as a JSON string literal (quotes included). Escapes `"`, `\` and control
//! characters; everything else, Korean and emoji included, is written as UTF-8.
void append_json_string(std::string& out, std::string_view text);

//! Appends the record as one JSON line ending in '\n'. With `to` equal to the record's own
//! schema (or kAuto) a record no stage changed is written from its original bytes; changed
//! texts are re-escaped in place, so keys and key order stay. Another `to` rebuilds the record
//! in that schema, unknown members kept in order; so does its own schema named explicitly for
//! a record whose fields a --map renamed (`--to alpaca` with `--map instruction=q` writes
//! `instruction`, kAuto keeps `q`). Returns false, with `error` set,
//! when the conversion cannot be exact (the caller rejects the record).
bool append_example(std::string& out, const Example& example, Schema to, std::string& error);

//! Whether append_example() writes the record as its original bytes, unchanged: no stage
//! changed it, and `to` is kAuto, or its own schema when no --map renamed its fields.
bool written_as_read(const Example& example, Schema to);

//! One line of rejects.jsonl: source, line, byte_offset, stage, code, message and the raw
//! record (`raw`, or `raw_b64` when it is not valid UTF-8).
void append_reject_line(std::string& out, const Example& example, std::string_view source);

//! One line of dropped.jsonl: source, line, id, stage, reason (the code), message,
//! duplicate_of (when set) and the record itself as it was read (`record`, a JSON object).
void append_dropped_line(std::string& out, const Example& example, std::string_view source);
//! The same line in two parts, for a record whose drop is decided later (see spill.hpp):
//! `{"source":..,"line":..,"id":..` and the rest, from the outcome and the record as read.
void append_dropped_head(std::string& out, const Example& example, std::string_view source);
void append_dropped_tail(std::string& out, const Outcome& outcome, std::string_view raw);

//! The `dadeum: FILE:LINE: message` text (without "dadeum: " and newline).
std::string describe_problem(const Example& example, std::string_view source);

//! A file written under a temporary name and renamed over `path` by commit(); destroyed
//! uncommitted, the temporary is removed. Path "-" writes to stdout directly. A `path` that
//! exists and is not a regular file (/dev/null, a named pipe) is opened and written in place:
//! renaming over it would replace the device or pipe with a file (as root, /dev/null itself).
//! Writes are buffered, and each full buffer (1 MiB) is written (and hashed) by a oneTBB task
//! while the caller fills the next one: the system call's copy overlaps the caller's work when
//! a second thread is free. Bytes reach the file in the order written.
class AtomicFile {
 public:
  static Result<AtomicFile> create(const std::string& path);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  ~AtomicFile();

  //! A failed write may be reported by a later write() or by close().
  Status write(std::string_view bytes);
  //! Writes `bytes` after what is buffered, from the calling thread and without copying them
  //! into the buffer (small pieces still go through it): for a caller that already holds large
  //! pieces in order, such as the chunks of a parallel replay.
  Status write_through(std::string_view bytes);
  //! From now on, write() also hashes the bytes (XXH3-128), so that content_hash() needs no
  //! second read of the file. Call before the first write().
  void hash_contents();
  //! Hex XXH3-128 of everything written, after close() (hash_file() of the file gives the same).
  std::string content_hash() const;
  Status commit();  //!< close() then publish()
  //! Flushes and closes the temporary (it stays under its temporary name).
  Status close();
  //! Renames the closed temporary over the final name.
  Status publish();
  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }
  uint64_t bytes_written() const { return bytes_; }

 private:
  AtomicFile() = default;
  void discard();
  Status hand_over();  // the full buffer to the writing task

  std::string path_;
  std::string temp_path_;
  bool is_stdout_ = false;
  bool is_direct_ = false;  // written in place: not a regular file (see above)
  bool closed_ = false;
  uint64_t bytes_ = 0;
  std::string content_hash_;  // set by close() when hashing
  struct Writer;
  std::unique_ptr<Writer> writer_;  // null once closed or discarded
};

//! An error when `output` names the same file as one of `inputs` (inputs are never written).
Status check_not_an_input(const std::string& output, const std::vector<std::string>& inputs);

}  // namespace dadeum
