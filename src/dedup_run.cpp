#include "dadeum/dedup_run.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <deque>
#include <cstdio>
#include <filesystem>
#include <map>
#include <tbb/task_group.h>
#include <xxhash.h>

#include "dadeum/spill.hpp"
#include "detail/file_window.hpp"
#include "detail/splitter.hpp"
#include "dadeum/writer.hpp"


namespace dadeum {
namespace {

// Keys computed in the parallel stage, handed to the serial sink with the batch.
struct BatchKeys {
  std::vector<RecordKeys> keys;
  std::string spill;  // every record's spill entry, in order
};

// Pass 2 reads only the records of candidate pairs: their ordinals, in batch order, and
// (computed in parallel) their key texts, and shingle sets for those with earlier partners.
// Records per batch of the verification read: about 2 MB of generated records, like the
// reader's batches.
constexpr size_t kVerifyBatchRecords = 1024;

struct BatchOrdinals {
  std::vector<uint32_t> ordinals;
  std::vector<std::string> texts;
  // Where each record's bytes are, noted by the serial read of the spill and read by the
  // parallel stage: a record spilled by reference is the `length` bytes at `offset` of the
  // batch's input; any other is a copy of its spilled bytes, at `offset` in `copied`.
  struct Piece {
    bool in_input = false;
    uint64_t offset = 0, length = 0;
  };
  std::vector<Piece> pieces;
  std::string copied;
  Status read;  // the parallel read's error, returned by the sink
};

// Bytes read from files, growing without zero-filling what it adds (std::string::resize
// writes every byte it adds: 200 MB of zeros for pass 3 of the 100k corpus).
class ReadBuffer {
 public:
  void clear() { size_ = 0; }
  //! Room for `more` bytes after the current ones (valid until the next extend()).
  char* extend(size_t more) {
    if (size_ + more > capacity_) {
      const size_t capacity = std::max(size_ + more, 2 * capacity_);
      auto larger = std::make_unique_for_overwrite<char[]>(capacity);
      if (size_ > 0) std::memcpy(larger.get(), bytes_.get(), size_);
      bytes_ = std::move(larger);
      capacity_ = capacity;
    }
    size_ += more;
    return bytes_.get() + size_ - more;
  }
  void shrink_to(size_t size) { size_ = std::min(size, size_); }
  size_t size() const { return size_; }
  std::string_view view() const { return {bytes_.get(), size_}; }

 private:
  std::unique_ptr<char[]> bytes_;
  size_t size_ = 0, capacity_ = 0;
};

// Copies an input that cannot be read twice (stdin, a pipe such as bash's <(...), a device) to
// a temporary file in `dir`, keeping its extension (.csv, .tsv choose the format), so that it can
// be read in several passes. `name` is for messages.
Result<std::string> copy_to_temporary(int fd, const std::string& name, const std::string& extension,
                                      const std::string& dir) {
  std::string pattern = (std::filesystem::path(dir) / ("dadeum-input-XXXXXX" + extension)).string();
  int out_fd = ::mkstemps(pattern.data(), static_cast<int>(extension.size()));
  if (out_fd < 0) return io_error("cannot create a temporary copy of " + name + " in " + dir + ": " + std::strerror(errno));
  std::FILE* out = ::fdopen(out_fd, "wb");
  auto fail = [&](const std::string& message) {
    std::fclose(out);
    ::unlink(pattern.c_str());
    return io_error(message);
  };
  auto buffer = std::make_unique_for_overwrite<char[]>(1 << 20);
  while (true) {
    ssize_t got = ::read(fd, buffer.get(), 1 << 20);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail("cannot read " + name + ": " + std::strerror(errno));
    if (got == 0) break;
    if (std::fwrite(buffer.get(), 1, static_cast<size_t>(got), out) != static_cast<size_t>(got)) {
      return fail("cannot write the temporary copy of " + name + " (disk full?)");
    }
  }
  if (std::fclose(out) != 0) {
    ::unlink(pattern.c_str());
    return io_error("cannot write the temporary copy of " + name);
  }
  return pattern;
}

// True for a path that can be read only once: not a regular file (a pipe, a device).
bool read_once(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode);
}

// What identifies a file's contents cheaply: the last pass trusts an input that still has
// the same inode, size and modification time as in the first.
std::string file_state(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return "";
  return std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino) + ":" + std::to_string(info.st_size) + ":" +
         std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec);
}

