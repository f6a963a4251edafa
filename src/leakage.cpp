#include "dadeum/leakage.hpp"

#include <tbb/parallel_sort.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <bit>
#include <memory>
#include <span>
#include <unordered_set>

#include "dadeum/dedup.hpp"
#include "dadeum/normalize.hpp"
#include "dadeum/text_list.hpp"
#include "dadeum/writer.hpp"
#include "detail/minhash_shingles.hpp"

namespace dadeum {
namespace {

constexpr uint32_t kNone = UINT32_MAX;

bool enabled(const LeakageOptions& options, LeakKind kind) { return options.kinds[static_cast<int>(kind)]; }

// A read-only multimap from 64-bit hashes to record numbers: the distinct keys sorted, with a
// directory on their top bits. A lookup reads a directory word and one or two cache lines of
// entries; a key held by one record keeps it inline. (A binary search over millions of window
// hashes costs ~20 cache misses, an unordered_multimap ~40 bytes per entry and a pointer chase.)
// Keys must be well mixed (they are all hash values).
class KeyTable {
 public:
  //! `entries` (key, record) sorted by key, then record.
  void build(const std::vector<std::pair<uint64_t, uint32_t>>& entries) {
    entries_.clear();
    records_.clear();
    for (size_t begin = 0, end = 0; begin < entries.size(); begin = end) {
      while (end < entries.size() && entries[end].first == entries[begin].first) ++end;
      Entry entry{entries[begin].first, entries[begin].second, static_cast<uint32_t>(end - begin)};
      if (entry.count > 1) {
        entry.value = static_cast<uint32_t>(records_.size());
        for (size_t idx = begin; idx < end; ++idx) records_.push_back(entries[idx].second);
      }
      entries_.push_back(entry);
    }
    int bits = std::max(1, static_cast<int>(std::bit_width(entries_.size())) - 2);  // ~2-4 keys per bucket
    shift_ = 64 - bits;
    directory_.assign((size_t{1} << bits) + 1, 0);
    size_t key = 0;
    for (size_t bucket = 0; bucket + 1 < directory_.size(); ++bucket) {
      directory_[bucket] = static_cast<uint32_t>(key);
      while (key < entries_.size() && (entries_[key].key >> shift_) == bucket) ++key;
    }
    directory_.back() = static_cast<uint32_t>(entries_.size());
  }

  //! The slot of `key`, or kNone.
  uint32_t find(uint64_t key) const {
    if (entries_.empty()) return kNone;
    size_t bucket = key >> shift_;
    for (uint32_t slot = directory_[bucket]; slot < directory_[bucket + 1]; ++slot) {
      if (entries_[slot].key >= key) return entries_[slot].key == key ? slot : kNone;
    }
    return kNone;
  }

  // find() costs two cache misses (directory word, then entries) on a large table. A caller
  // with many keys asks for them ahead, the directory word first, then the entries:
  void prefetch_directory(uint64_t key) const { __builtin_prefetch(&directory_[key >> shift_]); }
  void prefetch_entries(uint64_t key) const { __builtin_prefetch(&entries_[directory_[key >> shift_]]); }

  std::span<const uint32_t> records(uint32_t slot) const {
    const Entry& entry = entries_[slot];
    if (entry.count == 1) return {&entry.value, 1};
    return {records_.data() + entry.value, entry.count};
  }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    uint64_t key;
    uint32_t value;  // the record (count 1) or the offset of the records in records_
    uint32_t count;
  };
  std::vector<Entry> entries_;
  std::vector<uint32_t> records_;
  std::vector<uint32_t> directory_;  // first entry of each top-bits bucket (+ the end)
  unsigned shift_ = 63;
};

// File, line and id of every record of one file, compactly (train may have millions).
class RefList {
 public:
  explicit RefList(uint32_t file) : file_(file) {}
  uint32_t add(uint64_t line, std::string_view id) {
    lines_.push_back(line);
    ids_.add(id);
    return static_cast<uint32_t>(lines_.size() - 1);
  }
  RecordRef get(uint32_t idx) const { return {file_, lines_[idx], std::string(ids_[idx])}; }

