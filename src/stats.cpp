// Statistics accumulators: measuring a batch (parallel), merging batches in input order
// (serial), and finishing (exact quantiles, near-duplicate clusters).
//
// Determinism: a batch's partial statistics hold its records' values in record order, and
// merge() appends them in input order, so every vector of lengths, every count and every hash
// index is the same at any thread count. Sums that are not integers (the Hangul ratio of a
// group) are kept as integers (millionths) so that their order does not matter either.
#include "dadeum/stats.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>

#include "dadeum/dedup_engine.hpp"
#include "dadeum/normalize.hpp"
#include "dadeum/tokenizer.hpp"

namespace dadeum {
namespace {

// Hashes of one valid record for the duplicate counts.
struct RecordKeys {
  Hash128 full;
  Hash128 prompt;
  bool has_full = false;    // the canonical full example is not empty
  bool has_prompt = false;  // the canonical prompt is not empty
};

// Lets the --by index be searched with a string_view (no string built per record).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};
using GroupIndex = std::unordered_map<std::string, size_t, StringHash, std::equal_to<>>;

// What accumulate() leaves in a batch for merge().
struct BatchStats {
  FileStats stats;
  GroupIndex group_index;            // --by value -> stats.groups index
  std::vector<RecordKeys> keys;      // one per valid record, in order
  std::vector<uint32_t> signatures;  // MinHash signature of each record with has_full
};

constexpr size_t idx(Unit unit) { return static_cast<size_t>(unit); }
constexpr size_t idx(RecordPart part) { return static_cast<size_t>(part); }

FieldStats& field_in(FileStats& stats, std::string_view name) {
  for (FieldStats& field : stats.fields) {
    if (field.name == name) return field;
  }
  stats.fields.emplace_back();
  stats.fields.back().name = std::string(name);
  return stats.fields.back();
}

// A --by field can be an id with a value per record, hence the index.
GroupStats& group_in(FileStats& stats, GroupIndex& index, std::string_view value) {
  auto found = index.find(value);
  if (found != index.end()) return stats.groups[found->second];
  index.emplace(std::string(value), stats.groups.size());
  stats.groups.emplace_back();
  stats.groups.back().value = std::string(value);
  return stats.groups.back();
}

template <typename T, size_t N>
void add_arrays(std::array<T, N>& into, const std::array<T, N>& from) {
  for (size_t pos = 0; pos < N; ++pos) into[pos] += from[pos];
}

template <typename T>
void append(std::vector<T>& into, const std::vector<T>& from) {
  into.insert(into.end(), from.begin(), from.end());
}

void merge_group(GroupStats& into, const GroupStats& from) {
  into.records += from.records;
  into.prompt.append(from.prompt);
  into.answer.append(from.answer);
  into.ratio_records += from.ratio_records;
  into.ratio_micros += from.ratio_micros;
  into.answers_not_korean += from.answers_not_korean;
  into.over_budget += from.over_budget;
}

void merge_field(FieldStats& into, const FieldStats& from) {
  into.records += from.records;
  into.texts += from.texts;
  into.empty += from.empty;
  into.lengths.append(from.lengths);
  add_arrays(into.script, from.script);
}

void summarize_series(LengthSeries& series) {
  for (size_t unit = 0; unit < kUnitCount; ++unit) series.summary[unit] = summarize(series.values[unit]);
}

template <typename T>
Distribution summarize_values(std::vector<T>& values) {
  Distribution out;
  size_t n = values.size();
  if (n == 0) return out;
  out.count = n;
  double sum = 0;
  for (T value : values) sum += static_cast<double>(value);  // in order: deterministic
  out.mean = sum / static_cast<double>(n);
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  auto rank_index = [n](size_t percent) {
    size_t rank = (percent * n + 99) / 100;
    return rank == 0 ? size_t{0} : rank - 1;
  };
  auto nth = [&](size_t lo, size_t hi, size_t k) {
    std::nth_element(values.begin() + static_cast<std::ptrdiff_t>(lo), values.begin() + static_cast<std::ptrdiff_t>(k),
                     values.begin() + static_cast<std::ptrdiff_t>(hi));
    return static_cast<double>(values[k]);
  };
  size_t i5 = rank_index(5), i50 = rank_index(50), i95 = rank_index(95);
  out.p50 = nth(0, n, i50);
  out.p5 = i5 < i50 ? nth(0, i50, i5) : out.p50;
  out.p95 = i95 > i50 ? nth(i50 + 1, n, i95) : out.p50;
  out.min = static_cast<double>(*std::min_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(i5 + 1)));
  out.max = static_cast<double>(*std::max_element(values.begin() + static_cast<std::ptrdiff_t>(i95), values.end()));
  return out;
}

// Near duplicates of one input from its MinHash signatures: LSH candidates, kept when the
// signatures agree on at least `threshold` of their positions (the MinHash estimate of the
// Jaccard similarity of the character 5-gram sets), joined by union-find.
void find_near_duplicates(const std::vector<uint32_t>& signatures, const MinHashConfig& config, double threshold,
                          DuplicateStats& out) {
  out.near_checked = true;
  size_t permutations = config.permutations;
  size_t records = permutations == 0 ? 0 : signatures.size() / permutations;
  if (records < 2) return;
  std::vector<uint64_t> all_keys, keys;
  all_keys.reserve(records * config.bands);
  std::vector<uint32_t> signature(permutations);
  for (size_t record = 0; record < records; ++record) {
    std::copy_n(signatures.begin() + static_cast<std::ptrdiff_t>(record * permutations), permutations, signature.begin());
    band_keys(signature, config, keys);
    append(all_keys, keys);
  }
  UnionFind clusters(records);
  for (auto [a, b] : lsh_candidates(all_keys, config.bands)) {
    const uint32_t* sig_a = signatures.data() + size_t{a} * permutations;
    const uint32_t* sig_b = signatures.data() + size_t{b} * permutations;
    size_t equal = 0;
    for (size_t pos = 0; pos < permutations; ++pos) equal += sig_a[pos] == sig_b[pos];
    if (static_cast<double>(equal) >= threshold * static_cast<double>(permutations)) clusters.unite(a, b);
  }
  std::vector<uint8_t> has_members(records, 0);
  for (uint32_t record = 0; record < records; ++record) {
    uint32_t root = clusters.find(record);
    if (root == record) continue;
    ++out.near;
    has_members[root] = 1;
  }
  for (uint8_t flag : has_members) out.near_clusters += flag;
}

}  // namespace

