// Google Benchmark for the dedup engine: shingle hashing (the lower bound),
// MinHash signatures, band keys, LSH banding and the exact index.
//
// Input: the Korean records of the JSONL file named by DADEUM_BENCH_CORPUS
// (e.g. from ../shared/bench/gen_corpus.py; instruction + input + output of
// each line, crudely canonicalized here), at most DADEUM_BENCH_RECORDS records
// (default 20000). Without it, deterministic Korean-like text is generated.
//
//   DADEUM_BENCH_CORPUS=c.jsonl ./minhash_bench --benchmark_repetitions=10
//       --benchmark_report_aggregates_only=true --benchmark_counters_tabular=true
//
// The number to watch is the ratio of BM_ShingleHashOnce/5 to
// BM_Signature/5/128 records/s (their "max" rows): what a signature costs
// over hashing each shingle once.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dadeum/dedup_engine.hpp"
#include "dadeum/pipeline.hpp"
#include "detail/minhash_shingles.hpp"

namespace {

constexpr size_t kDefaultRecordLimit = 20000;
constexpr size_t kGeneratedRecords = 2000;
constexpr size_t kGeneratedCodePoints = 550;  // about 1.5 KB of Hangul and spaces

// ---------------------------------------------------------------------------
// Input loading: a crude JSON string reader and canonicalizer, enough for the
// generated corpus (the real pipeline uses the library's parser and NFC).

void append_utf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xc0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xe0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  }
}

// Reads the JSON string starting at line[pos] == '"'; returns the position
// after its closing quote. Surrogate pairs are not combined (rare here).
size_t read_json_string(std::string_view line, size_t pos, std::string& out) {
  out.clear();
  for (++pos; pos < line.size() && line[pos] != '"'; ++pos) {
    if (line[pos] != '\\' || pos + 1 >= line.size()) {
      out += line[pos];
      continue;
    }
    char escaped = line[++pos];
    if (escaped == 'u' && pos + 4 < line.size()) {
      std::string hex(line.substr(pos + 1, 4));
      append_utf8(static_cast<uint32_t>(std::strtoul(hex.c_str(), nullptr, 16)), out);
      pos += 4;
    } else {
      out += escaped == 'n' || escaped == 'r' || escaped == 't' ? ' ' : escaped;
    }
  }
  return pos + 1;
}

// instruction + input + output of an alpaca line ("" if none of them).
std::string alpaca_text(std::string_view line) {
  std::string text;
  std::string key;
  std::string value;
  size_t pos = line.find('"');
  while (pos != std::string_view::npos) {
    pos = read_json_string(line, pos, key);
    pos = line.find_first_not_of(" :", pos);
    if (pos == std::string_view::npos) break;
    if (line[pos] == '"') {
      pos = read_json_string(line, pos, value);
      if (key == "instruction" || key == "input" || key == "output") text += value + " ";
    }
    pos = line.find('"', pos);
  }
  return text;
}

// ASCII lowercase, ASCII punctuation dropped, whitespace runs to one space.
std::string crude_canonical(std::string_view text) {
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte == ' ' || byte == '\t' || byte == '\n' || byte == '\r') {
      pending_space = !out.empty();
    } else if (byte < 0x80 && !std::isalnum(byte)) {
      continue;
    } else {
      if (pending_space) out += ' ';
      pending_space = false;
      out += static_cast<char>(byte < 0x80 ? std::tolower(byte) : byte);
    }
  }
  return out;
}

std::vector<std::string> generated_records() {
  std::vector<std::string> records;
  uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  };
  for (size_t record_idx = 0; record_idx < kGeneratedRecords; ++record_idx) {
    std::string text;
    for (size_t cp = 0; cp < kGeneratedCodePoints; ++cp) {
      // A space every 2-5 syllables; syllables from the first 2000 of 11172.
      if (cp > 0 && next() % 4 == 0) {
        text += ' ';
      } else {
        append_utf8(0xac00 + next() % 2000, text);
      }
    }
    records.push_back(std::move(text));
  }
  return records;
}