Status changed_input(const std::string& display) {
  return io_error(display + " changed during the run; run again on a copy that stays as it is");
}

}  // namespace

void RecordNames::add(const Example& record) {
  if (!record.id.empty()) {
    bytes_ += record.id;
    ends_.push_back(bytes_.size());
    return;
  }
  bytes_ += std::to_string(record.where.source) + ":" + std::to_string(record.where.line);
  ends_.push_back(bytes_.size() | kPlace);
}

std::string RecordNames::get(uint32_t ordinal, const std::vector<std::string>& displays) const {
  std::string name;
  append(name, ordinal, displays);
  return name;
}

void RecordNames::append(std::string& out, uint32_t ordinal, const std::vector<std::string>& displays) const {
  const uint64_t begin = ordinal == 0 ? 0 : ends_[ordinal - 1] & ~kPlace;
  const uint64_t end = ends_[ordinal] & ~kPlace;
  std::string_view entry(bytes_.data() + begin, end - begin);
  if (!(ends_[ordinal] & kPlace)) {
    out += entry;
    return;
  }
  const size_t colon = std::min(entry.find(':'), entry.size());
  size_t source = 0;
  std::from_chars(entry.data(), entry.data() + colon, source);
  out += source < displays.size() ? std::string_view(displays[source]) : std::string_view("?");
  out += entry.substr(colon);
}

ReferenceSet::ReferenceSet(const DedupOptions& options)
    : options_(options), config_(make_minhash_config(options.threshold, options.permutations, options.ngram)) {}

namespace {

// What the parallel stage of ReferenceSet::load() makes of one reference record.
struct ReferenceKeys {
  Hash128 full, prompt;
  std::string prompt_text;      // near only
  std::vector<uint64_t> bands;  // near only
};

}  // namespace

Status ReferenceSet::load(const std::vector<std::string>& paths, const ReadOptions& read, const PipelineOptions& pipeline) {
  auto reader = InputReader::open(paths, read);
  if (!reader.is_ok()) return reader.status();
  Counts counts;
  for (const InputInfo& input : reader.value()->inputs()) displays_.push_back(input.display);
  // Parallel: canonical forms, hashes and MinHash band keys.
  auto stage = [&](Batch& batch) {
    auto made = std::make_shared<std::vector<ReferenceKeys>>(batch.records.size());
    std::string text;
    std::vector<uint32_t> signature;
    for (size_t idx = 0; idx < batch.records.size(); ++idx) {
      const Example& record = batch.records[idx];
      if (!record.kept()) continue;
      ReferenceKeys& keys = (*made)[idx];
      canonical_key_text(record, DedupKey::kFull, text);
      keys.full = hash128(text, options_.seed);
      canonical_key_text(record, DedupKey::kPrompt, text);
      keys.prompt = hash128(text, options_.seed);
      if (!options_.near) continue;
      MinHasher::for_this_thread(config_).signature(text, signature);
      band_keys(signature, config_, keys.bands);
      keys.prompt_text = text;
    }
    batch.stage_keys = made;
  };
  // Serial, in input order: the indexes.
  std::vector<Counts> per_file(paths.size());
  std::vector<std::string> first_problem(paths.size());
  Status status = run_stream(*reader.value(), pipeline, stage, [&](Batch& batch) {
    auto made = std::static_pointer_cast<std::vector<ReferenceKeys>>(batch.stage_keys);
    for (size_t idx = 0; idx < batch.records.size(); ++idx) {
      const Example& record = batch.records[idx];
      Counts& file = per_file[batch.source];
      ++(record.kept() ? file.kept : file.rejected);
      if (!record.kept() && first_problem[batch.source].empty()) {
        first_problem[batch.source] = describe_problem(record, displays_[batch.source]);
      }
      if (!record.kept()) continue;
      const ReferenceKeys& keys = (*made)[idx];
      const uint32_t index = static_cast<uint32_t>(names_.size());
      names_.add(record);
      fulls_.insert_or_get(keys.full, index);
      prompts_.insert_or_get(keys.prompt, index);
      if (!options_.near) continue;
      prompt_texts_.add(keys.prompt_text);
      for (uint64_t key : keys.bands) bands_.emplace(key, index);
    }
    return Status::ok();
  }, counts);
  DADEUM_RETURN_IF_ERROR(status);
  for (size_t file = 0; file < paths.size(); ++file) {
    if (per_file[file].kept > 0 || per_file[file].rejected == 0) continue;
    return invalid_argument("no record of --against file " + displays_[file] + " could be read (" +
                            std::to_string(per_file[file].rejected) + " rejected; --against-map names its fields), e.g. " +
                            first_problem[file]);
  }
  return Status::ok();
}

