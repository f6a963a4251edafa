#include "dadeum/leakage.hpp"

#include <xxhash.h>

#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>

#include "dadeum/dedup.hpp"
#include "dadeum/writer.hpp"

namespace dadeum {
namespace {

// Everything the check needs of one record.
struct Features {
  RecordRef ref;
  Hash128 full, prompt;
  std::vector<uint64_t> shingles;  // character 5-grams of the canonical full text
  std::vector<uint64_t> bands;
  std::vector<uint64_t> windows;   // n-gram hashes, in text order
  std::vector<std::string> units;  // the units (어절 or characters), for showing spans
  std::string canonical;           // kept until shingles are needed (streamed side)
};

struct FeatureMaker {
  const LeakageOptions& options;
  MinHashConfig config;

  //! `with_shingles` false: shingles are computed later, only if a near candidate needs them.
  void make(const Example& record, const std::string& file, Features& out, bool with_shingles = true) const {
    out.ref = {file, record.where.line, record.id};
    std::string text;
    canonical_key_text(record, DedupKey::kPrompt, text);
    out.prompt = hash128(text, options.seed);
    canonical_key_text(record, DedupKey::kFull, text);
    out.full = hash128(text, options.seed);
    if (with_shingles) shingle_hashes(text, config.ngram, out.shingles, config.seed);
    out.canonical = with_shingles ? std::string() : text;
    if (options.kinds[static_cast<int>(LeakKind::kNear)]) {
      std::vector<uint32_t> signature;
      MinHasher hasher(config);
      hasher.signature(text, signature);
      band_keys(signature, config, out.bands);
    }
    if (options.kinds[static_cast<int>(LeakKind::kNgram)]) split_units(text, out);
  }

  void split_units(const std::string& text, Features& out) const {
    out.units.clear();
    if (options.unit == NgramUnit::kEojeol) {
      size_t start = 0;
      for (size_t pos = 0; pos <= text.size(); ++pos) {
        if (pos == text.size() || text[pos] == ' ' || text[pos] == '\n') {
          if (pos > start) out.units.emplace_back(text, start, pos - start);
          start = pos + 1;
        }
      }
    } else {
      for (size_t pos = 0; pos < text.size();) {
        unsigned char lead = static_cast<unsigned char>(text[pos]);
        size_t length = lead < 0x80 ? 1 : (lead >> 5) == 6 ? 2 : (lead >> 4) == 14 ? 3 : 4;
        if (text[pos] != ' ' && text[pos] != '\n') out.units.emplace_back(text, pos, std::min(length, text.size() - pos));
        pos += length;
      }
    }
    std::vector<uint64_t> unit_hashes;
    for (const std::string& unit : out.units) unit_hashes.push_back(XXH3_64bits_withSeed(unit.data(), unit.size(), options.seed));
    out.windows.clear();
    for (size_t start = 0; start + options.ngram <= unit_hashes.size(); ++start) {
      out.windows.push_back(XXH3_64bits_withSeed(unit_hashes.data() + start, options.ngram * sizeof(uint64_t), options.seed));
    }
  }
};

// The in-memory index of one (smaller) file.
struct FileIndex {
  std::string role, path;
  std::vector<Features> records;
  std::unordered_multimap<uint64_t, uint32_t> full, prompt, bands;
  std::vector<std::pair<uint64_t, uint32_t>> windows;  // sorted (hash, record), one per record
  std::unordered_map<uint64_t, uint32_t> window_records;  // records holding each window hash

