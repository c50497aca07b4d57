#include "storage/file_log.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "storage/log_format.h"
#include "storage/test_util.h"

namespace elanus::storage {
namespace {

using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

class FileLogTest : public ::testing::Test {
 protected:
  std::string WalDir() const { return dir_.Join("wal"); }

  Result<std::unique_ptr<FileLog>> OpenLog(uint64_t segment_bytes = 64 << 20) {
    return FileLog::Open(Env::Default(), WalDir(),
                         LogOptions{.segment_bytes = segment_bytes, .sync = false});
  }

  std::vector<std::string> SegmentFiles() {
    auto names = Env::Default()->ListDir(WalDir());
    EXPECT_TRUE(names.ok());
    std::vector<std::string> out;
    for (const auto& n : *names) out.push_back(WalDir() + "/" + n);
    std::sort(out.begin(), out.end());
    return out;
  }

  // Writes n records "rec<i>" (payload padded to `size` bytes) and closes the log.
  void WriteRecords(int n, size_t size = 8, uint64_t segment_bytes = 64 << 20) {
    ASSERT_OK_AND_ASSIGN(auto log, OpenLog(segment_bytes));
    for (int i = 0; i < n; ++i) {
      std::string rec = "rec" + std::to_string(i);
      rec.resize(std::max(size, rec.size()), '.');
      ASSERT_OK(log->Append(rec).status());
    }
  }

  // Offset of the record with LSN `lsn` in a single-segment log starting at LSN 1.
  static size_t RecordOffset(const std::string& file, Lsn lsn) {
    size_t off = wal::kSegmentHeaderSize;
    for (Lsn l = 1; l < lsn; ++l) off += wal::kRecordHeaderSize + DecodeLen(file, off);
    return off;
  }
  static uint32_t DecodeLen(const std::string& file, size_t off) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<uint8_t>(file[off + i])} << (8 * i);
    return v;
  }

  static Result<std::vector<std::string>> Records(Log& log, Lsn from = 0) {
    std::vector<std::string> out;
    Status st = log.Replay(from, [&](Lsn, std::string_view d) {
      out.emplace_back(d);
      return Status::OK();
    });
    if (!st.ok()) return st;
    return out;
  }

  TempDir dir_;
};

TEST_F(FileLogTest, NewLogStartsAtLsnOneWithOneSegment) {
  ASSERT_OK_AND_ASSIGN(auto log, OpenLog());
  EXPECT_EQ(log->NextLsn(), 1u);
  EXPECT_EQ(SegmentFiles(), std::vector<std::string>{WalDir() + "/00000000000000000001.log"});
}

TEST_F(FileLogTest, RollsSegmentsAndReplaysAcrossThemAfterReopen) {
  WriteRecords(100, 100, /*segment_bytes=*/1000);
  const auto files = SegmentFiles();
  EXPECT_GE(files.size(), 10u);
  ASSERT_OK_AND_ASSIGN(auto log, OpenLog(1000));
  EXPECT_EQ(log->NextLsn(), 101u);
  ASSERT_OK_AND_ASSIGN(auto recs, Records(*log));
  ASSERT_EQ(recs.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    const std::string want = "rec" + std::to_string(i);
    EXPECT_EQ(recs[i].substr(0, want.size()), want);
  }
  ASSERT_OK_AND_ASSIGN(auto tail, Records(*log, 57));
  ASSERT_EQ(tail.size(), 44u);
  EXPECT_EQ(tail[0].substr(0, 5), "rec56");  // LSNs start at 1
}

TEST_F(FileLogTest, TruncateDeletesOnlySegmentsWhollyBelowUpto) {
  WriteRecords(100, 100, 1000);
  ASSERT_OK_AND_ASSIGN(auto log, OpenLog(1000));
  const auto before = SegmentFiles();
  ASSERT_OK(log->Truncate(50));
  const auto after = SegmentFiles();
  EXPECT_LT(after.size(), before.size());
  // The first remaining segment starts at or below 50, so every record >= 50 is still there.
  auto first = wal::ParseSegmentFileName(after.front().substr(WalDir().size() + 1));
  ASSERT_TRUE(first.has_value());
  EXPECT_LE(*first, 50u);
  ASSERT_OK_AND_ASSIGN(auto recs, Records(*log, 50));
  EXPECT_EQ(recs.size(), 51u);
  // Truncating everything keeps the active segment, and LSNs continue after reopen.
  ASSERT_OK(log->Truncate(1000));
  EXPECT_EQ(SegmentFiles().size(), 1u);
  log.reset();
  ASSERT_OK_AND_ASSIGN(log, OpenLog(1000));
  EXPECT_EQ(log->NextLsn(), 101u);
  ASSERT_OK_AND_ASSIGN(Lsn lsn, log->Append("x"));
  EXPECT_EQ(lsn, 101u);
}

TEST_F(FileLogTest, TornTailIsCutOffOnReplay) {
  WriteRecords(10);
  const std::string path = SegmentFiles().back();
  const uint64_t size = ReadAll(path).size();
  ASSERT_OK(Env::Default()->TruncateFile(path, size - 3));  // tear the last record
  ASSERT_OK_AND_ASSIGN(auto log, OpenLog());
  EXPECT_EQ(log->NextLsn(), 10u);
  ASSERT_OK_AND_ASSIGN(auto recs, Records(*log));
  EXPECT_EQ(recs.size(), 9u);
  EXPECT_EQ(ReadAll(path).size(), size - (wal::kRecordHeaderSize + 8));  // cut at the record
  ASSERT_OK_AND_ASSIGN(Lsn lsn, log->Append("again"));
  EXPECT_EQ(lsn, 10u);
  log.reset();
  ASSERT_OK_AND_ASSIGN(log, OpenLog());
  ASSERT_OK_AND_ASSIGN(recs, Records(*log));
  ASSERT_EQ(recs.size(), 10u);
  EXPECT_EQ(recs.back(), "again");
}