const std::vector<std::string>& corpus() {
  static const std::vector<std::string> records = [] {
    std::vector<std::string> loaded;
    const char* path = std::getenv("DADEUM_BENCH_CORPUS");
    const char* limit_text = std::getenv("DADEUM_BENCH_RECORDS");
    size_t limit = limit_text ? std::strtoull(limit_text, nullptr, 10) : kDefaultRecordLimit;
    if (path != nullptr) {
      std::ifstream in(path);
      std::string line;
      while (loaded.size() < limit && std::getline(in, line)) {
        std::string canonical = crude_canonical(alpaca_text(line));
        if (!canonical.empty()) loaded.push_back(std::move(canonical));
      }
    }
    return loaded.empty() ? generated_records() : loaded;
  }();
  return records;
}

size_t corpus_bytes() {
  size_t bytes = 0;
  for (const std::string& record : corpus()) bytes += record.size();
  return bytes;
}

void set_rates(benchmark::State& state, size_t records, size_t bytes) {
  state.counters["records/s"] = benchmark::Counter(static_cast<double>(records),
                                                   benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes/s"] =
      benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kIsIterationInvariantRate);
}

// On a shared machine the median wanders with the load; the best repetition
// (min time, max rate) is the steadiest figure for side-by-side ratios. Run
// with --benchmark_repetitions=10 to get them.
void add_best_statistics(benchmark::internal::Benchmark* bench) {
  bench->ComputeStatistics("min", [](const std::vector<double>& values) {
    return *std::min_element(values.begin(), values.end());
  });
  bench->ComputeStatistics("max", [](const std::vector<double>& values) {
    return *std::max_element(values.begin(), values.end());
  });
}

// ---------------------------------------------------------------------------
// Benchmarks

// (a) The bound: every n-gram hashed once with XXH3-64, nothing else.
void BM_ShingleHashOnce(benchmark::State& state) {
  const auto& records = corpus();
  uint32_t ngram = static_cast<uint32_t>(state.range(0));
  uint64_t shingles = 0;
  std::vector<size_t> ring;
  for (auto _ : state) {
    uint64_t folded = 0;
    for (const std::string& record : records) {
      dadeum::detail::for_each_shingle_hash(record, ngram, dadeum::kDefaultHashSeed, ring,
                                            [&](uint64_t hash) {
                                              folded ^= hash;
                                              ++shingles;
                                            });
    }
    benchmark::DoNotOptimize(folded);
  }
  set_rates(state, records.size(), corpus_bytes());
  state.counters["shingles/record"] =
      static_cast<double>(shingles) / static_cast<double>(state.iterations() * records.size());
}
BENCHMARK(BM_ShingleHashOnce)
    ->Arg(5)
    ->Arg(3)
    ->Unit(benchmark::kMillisecond)
    ->Apply(add_best_statistics);

// (b) Full signature: hashing plus `permutations` minima per shingle.
void BM_Signature(benchmark::State& state) {
  const auto& records = corpus();
  dadeum::MinHashConfig config = dadeum::make_minhash_config(
      0.8, static_cast<uint32_t>(state.range(1)), static_cast<uint32_t>(state.range(0)));
  dadeum::MinHasher hasher(config);
  std::vector<uint32_t> signature;
  for (auto _ : state) {
    for (const std::string& record : records) {
      hasher.signature(record, signature);
      benchmark::DoNotOptimize(signature.data());
    }
  }
  set_rates(state, records.size(), corpus_bytes());
}
BENCHMARK(BM_Signature)
    ->Args({5, 128})
    ->Args({5, 64})
    ->Args({5, 256})
    ->Args({3, 128})
    ->Unit(benchmark::kMillisecond)
    ->Apply(add_best_statistics);

