// Log: the write-ahead log. Append returns only once the record is durable; concurrent appenders
// share one sync (group commit). Records are opaque bytes framed with a length and CRC32C.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "elanus/status.h"

namespace elanus::storage {

// A log sequence number: strictly increasing across appends. An LSN names one record; `NextLsn()`
// is the LSN the next record will get. LSNs survive restarts and truncation.
using Lsn = uint64_t;

class Log {
 public:
  virtual ~Log() = default;

  // Appends one record and waits until it is durable. Returns its LSN.
  virtual Result<Lsn> Append(std::string_view record) = 0;

  // Calls fn for every record with lsn >= from, in LSN order. Recovery semantics: a torn record at
  // the very end of the log (a crash mid-append) is discarded and cut off; a checksum failure
  // anywhere else returns Corruption. fn's error stops the replay and is returned.
  virtual Status Replay(Lsn from, const std::function<Status(Lsn, std::string_view)>& fn) = 0;

  // Declares records with lsn < upto no longer needed; the backend may free them.
  virtual Status Truncate(Lsn upto) = 0;

  virtual Lsn NextLsn() const = 0;
};

}  // namespace elanus::storage
