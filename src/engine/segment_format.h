// The sealed segment file format (docs/format/segment.md): immutable columns, 64-byte aligned so
// fixed-width columns can be used straight from a memory mapping, CRC32C per column, versioned.
#pragma once

#include <memory>
#include <string>

#include "elanus/schema.h"
#include "elanus/status.h"
#include "engine/segment.h"
#include "storage/blob_store.h"

namespace elanus::engine {

inline constexpr char kSegmentMagic[8] = {'E', 'L', 'N', 'S', 'E', 'G', '0', '1'};
inline constexpr char kSegmentFooterMagic[8] = {'E', 'L', 'N', 'S', 'E', 'G', 'F', 'T'};
inline constexpr uint32_t kSegmentFormatVersion = 1;

// Serializes rows [0, snap.rows) of a segment snapshot.
std::string EncodeSegment(const CollectionSchema& schema, const Segment::Snapshot& snap);

// Immutable data backed by a blob (memory-mapped in the data-directory backend).
class SealedData : public SegmentData {
 public:
  void Views(size_t rows, std::vector<types::ChunkView>* out) const override;
  size_t rows() const { return view_.rows; }

 private:
  friend Result<std::shared_ptr<SealedData>> DecodeSegment(const CollectionSchema&,
                                                           std::unique_ptr<storage::Blob>);
  std::unique_ptr<storage::Blob> blob_;
  std::vector<std::unique_ptr<std::string_view[]>> var_;
  types::ChunkView view_;
};

// Verifies magic, version, checksums and that the columns match the schema; Corruption otherwise.
Result<std::shared_ptr<SealedData>> DecodeSegment(const CollectionSchema& schema,
                                                  std::unique_ptr<storage::Blob> blob);

}  // namespace elanus::engine