// ---------------------------------------------------------------------------

std::string_view unit_name(Unit value) {
  switch (value) {
    case Unit::kChars: return "chars";
    case Unit::kEojeol: return "eojeol";
    case Unit::kBytes: return "bytes";
    case Unit::kTokens: return "tokens";
  }
  return "unknown";
}

std::string_view record_part_name(RecordPart value) {
  switch (value) {
    case RecordPart::kPrompt: return "prompt";
    case RecordPart::kAnswer: return "answer";
    case RecordPart::kTotal: return "total";
  }
  return "unknown";
}

int field_order(std::string_view name) {
  static constexpr std::string_view kOrder[] = {"instruction", "input",      "prompt",    "system", "user",
                                                "output",      "completion", "assistant", "tool"};
  for (size_t pos = 0; pos < std::size(kOrder); ++pos) {
    if (kOrder[pos] == name) return static_cast<int>(pos);
  }
  return static_cast<int>(std::size(kOrder));
}

Distribution summarize(std::vector<uint32_t>& values) { return summarize_values(values); }
Distribution summarize(std::vector<float>& values) { return summarize_values(values); }

void LengthSeries::append(const LengthSeries& other) {
  for (size_t unit = 0; unit < kUnitCount; ++unit) dadeum::append(values[unit], other.values[unit]);
}

double GroupStats::hangul_ratio_mean() const {
  return ratio_records == 0 ? 0.0 : static_cast<double>(ratio_micros) / 1e6 / static_cast<double>(ratio_records);
}