ReferenceSet::Match ReferenceSet::match(const Example& example) const {
  Match best;
  std::string text;
  canonical_key_text(example, DedupKey::kFull, text);
  if (auto hit = fulls_.find(hash128(text, options_.seed))) return {true, true, *hit, 1.0};
  canonical_key_text(example, DedupKey::kPrompt, text);
  if (auto hit = prompts_.find(hash128(text, options_.seed))) return {true, true, *hit, 1.0};
  if (!options_.near || text.empty()) return best;
  std::vector<uint32_t> signature;
  std::vector<uint64_t> keys;
  MinHasher::for_this_thread(config_).signature(text, signature);
  band_keys(signature, config_, keys);
  std::vector<uint32_t> candidates;
  for (uint64_t key : keys) {
    auto [begin, end] = bands_.equal_range(key);
    for (auto it = begin; it != end; ++it) candidates.push_back(it->second);
  }
  if (candidates.empty()) return best;
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (uint32_t candidate : candidates) {
    double similarity = shingle_jaccard(text, prompt_texts_[candidate], config_.ngram, config_.seed);
    if (similarity >= options_.threshold && similarity > best.similarity) best = {true, false, candidate, similarity};
  }
  return best;
}

DedupRun::DedupRun(std::vector<std::string> inputs, ReadOptions read, PipelineOptions pipeline, DedupOptions options,
                   std::string spill_dir)
    : paths_(std::move(inputs)),
      spill_dir_(std::move(spill_dir)),
      read_(std::move(read)),
      pipeline_(pipeline),
      options_(options),
      keys_(options),
      index_(options) {}

DedupRun::~DedupRun() {
  for (const std::string& copy : copies_) ::unlink(copy.c_str());
}

Status DedupRun::load_references(const std::vector<std::string>& paths, const ReadOptions& read) {
  references_ = std::make_unique<ReferenceSet>(options_);
  return references_->load(paths, read, pipeline_);
}

Result<std::unique_ptr<InputReader>> DedupRun::open_reader() {
  if (display_.empty()) {
    const std::string dir = std::filesystem::temp_directory_path().string();  // as TMPDIR says
    for (std::string& path : paths_) {
      const bool is_stdin = path == "-";
      display_.push_back(is_stdin ? "<stdin>" : path);
      if (!is_stdin && !read_once(path)) continue;
      int fd = is_stdin ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return io_error("cannot read " + path + ": " + std::strerror(errno));
      const std::string extension = is_stdin ? "" : std::filesystem::path(path).extension().string();
      auto copy = copy_to_temporary(fd, display_.back(), extension, dir);
      if (!is_stdin) ::close(fd);
      if (!copy.is_ok()) return copy.status();
      copies_.push_back(copy.value());
      path = copy.value();
    }
  }
  auto reader = InputReader::open(paths_, read_);
  if (!reader.is_ok()) return reader.status();
  for (size_t idx = 0; idx < display_.size(); ++idx) reader.value()->set_display_name(idx, display_[idx]);
  return reader;
}

