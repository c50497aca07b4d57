// Scalar query and get-by-key: visible rows matching the filter and/or key list, ordered by
// primary key, with offset/limit and output fields; or count(*).
#include <algorithm>
#include <unordered_set>

#include "engine/output_fields.h"
#include "engine/read_path.h"

namespace elanus::engine {

Result<QueryResult> ExecuteQuery(const CollectionSchema& schema, const QueryRequest& req,
                                 const ReadSet& rs, const FilterBits* filter, uint64_t ts) {
  size_t pk_pos = 0;
  while (!schema.fields[pk_pos].is_primary_key) ++pk_pos;
  const bool string_pk = schema.fields[pk_pos].type == DataType::kVarChar;
  bool count_only = req.output_fields.size() == 1 && req.output_fields[0] == "count(*)";
  for (const std::string& f : req.output_fields) {
    if (f == "count(*)" && !count_only) {
      return Status::InvalidArgument("count(*) cannot be combined with other output fields");
    }
  }
  if (req.offset < 0) return Status::InvalidArgument("offset must be >= 0");
  if (req.limit < -1 || req.limit > kMaxTopK ||
      req.offset + std::max<int64_t>(req.limit, 0) > kMaxTopK) {
    return Status::InvalidArgument("limit " + std::to_string(req.limit) +
                                   " must be in [1, 16384] with offset + limit <= 16384");
  }
  if (!count_only && req.filter.empty() && !req.ids && req.limit < 0) {
    return Status::InvalidArgument("a query without a filter or ids needs a limit");
  }
  if (req.ids && (string_pk ? !req.ids->ints.empty() : !req.ids->strings.empty())) {
    return Status::InvalidArgument(std::string("ids must be ") +
                                   (string_pk ? "strings" : "integers") + " for primary key '" +
                                   schema.fields[pk_pos].name + "'");
  }
  std::unordered_set<int64_t> int_ids;
  std::unordered_set<std::string_view> str_ids;
  if (req.ids) {
    int_ids.insert(req.ids->ints.begin(), req.ids->ints.end());
    for (const std::string& s : req.ids->strings) str_ids.insert(s);
  }
  struct Match {
    int64_t ipk;
    std::string_view spk;
    uint32_t seg;
    uint32_t chunk;
    uint32_t i;
  };
  std::vector<Match> matches;
  for (size_t s = 0; s < rs.segments.size(); ++s) {
    const SegmentRead& sr = rs.segments[s];
    const Bitset* bits = filter != nullptr ? &(*filter)[s] : nullptr;
    for (size_t c = 0; c < sr.snap.chunks.size(); ++c) {
      const types::ChunkView& ch = sr.snap.chunks[c];
      const types::ColumnView& pk = ch.columns[pk_pos];
      for (size_t i = 0; i < ch.rows; ++i) {
        size_t row = ch.row_begin + i;
        if (ch.ts[i] > ts || sr.segment->DeletedAt(row) <= ts) continue;
        if (bits != nullptr && !bits->test(row)) continue;
        Match m{
            0, {}, static_cast<uint32_t>(s), static_cast<uint32_t>(c), static_cast<uint32_t>(i)};
        if (string_pk) {
          m.spk = pk.var[i];
          if (req.ids && !str_ids.count(m.spk)) continue;
        } else {
          m.ipk = pk.As<int64_t>()[i];
          if (req.ids && !int_ids.count(m.ipk)) continue;
        }
        matches.push_back(m);
      }
    }
  }
  QueryResult res;
  res.snapshot_ts = ts;
  if (count_only) {
    FieldColumn c;
    c.name = "count(*)";
    c.type = DataType::kInt64;
    c.ints.push_back(static_cast<int64_t>(matches.size()));
    res.fields.push_back(std::move(c));
    res.num_rows = 1;
    return res;
  }
  auto by_pk = [&](const Match& a, const Match& b) {
    return string_pk ? a.spk < b.spk : a.ipk < b.ipk;
  };
  size_t begin = std::min(matches.size(), static_cast<size_t>(req.offset));
  size_t end = req.limit < 0 ? matches.size() : std::min(matches.size(), begin + req.limit);
  if (end < matches.size()) {
    std::partial_sort(matches.begin(), matches.begin() + end, matches.end(), by_pk);
  } else {
    std::sort(matches.begin(), matches.end(), by_pk);
  }
  std::vector<size_t> pos;
  std::vector<std::string> dyn;
  ELANUS_RETURN_IF_ERROR(ResolveOutputFields(schema, req.output_fields, true, &pos, &dyn));
  bool star =
      std::find(req.output_fields.begin(), req.output_fields.end(), "*") != req.output_fields.end();
  OutputGatherer gather(schema, pos, dyn, star);
  for (size_t k = begin; k < end; ++k) {
    const Match& m = matches[k];
    gather.Add(rs.segments[m.seg].snap.chunks[m.chunk], m.i);
  }
  res.fields = gather.Take();
  res.num_rows = end - begin;
  return res;
}

}  // namespace elanus::engine
