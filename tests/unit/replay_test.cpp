// Pass 3 in parallel: run_in_order() commits every item once, in order, and stops at the first
// error; DedupRun's parallel replay hands over the same records, in the same order, as the
// serial one, whatever the chunks and the thread count. Pass 2's read of the candidates finds
// every near copy whether its bytes come from its input or from the spill.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

#include "dadeum/dedup_run.hpp"
#include "dadeum/normalize.hpp"
#include "dadeum/record_stages.hpp"
#include "dadeum/pipeline.hpp"
#include "test_util.hpp"

namespace dadeum {
namespace {

TEST(RunInOrder, CommitsEveryItemOnceInOrder) {
  for (size_t threads : {1, 2}) {
    std::vector<size_t> committed;
    std::atomic<size_t> worked{0};
    Status status = run_in_order(
        500, PipelineOptions{threads},
        [&](OrderedItem& item) {
          EXPECT_TRUE(item.state == nullptr);  // a reused item comes back empty
          for (const std::string& out : item.out) EXPECT_TRUE(out.empty());
          item.out.resize(1);
          item.out[0] = std::to_string(item.index);
          item.state = std::make_shared<size_t>(item.index * 3);
          ++worked;
          return Status::ok();
        },
        [&](OrderedItem& item) {
          EXPECT_EQ(item.out[0], std::to_string(item.index));
          EXPECT_EQ(*static_cast<size_t*>(item.state.get()), item.index * 3);
          committed.push_back(item.index);
          return Status::ok();
        });
    ASSERT_TRUE(status.is_ok()) << status.message();
    EXPECT_EQ(worked.load(), 500u);
    ASSERT_EQ(committed.size(), 500u);
    for (size_t idx = 0; idx < committed.size(); ++idx) EXPECT_EQ(committed[idx], idx);
  }
}

TEST(RunInOrder, TheFirstErrorStopsTheRun) {
  for (bool in_work : {true, false}) {
    size_t last_committed = 0;
    auto fail_at_77 = [](const OrderedItem& item) {
      return item.index == 77 ? Status(StatusCode::kIoError, "item 77 failed") : Status::ok();
    };
    Status status = run_in_order(
        1000, PipelineOptions{2}, [&](OrderedItem& item) { return in_work ? fail_at_77(item) : Status::ok(); },
        [&](OrderedItem& item) {
          last_committed = item.index;
          return in_work ? Status::ok() : fail_at_77(item);
        });
    EXPECT_EQ(status.message(), "item 77 failed");
    EXPECT_LT(last_committed, in_work ? 77u : 78u);
  }
}

TEST(RunInOrder, NoItemsIsNotAnError) {
  size_t calls = 0;
  auto count = [&](OrderedItem&) { return ++calls, Status::ok(); };
  EXPECT_TRUE(run_in_order(0, PipelineOptions{2}, count, count).is_ok());
  EXPECT_EQ(calls, 0u);
}

// Inputs that give every kind of spill entry: records by reference (plain JSONL), records
// stored (normalized, or from CSV), dropped and rejected ones, and a last line without '\n'.
// Writes each (name, contents) file into `dir`; returns their paths, in order.
std::vector<std::string> write_inputs(const testing::TempDir& dir,
                                      const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> paths;
  for (const auto& [name, contents] : files) {
    paths.push_back(dir.file(name));
    testing::write_file(paths.back(), contents);
  }
  return paths;
}

std::vector<std::string> mixed_inputs(const testing::TempDir& dir) {
  std::string first, second = "instruction,output\n", third;
  for (int k = 0; k < 6000; ++k) {
    const std::string n = std::to_string(k);
    if (k % 97 == 5) first += "{broken " + n + "\n";
    else if (k % 13 == 0) first += "{\"id\":\"n" + n + "\",\"instruction\":\"\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab " + n + "\",\"output\":\"답\"}\n";  // NFD
    else if (k % 11 == 0) first += "{\"instruction\":\"같은 질문\",\"output\":\"같은 답\"}\n";  // exact duplicates
    else first += "{\"id\":\"r" + n + "\",\"instruction\":\"질문 " + n + "\",\"output\":\"답 " + std::to_string(k * 7919) + "\"}\n";
    if (k % 2 == 0) second += "CSV 질문 " + n + ",CSV 답 " + n + "\n";
  }
  for (int k = 0; k < 300; ++k) third += "{\"instruction\":\"세 번째 " + std::to_string(k) + "\",\"output\":\"끝\"}\n";
  third.pop_back();  // the last line ends without '\n'
  return write_inputs(dir, {{"first.jsonl", first}, {"second.csv", second}, {"third.jsonl", third}});
}

TEST(Replay, ParallelChunksGiveTheSerialRecordsInOrder) {
  testing::TempDir dir;
  std::vector<std::string> inputs = mixed_inputs(dir);
  ReadOptions read;
  read.batch_bytes = 4096;  // many small chunks (64 KiB for JSONL, 4 KiB for CSV)
  NormalizeOptions rules;
  BatchStage normalize = [&rules](Batch& batch) {
    NormalizeCounts counts;
    for (Example& record : batch.records) normalize_record(record, rules, counts);
  };
  std::string serial;
  std::vector<uint32_t> serial_ordinals;
  {
    DedupRun run(inputs, read, PipelineOptions{1}, DedupOptions{}, dir.path().string());
    ASSERT_TRUE(run.index(normalize, nullptr, Schema::kAuto).is_ok());
    ASSERT_TRUE(run.replay([&](uint32_t ordinal, const SpilledRecord& record) {
      serial_ordinals.push_back(ordinal);
      serial += static_cast<char>(record.kind);
      serial.append(record.line);
      return Status::ok();
    }).is_ok());
  }
  ASSERT_EQ(serial_ordinals.size(), 6000u + 3000u + 300u);
  for (size_t idx = 0; idx < serial_ordinals.size(); ++idx) ASSERT_EQ(serial_ordinals[idx], idx);
  EXPECT_NE(serial.find("\nR{"), std::string::npos);  // a reject line
  EXPECT_NE(serial.find("\nK{\"id\":\"n13\""), std::string::npos);  // a normalized record, stored
  EXPECT_NE(serial.find("CSV 답 5998"), std::string::npos);
  EXPECT_TRUE(serial.ends_with("세 번째 299\",\"output\":\"끝\"}\n"));

  for (size_t threads : {1, 2}) {
    DedupRun run(inputs, read, PipelineOptions{threads}, DedupOptions{}, dir.path().string());
    ASSERT_TRUE(run.index(normalize, nullptr, Schema::kAuto).is_ok());
    std::string parallel;
    uint32_t next_ordinal = 0;
    size_t chunks = 0;
    Status status = run.replay(
        [&](uint32_t ordinal, const SpilledRecord& record, OrderedItem& chunk) {
          chunk.out.resize(1);
          if (!chunk.state) chunk.state = std::make_shared<uint32_t>(ordinal);  // first ordinal of the chunk
          chunk.out[0] += static_cast<char>(record.kind);
          chunk.out[0].append(record.line);
          return Status::ok();
        },
        [&](OrderedItem& chunk) {
          if (!chunk.state) return Status::ok();
          EXPECT_EQ(*static_cast<uint32_t*>(chunk.state.get()), next_ordinal);
          next_ordinal += static_cast<uint32_t>(std::count(chunk.out[0].begin(), chunk.out[0].end(), '\n'));
          parallel += chunk.out[0];
          ++chunks;
          return Status::ok();
        });
    ASSERT_TRUE(status.is_ok()) << status.message();
    EXPECT_GT(chunks, 20u);
    EXPECT_EQ(parallel, serial) << threads << " threads";
  }
}

// The parallel replay also fails, instead of mixing two versions, when an input changed.
TEST(Replay, AnInputChangedBeforeTheParallelReplayFailsIt) {
  testing::TempDir dir;
  std::vector<std::string> inputs = mixed_inputs(dir);
  DedupRun run(inputs, ReadOptions{}, PipelineOptions{2}, DedupOptions{}, dir.path().string());
  ASSERT_TRUE(run.index(nullptr, nullptr, Schema::kAuto).is_ok());
  testing::write_file(inputs[2], "{\"instruction\":\"다른 파일\",\"output\":\"답\"}\n");
  auto ignore = [](uint32_t, const SpilledRecord&, OrderedItem&) { return Status::ok(); };
  Status status = run.replay(ignore, [](OrderedItem&) { return Status::ok(); });
  EXPECT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("changed during the run"), std::string::npos) << status.message();
}

// Pass 2 reads each candidate record again: from its input by offset (plain JSONL) or from the
// spill (CSV, normalized records), in batches of up to 1024 records that never mix inputs.
// Every near copy below must be found, whichever way its bytes come back.
std::string long_text(int k) {
  std::string text = "문서 " + std::to_string(k) + ":";
  uint32_t state = static_cast<uint32_t>(k) * 2654435761u + 1;
  for (int word = 0; word < 40; ++word) {
    state = state * 1664525u + 1013904223u;
    text += " 낱말" + std::to_string(state >> 16);
  }
  return text;  // already normalized: the originals are read again from their file
}

std::vector<std::string> near_copy_inputs(const testing::TempDir& dir, int records) {
  std::string originals, copies = "instruction,output\n", nfd_copies;
  for (int k = 0; k < records; ++k) {
    originals += "{\"instruction\":\"" + long_text(k) + "\",\"output\":\"답\"}\n";
    std::string changed = long_text(k);
    changed += "끝";
    if (k % 2 == 0) copies += changed + ",답\n";
    else nfd_copies += "{\"instruction\":\"\xe1\x84\x86\xe1\x85\xae\xe1\x86\xab" + changed.substr(3) + "\",\"output\":\"답\"}\n";
  }
  return write_inputs(dir, {{"originals.jsonl", originals}, {"copies.csv", copies}, {"nfd_copies.jsonl", nfd_copies}});
}

TEST(Verify, FindsEveryNearCopyWhereverItsBytesAreReadAgain) {
  testing::TempDir dir;
  constexpr int kRecords = 1200;  // more than one verification batch per input
  std::vector<std::string> inputs = near_copy_inputs(dir, kRecords);
  NormalizeOptions rules;
  BatchStage normalize = [&rules](Batch& batch) {
    NormalizeCounts counts;
    for (Example& record : batch.records) normalize_record(record, rules, counts);
  };
  for (size_t threads : {1, 2}) {
    DedupRun run(inputs, ReadOptions{}, PipelineOptions{threads}, DedupOptions{}, dir.path().string());
    Status status = run.index(normalize, nullptr, Schema::kAuto);
    ASSERT_TRUE(status.is_ok()) << status.message();
    ASSERT_EQ(run.records(), 2u * kRecords);
    EXPECT_GE(run.verified_pairs(), static_cast<uint64_t>(kRecords));
    for (uint32_t ordinal = 0; ordinal < kRecords; ++ordinal) EXPECT_FALSE(run.removal(ordinal).has_value()) << ordinal;
    // Copies are ordinals kRecords.. in input order: CSV (even k), then the NFD file (odd k).
    for (uint32_t copy = 0; copy < kRecords; ++copy) {
      const uint32_t k = copy < kRecords / 2 ? 2 * copy : 2 * (copy - kRecords / 2) + 1;
      std::optional<Outcome> removal = run.removal(kRecords + copy);
      ASSERT_TRUE(removal.has_value()) << "copy of " << k;
      EXPECT_EQ(removal->code, "near_duplicate");
      EXPECT_EQ(removal->duplicate_of, inputs[0] + ":" + std::to_string(k + 1));
    }
  }
}

TEST(Verify, AnInputChangedBeforeTheVerificationReadFailsIt) {
  testing::TempDir dir;
  std::vector<std::string> inputs = near_copy_inputs(dir, 50);
  DedupRun run(inputs, ReadOptions{}, PipelineOptions{2}, DedupOptions{}, dir.path().string());
  BatchSink rewrite_first = [&](Batch& batch) {
    if (batch.source == 2) testing::write_file(inputs[0], "{\"instruction\":\"다른 파일\",\"output\":\"답\"}\n");
    return Status::ok();
  };
  Status status = run.index(nullptr, rewrite_first, Schema::kAuto);
  EXPECT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("changed during the run"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace dadeum
