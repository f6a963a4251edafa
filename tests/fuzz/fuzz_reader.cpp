// libFuzzer target: the whole read path (InputReader -> RecordParser -> sink) on a file.
//   byte 0    bits 0-1 format: .jsonl, .json (a '[' is put in front), .csv, .tsv
//             bits 2-3 compression: none, gzip, zstd (the rest compressed by the harness),
//                      or raw (a gzip or zstd magic put in front of the rest: the decoder
//                      meets arbitrary bytes)
//             bit 4    gzip/zstd choice for raw mode; for compressed modes: cut the stream
//             bits 5-7 schema: auto, alpaca, sharegpt, messages, prompt-completion, a --map
//   byte 1    limits: batch_bytes 64 B..8 KiB, max_line_bytes 16 B..2 KiB or the default
//   byte 2    where a cut stream ends (a fraction of its length)
//   rest      the file's content
// The file is written to a private directory under $TMPDIR (else /dev/shm) and read with 1
// thread.
// Properties: opening and reading never fail (no I/O can fail here: every data problem is a
// reject), read == kept + dropped + rejected and equals the records the sink saw, a kept
// record is written back as its own bytes, every reject line is valid JSON, and no kept
// record is longer than max_line_bytes.
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dadeum/pipeline.hpp"
#include "dadeum/reader.hpp"
#include "dadeum/writer.hpp"
#include "fuzz_util.hpp"
#include "unit/json_equal.hpp"

using namespace dadeum;

namespace {

constexpr const char* kTarget = "fuzz_reader";

std::string gzip(std::string_view bytes) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, bytes.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string zstd(std::string_view bytes) {
  std::string out(ZSTD_compressBound(bytes.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), 1);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

// A private directory for the input file, removed at exit (the string is never destroyed, so
// the exit handler can still use it).
const std::string& work_dir() {
  static const std::string* dir = [] {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string base = tmpdir && *tmpdir ? tmpdir
                       : std::filesystem::exists("/dev/shm") ? "/dev/shm"
                                                             : std::filesystem::temp_directory_path().string();
    auto* pattern = new std::string(base + "/dadeum-fuzz-reader-XXXXXX");
    if (::mkdtemp(pattern->data()) == nullptr) std::abort();
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(work_dir(), ignored);
    });
    return pattern;
  }();
  return *dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const uint8_t mode = data[0], limits = data[1], cut = data[2];
  std::string content(reinterpret_cast<const char*>(data) + 3, size - 3);

  static const char* const kExtensions[] = {".jsonl", ".json", ".csv", ".tsv"};
  const unsigned format = mode & 3, compression = (mode >> 2) & 3, schema_pick = (mode >> 5) & 7;
  if (format == 1) content.insert(0, "[");
  std::string path = work_dir() + "/input" + kExtensions[format];
  if (compression == 1 || compression == 2) {
    content = compression == 1 ? gzip(content) : zstd(content);
    if (mode & 16) content.resize(content.size() * cut / 256);  // a stream that stops early
    path += compression == 1 ? ".gz" : ".zst";
  } else if (compression == 3) {
    content.insert(0, (mode & 16) ? std::string("\x28\xb5\x2f\xfd", 4) : std::string("\x1f\x8b"));
  }
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!file) fuzz::fail(kTarget, "cannot write the temporary input " + path);
  }

  ReadOptions options;
  options.batch_bytes = size_t{64} << (limits & 7);
  unsigned line_bits = (limits >> 3) & 7;
  if (line_bits != 7) options.max_line_bytes = size_t{16} << line_bits;
  switch (schema_pick) {
    case 1: options.schema = Schema::kAlpaca; break;
    case 2: options.schema = Schema::kShareGpt; break;
    case 3: options.schema = Schema::kMessages; break;
    case 4: options.schema = Schema::kPromptCompletion; break;
    case 5: options.map = parse_field_map("instruction=q,output=a.0.text,id=meta.id").value(); break;
    default: break;
  }
  const size_t max_line = options.max_line_bytes;

  auto reader = InputReader::open({path}, options);
  if (!reader.is_ok()) fuzz::fail(kTarget, "open failed: " + reader.status().message());
  uint64_t seen = 0, kept = 0, rejected = 0;
  std::string why;
  Counts counts;
  Status status = run_stream(*reader.value(), {1}, nullptr, [&](Batch& batch) -> Status {
    for (const Example& record : batch.records) {
      ++seen;
      if (record.kept()) {
        ++kept;
        if (record.raw.size() > max_line) fuzz::fail(kTarget, "a kept record is longer than max_line_bytes");
        std::string out, error;
        if (!append_example(out, record, Schema::kAuto, error) || out != std::string(record.raw) + "\n") {
          fuzz::fail(kTarget, "a kept record is not written back as its bytes: " + fuzz::hex(record.raw));
        }
      } else if (record.outcome.verdict == Verdict::kReject) {
        ++rejected;
        if (record.outcome.code.empty()) fuzz::fail(kTarget, "a reject without a code");
        std::string line;
        append_reject_line(line, record, path);
        line.pop_back();
        if (!testing::same_json(line, line, why)) {
          fuzz::fail(kTarget, "reject line is not valid JSON: " + fuzz::hex(line));
        }
      } else {
        fuzz::fail(kTarget, "reading alone dropped a record");
      }
    }
    return Status::ok();
  }, counts);
  if (!status.is_ok()) fuzz::fail(kTarget, "run_stream failed: " + status.message());
  if (!counts.balanced()) {
    fuzz::fail(kTarget, "accounting: read " + std::to_string(counts.read) + " != kept " + std::to_string(counts.kept) +
                            " + dropped " + std::to_string(counts.dropped) + " + rejected " + std::to_string(counts.rejected));
  }
  if (counts.read != seen || counts.kept != kept || counts.rejected != rejected) {
    fuzz::fail(kTarget, "counts differ from the records the sink saw");
  }
  return 0;
}
