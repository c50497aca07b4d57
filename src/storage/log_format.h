// The data-directory WAL format, shared by FileLog and its tests.
//
// A segment file wal/<first LSN, 20 decimal digits>.log is a header followed by records:
//   header: [u32 magic "ELWL"][u32 version = 1][u64 first LSN][u32 CRC32C of the previous 16 bytes]
//   record: [u32 payload length][u32 CRC32C of (u64 LSN, payload)][u64 LSN][payload]
// All integers little-endian. LSNs count records: consecutive within and across segments.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "elanus/status.h"
#include "storage/log.h"

namespace elanus::storage::wal {

inline constexpr uint32_t kSegmentMagic = 0x4C574C45;  // "ELWL" in file byte order
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kSegmentHeaderSize = 20;
inline constexpr size_t kRecordHeaderSize = 16;
inline constexpr size_t kMaxRecordBytes = 1u << 30;

std::string SegmentFileName(Lsn first_lsn);  // "00000000000000000001.log"
// The first LSN encoded in a segment file name, or nullopt if name is not a segment file.
std::optional<Lsn> ParseSegmentFileName(std::string_view name);

std::string EncodeSegmentHeader(Lsn first_lsn);
void AppendRecord(std::string* out, Lsn lsn, std::string_view payload);

struct SegmentScan {
  uint64_t valid_end = 0;    // bytes of intact header and records
  Lsn next_lsn = 0;          // the LSN after the last intact record
  bool header_torn = false;  // the header itself is incomplete (or zeros): rewrite the file
};

using RecordFn = std::function<Status(Lsn, std::string_view)>;

// Validates one segment's bytes and calls fn (if non-null) for each record with lsn >= from.
// With allow_torn_tail (the last segment at open), an incomplete final record, a bad-checksum
// record that ends the file, or a zero-filled tail ends the scan at valid_end instead of being an
// error, unless an intact later record follows it. Anything else that is wrong returns Corruption
// naming path and offset. fn's error is returned as is.
Status ScanSegment(std::string_view data, const std::string& path, Lsn expected_first,
                   bool allow_torn_tail, Lsn from, const RecordFn* fn, SegmentScan* out);

}  // namespace elanus::storage::wal