Status DedupRun::index(const BatchStage& transform, const BatchSink& observe, Schema output_schema,
                       const BatchStage& verify_transform) {
  auto spill = SpillFile::create(spill_dir_.empty() ? std::filesystem::temp_directory_path().string() : spill_dir_);
  if (!spill.is_ok()) return spill.status();
  spill_.emplace(std::move(spill.value()));
  auto reader = open_reader();
  if (!reader.is_ok()) return reader.status();
  for (const std::string& path : paths_) input_states_.push_back(file_state(path));
  const std::vector<InputInfo>& inputs = reader.value()->inputs();
  auto stage = [&](Batch& batch) {
    if (transform) transform(batch);
    auto keys = std::make_shared<BatchKeys>();
    keys->keys.resize(batch.records.size());
    std::string scratch;
    for (size_t idx = 0; idx < batch.records.size(); ++idx) {
      Example& record = batch.records[idx];
      if (record.kept() && references_) {
        ReferenceSet::Match match = references_->match(record);
        if (match.found) {
          record.drop("dedup", match.exact ? "reference_duplicate" : "reference_near_duplicate",
                      "matches reference " + references_->name(match.reference) +
                          (match.exact ? "" : " (similarity " + std::to_string(match.similarity).substr(0, 4) + ")"));
          record.outcome.duplicate_of = references_->name(match.reference);
          record.outcome.similarity = static_cast<float>(match.similarity);
        }
      }
      const InputInfo& input = inputs[record.where.source];
      append_spilled_record(keys->spill, record, input.display, output_schema,
                            input.format == InputFormat::kJsonl && input.compression == "none");
      if (record.kept()) keys_.make(record, keys->keys[idx], scratch);
    }
    batch.stage_keys = keys;
  };
  auto sink = [&](Batch& batch) -> Status {
    if (batch.sequence == 0) reserve_for(batch);
    if (batch_first_.size() <= batch.sequence) batch_first_.resize(batch.sequence + 1);
    batch_first_[batch.sequence] = index_.size();
    if (batch_spill_.size() <= batch.sequence) batch_spill_.resize(batch.sequence + 1);
    batch_spill_[batch.sequence] = spill_->bytes();
    auto keys = std::static_pointer_cast<BatchKeys>(batch.stage_keys);
    for (size_t idx = 0; idx < batch.records.size(); ++idx) {
      const Example& record = batch.records[idx];
      names_.add(record);
      index_.add(record.kept(), keys->keys[idx]);
    }
    DADEUM_RETURN_IF_ERROR(spill_->write(keys->spill));
    return observe ? observe(batch) : Status::ok();
  };
  Counts counts;
  DADEUM_RETURN_IF_ERROR(run_stream(*reader.value(), pipeline_, stage, sink, counts));
  infos_ = reader.value()->inputs();
  {
    ThreadLimit limit(pipeline_.threads);  // LSH banding runs its bands in parallel
    index_.resolve_exact();
  }
  if (!index_.candidates().empty()) DADEUM_RETURN_IF_ERROR(verify_candidates(verify_transform ? verify_transform : transform));
  index_.resolve_near();
  return Status::ok();
}

