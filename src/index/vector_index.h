// The vector index interface: one abstract class that every index type implements (HNSW, IVF_FLAT,
// FLAT, ...). Internal header (src/index), not part of the public API.
//
// Rows are identified by their position 0..Size()-1 in the order they were given to Build/Add; the
// engine maps positions to primary keys. Vectors are raw bytes in the column encoding of the
// field (IndexSpec::data_type): float32, float16/bfloat16 (uint16 bit patterns), int8, or packed
// binary (dim bits = dim/8 bytes). A buffer of n vectors is n * spec.RowBytes() bytes, row-major.
// Sparse indexes (data_type SPARSE_FLOAT_VECTOR, dim 0) take instead an array of n
// `std::string_view` rows in the segment encoding (types::EncodeSparse) for Build/Add, and a
// `const elanus::SparseVector*` (indices strictly increasing) as the query.
//
// Scores follow Milvus: L2 -> squared distance (smaller is better); IP -> dot product; COSINE ->
// similarity in [-1, 1] (larger is better); HAMMING -> differing bits; JACCARD -> 1 - |A&B|/|A|B|
// (smaller is better). Results always come best first.
//
// Thread-safety: const methods (Search, RangeSearch, Serialize, MemoryBytes, IndexedRows) may run
// concurrently with each other. Build/Add/Load need exclusive access (the caller synchronizes),
// except IndexedRows(), which may be polled from another thread during Build/Add for progress.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bitset.h"
#include "common/thread_pool.h"
#include "elanus/schema.h"
#include "elanus/status.h"

namespace elanus::index {

// Milvus-style string parameters ("M" -> "16"), parsed once by the registry / ParseSearchParams.
using ParamMap = std::map<std::string, std::string>;

// What is indexed: the vector encoding, its dimension and the metric.
struct IndexSpec {
  DataType data_type = DataType::kFloatVector;
  int64_t dim = 0;  // number of components; for binary vectors the number of bits (multiple of 8)
  MetricType metric = MetricType::kL2;

  // Bytes of one vector in the column encoding; 0 for unsupported types.
  size_t RowBytes() const;
  // InvalidArgument unless dim is in 1..32768 (binary: multiple of 8) and the metric fits the
  // type (float-like: L2/IP/COSINE; binary: HAMMING/JACCARD).
  Status Validate() const;
};

// Typed search parameters. 0 means "the index type's default" (see each index's header).
struct SearchParams {
  int64_t ef = 0;      // HNSW: candidate list size, >= k; default k
  int64_t nprobe = 0;  // IVF: lists to scan, 1..nlist; default min(8, nlist)
  float refine_k = 0;  // HNSW_SQ: re-rank max(ef, refine_k * k) candidates, >= 1; default 1
  // SPARSE_INVERTED_INDEX: fraction of the smallest query weights dropped, in [0, 1).
  float drop_ratio_search = 0;
  // SPARSE_INVERTED_INDEX (DAAT_MAXSCORE): scales per-dimension max scores used for pruning,
  // in [0.5, 1.3]; 0 means 1 (exact). Below 1 prunes more (faster, approximate).
  float dim_max_score_ratio = 0;
};

// One result: row position in the segment and its Milvus score.
struct Neighbor {
  int64_t row = -1;
  float score = 0;
  bool operator==(const Neighbor&) const = default;
};

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;

  // Registered type name, e.g. "HNSW".
  virtual std::string_view TypeName() const = 0;
  virtual const IndexSpec& spec() const = 0;

  // Replaces the contents with `n` vectors (rows 0..n-1): trains (IVF) and inserts. `vectors` holds
  // n * spec().RowBytes() bytes. `pool` (may be null: single-threaded) runs the parallel parts;
  // the index never starts threads of its own.
  virtual Status Build(const void* vectors, int64_t n, ThreadPool* pool) = 0;
  // Appends `n` vectors as rows Size()..Size()+n-1. Index types that need training
  // (IVF) return FailedPrecondition unless Build ran first.
  virtual Status Add(const void* vectors, int64_t n, ThreadPool* pool) = 0;

  // Number of rows the index holds.
  virtual int64_t Size() const = 0;
  // Build progress: rows inserted so far by the running Build/Add (== Size() when idle).
  virtual int64_t IndexedRows() const = 0;

  // Parses and validates Milvus search parameters ("ef", "nprobe") against this index and `k`.
  // Unknown keys are ignored (Milvus passes others, e.g. "radius", in the same map).
  virtual Result<SearchParams> ParseSearchParams(const ParamMap& params, int64_t k) const = 0;

  // Top-k nearest rows to `query` (spec().RowBytes() bytes), best first, at most k of them.
  // `allowed` (may be null = all rows) is a row filter of size Size(): only rows with a set bit are
  // returned. When at least k rows are allowed, exactly k results are returned.
  virtual Status Search(const void* query, int64_t k, const Bitset* allowed,
                        const SearchParams& params, std::vector<Neighbor>* out) const = 0;

  // Rows whose score lies in the Milvus range: L2/HAMMING/JACCARD `range_filter <= d < radius`;
  // IP/COSINE `radius < s <= range_filter` (no range_filter: one-sided). At most `limit` results
  // (the best ones), best first; limit <= 0 means no limit. Approximate indexes may miss rows.
  virtual Status RangeSearch(const void* query, float radius, std::optional<float> range_filter,
                             int64_t limit, const Bitset* allowed, const SearchParams& params,
                             std::vector<Neighbor>* out) const = 0;

  // Appends a self-describing, versioned and checksummed image (see index_format.h) to `out`.
  virtual Status Serialize(std::string* out) const = 0;
  // Replaces the contents from an image written by Serialize of the same type. Damaged input
  // returns Corruption (never crashes); on error the index is left empty.
  virtual Status Load(std::string_view data) = 0;

  // Approximate heap bytes held (vectors, graph, lists).
  virtual size_t MemoryBytes() const = 0;
};

}  // namespace elanus::index
