// The spill file and the encoding of one record in it. An entry is
//   kind (1 byte) | code | dropped head | [source] | raw | line
// each part a little-endian u64 length and its bytes; a kept record also has its input's index
// (a u64) after the head. A kept record whose output line is its original bytes (kind 'S')
// stores raw + '\n' once, as its raw part, and no line part; when those bytes sit in a plain
// JSONL input (kind 'I') it stores where: offset and length, two u64 after the source, as most
// records of a big run are of this kind and writing them to disk again would cost more than
// reading them again.
#include "dadeum/spill.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "dadeum/writer.hpp"
#include "detail/file_window.hpp"

namespace dadeum {
namespace {

constexpr char kKeptAsRead = 'S';
constexpr char kKeptInInput = 'I';

void put_u64(std::string& out, uint64_t value) {
  char bytes[8];
  for (int k = 0; k < 8; ++k) bytes[k] = static_cast<char>(value >> (8 * k));
  out.append(bytes, 8);
}

bool get_u64(std::string_view& in, uint64_t& value) {
  if (in.size() < 8) return false;
  value = 0;
  for (int k = 0; k < 8; ++k) value |= static_cast<uint64_t>(static_cast<unsigned char>(in[k])) << (8 * k);
  in.remove_prefix(8);
  return true;
}

void put_part(std::string& out, std::string_view part) {
  put_u64(out, part.size());
  out.append(part);
}

// A part written in place: begin_part() leaves room for the length, end_part() fills it in.
size_t begin_part(std::string& out) {
  out.append(8, '\0');
  return out.size();
}

void end_part(std::string& out, size_t begin) {
  const uint64_t size = out.size() - begin;
  for (int k = 0; k < 8; ++k) out[begin - 8 + static_cast<size_t>(k)] = static_cast<char>(size >> (8 * k));
}

bool get_part(std::string_view& in, std::string_view& part) {
  uint64_t size = 0;
  if (!get_u64(in, size) || size > in.size()) return false;
  part = in.substr(0, size);
  in.remove_prefix(size);
  return true;
}

Status write_error(const std::string& where) { return io_error("cannot write " + where + ": " + std::strerror(errno)); }

}  // namespace

Result<SpillFile> SpillFile::create(const std::string& dir) {
  SpillFile spill;
  std::string pattern = (dir.empty() ? std::string(".") : dir) + "/.dadeum-spill-XXXXXX";
  spill.fd_ = ::mkstemp(pattern.data());
  if (spill.fd_ < 0) return io_error("cannot write " + pattern + ": " + std::strerror(errno));
  ::unlink(pattern.c_str());
  spill.where_ = pattern;
  return spill;
}

SpillFile::SpillFile(SpillFile&& other) noexcept { *this = std::move(other); }

SpillFile& SpillFile::operator=(SpillFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    where_ = std::move(other.where_);
    bytes_ = other.bytes_;
    other.fd_ = -1;
  }
  return *this;
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
}

void SpillFile::frame(std::string& out, std::string_view payload) { put_part(out, payload); }

Status SpillFile::write(std::string_view framed) {
  while (!framed.empty()) {
    ssize_t done = ::pwrite(fd_, framed.data(), framed.size(), static_cast<off_t>(bytes_));
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) return write_error(where_);
    bytes_ += static_cast<uint64_t>(done);
    framed.remove_prefix(static_cast<size_t>(done));
  }
  return Status::ok();
}

struct SpillFile::Cursor::Window {
  Window(int fd, const std::string& where) : file(fd, where) {}
  detail::FileWindow file;
};

SpillFile::Cursor::Cursor(const SpillFile& spill) : spill_(spill), window_(std::make_unique<Window>(spill.fd_, spill.where_)) {}

SpillFile::Cursor::~Cursor() = default;

Result<bool> SpillFile::Cursor::next(std::string_view& entry) {
  if (offset_ >= spill_.bytes_) return false;
  std::string_view bytes;
  uint64_t size = 0;
  if (!window_->file.fetch(offset_, 8, bytes).is_ok() || !get_u64(bytes, size) || offset_ + 8 + size > spill_.bytes_ ||
      !window_->file.fetch(offset_ + 8, size, bytes).is_ok()) {
    return Status(StatusCode::kInternal, "damaged spill file " + spill_.where_);
  }
  entry = bytes.substr(0, size);
  offset_ += 8 + size;
  return true;
}