 private:
  uint32_t file_;  // index into LeakageReport::file_names
  std::vector<uint64_t> lines_;
  TextList ids_;
};

// The keys of one record. Each turn is canonicalized once; prompt and full are the texts
// canonical_key_text gives for DedupKey::kPrompt and kFull.
struct Keys {
  Hash128 full, prompt;
  Hash128 question;      // SQuAD: the question alone; otherwise the prompt
  Hash128 context;       // SQuAD: the passage (questions on one passage form a template group)
  std::string full_text, prompt_text, question_text, context_text;
  std::vector<uint32_t> signature;
  std::vector<uint64_t> bands;
  std::vector<std::pair<uint32_t, uint32_t>> units;  // (offset, length) in full_text
  std::vector<uint64_t> unit_hashes, windows;        // window hashes, in text order
};

uint64_t mix(uint64_t x) {  // murmur3's finalizer: spreads a rolling hash over all 64 bits
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

// Appends (offset, length) of every run of bytes between spaces and newlines (the 어절 of a
// canonical text). Looks at 16 bytes at a time: a byte-by-byte loop was a tenth of a check.
void split_eojeol(std::string_view text, std::vector<std::pair<uint32_t, uint32_t>>& units) {
  size_t start = 0;
  auto boundary = [&](size_t pos) {
    if (pos > start) units.emplace_back(static_cast<uint32_t>(start), static_cast<uint32_t>(pos - start));
    start = pos + 1;
  };
  size_t pos = 0;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' '), newline = _mm_set1_epi8('\n');
  for (; pos + 16 <= text.size(); pos += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + pos));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(block, space), _mm_cmpeq_epi8(block, newline))));
    for (; mask != 0; mask &= mask - 1) boundary(pos + static_cast<size_t>(__builtin_ctz(mask)));
  }
#endif
  for (; pos < text.size(); ++pos) {
    if (text[pos] == ' ' || text[pos] == '\n') boundary(pos);
  }
  boundary(text.size());
}

struct LeakKeyMaker {
  const LeakageOptions& options;
  MinHashConfig config;

  void make(const Example& record, bool squad, MinHasher* hasher, Keys& out) const {
    canonical_key_texts(record, out.full_text, out.prompt_text);
    out.question_text.clear();
    out.context_text.clear();
    if (squad) {  // the question and the passage on their own, besides the key texts
      for (const Turn& turn : record.turns) {
        if (turn.slot == Slot::kInstruction) canonical_form_into(turn.text, out.question_text);
        if (turn.slot == Slot::kInput) canonical_form_into(turn.text, out.context_text);
      }
    }
    out.full = hash128(out.full_text, options.seed);
    out.prompt = hash128(out.prompt_text, options.seed);
    out.question = squad && !out.question_text.empty() ? hash128(out.question_text, options.seed) : out.prompt;
    out.context = hash128(out.context_text, options.seed);
    out.bands.clear();
    if (hasher) {
      hasher->signature(out.full_text, out.signature);
      band_keys(out.signature, config, out.bands);
    }
    out.windows.clear();
    if (enabled(options, LeakKind::kNgram)) windows(out);
  }

