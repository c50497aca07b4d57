// Grouping search: runs the ordinary search for a growing candidate list, groups its hits by the
// value of a scalar field, and keeps the best `limit` groups of up to `group_size` hits each.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "engine/read_path.h"
#include "types/batch.h"

namespace elanus::engine {
namespace {

Status CheckGroupField(const CollectionSchema& schema, const SearchRequest& req,
                       const FieldSchema** out) {
  const FieldSchema* f = schema.FindField(req.group_by_field);
  if (f == nullptr || f->is_dynamic) {
    if (schema.enable_dynamic_field) {
      return Status::NotSupported("grouping by the dynamic field key '" + req.group_by_field + "'");
    }
    return Status::InvalidArgument("group_by_field '" + req.group_by_field +
                                   "' is not a field of collection '" + schema.name + "'");
  }
  switch (f->type) {
    case DataType::kBool:
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
    case DataType::kVarChar:
      break;
    case DataType::kJson:
      return Status::NotSupported("grouping by the JSON field '" + f->name + "'");
    default:
      return Status::InvalidArgument(std::string("group_by_field '") + f->name + "' has type " +
                                     DataTypeName(f->type) +
                                     "; grouping takes BOOL, INT8, INT16, INT32, INT64 or VARCHAR");
  }
  if (req.group_size < 1 || req.group_size > kMaxGroupSize) {
    return Status::InvalidArgument("group_size " + std::to_string(req.group_size) +
                                   " must be in [1, " + std::to_string(kMaxGroupSize) + "]");
  }
  *out = f;
  return Status::OK();
}

// The group of hit `row` of `col`: NULL, an integer (BOOL and INT*) or a string.
std::string GroupKey(const FieldColumn& col, size_t row) {
  if (col.IsNull(row)) return std::string(1, 'n');
  if (col.type == DataType::kVarChar) return "s" + col.strings[row];
  return "i" + std::to_string(col.ints[row]);
}

struct Group {
  std::vector<size_t> rows;  // hit rows of the raw result, best first
};

// Groups query q's hits [begin, end) of `raw` in order of each group's best hit.
std::vector<Group> GroupHits(const FieldColumn& keys, size_t begin, size_t end, size_t group_size) {
  std::vector<Group> groups;
  std::unordered_map<std::string, size_t> where;
  for (size_t r = begin; r < end; ++r) {
    auto [it, fresh] = where.emplace(GroupKey(keys, r), groups.size());
    if (fresh) groups.emplace_back();
    Group& g = groups[it->second];
    if (g.rows.size() < group_size) g.rows.push_back(r);
  }
  return groups;
}

}  // namespace

Result<SearchResult> ExecuteGroupedSearch(const CollectionSchema& schema,
                                          const std::vector<IndexDef>& indexes,
                                          const SearchRequest& req, const ReadSet& rs,
                                          const FilterBits* filter, uint64_t ts, ThreadPool* pool) {
  const FieldSchema* gf = nullptr;
  ELANUS_RETURN_IF_ERROR(CheckGroupField(schema, req, &gf));
  const size_t group_size = static_cast<size_t>(req.group_size);
  const size_t want = static_cast<size_t>(req.offset + req.limit);  // groups per query

  SearchRequest sub = req;
  sub.offset = 0;
  sub.group_by_field.clear();
  const bool star =
      std::find(req.output_fields.begin(), req.output_fields.end(), "*") != req.output_fields.end();
  const bool asked = star || std::find(req.output_fields.begin(), req.output_fields.end(),
                                       gf->name) != req.output_fields.end();
  if (!asked) sub.output_fields.push_back(gf->name);
  int64_t user_ef = -1;
  if (auto it = req.search_params.find("ef"); it != req.search_params.end()) {
    user_ef = std::atoll(it->second.c_str());
  }

  // Candidates per query: enough for every wanted group to fill up if the groups were balanced,
  // growing 4x while a wanted group is short and more hits exist, up to the top-k bound.
  int64_t cand = std::min<int64_t>(kMaxTopK, std::max<int64_t>(64, 2 * want * group_size));
  SearchResult raw;
  const FieldColumn* keys = nullptr;
  for (;;) {
    sub.limit = cand;
    // The graph's candidate list must hold every candidate (HNSW requires ef >= k).
    if (user_ef >= 0 && user_ef < cand) sub.search_params["ef"] = std::to_string(cand);
    PreparedSearch prep;
    ELANUS_RETURN_IF_ERROR(PrepareSearch(schema, indexes, sub, &prep));
    ELANUS_ASSIGN_OR_RETURN(raw, ExecuteSearch(schema, sub, prep, rs, filter, ts, pool));
    keys = nullptr;
    for (const FieldColumn& c : raw.fields)
      if (c.name == gf->name) keys = &c;
    if (keys == nullptr) return Status::Internal("grouping search lost its group column");
    bool more = false;
    size_t begin = 0;
    for (size_t q = 0; q < raw.nq && !more; ++q) {
      size_t n = static_cast<size_t>(raw.topks[q]);
      bool exhausted = n < static_cast<size_t>(cand);
      if (!exhausted) {
        std::vector<Group> groups = GroupHits(*keys, begin, begin + n, group_size);
        bool complete = groups.size() >= want;
        for (size_t g = 0; complete && g < want; ++g)
          complete = groups[g].rows.size() == group_size;
        more = !complete;
      }
      begin += n;
    }
    if (!more || cand == kMaxTopK) break;
    cand = std::min<int64_t>(kMaxTopK, cand * 4);
  }

  SearchResult res;
  res.nq = raw.nq;
  res.snapshot_ts = raw.snapshot_ts;
  res.group_values.emplace(types::MakeOutputColumn(*gf));
  const size_t total = raw.scores.size();
  std::vector<size_t> out_cols;
  for (size_t c = 0; c < raw.fields.size(); ++c) {
    if (asked || raw.fields[c].name != gf->name) out_cols.push_back(c);
  }
  res.fields.resize(out_cols.size());
  for (size_t k = 0; k < out_cols.size(); ++k) {
    const FieldColumn& src = raw.fields[out_cols[k]];
    res.fields[k].name = src.name;
    res.fields[k].type = src.type;
    res.fields[k].dim = src.dim;
    res.fields[k].element_type = src.element_type;
  }
  size_t begin = 0;
  for (size_t q = 0; q < raw.nq; ++q) {
    size_t n = static_cast<size_t>(raw.topks[q]);
    std::vector<Group> groups = GroupHits(*keys, begin, begin + n, group_size);
    if (req.strict_group_size) {
      std::erase_if(groups, [&](const Group& g) { return g.rows.size() < group_size; });
    }
    size_t hits = 0;
    for (size_t g = static_cast<size_t>(req.offset); g < std::min(groups.size(), want); ++g) {
      for (size_t r : groups[g].rows) {
        res.scores.push_back(raw.scores[r]);
        if (raw.ids.strings.empty())
          res.ids.ints.push_back(raw.ids.ints[r]);
        else
          res.ids.strings.push_back(raw.ids.strings[r]);
        for (size_t k = 0; k < out_cols.size(); ++k)
          types::AppendColumnRow(raw.fields[out_cols[k]], total, r, &res.fields[k]);
        types::AppendColumnRow(*keys, total, r, &*res.group_values);
        ++hits;
      }
    }
    res.topks.push_back(static_cast<int64_t>(hits));
    begin += n;
  }
  // AppendColumnRow records validity for every row; keep it only where a row is NULL.
  for (FieldColumn& c : res.fields) types::ClearValidityIfAllValid(&c);
  types::ClearValidityIfAllValid(&*res.group_values);
  return res;
}

}  // namespace elanus::engine