// Second look, at the records of candidate pairs only: they are taken from the spill, where
// every kept record's original bytes are (or, for a plain JSONL input, where in the input they
// are), not by reading the inputs again; each is parsed and normalized again to give its key
// text (not its shingles, three times larger), held until its last partner has been seen. The
// serial sink only pairs each record with its held earlier partners; the pairs' Jaccard
// (re-shingling the partner, then comparing) is computed by tasks beside the read, and the
// results are applied in the sink's order once the read is done, so they do not depend on the
// thread count.
Status DedupRun::verify_candidates(const BatchStage& transform) {
  std::vector<uint32_t> needed = index_.records_to_verify();
  std::unordered_map<uint32_t, std::vector<uint32_t>> earlier_partners;  // b -> all a < b
  std::unordered_map<uint32_t, uint32_t> pending;                         // a -> partners not yet seen
  for (const auto& [a, b] : index_.candidates()) {
    earlier_partners[b].push_back(a);
    ++pending[a];
  }
  std::unordered_map<uint32_t, std::shared_ptr<const std::string>> held;
  SpillFile::Cursor cursor(*spill_);
  uint32_t ordinal = 0;      // of the next spill entry
  size_t next_needed = 0;    // into `needed`
  uint64_t sequence = 0;
  std::string_view entry;
  bool entry_waiting = false;  // `entry` belongs to another input than the batch: the next batch's
  // Serial: picks the needed entries out of the spill and notes where their bytes are.
  auto next_batch = [&]() -> Result<std::unique_ptr<Batch>> {
    if (next_needed == needed.size()) return std::unique_ptr<Batch>();
    auto batch = std::make_unique<Batch>();
    batch->sequence = sequence++;
    auto selected = std::make_shared<BatchOrdinals>();
    SpilledRecord record;
    while (next_needed < needed.size() && selected->ordinals.size() < kVerifyBatchRecords) {
      if (!entry_waiting) {
        Result<bool> more = cursor.next(entry);
        if (!more.is_ok()) return more.status();
        if (!more.value()) return Status(StatusCode::kInternal, "spill ends before record " + std::to_string(needed[next_needed]));
        if (ordinal++ != needed[next_needed]) continue;
      }
      if (!read_spilled_record(entry, record) || record.kind != SpilledRecord::Kind::kKept || record.source >= infos_.size()) {
        return Status(StatusCode::kInternal, "damaged spill entry for record " + std::to_string(needed[next_needed]));
      }
      if (!selected->ordinals.empty() && record.source != batch->source) {
        entry_waiting = true;
        break;
      }
      entry_waiting = false;
      batch->source = record.source;
      if (record.in_input) {
        selected->pieces.push_back({true, record.offset, record.length});
      } else {
        selected->pieces.push_back({false, selected->copied.size(), record.raw.size()});
        selected->copied.append(record.raw);
      }
      selected->ordinals.push_back(needed[next_needed++]);
    }
    batch->schema = infos_[batch->source].schema;
    batch->stage_keys = selected;
    return batch;
  };
  // Parallel, before parsing: the records' bytes, each read with one pread from the input (a
  // window read front to back would read the whole input for the few records it needs).
  auto read_records = [&](Batch& batch) {
    auto selected = std::static_pointer_cast<BatchOrdinals>(batch.stage_keys);
    size_t bytes = detail::kParserPadding;
    for (const BatchOrdinals::Piece& piece : selected->pieces) bytes += piece.length + 1;
    batch.buffer.reserve(bytes);
    int fd = -1;  // the batch's input, opened only when a record is read from it
    if (std::any_of(selected->pieces.begin(), selected->pieces.end(), [](const auto& piece) { return piece.in_input; })) {
      Result<int> opened = open_again(batch.source);
      if (!opened.is_ok()) {
        selected->read = opened.status();
        return;
      }
      fd = opened.value();
    }
    std::vector<size_t> ends;
    for (const BatchOrdinals::Piece& piece : selected->pieces) {
      if (piece.in_input) {
        const size_t at = batch.buffer.size();
        batch.buffer.resize(at + piece.length);
        const ssize_t got = detail::pread_full(fd, batch.buffer.data() + at, piece.length, piece.offset);
        if (got != static_cast<ssize_t>(piece.length)) {
          selected->read = got < 0 ? io_error("cannot read " + paths_[batch.source] + " again: " + std::strerror(errno))
                                   : io_error(display_[batch.source] + " is shorter than when it was first read");
          break;
        }
      } else {
        batch.buffer.append(selected->copied, piece.offset, piece.length);
      }
      batch.buffer += '\n';
      ends.push_back(batch.buffer.size() - 1);
    }
    if (fd >= 0) ::close(fd);
    if (!selected->read.is_ok()) return;
    batch.buffer.append(detail::kParserPadding, ' ');  // simdjson reads a little past each record
    size_t begin = 0;
    batch.records.resize(ends.size());
    for (size_t idx = 0; idx < ends.size(); ++idx) {
      batch.records[idx].raw = std::string_view(batch.buffer).substr(begin, ends[idx] - begin);
      batch.records[idx].where.source = batch.source;
      begin = ends[idx] + 1;
    }
  };
  const MinHashConfig& config = keys_.config();
  auto key_texts = [&](Batch& batch) {
    if (transform) transform(batch);
    auto selected = std::static_pointer_cast<BatchOrdinals>(batch.stage_keys);
    selected->texts.resize(batch.records.size());
    for (size_t idx = 0; idx < batch.records.size(); ++idx) {
      canonical_key_text(batch.records[idx], options_.key, selected->texts[idx]);
    }
  };
  // One job per pair; a batch's jobs are computed by one task. The deque keeps each batch's
  // vector in place while its task runs.
  struct PairJob {
    std::shared_ptr<const std::string> partner_text, text;
    uint32_t partner = 0, ordinal = 0;
    double similarity = 0;
  };
  std::deque<std::vector<PairJob>> jobs;
  tbb::task_group verifying;
  std::atomic<int> running{0};
  constexpr int kMaxRunning = 8;  // bounds the texts that waiting tasks keep alive
  auto sink = [&](Batch& batch) -> Status {
    auto selected = std::static_pointer_cast<BatchOrdinals>(batch.stage_keys);
    DADEUM_RETURN_IF_ERROR(selected->read);
    std::vector<PairJob> batch_jobs;
    for (size_t idx = 0; idx < batch.records.size(); ++idx) {
      uint32_t ordinal = selected->ordinals[idx];
      auto text = std::make_shared<const std::string>(std::move(selected->texts[idx]));
      if (auto it = earlier_partners.find(ordinal); it != earlier_partners.end()) {
        for (uint32_t partner : it->second) {
          std::shared_ptr<const std::string>& partner_text = held[partner];
          if (partner_text == nullptr) partner_text = std::make_shared<const std::string>();  // not seen again: nothing shared
          batch_jobs.push_back({partner_text, text, partner, ordinal, 0});
          if (--pending[partner] == 0) held.erase(partner);
        }
      }
      if (pending[ordinal] > 0) held[ordinal] = text;
    }
    if (batch_jobs.empty()) return Status::ok();
    if (running.load() >= kMaxRunning) verifying.wait();
    std::vector<PairJob>& these = jobs.emplace_back(std::move(batch_jobs));
    ++running;
    verifying.run([&these, &running, &config] {
      for (PairJob& job : these) {
        job.similarity = shingle_jaccard(*job.partner_text, *job.text, config.ngram, config.seed);
        job.partner_text.reset();
        job.text.reset();
      }
      --running;
    });
    return Status::ok();
  };
  Counts counts;
  Status read = run_batches(next_batch, read_, pipeline_, key_texts, sink, counts, read_records);
  verifying.wait();
  DADEUM_RETURN_IF_ERROR(read);
  for (const std::vector<PairJob>& batch_jobs : jobs) {
    for (const PairJob& job : batch_jobs) {
      index_.add_verified(job.partner, job.ordinal, job.similarity);
      ++verified_pairs_;
    }
  }
  return Status::ok();
}