TEST_F(FileLogTest, GarbageAndZeroTailsAreCutOff) {
  WriteRecords(10);
  const std::string path = SegmentFiles().back();
  const std::string clean = ReadAll(path);
  for (const std::string& tail :
       {std::string("\xde\xad\xbe"), std::string(40, '\xde'), std::string(4096, '\0')}) {
    WriteAll(path, clean + tail);
    ASSERT_OK_AND_ASSIGN(auto log, OpenLog());
    EXPECT_EQ(log->NextLsn(), 11u);
    ASSERT_OK_AND_ASSIGN(auto recs, Records(*log));
    EXPECT_EQ(recs.size(), 10u);
    EXPECT_EQ(ReadAll(path), clean);
  }
}

TEST_F(FileLogTest, BadChecksumOnLastRecordIsATornTail) {
  WriteRecords(10);
  const std::string path = SegmentFiles().back();
  std::string data = ReadAll(path);
  data[data.size() - 2] ^= 0x40;
  WriteAll(path, data);
  ASSERT_OK_AND_ASSIGN(auto log, OpenLog());
  ASSERT_OK_AND_ASSIGN(auto recs, Records(*log));
  EXPECT_EQ(recs.size(), 9u);
}

TEST_F(FileLogTest, FlippedByteInTheMiddleIsCorruption) {
  WriteRecords(10);
  const std::string path = SegmentFiles().back();
  std::string data = ReadAll(path);
  const size_t off = RecordOffset(data, 4);
  data[off + wal::kRecordHeaderSize + 2] ^= 0x01;  // a payload byte of record 4
  WriteAll(path, data);
  auto log = OpenLog();
  ASSERT_FALSE(log.ok());
  EXPECT_TRUE(log.status().IsCorruption()) << log.status().ToString();
  EXPECT_NE(log.status().message().find(path), std::string::npos);
  EXPECT_NE(log.status().message().find("offset " + std::to_string(off)), std::string::npos)
      << log.status().ToString();
}

TEST_F(FileLogTest, BrokenLengthFollowedByIntactRecordsIsCorruption) {
  WriteRecords(10);
  const std::string path = SegmentFiles().back();
  std::string data = ReadAll(path);
  data[RecordOffset(data, 3) + 3] = '\x7f';  // length now runs past the end of the file
  WriteAll(path, data);
  EXPECT_TRUE(OpenLog().status().IsCorruption());
}

TEST_F(FileLogTest, FlippedByteInOlderSegmentIsCorruptionOnReplay) {
  WriteRecords(30, 100, 500);
  const auto files = SegmentFiles();
  ASSERT_GE(files.size(), 3u);
  std::string data = ReadAll(files[0]);
  data[wal::kSegmentHeaderSize + wal::kRecordHeaderSize + 5] ^= 0x10;
  WriteAll(files[0], data);
  ASSERT_OK_AND_ASSIGN(auto log, OpenLog(500));  // only the last segment is checked at open
  auto recs = Records(*log);
  ASSERT_FALSE(recs.ok());
  EXPECT_TRUE(recs.status().IsCorruption());
  EXPECT_NE(recs.status().message().find(files[0]), std::string::npos);
  // Replaying from past the damaged segment still works.
  ASSERT_OK_AND_ASSIGN(auto tail, Records(*log, 30));
  EXPECT_EQ(tail.size(), 1u);
}

TEST_F(FileLogTest, MissingMiddleSegmentIsCorruptionOnReplay) {
  WriteRecords(30, 100, 500);
  const auto files = SegmentFiles();
  ASSERT_GE(files.size(), 3u);
  ASSERT_OK(Env::Default()->RemoveFile(files[1]));
  ASSERT_OK_AND_ASSIGN(auto log, OpenLog(500));
  EXPECT_TRUE(Records(*log).status().IsCorruption());
}

TEST_F(FileLogTest, TornSegmentHeaderIsRewritten) {
  WriteRecords(5);
  // A crash right after creating the next segment file, before its header was complete.
  const std::string next = WalDir() + "/" + wal::SegmentFileName(6);
  WriteAll(next, std::string(7, 'E'));
  ASSERT_OK_AND_ASSIGN(auto log, OpenLog());
  EXPECT_EQ(log->NextLsn(), 6u);
  ASSERT_OK_AND_ASSIGN(Lsn lsn, log->Append("six"));
  EXPECT_EQ(lsn, 6u);
  ASSERT_OK_AND_ASSIGN(auto recs, Records(*log));
  ASSERT_EQ(recs.size(), 6u);
  EXPECT_EQ(recs.back(), "six");
}

TEST_F(FileLogTest, SegmentWithWrongMagicIsCorruption) {
  WriteRecords(5);
  const std::string path = SegmentFiles().back();
  std::string data = ReadAll(path);
  data[0] = 'X';
  WriteAll(path, data);
  EXPECT_TRUE(OpenLog().status().IsCorruption());
}

}  // namespace
}  // namespace elanus::storage