  // Units (어절: runs between spaces and newlines, or characters) and the hash of every run
  // of `ngram` units. The window hash rolls over the unit hashes (a polynomial mod 2^64,
  // then mixed), so each window costs a multiply-add instead of hashing n unit hashes.
  void windows(Keys& out) const {
    const std::string& text = out.full_text;
    out.units.clear();
    if (options.unit == NgramUnit::kEojeol) {
      split_eojeol(text, out.units);
    } else {
      for (size_t pos = 0; pos < text.size();) {
        unsigned char lead = static_cast<unsigned char>(text[pos]);
        size_t length = lead < 0x80 ? 1 : (lead >> 5) == 6 ? 2 : (lead >> 4) == 14 ? 3 : 4;
        if (text[pos] != ' ' && text[pos] != '\n') out.units.emplace_back(pos, std::min(length, text.size() - pos));
        pos += length;
      }
    }
    size_t n = options.ngram;
    if (out.units.size() < n) return;
    out.unit_hashes.clear();
    for (const auto& [offset, length] : out.units) {
      // XXH3-64 (the same value), inlined for units of up to 16 bytes, as for shingles.
      out.unit_hashes.push_back(detail::shingle_hash(text.data() + offset, length, options.seed));
    }
    constexpr uint64_t kBase = 0x9E3779B97F4A7C15ULL;
    uint64_t top = 1;  // kBase^(n-1): the weight of the unit leaving the window
    for (size_t idx = 1; idx < n; ++idx) top *= kBase;
    uint64_t rolling = 0;
    for (size_t idx = 0; idx < n; ++idx) rolling = rolling * kBase + out.unit_hashes[idx];
    out.windows.push_back(mix(rolling));
    for (size_t start = 1; start + n <= out.unit_hashes.size(); ++start) {
      rolling = (rolling - out.unit_hashes[start - 1] * top) * kBase + out.unit_hashes[start + n - 1];
      out.windows.push_back(mix(rolling));
    }
  }

  std::string span(const Keys& keys, size_t first, size_t count) const {
    std::string out;
    for (size_t unit = first; unit < first + count && unit < keys.units.size(); ++unit) {
      if (!out.empty() && options.unit == NgramUnit::kEojeol) out += ' ';
      out.append(keys.full_text, keys.units[unit].first, keys.units[unit].second);
    }
    return out;
  }
};

// What the index keeps of one record.
struct IndexedRecord {
  Hash128 full, prompt, question;
};

// The in-memory index of one (smaller) file.
struct FileIndex {
  std::string role, path;
  RefList refs{0};
  std::vector<IndexedRecord> records;
  // Near only: every record's canonical full text, end to end. A near candidate is verified
  // by shingling both texts again (shingle_jaccard), which is cheaper than keeping sorted
  // shingle sets of every indexed record: building those took a quarter of a check's CPU,
  // and they were three times the size of the texts.
  TextList texts;
  KeyTable full, prompt, bands, windows;  // prompt holds the SQuAD questions too

  //! Per window slot: groups of the file being streamed with an n-gram candidate on it.
  std::unique_ptr<std::atomic<uint32_t>[]> streamed;
};

// What the parallel stage made of one indexed record.
struct IndexFeatures {
  IndexedRecord record;
  Hash128 context;
  std::string text;                      // near only: the canonical full text
  std::vector<uint64_t> bands, windows;  // windows sorted and unique
};

// A finding of one streamed record, held until the whole file is streamed because an n-gram
// finding is only evidence if some of its windows are shared by few records of that file.
struct Held {
  LeakKind kind = LeakKind::kExact;
  uint32_t target = 0;  // index of the indexed file
  uint32_t a = 0, b = 0;
  double similarity = 0;
  std::string span;
  uint32_t span_units = 0;
  // n-gram: the target's window slots it rests on, slots[slots_begin, +slots_count) of its
  // StreamedRecord and then of the file's held slots (one array, not a vector per finding).
  uint32_t slots_count = 0;
  uint64_t slots_begin = 0;
};

struct StreamedRecord {
  Hash128 full, context;
  std::vector<Held> held;
  std::vector<uint32_t> slots;    // the held findings' window slots
  std::vector<uint64_t> counted;  // (target << 32 | window slot) this record counts once
  uint32_t skipped = 0;           // n-gram candidates already known to rest on templates only
};

struct Target {
  FileIndex* index;
  uint32_t pair;  // index into LeakageReport::pair_names
};

// Per-batch scratch of the streamed side.
struct CompareScratch {
  Keys keys;
  std::vector<std::vector<uint32_t>> slots_at;  // per target: window slot at each position
  std::vector<char> matched;                    // per position: in some n-gram candidate
  std::vector<std::pair<uint32_t, int>> offers;  // (indexed record, kind)
  std::vector<double> similarities;             // near offers, by offer order
  std::vector<std::pair<uint32_t, uint32_t>> found;  // (indexed record, window position)
  std::vector<uint32_t> seen;
  std::vector<Held> ngram;
};

