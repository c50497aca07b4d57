// Operations that first read rows by primary key: partial upsert (merge the given fields into the
// stored rows) and search by primary keys (the stored vectors become the queries).
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "engine/engine_impl.h"
#include "engine/read_path.h"
#include "types/batch.h"

namespace elanus {
namespace {

std::string KeyText(const FieldColumn& pk, size_t row) {
  return pk.type == DataType::kVarChar ? pk.strings[row] : std::to_string(pk.ints[row]);
}

const FieldColumn* FindColumn(const std::vector<FieldColumn>& cols, const std::string& name) {
  for (const FieldColumn& c : cols)
    if (c.name == name) return &c;
  return nullptr;
}

// Stored rows by primary key text, read at the latest snapshot.
struct StoredRows {
  QueryResult rows;
  std::unordered_map<std::string, size_t> by_key;
};

Result<StoredRows> ReadByKeys(Engine::Impl* impl, const std::string& db, const std::string& coll,
                              const FieldSchema& pk, const PrimaryKeys& keys,
                              std::vector<std::string> outputs, uint64_t snapshot_ts) {
  QueryRequest q;
  q.snapshot_ts = snapshot_ts;
  q.db = db;
  q.collection = coll;
  q.ids = keys;
  q.output_fields = std::move(outputs);
  StoredRows out;
  ELANUS_ASSIGN_OR_RETURN(out.rows, impl->Query(q));
  const FieldColumn* pk_col = FindColumn(out.rows.fields, pk.name);
  if (pk_col == nullptr) return Status::Internal("query by key did not return the primary key");
  for (size_t r = 0; r < out.rows.num_rows; ++r) out.by_key[KeyText(*pk_col, r)] = r;
  return out;
}

// Dynamic keys: the stored object updated with the given one's keys.
std::string MergeDynamic(const std::string& stored, const std::string& given) {
  nlohmann::json a = nlohmann::json::parse(stored, nullptr, false);
  nlohmann::json b = nlohmann::json::parse(given, nullptr, false);
  if (!a.is_object() || !b.is_object()) return given;  // NormalizeColumns reports bad JSON
  for (auto it = b.begin(); it != b.end(); ++it) a[it.key()] = it.value();
  return a.dump();
}

}  // namespace

Result<MutationResult> Engine::Impl::PartialUpsert(const std::string& db,
                                                   const std::string& coll_name,
                                                   const std::string& partition,
                                                   const std::vector<FieldColumn>& data) {
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(db, coll_name));
  const CollectionSchema schema = coll->schema();
  const FieldSchema* pk = schema.PrimaryKey();
  const FieldColumn* pk_col = FindColumn(data, pk->name);
  if (pk_col == nullptr) {
    return Status::InvalidArgument("partial upsert needs the primary key '" + pk->name +
                                   "' of every row");
  }
  const bool str = pk->type == DataType::kVarChar;
  if (pk_col->type != pk->type || !pk_col->valid.empty()) {
    return Status::InvalidArgument("partial upsert: primary key '" + pk->name + "' must be " +
                                   DataTypeName(pk->type) + " without nulls");
  }
  const size_t rows = str ? pk_col->strings.size() : pk_col->ints.size();
  if (rows == 0) return Status::InvalidArgument("the batch has no rows");
  for (const FieldColumn& c : data) {
    const FieldSchema* f = schema.FindField(c.name);
    if (f == nullptr) {
      return Status::InvalidArgument("field '" + c.name + "' is not in the schema of collection '" +
                                     schema.name + "'");
    }
    if (c.NumRows() != rows) {
      return Status::InvalidArgument("field '" + c.name + "' has " + std::to_string(c.NumRows()) +
                                     " rows but the primary key has " + std::to_string(rows));
    }
  }
  PrimaryKeys keys;
  if (str)
    keys.strings = pk_col->strings;
  else
    keys.ints = pk_col->ints;
  ELANUS_ASSIGN_OR_RETURN(StoredRows stored, ReadByKeys(this, db, coll_name, *pk, keys, {"*"}, 0));