const FieldStats* FileStats::field(std::string_view name) const {
  for (const FieldStats& entry : fields) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

const GroupStats* FileStats::group(std::string_view value) const {
  for (const GroupStats& entry : groups) {
    if (entry.value == value) return &entry;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------

namespace {

// Buffers reused from record to record within a batch.
struct Scratch {
  std::string canonical;  // one text's canonical form
  std::string full;       // canonical full example
  std::string prompt;     // canonical prompt
  std::string answer;     // the record's assistant texts, joined
  std::string decoded;    // an escaped --by value
  std::vector<uint32_t> signature;
};

struct FileState {
  FileStats stats;
  ExactIndex full_index;
  ExactIndex prompt_index;
  std::vector<uint32_t> signatures;
  GroupIndex group_index;
  uint32_t ordinal = 0;  // valid records merged so far
};

}  // namespace

struct StatsCollector::Impl {
  StatsOptions options;
  std::optional<MinHashConfig> near;  // set when near duplicates are searched
  std::vector<FileState> files;

  void measure(Example& record, BatchStats& batch, MinHasher* hasher, Scratch& scratch) const;
  void merge(FileState& file, size_t source, BatchStats& batch);
};

StatsCollector::StatsCollector(const StatsOptions& options, size_t inputs) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  if (options.near_threshold > 0) impl_->near = make_minhash_config(options.near_threshold);
  impl_->files.resize(inputs);
}

StatsCollector::~StatsCollector() = default;

void StatsCollector::Impl::measure(Example& record, BatchStats& batch, MinHasher* hasher, Scratch& scratch) const {
  FileStats& stats = batch.stats;
  const Tokenizer* tokenizer = options.tokenizer;
  std::array<std::array<uint32_t, kUnitCount>, kRecordPartCount> parts{};
  uint32_t hangul = 0, letters = 0, answer_hangul = 0, answer_letters = 0;
  std::array<bool, kDiagnosticCount> problems{};
  bool has_answer = false;
  RecordKeys keys;
  std::string& answer = scratch.answer;
  std::string& full = scratch.full;
  std::string& prompt = scratch.prompt;
  answer.clear();
  full.clear();
  prompt.clear();
  uint32_t seen = 0;  // fields of this record, one bit per stats.fields index

  for (const Turn& turn : record.turns) {
    FieldStats& field = field_in(stats, field_label(turn));
    size_t field_index = static_cast<size_t>(&field - stats.fields.data());
    // field_label() has about ten values, so the index fits the mask.
    uint32_t bit = uint32_t{1} << (field_index & 31);
    if (!(seen & bit)) {
      seen |= bit;
      ++field.records;
    }
    ++field.texts;
    TextScan scan = scan_text(turn.text);
    std::array<uint32_t, kUnitCount> length = {scan.chars, scan.eojeol, static_cast<uint32_t>(turn.text.size()), 0};
    if (scan.blank()) {
      ++field.empty;
    } else {
      if (tokenizer != nullptr) length[idx(Unit::kTokens)] = tokenizer->count(turn.text);
      for (size_t unit = 0; unit < kUnitCount; ++unit) {
        if (unit == idx(Unit::kTokens) && tokenizer == nullptr) continue;
        field.lengths.values[unit].push_back(length[unit]);
      }
    }
    for (size_t cls = 0; cls < kScriptClassCount; ++cls) {
      field.script[cls] += scan.script[cls];
      stats.script[cls] += scan.script[cls];
    }
    bool is_answer = turn.role == Role::kAssistant;
    RecordPart part = is_answer ? RecordPart::kAnswer : RecordPart::kPrompt;
    for (size_t unit = 0; unit < kUnitCount; ++unit) {
      parts[idx(part)][unit] += length[unit];
      parts[idx(RecordPart::kTotal)][unit] += length[unit];
    }
    for (size_t problem = 0; problem < kDiagnosticCount; ++problem) problems[problem] |= scan.diagnostics[problem] != 0;
    hangul += scan.hangul();
    letters += scan.letters();
    if (is_answer) {
      answer_hangul += scan.hangul();
      answer_letters += scan.letters();
      if (has_answer) answer += "\n\n";
      answer += turn.text;
      has_answer = true;
    }
    // Canonical key texts, as the dedup command builds them: each turn's canonical form on
    // its own line, empty ones left out. A blank text's canonical form is empty: skip it.
    if (scan.blank()) continue;
    canonical_form_into(turn.text, scratch.canonical);
    if (!scratch.canonical.empty()) {
      if (!full.empty()) full += '\n';
      full += scratch.canonical;
      if (!is_answer) {
        if (!prompt.empty()) prompt += '\n';
        prompt += scratch.canonical;
      }
    }
  }

  for (size_t part = 0; part < kRecordPartCount; ++part) {
    for (size_t unit = 0; unit < kUnitCount; ++unit) {
      if (unit == idx(Unit::kTokens) && tokenizer == nullptr) continue;
      stats.parts[part].values[unit].push_back(parts[part][unit]);
    }
  }
  std::optional<float> ratio;
  if (letters > 0) {
    ratio = static_cast<float>(static_cast<double>(hangul) / letters);
    stats.hangul_ratio.push_back(*ratio);
  } else {
    ++stats.no_letters;
  }
  bool not_korean = false;
  if (answer_letters >= kMinAnswerLetters) {
    ++stats.answers_checked;
    not_korean = static_cast<double>(answer_hangul) / answer_letters < kNotKoreanRatio;
    stats.answers_not_korean += not_korean;
  }
  for (size_t problem = 0; problem < kDiagnosticCount; ++problem) stats.diagnostics[problem] += problems[problem];
  if (has_answer) {
    ++stats.structure.answers;
    uint32_t shapes = detect_structure(answer);
    if (shapes == 0) ++stats.structure.plain;
    for (size_t shape = 0; shape < kStructureCount; ++shape) stats.structure.counts[shape] += (shapes >> shape) & 1u;
    SentenceCounts sentences{};
    ++stats.speech.answers[static_cast<size_t>(speech_level(answer, &sentences))];
    for (size_t level = 0; level < kSpeechLevelCount; ++level) stats.speech.sentences[level] += sentences[level];
  }
  scan_record_pii(record, PiiAction::kReport, stats.pii);
  bool over = tokenizer != nullptr && options.max_tokens > 0 &&
              parts[idx(RecordPart::kTotal)][idx(Unit::kTokens)] > options.max_tokens;
  stats.over_budget += over;

  if (!options.by_field.empty()) {
    std::optional<std::string_view> value = member_value(record, options.by_field, scratch.decoded);
    stats.by_present += value.has_value();
    GroupStats& group = group_in(stats, batch.group_index, value ? *value : kMissingGroup);
    ++group.records;
    for (size_t unit = 0; unit < kUnitCount; ++unit) {
      if (unit == idx(Unit::kTokens) && tokenizer == nullptr) continue;
      group.prompt.values[unit].push_back(parts[idx(RecordPart::kPrompt)][unit]);
      group.answer.values[unit].push_back(parts[idx(RecordPart::kAnswer)][unit]);
    }
    if (ratio) {
      ++group.ratio_records;
      group.ratio_micros += static_cast<uint64_t>(std::llround(static_cast<double>(hangul) / letters * 1e6));
    }
    group.answers_not_korean += not_korean;
    group.over_budget += over;
  }

  keys.has_full = !full.empty();
  keys.has_prompt = !prompt.empty();
  if (keys.has_full) keys.full = hash128(full);
  if (keys.has_prompt) keys.prompt = hash128(prompt);
  batch.keys.push_back(keys);
  if (hasher != nullptr && keys.has_full) {
    hasher->signature(full, scratch.signature);
    append(batch.signatures, scratch.signature);
  }
}

void StatsCollector::accumulate(Batch& batch) const {
  auto partial = std::make_shared<BatchStats>();
  Scratch scratch;
  MinHasher* hasher = impl_->near ? &MinHasher::for_this_thread(*impl_->near) : nullptr;
  for (Example& record : batch.records) {
    if (record.outcome.verdict == Verdict::kReject) {
      ++partial->stats.rejected;
      ++partial->stats.read;
      continue;
    }
    ++partial->stats.read;
    if (!record.kept()) continue;
    ++partial->stats.valid;
    partial->stats.turns += record.turns.size();
    impl_->measure(record, *partial, hasher, scratch);
  }
  batch.stage_counts = partial;
}

void StatsCollector::Impl::merge(FileState& file, size_t source, BatchStats& batch) {
  FileStats& into = file.stats;
  FileStats& from = batch.stats;
  into.read += from.read;
  into.valid += from.valid;
  into.rejected += from.rejected;
  into.turns += from.turns;
  for (const FieldStats& field : from.fields) merge_field(field_in(into, field.name), field);
  for (size_t part = 0; part < kRecordPartCount; ++part) into.parts[part].append(from.parts[part]);
  add_arrays(into.script, from.script);
  append(into.hangul_ratio, from.hangul_ratio);
  into.no_letters += from.no_letters;
  into.answers_checked += from.answers_checked;
  into.answers_not_korean += from.answers_not_korean;
  add_arrays(into.diagnostics, from.diagnostics);
  into.pii.add(from.pii);
  into.structure.answers += from.structure.answers;
  into.structure.plain += from.structure.plain;
  add_arrays(into.structure.counts, from.structure.counts);
  add_arrays(into.speech.answers, from.speech.answers);
  add_arrays(into.speech.sentences, from.speech.sentences);
  into.over_budget += from.over_budget;
  into.by_present += from.by_present;
  for (const GroupStats& group : from.groups) {
    auto [slot, inserted] = file.group_index.try_emplace(group.value, into.groups.size());
    if (inserted) {
      into.groups.emplace_back();
      into.groups.back().value = group.value;
    }
    merge_group(into.groups[slot->second], group);
  }

  if (into.overlap.size() < source) {
    for (size_t other = into.overlap.size(); other < source; ++other) into.overlap.push_back({other, 0, 0});
  }
  for (const RecordKeys& keys : batch.keys) {
    uint32_t ordinal = file.ordinal++;
    if (keys.has_full && file.full_index.insert_or_get(keys.full, ordinal)) ++into.duplicates.exact_full;
    if (keys.has_prompt && file.prompt_index.insert_or_get(keys.prompt, ordinal)) ++into.duplicates.exact_prompt;
    for (size_t other = 0; other < source; ++other) {  // earlier inputs are complete by now
      if (keys.has_full && files[other].full_index.find(keys.full)) ++into.overlap[other].exact_full;
      if (keys.has_prompt && files[other].prompt_index.find(keys.prompt)) ++into.overlap[other].exact_prompt;
    }
  }
  append(file.signatures, batch.signatures);
}

void StatsCollector::merge(Batch& batch) {
  auto* partial = static_cast<BatchStats*>(batch.stage_counts.get());
  if (partial == nullptr || batch.source >= impl_->files.size()) return;
  impl_->merge(impl_->files[batch.source], batch.source, *partial);
  batch.stage_counts.reset();
}

StatsReport StatsCollector::finish(const std::vector<InputInfo>& inputs) {
  StatsReport report;
  report.options = impl_->options;
  report.options.tokenizer = nullptr;
  report.tokens = impl_->options.tokenizer != nullptr;
  for (size_t source = 0; source < impl_->files.size(); ++source) {
    FileState& file = impl_->files[source];
    FileStats& stats = file.stats;
    if (source < inputs.size()) stats.input = inputs[source];
    for (size_t other = stats.overlap.size(); other < source; ++other) stats.overlap.push_back({other, 0, 0});
    std::stable_sort(stats.fields.begin(), stats.fields.end(), [](const FieldStats& a, const FieldStats& b) {
      return field_order(a.name) < field_order(b.name);
    });
    for (FieldStats& field : stats.fields) summarize_series(field.lengths);
    for (LengthSeries& part : stats.parts) summarize_series(part);
    for (GroupStats& group : stats.groups) {
      summarize_series(group.prompt);
      summarize_series(group.answer);
    }
    stats.hangul_ratio_summary = summarize(stats.hangul_ratio);
    if (impl_->near) {
      find_near_duplicates(file.signatures, *impl_->near, impl_->options.near_threshold, stats.duplicates);
    }
    file.signatures = {};
    report.files.push_back(std::move(stats));
  }
  impl_->files.clear();
  return report;
}

std::vector<std::string> shown_group_values(const StatsReport& report, size_t limit, size_t* omitted) {
  std::vector<std::string> values;
  std::unordered_map<std::string, uint64_t> records;
  for (const FileStats& file : report.files) {
    for (const GroupStats& group : file.groups) {
      auto [slot, inserted] = records.try_emplace(group.value, 0);
      if (inserted) values.push_back(group.value);
      slot->second += group.records;
    }
  }
  if (omitted != nullptr) *omitted = values.size() > limit ? values.size() - limit : 0;
  if (values.size() <= limit) return values;
  std::vector<size_t> order(values.size());
  for (size_t pos = 0; pos < order.size(); ++pos) order[pos] = pos;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return records[values[a]] > records[values[b]]; });
  order.resize(limit);
  std::sort(order.begin(), order.end());
  std::vector<std::string> shown;
  for (size_t pos : order) shown.push_back(values[pos]);
  return shown;
}

Result<StatsReport> compute_stats(const std::vector<std::string>& paths, const ReadOptions& read,
                                  const StatsOptions& options, const PipelineOptions& pipeline) {
  Result<std::unique_ptr<InputReader>> reader = InputReader::open(paths, read);
  if (!reader.is_ok()) return reader.status();
  StatsCollector collector(options, paths.size());
  Counts counts;
  Status status = run_stream(
      *reader.value(), pipeline, [&collector](Batch& batch) { collector.accumulate(batch); },
      [&collector](Batch& batch) {
        collector.merge(batch);
        return Status::ok();
      },
      counts);
  if (!status.is_ok()) return status;
  ThreadLimit limit(pipeline.threads);  // near duplicates: LSH banding runs its bands in parallel
  return collector.finish(reader.value()->inputs());
}

}  // namespace dadeum
