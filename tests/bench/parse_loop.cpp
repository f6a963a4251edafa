// Baseline for docs/benchmarks.md: the least a JSONL reader can do. Reads the file in 4 MiB
// chunks, parses every line with simdjson DOM (one parser per thread) and touches every
// string, in 1 or more threads over line-aligned parts of the file. Prints records and
// seconds.
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

size_t touch(simdjson::dom::element element) {
  size_t bytes = 0;
  if (element.is_string()) return element.get_string().value_unsafe().size();
  simdjson::dom::object object;
  simdjson::dom::array array;
  if (element.get(object) == simdjson::SUCCESS) {
    for (auto field : object) bytes += touch(field.value);
  } else if (element.get(array) == simdjson::SUCCESS) {
    for (auto item : array) bytes += touch(item);
  }
  return bytes;
}

struct Part {
  size_t records = 0;
  size_t bytes = 0;
};

Part parse_range(const char* path, size_t begin, size_t end) {
  Part part;
  std::FILE* file = std::fopen(path, "rb");
  if (file == nullptr) return part;
  std::fseek(file, static_cast<long>(begin), SEEK_SET);
  simdjson::dom::parser parser;
  std::string buffer;
  size_t position = begin;
  std::string carry;
  constexpr size_t kChunk = 4u << 20;
  while (position < end) {
    size_t want = std::min(kChunk, end - position);
    buffer = carry;
    size_t old = buffer.size();
    buffer.resize(old + want + simdjson::SIMDJSON_PADDING);
    size_t got = std::fread(buffer.data() + old, 1, want, file);
    position += got;
    buffer.resize(old + got);
    size_t last = buffer.rfind('\n');
    size_t usable = (position >= end || last == std::string::npos) ? buffer.size() : last + 1;
    carry.assign(buffer, usable, std::string::npos);
    buffer.resize(usable);
    buffer.reserve(usable + simdjson::SIMDJSON_PADDING);
    size_t line_start = 0;
    while (line_start < usable) {
      const char* newline = static_cast<const char*>(std::memchr(buffer.data() + line_start, '\n', usable - line_start));
      size_t line_end = newline ? newline - buffer.data() : usable;
      if (line_end > line_start) {
        auto result = parser.parse(buffer.data() + line_start, line_end - line_start, false);
        if (!result.error()) {
          part.bytes += touch(result.value_unsafe());
          ++part.records;
        }
      }
      line_start = line_end + 1;
    }
    if (got == 0) break;
  }
  std::fclose(file);
  return part;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: parse_loop FILE.jsonl [THREADS]\n";
    return 2;
  }
  const char* path = argv[1];
  size_t threads = argc > 2 ? std::stoul(argv[2]) : 1;
  std::ifstream probe(path, std::ios::binary | std::ios::ate);
  size_t size = static_cast<size_t>(probe.tellg());
  // Split at line boundaries.
  std::vector<size_t> cuts{0};
  for (size_t idx = 1; idx < threads; ++idx) {
    probe.seekg(static_cast<std::streamoff>(size * idx / threads));
    std::string rest;
    std::getline(probe, rest);
    cuts.push_back(static_cast<size_t>(probe.tellg()));
  }
  cuts.push_back(size);
  auto start = std::chrono::steady_clock::now();
  std::vector<Part> parts(threads);
  std::vector<std::thread> workers;
  for (size_t idx = 0; idx < threads; ++idx) {
    workers.emplace_back([&, idx] { parts[idx] = parse_range(path, cuts[idx], cuts[idx + 1]); });
  }
  for (auto& worker : workers) worker.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  size_t records = 0;
  for (const Part& part : parts) records += part.records;
  std::printf("records=%zu seconds=%.3f\n", records, seconds);
  return 0;
}
