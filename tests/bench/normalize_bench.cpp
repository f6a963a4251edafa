// Google Benchmark for the normalizer: a bare ICU NFC normalizeUTF8 loop
// against normalize_in_place() with the default rules, over the same texts.
//
// Input: every string value of the JSONL file named by DADEUM_BENCH_CORPUS
// (e.g. `python3 ../shared/bench/gen_corpus.py --out c.jsonl --mb 20`);
// without it, built-in Korean sample texts. Each text is copied into a reused
// buffer and normalized there, so both loops write every byte once.
//
//   DADEUM_BENCH_CORPUS=c.jsonl ./normalize_bench
//
// The figure to watch is bytes_per_second of BM_NormalizeDefaults against
// BM_IcuNfc (target: at least 1.5x). Setup checks that the pre-scan path and
// the rule-by-rule reference give identical output on every text.

#include <benchmark/benchmark.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "dadeum/normalize.hpp"
#include "detail/normalize_rules.hpp"
#include "detail/normalize_utf8.hpp"

namespace {

// ---------------------------------------------------------------------------
// Input: the string values (not keys) of each JSON line; crude but enough for
// the generated corpus.

size_t parse_hex4(std::string_view s, size_t i, uint32_t& value) {
  value = 0;
  for (size_t k = 0; k < 4; ++k) {
    if (i + k >= s.size()) return 0;
    const char c = s[i + k];
    value <<= 4;
    if (c >= '0' && c <= '9')
      value |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      value |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      value |= static_cast<uint32_t>(c - 'A' + 10);
    else
      return 0;
  }
  return 4;
}

// Decodes the JSON string starting after the quote at `i`; returns the index
// after the closing quote.
size_t read_string(std::string_view line, size_t i, std::string& out) {
  while (i < line.size() && line[i] != '"') {
    if (line[i] != '\\' || i + 1 >= line.size()) {
      out.push_back(line[i++]);
      continue;
    }
    const char e = line[i + 1];
    i += 2;
    switch (e) {
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        uint32_t cp = 0;
        if (parse_hex4(line, i, cp) == 0) break;
        i += 4;
        uint32_t low = 0;
        if (cp >= 0xD800 && cp <= 0xDBFF && line.substr(i, 2) == "\\u" &&
            parse_hex4(line, i + 2, low) != 0 && low >= 0xDC00 && low <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
        dadeum::detail::append_utf8(out, cp);
        break;
      }
      default:
        out.push_back(e);
    }
  }
  return i + 1;
}

void add_string_values(std::string_view line, std::vector<std::string>& texts) {
  for (size_t i = 0; i < line.size();) {
    if (line[i] != '"') {
      ++i;
      continue;
    }
    std::string value;
    i = read_string(line, i + 1, value);
    size_t next = i;
    while (next < line.size() && line[next] == ' ') ++next;
    const bool is_key = next < line.size() && line[next] == ':';
    if (!is_key && !value.empty()) texts.push_back(std::move(value));
  }
}

std::vector<std::string> sample_texts() {
  const std::vector<std::string> samples = {
      "안녕하세요. 오늘은 한국어 지시문 데이터를 정리하는 방법을 알아보겠습니다.",
      "다음 문장을 영어로 번역해 주세요: 저는 매일 아침 커피를 마십니다.",
      "파이썬에서 리스트를 정렬하려면 sorted() 함수나 list.sort() 메서드를 사용합니다.\n"
      "```python\nnums = [3, 1, 2]\nprint(sorted(nums))\n```",
      "서울의 인구는 약 950만 명이며, 대한민국의 수도입니다. 한강이 도시를 가로질러 흐릅니다.",
      "ㅋㅋㅋ 그거 진짜 웃기네요! 다음에 또 알려주세요~",
      "1. 재료를 준비합니다.\n2. 물을 끓입니다.\n3. 면을 넣고 4분간 삶습니다.",
      "인공지능 언어 모델은 대량의 텍스트로 학습하여 다음 단어를 예측합니다.",
  };
  std::vector<std::string> texts;
  for (int round = 0; round < 4000; ++round) {
    for (const std::string& s : samples) texts.push_back(s);
  }
  return texts;
}

const std::vector<std::string>& corpus() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> loaded;
    if (const char* path = std::getenv("DADEUM_BENCH_CORPUS")) {
      std::ifstream in(path, std::ios::binary);
      std::string line;
      while (std::getline(in, line)) add_string_values(line, loaded);
    }
    return loaded.empty() ? sample_texts() : loaded;
  }();
  return texts;
}