// Sizes the index from the first batch: the inputs' bytes over its bytes per record, plus a
// margin. A compressed input makes that an underestimate, and the arrays grow as they come.
// (Only file sizes: the reader may be opening a later input on another thread right now, so
// its InputInfo must not be read here.)
void DedupRun::reserve_for(const Batch& first) {
  if (first.records.empty()) return;
  uint64_t bytes = 0;
  for (const std::string& path : paths_) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return;
    bytes += static_cast<uint64_t>(info.st_size);
  }
  uint64_t record_bytes = 0, name_bytes = 0;
  for (const Example& record : first.records) {
    record_bytes += record.raw.size() + 1;
    name_bytes += record.id.empty() ? 12 : record.id.size();
  }
  const double per_record = static_cast<double>(record_bytes) / static_cast<double>(first.records.size());
  const auto records = static_cast<size_t>(1.05 * static_cast<double>(bytes) / std::max(per_record, 1.0)) + 1024;
  index_.reserve(records);
  names_.reserve(records, records * (name_bytes / first.records.size() + 1));
}

std::optional<Outcome> DedupRun::removal(uint32_t ordinal) const {
  const DedupDecision& decision = index_.decision(ordinal);
  if (decision.reason == DedupReason::kNone) return std::nullopt;
  Outcome outcome;
  outcome.verdict = Verdict::kDrop;
  outcome.stage = "dedup";
  outcome.code = dedup_reason_code(decision.reason);
  outcome.duplicate_of = record_name(decision.duplicate_of);
  outcome.message = "duplicate of " + outcome.duplicate_of;
  if (decision.reason == DedupReason::kNear) outcome.message += " (similarity " + std::to_string(decision.similarity).substr(0, 4) + ")";
  outcome.similarity = decision.similarity;
  return outcome;
}