// Signature plus band keys: everything a record costs before LSH.
void BM_SignatureAndBandKeys(benchmark::State& state) {
  const auto& records = corpus();
  dadeum::MinHashConfig config = dadeum::make_minhash_config(0.8);
  dadeum::MinHasher hasher(config);
  std::vector<uint32_t> signature;
  std::vector<uint64_t> keys;
  for (auto _ : state) {
    for (const std::string& record : records) {
      hasher.signature(record, signature);
      dadeum::band_keys(signature, config, keys);
      benchmark::DoNotOptimize(keys.data());
    }
  }
  set_rates(state, records.size(), corpus_bytes());
}
BENCHMARK(BM_SignatureAndBandKeys)->Unit(benchmark::kMillisecond)->Apply(add_best_statistics);

// The sorted unique shingle set, as verification needs it.
void BM_ShingleSet(benchmark::State& state) {
  const auto& records = corpus();
  std::vector<uint64_t> shingles;
  for (auto _ : state) {
    for (const std::string& record : records) {
      dadeum::shingle_hashes(record, 5, shingles);
      benchmark::DoNotOptimize(shingles.data());
    }
  }
  set_rates(state, records.size(), corpus_bytes());
}
BENCHMARK(BM_ShingleSet)->Unit(benchmark::kMillisecond);

// LSH banding over the corpus' band keys, repeated `range(0)` times with
// fresh keys per copy so that the record count grows without adding pairs;
// `range(1)` threads (the bands run in parallel).
void BM_LshCandidates(benchmark::State& state) {
  const auto& records = corpus();
  dadeum::MinHashConfig config = dadeum::make_minhash_config(0.8);
  dadeum::MinHasher hasher(config);
  std::vector<uint32_t> signature;
  std::vector<uint64_t> keys;
  std::vector<uint64_t> all_keys;
  size_t copies = static_cast<size_t>(state.range(0));
  for (size_t copy = 0; copy < copies; ++copy) {
    for (const std::string& record : records) {
      hasher.signature(record, signature);
      dadeum::band_keys(signature, config, keys);
      for (uint64_t key : keys) all_keys.push_back(key + copy * 0x9e3779b97f4a7c15ULL);
    }
  }
  size_t pairs = 0;
  dadeum::ThreadLimit limit(static_cast<size_t>(state.range(1)));
  for (auto _ : state) {
    auto candidates = dadeum::lsh_candidates(all_keys, config.bands);
    pairs = candidates.size();
    benchmark::DoNotOptimize(candidates.data());
  }
  set_rates(state, records.size() * copies, 0);
  state.counters["pairs"] = static_cast<double>(pairs);
}
BENCHMARK(BM_LshCandidates)
    ->Args({1, 1})
    ->Args({10, 1})
    ->Args({10, 2})
    ->Unit(benchmark::kMillisecond)
    ->Apply(add_best_statistics);

std::vector<dadeum::Hash128> random_keys(size_t count) {
  std::vector<dadeum::Hash128> keys;
  keys.reserve(count);
  for (size_t key_idx = 0; key_idx < count; ++key_idx) {
    std::string text = std::to_string(key_idx % (count * 9 / 10));  // 10% repeats
    keys.push_back(dadeum::hash128(text));
  }
  return keys;
}

void BM_ExactIndexInsert(benchmark::State& state) {
  auto keys = random_keys(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    dadeum::ExactIndex index;
    uint32_t record = 0;
    for (const auto& key : keys) benchmark::DoNotOptimize(index.insert_or_get(key, record++));
  }
  set_rates(state, keys.size(), 0);
}
BENCHMARK(BM_ExactIndexInsert)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

// Baseline for the flat table: std::unordered_map with the same keys.
void BM_UnorderedMapInsert(benchmark::State& state) {
  auto keys = random_keys(static_cast<size_t>(state.range(0)));
  struct KeyHash {
    size_t operator()(const dadeum::Hash128& key) const { return key.low; }
  };
  for (auto _ : state) {
    std::unordered_map<dadeum::Hash128, uint32_t, KeyHash> index;
    uint32_t record = 0;
    for (const auto& key : keys) benchmark::DoNotOptimize(index.try_emplace(key, record++));
  }
  set_rates(state, keys.size(), 0);
}
BENCHMARK(BM_UnorderedMapInsert)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
