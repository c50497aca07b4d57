#include "storage/log_format.h"

#include <algorithm>
#include <cstdio>

#include "common/crc32c.h"
#include "storage/coding.h"

namespace elanus::storage::wal {
namespace {

constexpr size_t kNameDigits = 20;
constexpr std::string_view kSuffix = ".log";

uint32_t RecordCrc(Lsn lsn, std::string_view payload) {
  std::string lsn_bytes;
  PutFixed64(&lsn_bytes, lsn);
  return Crc32c(payload.data(), payload.size(), Crc32c(lsn_bytes.data(), lsn_bytes.size()));
}

bool AllZero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == 0; });
}

// True if an intact record with LSN `lsn` starts anywhere in data[from, end): the damage before it
// is then not a torn tail but lost acknowledged records.
bool IntactRecordFollows(std::string_view data, size_t from, Lsn lsn) {
  for (size_t pos = from; pos + kRecordHeaderSize <= data.size(); ++pos) {
    const char* p = data.data() + pos;
    if (DecodeFixed64(p + 8) != lsn) continue;
    const uint32_t len = DecodeFixed32(p);
    if (len > data.size() - pos - kRecordHeaderSize) continue;
    if (RecordCrc(lsn, data.substr(pos + kRecordHeaderSize, len)) == DecodeFixed32(p + 4)) {
      return true;
    }
  }
  return false;
}

Status CorruptAt(const std::string& path, uint64_t offset, const std::string& what) {
  return Status::Corruption(path + " at offset " + std::to_string(offset) + ": " + what);
}

}  // namespace

std::string SegmentFileName(Lsn first_lsn) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%020llu.log", static_cast<unsigned long long>(first_lsn));
  return buf;
}

std::optional<Lsn> ParseSegmentFileName(std::string_view name) {
  if (name.size() != kNameDigits + kSuffix.size() || !name.ends_with(kSuffix)) return std::nullopt;
  Lsn v = 0;
  for (size_t i = 0; i < kNameDigits; ++i) {
    const char c = name[i];
    if (c < '0' || c > '9') return std::nullopt;
    const Lsn digit = static_cast<Lsn>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
}

std::string EncodeSegmentHeader(Lsn first_lsn) {
  std::string h;
  PutFixed32(&h, kSegmentMagic);
  PutFixed32(&h, kFormatVersion);
  PutFixed64(&h, first_lsn);
  PutFixed32(&h, Crc32c(h.data(), h.size()));
  return h;
}

void AppendRecord(std::string* out, Lsn lsn, std::string_view payload) {
  PutFixed32(out, static_cast<uint32_t>(payload.size()));
  PutFixed32(out, RecordCrc(lsn, payload));
  PutFixed64(out, lsn);
  out->append(payload);
}

Status ScanSegment(std::string_view data, const std::string& path, Lsn expected_first,
                   bool allow_torn_tail, Lsn from, const RecordFn* fn, SegmentScan* out) {
  *out = SegmentScan{};
  out->next_lsn = expected_first;
  if (data.size() < kSegmentHeaderSize || AllZero(data)) {  // a crash while creating the file
    if (allow_torn_tail) {
      out->header_torn = true;
      return Status::OK();
    }
    return CorruptAt(path, 0, "incomplete segment header");
  }
  const char* h = data.data();
  if (DecodeFixed32(h) != kSegmentMagic) return CorruptAt(path, 0, "not a WAL segment (bad magic)");
  if (DecodeFixed32(h + 16) != Crc32c(h, 16)) return CorruptAt(path, 0, "header checksum mismatch");
  if (DecodeFixed32(h + 4) != kFormatVersion) {
    return Status::NotSupported(path + ": WAL format version " +
                                std::to_string(DecodeFixed32(h + 4)) + " (this build reads " +
                                std::to_string(kFormatVersion) + ")");
  }
  if (DecodeFixed64(h + 8) != expected_first) {
    return CorruptAt(path, 0,
                     "header says first LSN " + std::to_string(DecodeFixed64(h + 8)) +
                         " but the file name says " + std::to_string(expected_first));
  }

  size_t off = kSegmentHeaderSize;
  Lsn lsn = expected_first;
  while (off < data.size()) {
    const size_t rem = data.size() - off;
    const char* p = data.data() + off;
    bool torn = false;
    std::string problem;
    if (rem < kRecordHeaderSize) {
      torn = true;
      problem = "incomplete record header";
    } else if (DecodeFixed32(p) > rem - kRecordHeaderSize) {
      torn = !IntactRecordFollows(data, off + 1, lsn + 1);
      problem = "record length " + std::to_string(DecodeFixed32(p)) + " runs past the end";
    } else {
      const uint32_t len = DecodeFixed32(p);
      const std::string_view payload = data.substr(off + kRecordHeaderSize, len);
      const Lsn record_lsn = DecodeFixed64(p + 8);
      if (RecordCrc(record_lsn, payload) != DecodeFixed32(p + 4)) {
        torn = off + kRecordHeaderSize + len == data.size() || AllZero(data.substr(off));
        problem = "record checksum mismatch";
      } else if (record_lsn != lsn) {
        return CorruptAt(
            path, off,
            "expected LSN " + std::to_string(lsn) + ", found " + std::to_string(record_lsn));
      } else {
        if (fn != nullptr && lsn >= from) ELANUS_RETURN_IF_ERROR((*fn)(lsn, payload));
        ++lsn;
        off += kRecordHeaderSize + len;
        continue;
      }
    }
    if (!(torn && allow_torn_tail)) return CorruptAt(path, off, problem);
    break;  // a torn tail: everything from off on is discarded
  }
  out->valid_end = off;
  out->next_lsn = lsn;
  return Status::OK();
}

}  // namespace elanus::storage::wal