Status SpillFile::read_range(uint64_t begin, uint64_t end, char* framed) const {
  if (begin > end || end > bytes_) return Status(StatusCode::kInternal, "read past the end of spill file " + where_);
  const size_t length = static_cast<size_t>(end - begin);
  const ssize_t got = detail::pread_full(fd_, framed, length, begin);
  if (got < 0) return io_error("cannot read spill file " + where_ + ": " + std::strerror(errno));
  if (static_cast<size_t>(got) < length) return io_error("cannot read spill file " + where_ + ": too short");
  return Status::ok();
}

bool SpillFile::take_entry(std::string_view& framed, std::string_view& entry) { return get_part(framed, entry); }

Status SpillFile::read_back(const std::function<Status(std::string_view entry)>& each) const {
  Cursor cursor(*this);
  std::string_view entry;
  for (;;) {
    Result<bool> more = cursor.next(entry);
    if (!more.is_ok()) return more.status();
    if (!more.value()) return Status::ok();
    DADEUM_RETURN_IF_ERROR(each(entry));
  }
}

void append_spilled_record(std::string& out, Example& record, std::string_view source, Schema to, bool raw_in_input) {
  const size_t entry = begin_part(out);  // the entry is built in place, then framed
  if (record.kept()) {
    std::string line, error;
    // Written from its original bytes: no need to format it.
    const bool as_read = written_as_read(record, to);
    if (as_read || append_example(line, record, to, error)) {
      const char kind = !as_read ? static_cast<char>(SpilledRecord::Kind::kKept) : raw_in_input ? kKeptInInput : kKeptAsRead;
      out += kind;
      put_part(out, "");
      const size_t head = begin_part(out);
      append_dropped_head(out, record, source);
      end_part(out, head);
      put_u64(out, record.where.source);
      if (kind == kKeptInInput) {
        for (uint64_t value : {record.where.byte_offset, uint64_t{record.raw.size()}}) put_u64(out, value);
      } else if (kind == kKeptAsRead) {
        put_u64(out, record.raw.size() + 1);
        out.append(record.raw);
        out += '\n';
      } else {
        put_part(out, record.raw);
        put_part(out, line);
      }
      end_part(out, entry);
      return;
    }
    record.reject("convert", "conversion_lossy", error);
  }
  const bool dropped = record.outcome.verdict == Verdict::kDrop;
  out += static_cast<char>(dropped ? SpilledRecord::Kind::kDropped : SpilledRecord::Kind::kRejected);
  put_part(out, record.outcome.code);
  put_part(out, "");
  put_part(out, "");
  const size_t line = begin_part(out);
  if (dropped) append_dropped_line(out, record, source);
  else append_reject_line(out, record, source);
  end_part(out, line);
  end_part(out, entry);
}

bool read_spilled_record(std::string_view entry, SpilledRecord& record) {
  if (entry.empty()) return false;
  const char kind = entry[0];
  if (kind != 'K' && kind != kKeptAsRead && kind != kKeptInInput && kind != 'D' && kind != 'R') return false;
  record.kind = kind == kKeptAsRead || kind == kKeptInInput ? SpilledRecord::Kind::kKept : static_cast<SpilledRecord::Kind>(kind);
  record.in_input = kind == kKeptInInput;
  entry.remove_prefix(1);
  if (!get_part(entry, record.code) || !get_part(entry, record.dropped_head)) return false;
  record.source = 0;
  if (record.kind == SpilledRecord::Kind::kKept) {
    uint64_t source = 0;
    if (!get_u64(entry, source) || source > UINT32_MAX) return false;
    record.source = static_cast<uint32_t>(source);
  }
  if (record.in_input) {
    record.raw = record.line = {};
    if (!get_u64(entry, record.offset) || !get_u64(entry, record.length)) return false;
    return entry.empty();
  }
  if (!get_part(entry, record.raw)) return false;
  if (kind == kKeptAsRead) {
    if (record.raw.empty() || !entry.empty()) return false;
    record.line = record.raw;
    record.raw.remove_suffix(1);  // the '\n'
    return true;
  }
  return get_part(entry, record.line) && entry.empty();
}

void append_late_dropped_line(std::string& out, const SpilledRecord& record, const Outcome& outcome) {
  out.append(record.dropped_head);
  append_dropped_tail(out, outcome, record.raw);
}

}  // namespace dadeum