// One chunk of pass 3: the spill entries of pass 1's batch `chunk`, in order. Records spilled
// by reference (SpilledRecord::in_input) take their bytes from one read of each input the chunk
// covers: a chunk's records of one input are consecutive, with growing offsets.
Status DedupRun::replay_chunk(size_t chunk, const ReplaySink& each) const {
  const bool last = chunk + 1 == batch_first_.size();
  const uint64_t first = batch_first_[chunk], end = last ? index_.size() : batch_first_[chunk + 1];
  // Kept by each thread from chunk to chunk: fresh buffers would fault in new pages every time.
  thread_local ReadBuffer framed, input_bytes;
  thread_local std::vector<SpilledRecord> records;
  const uint64_t spill_begin = batch_spill_[chunk], spill_end = last ? spill_->bytes() : batch_spill_[chunk + 1];
  framed.clear();
  DADEUM_RETURN_IF_ERROR(spill_->read_range(spill_begin, spill_end, framed.extend(spill_end - spill_begin)));
  records.resize(end - first);
  struct InputRange {
    uint32_t source;
    uint64_t begin, end;  // in the input; end is one past the byte after the last record
    size_t at;            // where its bytes start in `input_bytes`
  };
  std::vector<InputRange> ranges;
  std::string_view rest = framed.view(), entry;
  for (SpilledRecord& record : records) {
    if (!SpillFile::take_entry(rest, entry) || !read_spilled_record(entry, record) || record.source >= paths_.size()) {
      return Status(StatusCode::kInternal, "damaged spill entry in the records from " + std::to_string(first));
    }
    if (!record.in_input) continue;
    if (ranges.empty() || ranges.back().source != record.source) ranges.push_back({record.source, record.offset, 0, 0});
    ranges.back().end = std::max(ranges.back().end, record.offset + record.length + 1);
  }
  if (!rest.empty()) return Status(StatusCode::kInternal, "damaged spill entry in the records from " + std::to_string(first));

  input_bytes.clear();
  for (InputRange& range : ranges) {
    range.at = input_bytes.size();
    size_t got = 0;
    DADEUM_RETURN_IF_ERROR(read_again(range.source, range.begin, input_bytes.extend(range.end - range.begin),
                                      range.end - range.begin, got));
    input_bytes.shrink_to(range.at + got);  // fewer at the input's end
  }
  const std::string_view all_input = input_bytes.view();
  std::string line;  // raw + '\n' when the input's line does not end in '\n' alone
  auto range = ranges.begin();
  for (size_t idx = 0; idx < records.size(); ++idx) {
    SpilledRecord& record = records[idx];
    if (record.in_input) {
      while (range->source != record.source) ++range;
      const size_t range_end = std::next(range) == ranges.end() ? all_input.size() : std::next(range)->at;
      const size_t at = range->at + static_cast<size_t>(record.offset - range->begin);
      if (record.offset < range->begin || at + record.length > range_end) {
        return io_error(display_[record.source] + " is shorter than when it was first read");
      }
      record.raw = all_input.substr(at, record.length);
      if (at + record.length < range_end && all_input[at + record.length] == '\n') {
        record.line = all_input.substr(at, record.length + 1);
      } else {
        line.assign(record.raw);
        line += '\n';
        record.line = line;
      }
    }
    DADEUM_RETURN_IF_ERROR(each(static_cast<uint32_t>(first + idx), record));
  }
  return Status::ok();
}