int64_t corpus_bytes() {
  int64_t total = 0;
  for (const std::string& t : corpus()) total += static_cast<int64_t>(t.size());
  return total;
}

// Counts texts where the pre-scan path and the rule-by-rule reference differ.
size_t mismatches(const dadeum::NormalizeOptions& options) {
  size_t bad = 0;
  std::string fast;
  std::string slow;
  for (const std::string& text : corpus()) {
    fast = text;
    const uint32_t fast_mask = dadeum::normalize_in_place(fast, options);
    const uint32_t slow_mask = dadeum::detail::normalize_rule_by_rule(text, slow, options);
    if (fast != slow || fast_mask != slow_mask) ++bad;
  }
  return bad;
}

void set_counters(benchmark::State& state) {
  state.SetBytesProcessed(state.iterations() * corpus_bytes());
  state.counters["texts"] = static_cast<double>(corpus().size());
}

// ---------------------------------------------------------------------------

void BM_IcuNfc(benchmark::State& state) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) {
    state.SkipWithError("no ICU NFC instance");
    return;
  }
  std::string out;
  for (auto _ : state) {
    for (const std::string& text : corpus()) {
      out.clear();
      icu::StringByteSink<std::string> sink(&out);
      status = U_ZERO_ERROR;
      nfc->normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink,
                         nullptr, status);
      benchmark::DoNotOptimize(out.data());
    }
  }
  set_counters(state);
}
BENCHMARK(BM_IcuNfc)->Unit(benchmark::kMillisecond);

void normalize_loop(benchmark::State& state, const dadeum::NormalizeOptions& options) {
  if (const size_t bad = mismatches(options); bad != 0) {
    state.SkipWithError(
        ("output differs from the rule-by-rule reference on " + std::to_string(bad) + " texts")
            .c_str());
    return;
  }
  std::string buffer;
  size_t changed = 0;
  for (auto _ : state) {
    changed = 0;
    for (const std::string& text : corpus()) {
      buffer.assign(text);
      changed += dadeum::normalize_in_place(buffer, options) != 0;
      benchmark::DoNotOptimize(buffer.data());
    }
  }
  set_counters(state);
  state.counters["changed"] = static_cast<double>(changed);
}

void BM_NormalizeDefaults(benchmark::State& state) { normalize_loop(state, {}); }
BENCHMARK(BM_NormalizeDefaults)->Unit(benchmark::kMillisecond);

void BM_NormalizeAllButNfkc(benchmark::State& state) {
  dadeum::NormalizeOptions options;
  options.rules = dadeum::kAllRules & ~dadeum::norm_rule_bit(dadeum::NormRule::kNfkc);
  normalize_loop(state, options);
}
BENCHMARK(BM_NormalizeAllButNfkc)->Unit(benchmark::kMillisecond);

// The pre-scan alone (no copy): the cost of proving "nothing to do".
void BM_PreScanDefaults(benchmark::State& state) {
  const dadeum::NormalizeOptions options;
  for (auto _ : state) {
    size_t may = 0;
    for (const std::string& text : corpus()) may += dadeum::detail::may_change(text, options);
    benchmark::DoNotOptimize(may);
  }
  set_counters(state);
}
BENCHMARK(BM_PreScanDefaults)->Unit(benchmark::kMillisecond);

// Every rule applied one by one, no pre-scan: what the pre-scan saves.
void BM_RuleByRuleDefaults(benchmark::State& state) {
  const dadeum::NormalizeOptions options;
  std::string out;
  for (auto _ : state) {
    for (const std::string& text : corpus()) {
      dadeum::detail::normalize_rule_by_rule(text, out, options);
      benchmark::DoNotOptimize(out.data());
    }
  }
  set_counters(state);
}
BENCHMARK(BM_RuleByRuleDefaults)->Unit(benchmark::kMillisecond);

void BM_CanonicalForm(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    for (const std::string& text : corpus()) {
      dadeum::canonical_form_into(text, out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  set_counters(state);
}
BENCHMARK(BM_CanonicalForm)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
