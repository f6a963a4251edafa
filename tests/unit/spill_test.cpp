// The spill of prep and dedup: every kind of entry comes back as it went in, through the file.
#include <gtest/gtest.h>

#include "dadeum/dedup_run.hpp"
#include "dadeum/spill.hpp"
#include "dadeum/writer.hpp"
#include "test_util.hpp"

namespace dadeum {
namespace {

std::vector<std::string> entries_of(const std::string& framed) {
  testing::TempDir dir;
  auto spill = SpillFile::create(dir.path().string());
  EXPECT_TRUE(spill.is_ok()) << spill.status().message();
  EXPECT_TRUE(spill.value().write(framed).is_ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));  // unlinked at once: nothing to leave behind
  std::vector<std::string> entries;
  EXPECT_TRUE(spill.value().read_back([&](std::string_view entry) {
    entries.emplace_back(entry);
    return Status::ok();
  }).is_ok());
  return entries;
}

TEST(Spill, EveryKindOfRecordComesBack) {
  auto batch = parse_lines({R"({"id":"a","instruction":"첫 질문","output":"답"})",
                            R"({"id":"b","instruction":"두 번째","output":"답"})",
                            R"({"id":"c","instruction":"세 번째","output":"답"})",
                            R"({"id":"d","instruction":"네 번째","output":"답"})", "{not json"});
  ASSERT_EQ(batch->records.size(), 5u);
  batch->records[0].where = {0, 1, 0};
  batch->records[1].where = {0, 2, 100};
  batch->records[1].turns[0].text = "바뀐 질문";
  batch->records[1].turns[0].changed = true;  // a changed text: written re-escaped, kept apart from raw
  batch->records[2].drop("filter", "too_short", "짧음");
  std::string framed;
  append_spilled_record(framed, batch->records[0], "in.jsonl", Schema::kAuto, true);   // by reference
  append_spilled_record(framed, batch->records[1], "in.jsonl", Schema::kAuto, true);   // changed: stored
  append_spilled_record(framed, batch->records[2], "in.jsonl", Schema::kAuto, true);   // dropped line
  append_spilled_record(framed, batch->records[3], "in.jsonl", Schema::kAuto, false);  // stored once
  append_spilled_record(framed, batch->records[4], "in.jsonl", Schema::kAuto, true);   // rejected line

  std::vector<std::string> entries = entries_of(framed);
  ASSERT_EQ(entries.size(), 5u);
  SpilledRecord record;

  ASSERT_TRUE(read_spilled_record(entries[0], record));
  EXPECT_EQ(record.kind, SpilledRecord::Kind::kKept);
  EXPECT_TRUE(record.in_input);
  EXPECT_EQ(record.offset, 0u);
  EXPECT_EQ(record.length, batch->records[0].raw.size());

  ASSERT_TRUE(read_spilled_record(entries[1], record));
  EXPECT_FALSE(record.in_input);
  EXPECT_EQ(record.raw, batch->records[1].raw);
  EXPECT_NE(record.line.find("바뀐 질문"), std::string_view::npos);
  EXPECT_EQ(record.line.back(), '\n');
  std::string late;
  Outcome removal{Verdict::kDrop, "dedup", "exact_duplicate", "duplicate of a", "a", 1.0f};
  append_late_dropped_line(late, record, removal);
  std::string expected;
  Example dropped = batch->records[1];
  dropped.outcome = removal;
  append_dropped_line(expected, dropped, "in.jsonl");
  EXPECT_EQ(late, expected);

  ASSERT_TRUE(read_spilled_record(entries[2], record));
  EXPECT_EQ(record.kind, SpilledRecord::Kind::kDropped);
  EXPECT_EQ(record.code, "too_short");
  expected.clear();
  append_dropped_line(expected, batch->records[2], "in.jsonl");
  EXPECT_EQ(record.line, expected);

  ASSERT_TRUE(read_spilled_record(entries[3], record));
  EXPECT_FALSE(record.in_input);
  EXPECT_EQ(record.raw, batch->records[3].raw);
  EXPECT_EQ(record.line, std::string(batch->records[3].raw) + "\n");

  ASSERT_TRUE(read_spilled_record(entries[4], record));
  EXPECT_EQ(record.kind, SpilledRecord::Kind::kRejected);
  EXPECT_EQ(record.code, "invalid_json");
  expected.clear();
  append_reject_line(expected, batch->records[4], "in.jsonl");
  EXPECT_EQ(record.line, expected);

  // A damaged entry is refused, never misread.
  for (size_t cut = 0; cut < entries[1].size(); cut += 7) {
    EXPECT_FALSE(read_spilled_record(std::string_view(entries[1]).substr(0, cut), record)) << cut;
  }
}

TEST(Spill, EntriesLongerThanTheReadBufferComeBack) {
  std::string big(20 << 20, 'x');  // longer than the 1 MiB read buffer
  std::string framed;
  SpillFile::frame(framed, "small");
  SpillFile::frame(framed, big);
  SpillFile::frame(framed, "");
  std::vector<std::string> entries = entries_of(framed);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0], "small");
  EXPECT_EQ(entries[1], big);
  EXPECT_EQ(entries[2], "");
}

// The last pass reads kept records again from a plain input: if the input changed since the
// first read, the run fails instead of writing a mix of both versions.
TEST(Spill, AnInputChangedBeforeTheLastPassFailsTheRun) {
  testing::TempDir dir;
  const std::string input = dir.file("in.jsonl");
  std::string lines;
  for (int k = 0; k < 50; ++k) lines += "{\"instruction\":\"질문 " + std::to_string(k) + "\",\"output\":\"답\"}\n";
  testing::write_file(input, lines);
  for (bool change : {false, true}) {
    DedupRun run({input}, ReadOptions{}, PipelineOptions{1}, DedupOptions{}, dir.path().string());
    ASSERT_TRUE(run.index(nullptr, nullptr, Schema::kAuto).is_ok());
    if (change) testing::write_file(input, lines + "{\"instruction\":\"새 질문\",\"output\":\"답\"}\n");
    std::string replayed;
    Status status = run.replay([&](uint32_t, const SpilledRecord& record) {
      replayed.append(record.line);
      return Status::ok();
    });
    if (!change) {
      EXPECT_TRUE(status.is_ok()) << status.message();
      EXPECT_EQ(replayed, lines);
    } else {
      EXPECT_FALSE(status.is_ok());
      EXPECT_NE(status.message().find("changed during the run"), std::string::npos) << status.message();
    }
  }
}

}  // namespace
}  // namespace dadeum