  void finish(uint32_t template_records) {
    for (uint32_t idx = 0; idx < records.size(); ++idx) {
      const Features& record = records[idx];
      full.emplace(record.full.low, idx);
      prompt.emplace(record.prompt.low, idx);
      for (uint64_t band : record.bands) bands.emplace(band, idx);
      std::vector<uint64_t> unique = record.windows;
      std::sort(unique.begin(), unique.end());
      unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
      for (uint64_t window : unique) {
        windows.emplace_back(window, idx);
        ++window_records[window];
      }
      records[idx].units.clear();  // spans are shown from the streamed side
      records[idx].units.shrink_to_fit();
    }
    // A window many records of this file share is a template: it can never be evidence, so
    // it is not indexed at all (smaller index, fewer lookups).
    std::erase_if(windows, [&](const auto& entry) { return window_records[entry.first] >= template_records; });
    std::sort(windows.begin(), windows.end());
  }
};

// A finding of one streamed record before the template filter: also the window hashes it
// rests on.
struct Candidate {
  LeakFinding finding;
  std::vector<uint64_t> windows;
  size_t target = 0;
};

struct StreamedFeatures {
  std::vector<Features> features;
  std::vector<std::vector<Candidate>> candidates;
};

bool same(const Hash128& a, const Hash128& b) { return a == b; }

// The strongest finding between a streamed record and each record of `index`.
void compare(const Features& a, const FileIndex& index, size_t target, const std::string& pair_name,
             const LeakageOptions& options, std::vector<Candidate>& out) {
  std::map<uint32_t, Candidate> best;  // by indexed record
  auto offer = [&](uint32_t b, LeakKind kind, double similarity) {
    auto it = best.find(b);
    if (it != best.end() && it->second.finding.kind <= kind) return;
    Candidate candidate;
    candidate.target = target;
    candidate.finding = {kind, pair_name, a.ref, index.records[b].ref, similarity, {}, 0};
    best[b] = std::move(candidate);
  };
  auto enabled = [&](LeakKind kind) { return options.kinds[static_cast<int>(kind)]; };
  if (enabled(LeakKind::kExact)) {
    auto [begin, end] = index.full.equal_range(a.full.low);
    for (auto it = begin; it != end; ++it) {
      if (same(index.records[it->second].full, a.full)) offer(it->second, LeakKind::kExact, 1.0);
    }
  }
  if (enabled(LeakKind::kPrompt)) {
    auto [begin, end] = index.prompt.equal_range(a.prompt.low);
    for (auto it = begin; it != end; ++it) {
      if (same(index.records[it->second].prompt, a.prompt)) offer(it->second, LeakKind::kPrompt, 1.0);
    }
  }
  if (enabled(LeakKind::kNear)) {
    std::vector<uint32_t> seen;
    for (uint64_t band : a.bands) {
      auto [begin, end] = index.bands.equal_range(band);
      for (auto it = begin; it != end; ++it) seen.push_back(it->second);
    }
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    std::vector<uint64_t> lazy_shingles;
    const std::vector<uint64_t>* shingles = &a.shingles;
    if (!seen.empty() && a.shingles.empty() && !a.canonical.empty()) {
      shingle_hashes(a.canonical, 5, lazy_shingles, options.seed);
      shingles = &lazy_shingles;
    }
    for (uint32_t b : seen) {
      double similarity = jaccard(*shingles, index.records[b].shingles);
      if (similarity >= options.threshold) offer(b, LeakKind::kNear, similarity);
    }
  }
  if (enabled(LeakKind::kNgram) && !a.windows.empty()) {
    // Windows of `a` found in the index, per indexed record: the longest run of consecutive
    // matching windows is the shared span.
    std::vector<std::pair<uint32_t, size_t>> found;  // (indexed record, window position)
    for (size_t pos = 0; pos < a.windows.size(); ++pos) {
      auto range = std::equal_range(index.windows.begin(), index.windows.end(), std::make_pair(a.windows[pos], uint32_t{0}),
                                    [](const auto& x, const auto& y) { return x.first < y.first; });
      for (auto it = range.first; it != range.second; ++it) found.emplace_back(it->second, pos);
    }
    std::sort(found.begin(), found.end());
    std::map<uint32_t, std::vector<size_t>> positions;
    for (const auto& [b, pos] : found) positions[b].push_back(pos);
    for (auto& [b, hits] : positions) {
      if (best.count(b) && best[b].finding.kind < LeakKind::kNgram) continue;
      size_t run_start = hits[0], best_start = hits[0], best_length = 1, run_length = 1;
      for (size_t idx = 1; idx < hits.size(); ++idx) {
        if (hits[idx] == hits[idx - 1] + 1) {
          ++run_length;
        } else {
          run_start = hits[idx];
          run_length = 1;
        }
        if (run_length > best_length) {
          best_length = run_length;
          best_start = run_start;
        }
      }
      Candidate candidate;
      candidate.target = target;
      uint32_t units = static_cast<uint32_t>(best_length + options.ngram - 1);
      std::string span;
      for (size_t unit = best_start; unit < best_start + units && unit < a.units.size(); ++unit) {
        if (!span.empty() && options.unit == NgramUnit::kEojeol) span += ' ';
        span += a.units[unit];
      }
      candidate.finding = {LeakKind::kNgram, pair_name, a.ref, index.records[b].ref, 0.0, span, units};
      for (size_t pos : hits) candidate.windows.push_back(a.windows[pos]);
      best[b] = std::move(candidate);
    }
  }
  for (auto& [b, candidate] : best) out.push_back(std::move(candidate));
}

Result<std::unique_ptr<InputReader>> open_one(const CheckInput& input) { return InputReader::open({input.path}, input.read); }

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
                                    const PipelineOptions& pipeline) {
  LeakageReport report;
  FeatureMaker maker{options, make_minhash_config(options.threshold, 128, 5)};
  maker.config.ngram = 5;
  maker.config.seed = options.seed;  // compare() makes lazy shingles with these

  auto read_problems = [&](const Batch& batch, const std::string& path) {
    for (const Example& record : batch.records) {
      if (record.outcome.verdict == Verdict::kReject) report.rejects.emplace_back(describe_problem(record, path), 1);
    }
  };
  auto within = [&](const std::string& role, ExactIndex& seen, std::vector<RecordRef>& refs, const Features& features) {
    uint32_t ordinal = static_cast<uint32_t>(refs.size());
    refs.push_back(features.ref);
    if (auto first = seen.insert_or_get(features.full, ordinal)) report.within.push_back({role, refs[*first], features.ref});
  };

  // Index every file except train (the largest side, streamed).
  std::vector<std::unique_ptr<FileIndex>> indexes(inputs.size());
  for (size_t idx = 0; idx < inputs.size(); ++idx) {
    if (inputs[idx].role == "train") continue;
    auto index = std::make_unique<FileIndex>();
    index->role = inputs[idx].role;
    index->path = inputs[idx].path;
    auto reader = open_one(inputs[idx]);
    if (!reader.is_ok()) return reader.status();
    ExactIndex seen;
    std::vector<RecordRef> refs;
    Counts counts;
    auto stage = [&](Batch& batch) {
      auto features = std::make_shared<std::vector<Features>>(batch.records.size());
      for (size_t record = 0; record < batch.records.size(); ++record) {
        if (batch.records[record].kept()) maker.make(batch.records[record], inputs[idx].path, (*features)[record]);
      }
      batch.stage_keys = features;
    };
    Status status = run_stream(*reader.value(), pipeline, stage, [&](Batch& batch) {
      read_problems(batch, inputs[idx].path);
      auto features = std::static_pointer_cast<std::vector<Features>>(batch.stage_keys);
      for (size_t record = 0; record < batch.records.size(); ++record) {
        if (!batch.records[record].kept()) continue;
        if (inputs[idx].role != "against") within(inputs[idx].role, seen, refs, (*features)[record]);
        index->records.push_back(std::move((*features)[record]));
      }
      return Status::ok();
    }, counts);
    if (!status.is_ok()) return status;
    report.files.emplace_back(inputs[idx].role + ":" + inputs[idx].path, counts);
    index->finish(options.template_records);
    indexes[idx] = std::move(index);
  }

  // Stream each split against the indexed files after it (train first).
  std::vector<std::string> order = {"train", "validation", "test"};
  for (const std::string& role : order) {
    for (size_t idx = 0; idx < inputs.size(); ++idx) {
      if (inputs[idx].role != role) continue;
      std::vector<std::pair<size_t, std::string>> targets;  // index position, pair name
      bool after = false;
      for (const std::string& later : order) {
        if (later == role) {
          after = true;
          continue;
        }
        if (!after) continue;
        for (size_t other = 0; other < inputs.size(); ++other) {
          if (inputs[other].role == later) targets.emplace_back(other, role + "-" + later);
        }
      }
      for (size_t other = 0; other < inputs.size(); ++other) {
        if (inputs[other].role == "against") targets.emplace_back(other, role + "-against");
      }
      auto reader = open_one(inputs[idx]);
      if (!reader.is_ok()) return reader.status();
      std::vector<Candidate> candidates;
      std::unordered_map<uint64_t, uint32_t> streamed_window_records;
      ExactIndex seen;
      std::vector<RecordRef> refs;
      Counts counts;
      auto stage = [&](Batch& batch) {
        auto out = std::make_shared<StreamedFeatures>();
        out->features.resize(batch.records.size());
        out->candidates.resize(batch.records.size());
        for (size_t record = 0; record < batch.records.size(); ++record) {
          if (!batch.records[record].kept()) continue;
          maker.make(batch.records[record], inputs[idx].path, out->features[record], false);
          for (const auto& [target, name] : targets) {
            compare(out->features[record], *indexes[target], target, name, options, out->candidates[record]);
          }
        }
        batch.stage_keys = out;
      };
      Status status = run_stream(*reader.value(), pipeline, stage, [&](Batch& batch) {
        read_problems(batch, inputs[idx].path);
        auto out = std::static_pointer_cast<StreamedFeatures>(batch.stage_keys);
        for (size_t record = 0; record < batch.records.size(); ++record) {
          if (!batch.records[record].kept()) continue;
          within(role, seen, refs, out->features[record]);
          std::vector<uint64_t> matched;
          for (Candidate& candidate : out->candidates[record]) {
            matched.insert(matched.end(), candidate.windows.begin(), candidate.windows.end());
            candidates.push_back(std::move(candidate));
          }
          std::sort(matched.begin(), matched.end());
          matched.erase(std::unique(matched.begin(), matched.end()), matched.end());
          for (uint64_t window : matched) ++streamed_window_records[window];
        }
        return Status::ok();
      }, counts);
      if (!status.is_ok()) return status;
      report.files.emplace_back(role + ":" + inputs[idx].path, counts);
      // A span many records of one file share is a template, not evidence.
      for (Candidate& candidate : candidates) {
        if (candidate.finding.kind == LeakKind::kNgram) {
          const FileIndex& target = *indexes[candidate.target];
          bool evidence = false;
          for (uint64_t window : candidate.windows) {
            auto in_target = target.window_records.find(window);
            uint32_t target_records = in_target == target.window_records.end() ? 0 : in_target->second;
            if (target_records < options.template_records && streamed_window_records[window] < options.template_records) {
              evidence = true;
              break;
            }
          }
          if (!evidence) {
            ++report.templates_skipped;
            continue;
          }
        }
        report.findings.push_back(std::move(candidate.finding));
      }
    }
  }
  return report;
}

}  // namespace dadeum