// The strongest finding between a streamed record and each record of one indexed file, in
// order of the indexed record. `out.held` gets them; template-only n-gram candidates are
// only counted.
void compare(const LeakKeyMaker& maker, CompareScratch& scratch, uint32_t target, const FileIndex& index,
             StreamedRecord& out) {
  const LeakageOptions& options = maker.options;
  Keys& a = scratch.keys;
  auto& offers = scratch.offers;
  offers.clear();
  scratch.similarities.clear();
  // The ~20 lookups below (full, prompt, question, one per band) each miss the cache twice on
  // a large index: ask for all their directory words, then all their entries, before any is
  // needed, so that the misses overlap instead of coming one after another.
  const bool exact = enabled(options, LeakKind::kExact), prompt = enabled(options, LeakKind::kPrompt);
  const bool near = enabled(options, LeakKind::kNear) && index.bands.size() > 0;
  auto prefetch = [&](auto ask) {
    if (exact && index.full.size() > 0) ask(index.full, a.full.low);
    if (prompt && index.prompt.size() > 0) {
      ask(index.prompt, a.prompt.low);
      ask(index.prompt, a.question.low);
    }
    if (near) {
      for (uint64_t band : a.bands) ask(index.bands, band);
    }
  };
  prefetch([](const KeyTable& table, uint64_t key) { table.prefetch_directory(key); });
  prefetch([](const KeyTable& table, uint64_t key) { table.prefetch_entries(key); });
  if (exact) {
    if (uint32_t slot = index.full.find(a.full.low); slot != kNone) {
      for (uint32_t b : index.full.records(slot)) {
        if (index.records[b].full == a.full) offers.emplace_back(b, static_cast<int>(LeakKind::kExact));
      }
    }
  }
  if (prompt) {
    // The whole prompt equals the other's whole prompt or its SQuAD question alone.
    if (uint32_t slot = index.prompt.find(a.prompt.low); slot != kNone) {
      for (uint32_t b : index.prompt.records(slot)) {
        const IndexedRecord& other = index.records[b];
        if (other.prompt == a.prompt || other.question == a.prompt) offers.emplace_back(b, static_cast<int>(LeakKind::kPrompt));
      }
    }
    if (!(a.question == a.prompt)) {
      if (uint32_t slot = index.prompt.find(a.question.low); slot != kNone) {
        for (uint32_t b : index.prompt.records(slot)) {
          if (index.records[b].prompt == a.question) offers.emplace_back(b, static_cast<int>(LeakKind::kPrompt));
        }
      }
    }
  }
  if (near) {
    auto& seen = scratch.seen;
    seen.clear();
    for (uint64_t band : a.bands) {
      if (uint32_t slot = index.bands.find(band); slot != kNone) {
        for (uint32_t b : index.bands.records(slot)) seen.push_back(b);
      }
    }
    if (!seen.empty()) {
      std::sort(seen.begin(), seen.end());
      seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
      for (uint32_t b : seen) {
        double similarity = shingle_jaccard(a.full_text, index.texts[b], maker.config.ngram, maker.config.seed);
        if (similarity >= options.threshold) {
          offers.emplace_back(b, static_cast<int>(LeakKind::kNear) | static_cast<int>(scratch.similarities.size()) << 8);
          scratch.similarities.push_back(similarity);
        }
      }
    }
  }
  // One offer per indexed record: the strongest kind (the lowest LeakKind).
  std::sort(offers.begin(), offers.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first < y.first : (x.second & 0xff) < (y.second & 0xff);
  });
  offers.erase(std::unique(offers.begin(), offers.end(), [](const auto& x, const auto& y) { return x.first == y.first; }),
               offers.end());
  size_t first_held = out.held.size();
  for (const auto& [b, code] : offers) {
    Held held;
    held.kind = static_cast<LeakKind>(code & 0xff);
    held.target = target;
    held.b = b;
    held.similarity = held.kind == LeakKind::kNear ? scratch.similarities[code >> 8] : 1.0;
    out.held.push_back(std::move(held));
  }

  auto& slots_at = scratch.slots_at[target];
  slots_at.assign(a.windows.size(), kNone);
  if (!enabled(options, LeakKind::kNgram) || a.windows.empty() || index.windows.size() == 0) return;
  // Windows of `a` found in the index, per indexed record: the longest run of consecutive
  // matching windows is the shared span.
  auto& found = scratch.found;
  found.clear();
  // The windows are looked up ahead of time so that the table's cache misses overlap (a
  // record has hundreds of windows; waiting for each one's two misses in turn was a fifth of
  // an all-kinds check).
  constexpr size_t kAhead = 16;
  const size_t windows = a.windows.size();
  for (size_t pos = 0; pos < std::min(windows, 2 * kAhead); ++pos) index.windows.prefetch_directory(a.windows[pos]);
  for (size_t pos = 0; pos < std::min(windows, kAhead); ++pos) index.windows.prefetch_entries(a.windows[pos]);
  for (size_t pos = 0; pos < windows; ++pos) {
    if (pos + 2 * kAhead < windows) index.windows.prefetch_directory(a.windows[pos + 2 * kAhead]);
    if (pos + kAhead < windows) index.windows.prefetch_entries(a.windows[pos + kAhead]);
    uint32_t slot = index.windows.find(a.windows[pos]);
    if (slot == kNone) continue;
    __builtin_prefetch(&index.streamed[slot]);  // read below, once the windows are sorted by record
    slots_at[pos] = slot;
    for (uint32_t b : index.windows.records(slot)) found.emplace_back(b, static_cast<uint32_t>(pos));
  }
  if (found.empty()) return;
  std::sort(found.begin(), found.end());
  size_t stronger = 0;  // walks the offers (sorted by record) alongside
  std::vector<Held>& ngram = scratch.ngram;
  ngram.clear();
  for (size_t begin = 0; begin < found.size();) {
    uint32_t b = found[begin].first;
    size_t end = begin;
    while (end < found.size() && found[end].first == b) ++end;
    while (stronger < offers.size() && offers[stronger].first < b) ++stronger;
    if (stronger < offers.size() && offers[stronger].first == b) {  // already a stronger finding
      begin = end;
      continue;
    }
    size_t run_start = found[begin].second, best_start = run_start, best_length = 1, run_length = 1;
    bool evidence_possible = false;
    for (size_t idx = begin; idx < end; ++idx) {
      uint32_t pos = found[idx].second;
      scratch.matched[pos] = 1;
      if (index.streamed[slots_at[pos]].load(std::memory_order_relaxed) < options.template_records) evidence_possible = true;
      if (idx == begin) continue;
      if (pos == found[idx - 1].second + 1) {
        ++run_length;
      } else {
        run_start = pos;
        run_length = 1;
      }
      if (run_length > best_length) {
        best_length = run_length;
        best_start = run_start;
      }
    }
    if (!evidence_possible) {
      // Every window is already a template of the streamed file: the final filter would
      // drop it, so no span is built (the common case on template-heavy data).
      ++out.skipped;
    } else {
      Held held;
      held.kind = LeakKind::kNgram;
      held.target = target;
      held.b = b;
      held.span_units = static_cast<uint32_t>(best_length + options.ngram - 1);
      held.span = maker.span(a, best_start, held.span_units);
      held.slots_begin = out.slots.size();
      held.slots_count = static_cast<uint32_t>(end - begin);
      for (size_t idx = begin; idx < end; ++idx) out.slots.push_back(slots_at[found[idx].second]);
      ngram.push_back(std::move(held));
    }
    begin = end;
  }
  if (ngram.empty()) return;
  // Keep the held findings of this target in order of the indexed record.
  size_t middle = out.held.size();
  for (Held& held : ngram) out.held.push_back(std::move(held));
  std::inplace_merge(out.held.begin() + static_cast<std::ptrdiff_t>(first_held), out.held.begin() + static_cast<std::ptrdiff_t>(middle),
                     out.held.end(), [](const Held& x, const Held& y) { return x.b < y.b; });
}

