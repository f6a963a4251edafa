#include "dadeum/reader.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "detail/byte_source.hpp"
#include "detail/schema_detect.hpp"
#include "detail/splitter.hpp"

namespace dadeum {

namespace {

constexpr std::string_view kMapTargets[] = {"instruction", "input",    "output",        "prompt", "completion",
                                            "system",      "messages", "conversations", "id"};

std::string lower_extension(const std::string& path) {
  std::string name = path;
  for (std::string_view compressed : {".gz", ".zst", ".zstd"}) {
    if (name.size() > compressed.size() && name.ends_with(compressed)) {
      name.resize(name.size() - compressed.size());
      break;
    }
  }
  size_t dot = name.rfind('.');
  size_t slash = name.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = name.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

char first_meaningful_byte(const std::string& head) {
  size_t pos = head.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  while (pos < head.size() && (head[pos] == ' ' || head[pos] == '\t' || head[pos] == '\n' || head[pos] == '\r')) ++pos;
  return pos < head.size() ? head[pos] : '\0';
}

// A ',' separates entries only where a known target and '=' follow it, so source names may
// hold commas ("output=상담례, 결정례 기반 답변").
size_t next_entry_start(std::string_view spec, size_t from) {
  for (size_t comma = spec.find(',', from); comma != std::string_view::npos; comma = spec.find(',', comma + 1)) {
    std::string_view rest = spec.substr(comma + 1);
    for (std::string_view target : kMapTargets) {
      if (rest.starts_with(target) && rest.substr(target.size()).starts_with('=')) return comma;
    }
  }
  return std::string_view::npos;
}

}  // namespace

bool renames_fields(const std::vector<FieldMapping>& map) {
  for (const FieldMapping& entry : map) {
    if (entry.target != "id" && (entry.path.size() != 1 || entry.path[0] != entry.target)) return true;
  }
  return false;
}

Result<std::vector<FieldMapping>> parse_field_map(std::string_view spec) {
  std::vector<FieldMapping> map;
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t comma = next_entry_start(spec, pos);
    std::string_view item = spec.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    pos = comma == std::string_view::npos ? spec.size() + 1 : comma + 1;
    if (item.empty()) continue;
    size_t equals = item.find('=');
    if (equals == std::string_view::npos || equals == 0 || equals + 1 == item.size()) {
      return invalid_argument("--map entry '" + std::string(item) + "' is not target=source");
    }
    FieldMapping entry;
    entry.target = std::string(item.substr(0, equals));
    if (std::find(std::begin(kMapTargets), std::end(kMapTargets), entry.target) == std::end(kMapTargets)) {
      return invalid_argument("--map target '" + entry.target +
                              "' is unknown (instruction, input, output, prompt, completion, system, "
                              "messages, conversations, id)");
    }
    std::string_view source = item.substr(equals + 1);
    size_t start = 0;
    while (start <= source.size()) {
      size_t dot = source.find('.', start);
      std::string_view key = source.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      if (key.empty()) return invalid_argument("--map source '" + std::string(source) + "' has an empty key");
      entry.path.emplace_back(key);
      start = dot == std::string_view::npos ? source.size() + 1 : dot + 1;
    }
    for (const FieldMapping& other : map) {
      if (other.target == entry.target) return invalid_argument("--map names '" + entry.target + "' twice");
    }
    map.push_back(std::move(entry));
  }
  return map;
}

std::string_view input_format_name(InputFormat format) {
  switch (format) {
    case InputFormat::kJsonl: return "jsonl";
    case InputFormat::kJson: return "json";
    case InputFormat::kCsv: return "csv";
    case InputFormat::kTsv: return "tsv";
    case InputFormat::kSquad: return "squad";
  }
  return "jsonl";
}

class InputReader::Splitter {
 public:
  std::unique_ptr<detail::RecordSplitter> splitter;
  bool schema_known = false;
  std::shared_ptr<const detail::ReadDigest> digest;
};

InputReader::~InputReader() = default;

Result<std::unique_ptr<InputReader>> InputReader::open(std::vector<std::string> paths, ReadOptions options) {
  std::unique_ptr<InputReader> reader(new InputReader());
  reader->options_ = std::move(options);
  if (paths.empty()) paths.push_back("-");
  size_t stdin_count = 0;
  for (const std::string& path : paths) {
    InputInfo info;
    info.path = path;
    info.display = path == "-" ? "<stdin>" : path;
    if (path == "-") {
      if (++stdin_count > 1) return invalid_argument("stdin ('-') is named more than once");
    } else {
      struct stat status {};
      if (::stat(path.c_str(), &status) != 0) return Status(StatusCode::kNotFound, "cannot open " + path + ": no such file");
      if (S_ISDIR(status.st_mode)) return io_error("cannot read " + path + ": is a directory");
      if (::access(path.c_str(), R_OK) != 0) return io_error("cannot read " + path + ": permission denied");
    }
    reader->infos_.push_back(std::move(info));
  }
  return reader;
}

Status InputReader::start_input(size_t index) {
  InputInfo& info = infos_[index];
  Result<detail::OpenedSource> opened = detail::open_byte_source(info.path);
  if (!opened.is_ok()) return opened.status();
  info.compression = opened.value().compression;
  std::unique_ptr<detail::ByteSource> source = std::move(opened.value().source);
  std::shared_ptr<const detail::ReadDigest> digest = std::move(opened.value().digest);

  // Sniff the decompressed start (up to 64 KiB): '[' means a JSON array, otherwise JSON lines.
  // It grows from 4 KiB, so that a tiny input does not zero-fill 64 KiB.
  constexpr size_t kHeadBytes = 1 << 16;
  std::string head;
  size_t have = 0;
  while (have < kHeadBytes) {
    if (have == head.size()) head.resize(std::min(kHeadBytes, std::max<size_t>(4096, 2 * head.size())));
    Result<size_t> got = source->read(head.data() + have, head.size() - have);
    if (!got.is_ok()) {
      if (got.status().code() != StatusCode::kDataError) return got.status();
      break;  // the splitter meets the same error again and reports it as a reject
    }
    if (got.value() == 0) break;
    have += got.value();
  }
  head.resize(have);

  std::string ext = lower_extension(info.path);
  detail::SplitLimits limits{options_.batch_bytes, options_.max_line_bytes};
  current_ = std::make_unique<Splitter>();
  if (ext == ".csv" || ext == ".tsv") {
    info.format = ext == ".csv" ? InputFormat::kCsv : InputFormat::kTsv;
    current_->splitter = detail::make_csv_splitter(std::move(source), std::move(head), limits, ext == ".csv" ? ',' : '\t');
  } else if (first_meaningful_byte(head) == '{' && detail::looks_like_squad(head)) {
    info.format = InputFormat::kSquad;
    current_->splitter = detail::make_squad_splitter(std::move(source), std::move(head), limits);
  } else if (first_meaningful_byte(head) == '[') {
    info.format = InputFormat::kJson;
    current_->splitter = detail::make_json_splitter(std::move(source), std::move(head), limits);
  } else {
    info.format = InputFormat::kJsonl;
    current_->splitter = detail::make_jsonl_splitter(std::move(source), std::move(head), limits);
  }
  info.schema = options_.schema;
  current_->schema_known = options_.schema != Schema::kAuto;
  current_->digest = std::move(digest);
  current_index_ = index;
  return Status::ok();
}

Result<std::unique_ptr<Batch>> InputReader::next() {
  while (true) {
    if (!current_) {
      if (current_index_ >= infos_.size()) return std::unique_ptr<Batch>();
      DADEUM_RETURN_IF_ERROR(start_input(current_index_));
    }
    auto batch = std::make_unique<Batch>();
    std::vector<detail::PendingRecord> pending;
    Result<bool> more = current_->splitter->fill(batch->buffer, pending);
    if (!more.is_ok()) return more.status();
    if (!more.value()) {
      blank_lines_ += current_->splitter->blank_lines();
      if (current_->digest && current_->digest->at_end()) {
        infos_[current_index_].bytes = current_->digest->bytes();
        infos_[current_index_].xxh3 = current_->digest->hex();
      }
      current_.reset();
      ++current_index_;
      continue;
    }
    if (pending.empty()) continue;
    batch->buffer.append(detail::kParserPadding, ' ');  // simdjson reads a little past each record
    batch->sequence = next_sequence_++;
    batch->source = static_cast<uint32_t>(current_index_);
    batch->records.resize(pending.size());
    for (size_t idx = 0; idx < pending.size(); ++idx) {
      const detail::PendingRecord& found = pending[idx];
      Example& record = batch->records[idx];
      record.raw = std::string_view(batch->buffer).substr(found.offset, found.length);
      record.where = {static_cast<uint32_t>(current_index_), found.line, found.byte_offset};
      if (!found.reject_code.empty()) record.reject("read", found.reject_code, found.reject_message);
    }
    if (!current_->schema_known) {
      Schema schema = detail::detect_batch_schema(*batch, options_);
      if (schema != Schema::kAuto) {
        infos_[current_index_].schema = schema;
        current_->schema_known = true;
      }
    }
    batch->schema = infos_[current_index_].schema;
    return batch;
  }
}

std::unique_ptr<Batch> parse_lines(const std::vector<std::string>& lines, Schema schema,
                                   const std::vector<FieldMapping>& map) {
  auto batch = std::make_unique<Batch>();
  std::vector<std::pair<size_t, size_t>> ranges;
  for (const std::string& line : lines) {
    ranges.emplace_back(batch->buffer.size(), line.size());
    batch->buffer += line;
    batch->buffer += '\n';
  }
  batch->buffer.append(detail::kParserPadding, ' ');
  batch->records.resize(lines.size());
  for (size_t idx = 0; idx < lines.size(); ++idx) {
    batch->records[idx].raw = std::string_view(batch->buffer).substr(ranges[idx].first, ranges[idx].second);
    batch->records[idx].where.line = idx + 1;
  }
  ReadOptions options;
  options.schema = schema;
  options.map = map;
  if (schema == Schema::kAuto) schema = detail::detect_batch_schema(*batch, options);
  parse_batch_records(*batch, schema, map);
  return batch;
}

}  // namespace dadeum