  std::vector<FieldColumn> merged;
  for (const FieldSchema& f : schema.fields) {
    const FieldColumn* given = FindColumn(data, f.name);
    const FieldColumn* old = FindColumn(stored.rows.fields, f.name);
    if (given != nullptr && !f.is_dynamic) {
      merged.push_back(*given);
      continue;
    }
    FieldColumn out = types::MakeOutputColumn(f);
    for (size_t r = 0; r < rows; ++r) {
      auto it = stored.by_key.find(KeyText(*pk_col, r));
      bool have_old = it != stored.by_key.end() && old != nullptr;
      if (f.is_dynamic && given != nullptr) {
        bool given_null = given->IsNull(r);
        std::string g = given_null ? "{}" : given->strings[r];
        out.strings.push_back(have_old ? MergeDynamic(old->strings[it->second], g) : g);
        out.valid.push_back(1);
      } else if (have_old) {
        types::AppendColumnRow(*old, stored.rows.num_rows, it->second, &out);
      } else if (IsVectorType(f.type)) {
        return Status::InvalidArgument(
            "partial upsert: row with primary key " + KeyText(*pk_col, r) +
            " does not exist, so it is inserted and needs vector field '" + f.name + "'");
      } else {
        // Marked NULL: NormalizeColumns applies the default value or NULL (an error if neither).
        types::AppendPlaceholder(f, &out);
        out.valid.push_back(0);
      }
    }
    types::ClearValidityIfAllValid(&out);
    merged.push_back(std::move(out));
  }
  return Write(db, coll_name, partition, merged, /*upsert=*/true);
}

Status Engine::Impl::FillQueriesFromIds(const CollectionSchema& schema, SearchRequest* req) {
  if (req->queries.NumRows() > 0 || !req->queries.sparse.empty()) {
    return Status::InvalidArgument("search takes either query vectors or primary keys, not both");
  }
  const PrimaryKeys& ids = *req->query_ids;
  if (ids.size() == 0 || ids.size() > kMaxNq) {
    return Status::InvalidArgument("search by primary keys: " + std::to_string(ids.size()) +
                                   " keys given, expected 1 to " + std::to_string(kMaxNq));
  }
  const FieldSchema* pk = schema.PrimaryKey();
  if (pk->type == DataType::kVarChar ? !ids.ints.empty() : !ids.strings.empty()) {
    return Status::InvalidArgument(std::string("primary key '") + pk->name + "' is " +
                                   DataTypeName(pk->type) + "; the given keys are of another type");
  }
  ELANUS_ASSIGN_OR_RETURN(const FieldSchema* field,
                          engine::ResolveAnnsField(schema, req->anns_field));
  ELANUS_ASSIGN_OR_RETURN(StoredRows stored, ReadByKeys(this, req->db, req->collection, *pk, ids,
                                                        {pk->name, field->name}, req->snapshot_ts));
  const FieldColumn* vecs = FindColumn(stored.rows.fields, field->name);
  if (vecs == nullptr) return Status::Internal("query by key did not return the vector field");
  FieldColumn q;
  q.type = field->type;
  q.dim = field->dim;
  for (size_t i = 0; i < ids.size(); ++i) {
    std::string key = pk->type == DataType::kVarChar ? ids.strings[i] : std::to_string(ids.ints[i]);
    auto it = stored.by_key.find(key);
    if (it == stored.by_key.end()) {
      return Status::InvalidArgument("search by primary keys: no row with primary key " + key);
    }
    if (vecs->IsNull(it->second)) {
      return Status::InvalidArgument("search by primary keys: the row with primary key " + key +
                                     " has no value in vector field '" + field->name + "'");
    }
    types::AppendColumnRow(*vecs, stored.rows.num_rows, it->second, &q);
  }
  q.valid.clear();
  req->queries = std::move(q);
  req->anns_field = field->name;
  req->query_ids.reset();
  return Status::OK();
}

}  // namespace elanus