Result<std::unique_ptr<InputReader>> open_one(const CheckInput& input) { return InputReader::open({input.path}, input.read); }

// Read from the parallel stage: the format is set when the input is opened, before its first
// batch, and never changes afterwards.
bool is_squad(const InputReader& reader) { return reader.inputs()[0].format == InputFormat::kSquad; }

}  // namespace

std::string_view leak_kind_name(LeakKind kind) {
  switch (kind) {
    case LeakKind::kExact: return "exact";
    case LeakKind::kPrompt: return "prompt";
    case LeakKind::kNear: return "near";
    case LeakKind::kNgram: return "ngram";
  }
  return "exact";
}

Result<LeakageReport> check_leakage(const std::vector<CheckInput>& inputs, const LeakageOptions& options,
                                    const PipelineOptions& pipeline, const ReadObserver& on_read) {
  LeakageReport report;
  for (const CheckInput& input : inputs) report.file_names.push_back(input.path);
  auto pair_named = [&report](const std::string& name) {
    auto found = std::find(report.pair_names.begin(), report.pair_names.end(), name);
    if (found != report.pair_names.end()) return static_cast<uint32_t>(found - report.pair_names.begin());
    report.pair_names.push_back(name);
    return static_cast<uint32_t>(report.pair_names.size() - 1);
  };
  LeakKeyMaker maker{options, make_minhash_config(options.threshold, 128, 5)};
  maker.config.ngram = 5;
  maker.config.seed = options.seed;
  bool near = enabled(options, LeakKind::kNear);

  // Every record of every file passes here once, in its file's order.
  auto read_problems = [&](const Batch& batch, const std::string& path) {
    for (const Example& record : batch.records) {
      if (record.outcome.verdict == Verdict::kReject) report.rejects.emplace_back(describe_problem(record, path), 1);
    }
    return on_read ? on_read(batch, path) : Status::ok();
  };

  // Index every file except train (the largest side, streamed).
  std::vector<std::unique_ptr<FileIndex>> indexes(inputs.size());
  for (size_t idx = 0; idx < inputs.size(); ++idx) {
    if (inputs[idx].role == "train") continue;
    auto index = std::make_unique<FileIndex>();
    index->role = inputs[idx].role;
    index->path = inputs[idx].path;
    index->refs = RefList(static_cast<uint32_t>(idx));
    auto reader = open_one(inputs[idx]);
    if (!reader.is_ok()) return reader.status();
    const InputReader& input = *reader.value();
    ExactIndex seen;
    Counts counts;
    std::vector<std::pair<uint64_t, uint32_t>> full, prompt, bands, windows;
    std::vector<uint32_t> groups;  // per record: n-gram templates count groups, not records
    Hash128 last_context;
    auto stage = [&](Batch& batch) {
      bool squad = is_squad(input);
      auto features = std::make_shared<std::vector<IndexFeatures>>(batch.records.size());
      MinHasher* hasher = near ? &MinHasher::for_this_thread(maker.config) : nullptr;
      Keys keys;
      for (size_t record = 0; record < batch.records.size(); ++record) {
        if (!batch.records[record].kept()) continue;
        IndexFeatures& out = (*features)[record];
        maker.make(batch.records[record], squad, hasher, keys);
        out.record = {keys.full, keys.prompt, keys.question};
        if (near) out.text = keys.full_text;
        out.context = keys.context;
        out.bands = keys.bands;
        out.windows = keys.windows;
        std::sort(out.windows.begin(), out.windows.end());
        out.windows.erase(std::unique(out.windows.begin(), out.windows.end()), out.windows.end());
      }
      batch.stage_keys = features;
    };
    Status status = run_stream(*reader.value(), pipeline, stage, [&](Batch& batch) {
      DADEUM_RETURN_IF_ERROR(read_problems(batch, inputs[idx].path));
      bool squad = is_squad(input);
      auto features = std::static_pointer_cast<std::vector<IndexFeatures>>(batch.stage_keys);
      for (size_t record = 0; record < batch.records.size(); ++record) {
        const Example& example = batch.records[record];
        if (!example.kept()) continue;
        IndexFeatures& made = (*features)[record];
        uint32_t ordinal = index->refs.add(example.where.line, example.id);
        if (inputs[idx].role != "against") {
          if (auto first = seen.insert_or_get(made.record.full, ordinal)) {
            report.within.push_back({inputs[idx].role, index->refs.get(*first), index->refs.get(ordinal)});
          }
        }
        // The questions on one SQuAD passage share its windows: they count as one group.
        bool same_group = squad && ordinal > 0 && made.context == last_context;
        groups.push_back(same_group ? groups.back() : ordinal);
        last_context = made.context;
        full.emplace_back(made.record.full.low, ordinal);
        prompt.emplace_back(made.record.prompt.low, ordinal);
        if (!(made.record.question == made.record.prompt)) prompt.emplace_back(made.record.question.low, ordinal);
        for (uint64_t band : made.bands) bands.emplace_back(band, ordinal);
        for (uint64_t window : made.windows) windows.emplace_back(window, ordinal);
        index->records.push_back(made.record);
        if (near) index->texts.add(made.text);
      }
      return Status::ok();
    }, counts);
    if (!status.is_ok()) return status;
    report.files.emplace_back(inputs[idx].role + ":" + inputs[idx].path, counts);
    {
      // Tens of millions of windows for 10^5 records: sorted on every thread (a total order on
      // (key, record) pairs, so the result does not depend on the thread count).
      ThreadLimit limit(pipeline.threads);
      for (auto* entries : {&full, &prompt, &bands, &windows}) tbb::parallel_sort(entries->begin(), entries->end());
    }
    index->full.build(full);
    index->prompt.build(prompt);
    index->bands.build(bands);
    // A window many records (groups) of this file share is a template: it can never be
    // evidence, so it is not indexed at all (smaller index, fewer lookups).
    size_t kept = 0;
    for (size_t begin = 0; begin < windows.size();) {
      size_t end = begin;
      uint32_t distinct = 0;
      for (; end < windows.size() && windows[end].first == windows[begin].first; ++end) {
        if (end == begin || groups[windows[end].second] != groups[windows[end - 1].second]) ++distinct;
      }
      if (distinct < options.template_records) {
        for (size_t entry = begin; entry < end; ++entry) windows[kept++] = windows[entry];
      }
      begin = end;
    }
    windows.resize(kept);
    index->windows.build(windows);
    index->streamed = std::make_unique<std::atomic<uint32_t>[]>(index->windows.size());
    indexes[idx] = std::move(index);
  }

  // Stream each split against the indexed files after it (train first).
  std::vector<std::string> order = {"train", "validation", "test"};
  for (const std::string& role : order) {
    for (size_t idx = 0; idx < inputs.size(); ++idx) {
      if (inputs[idx].role != role) continue;
      std::vector<Target> targets;
      bool after = false;
      for (const std::string& later : order) {
        if (later == role) {
          after = true;
          continue;
        }
        if (!after) continue;
        for (size_t other = 0; other < inputs.size(); ++other) {
          if (inputs[other].role == later) targets.push_back({indexes[other].get(), pair_named(role + "-" + later)});
        }
      }
      for (size_t other = 0; other < inputs.size(); ++other) {
        if (inputs[other].role == "against") targets.push_back({indexes[other].get(), pair_named(role + "-against")});
      }
      // An indexed split had its duplicates and read problems found while it was indexed; it
      // is streamed only when a later file needs it (validation against test or a benchmark).
      const bool indexed = indexes[idx] != nullptr;
      if (indexed && targets.empty()) continue;
      for (const Target& target : targets) {
        for (size_t slot = 0; slot < target.index->windows.size(); ++slot) target.index->streamed[slot].store(0);
      }
      auto reader = open_one(inputs[idx]);
      if (!reader.is_ok()) return reader.status();
      const InputReader& input = *reader.value();
      std::vector<Held> held;
      std::vector<uint32_t> held_slots;  // Held::slots_begin indexes this
      RefList refs(static_cast<uint32_t>(idx));
      ExactIndex seen;
      Counts counts;
      auto stage = [&](Batch& batch) {
        bool squad = is_squad(input);
        auto out = std::make_shared<std::vector<StreamedRecord>>(batch.records.size());
        MinHasher* hasher = near ? &MinHasher::for_this_thread(maker.config) : nullptr;
        CompareScratch scratch;
        scratch.slots_at.resize(targets.size());
        for (size_t record = 0; record < batch.records.size(); ++record) {
          if (!batch.records[record].kept()) continue;
          StreamedRecord& result = (*out)[record];
          maker.make(batch.records[record], squad, hasher, scratch.keys);
          result.full = scratch.keys.full;
          result.context = scratch.keys.context;
          scratch.matched.assign(scratch.keys.windows.size(), 0);
          for (uint32_t target = 0; target < targets.size(); ++target) compare(maker, scratch, target, *targets[target].index, result);
          // The windows this record counts (in every indexed file that holds them): those of
          // its n-gram candidates, found through any file.
          for (size_t pos = 0; pos < scratch.matched.size(); ++pos) {
            if (!scratch.matched[pos]) continue;
            for (uint32_t target = 0; target < targets.size(); ++target) {
              if (scratch.slots_at[target][pos] != kNone) result.counted.push_back(uint64_t{target} << 32 | scratch.slots_at[target][pos]);
            }
          }
          std::sort(result.counted.begin(), result.counted.end());
          result.counted.erase(std::unique(result.counted.begin(), result.counted.end()), result.counted.end());
        }
        batch.stage_keys = out;
      };
      std::unordered_set<uint64_t> group_counted;  // windows counted for the current group
      Hash128 last_context;
      Status status = run_stream(*reader.value(), pipeline, stage, [&](Batch& batch) {
        if (!indexed) DADEUM_RETURN_IF_ERROR(read_problems(batch, inputs[idx].path));
        bool squad = is_squad(input);
        auto out = std::static_pointer_cast<std::vector<StreamedRecord>>(batch.stage_keys);
        for (size_t record = 0; record < batch.records.size(); ++record) {
          const Example& example = batch.records[record];
          if (!example.kept()) continue;
          StreamedRecord& result = (*out)[record];
          uint32_t ordinal = refs.add(example.where.line, example.id);
          if (!indexed) {
            if (auto first = seen.insert_or_get(result.full, ordinal)) report.within.push_back({role, refs.get(*first), refs.get(ordinal)});
          }
          if (!(squad && ordinal > 0 && result.context == last_context)) group_counted.clear();
          last_context = result.context;
          for (uint64_t key : result.counted) {
            if (!group_counted.insert(key).second) continue;
            std::atomic<uint32_t>& count = targets[key >> 32].index->streamed[static_cast<uint32_t>(key)];
            count.store(count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
          }
          report.templates_skipped += result.skipped;
          const uint64_t slots_base = held_slots.size();
          held_slots.insert(held_slots.end(), result.slots.begin(), result.slots.end());
          for (Held& finding : result.held) {
            finding.a = ordinal;
            finding.slots_begin += slots_base;
            held.push_back(std::move(finding));
          }
        }
        return Status::ok();
      }, counts);
      if (!status.is_ok()) return status;
      if (!indexed) report.files.emplace_back(role + ":" + inputs[idx].path, counts);
      // A span many records of one file share is a template, not evidence.
      report.findings.reserve(report.findings.size() + held.size());  // no regrowth of ~200-byte findings
      for (Held& finding : held) {
        const Target& target = targets[finding.target];
        if (finding.kind == LeakKind::kNgram) {
          const auto slots = std::span<const uint32_t>(held_slots).subspan(finding.slots_begin, finding.slots_count);
          bool evidence = std::any_of(slots.begin(), slots.end(), [&](uint32_t slot) {
            return target.index->streamed[slot].load(std::memory_order_relaxed) < options.template_records;
          });
          if (!evidence) {
            ++report.templates_skipped;
            continue;
          }
        }
        report.findings.push_back({finding.kind, target.pair, refs.get(finding.a), target.index->refs.get(finding.b),
                                   finding.similarity, std::move(finding.span), finding.span_units});
        finding = Held();  // frees its memory while the findings grow
      }
    }
  }
  return report;
}

}  // namespace dadeum