Result<int> DedupRun::open_again(uint32_t source) const {
  if (file_state(paths_[source]) != input_states_[source]) return changed_input(display_[source]);
  const int fd = ::open(paths_[source].c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot read " + paths_[source] + " again: " + std::strerror(errno));
  return fd;
}

// Reads up to `length` bytes at `offset` of input `source` into `into` (fewer at its end;
// `got` says how many), after checking that the file is still the one the first read saw.
Status DedupRun::read_again(uint32_t source, uint64_t offset, char* into, size_t length, size_t& got) const {
  Result<int> fd = open_again(source);
  if (!fd.is_ok()) return fd.status();
  const ssize_t done = detail::pread_full(fd.value(), into, length, offset);
  const int error = errno;
  ::close(fd.value());
  if (done < 0) return io_error("cannot read " + paths_[source] + " again: " + std::strerror(error));
  got = static_cast<size_t>(done);
  return Status::ok();
}

// An input rewritten while it was being read again would mix two versions in one output.
Status DedupRun::check_inputs_unchanged() const {
  for (size_t source = 0; source < paths_.size(); ++source) {
    if (file_state(paths_[source]) != input_states_[source]) return changed_input(display_[source]);
  }
  return Status::ok();
}

Status DedupRun::replay(const ReplaySink& each) const {
  if (!spill_) return Status(StatusCode::kInternal, "replay() before index()");
  for (size_t chunk = 0; chunk < batch_first_.size(); ++chunk) DADEUM_RETURN_IF_ERROR(replay_chunk(chunk, each));
  return check_inputs_unchanged();
}

Status DedupRun::replay(const ReplayPlace& place, const std::function<Status(OrderedItem& chunk)>& commit) const {
  if (!spill_) return Status(StatusCode::kInternal, "replay() before index()");
  auto work = [&](OrderedItem& chunk) {
    return replay_chunk(chunk.index, [&](uint32_t ordinal, const SpilledRecord& record) { return place(ordinal, record, chunk); });
  };
  DADEUM_RETURN_IF_ERROR(run_in_order(batch_first_.size(), pipeline_, work, commit));
  return check_inputs_unchanged();
}

void append_cluster_lines(std::string& out, const DedupRun& run) {
  std::string name;  // one buffer for every record's name
  auto append_name = [&](uint32_t ordinal) {
    name.clear();
    run.append_record_name(name, ordinal);
    append_json_string(out, name);
  };
  for (const DedupCluster& cluster : run.index_data().clusters()) {
    out += "{\"kind\":";
    append_json_string(out, cluster.kind);
    out += ",\"kept\":";
    append_name(cluster.kept);
    out += cluster.members_removed ? ",\"removed\":[" : ",\"kept_together\":[";
    for (size_t idx = 0; idx < cluster.members.size(); ++idx) {
      if (idx) out += ',';
      append_name(cluster.members[idx]);
    }
    out += "],\"similarity\":[";
    for (size_t idx = 0; idx < cluster.similarity.size(); ++idx) {
      if (idx) out += ',';
      if (cluster.similarity[idx] == 1.0f) {  // exact duplicates and conflicts: most members
        out += "1.000";
        continue;
      }
      char text[16];
      std::snprintf(text, sizeof text, "%.3f", cluster.similarity[idx]);
      out += text;
    }
    out += "]}\n";
  }
}

Result<std::pair<uint64_t, std::string>> hash_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return io_error("cannot read " + path);
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  // Sized to the file (up to 1 MiB) and not zero-filled: a run may hash 10^5 tiny inputs.
  struct stat info {};
  const size_t buffer_size = ::fstat(::fileno(file), &info) == 0 && info.st_size < (1 << 20)
                                 ? static_cast<size_t>(info.st_size) + 1 : size_t{1} << 20;
  auto buffer = std::make_unique_for_overwrite<char[]>(buffer_size);
  uint64_t size = 0;
  size_t got = 0;
  while ((got = std::fread(buffer.get(), 1, buffer_size, file)) > 0) {
    XXH3_128bits_update(state, buffer.get(), got);
    size += got;
  }
  std::fclose(file);
  XXH128_hash_t digest = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  return std::make_pair(size, to_hex(Hash128{digest.low64, digest.high64}));
}

}  // namespace dadeum
