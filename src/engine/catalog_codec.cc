#include "engine/catalog_codec.h"

#include <nlohmann/json.hpp>

namespace elanus::engine {
namespace {

using Json = nlohmann::json;

Json ScalarToJson(const ScalarValue& v) {
  if (std::holds_alternative<bool>(v)) return std::get<bool>(v);
  if (std::holds_alternative<int64_t>(v)) return std::get<int64_t>(v);
  if (std::holds_alternative<double>(v)) return std::get<double>(v);
  if (std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
  return nullptr;
}

ScalarValue ScalarFromJson(const Json& j) {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  return std::monostate{};
}

Json SchemaToJson(const CollectionSchema& s) {
  Json fields = Json::array();
  for (const FieldSchema& f : s.fields) {
    Json jf = {{"id", f.field_id},
               {"name", f.name},
               {"type", static_cast<int>(f.type)},
               {"description", f.description},
               {"pk", f.is_primary_key},
               {"auto_id", f.auto_id},
               {"partition_key", f.is_partition_key},
               {"nullable", f.nullable},
               {"dynamic", f.is_dynamic},
               {"dim", f.dim},
               {"max_length", f.max_length},
               {"element_type", static_cast<int>(f.element_type)},
               {"max_capacity", f.max_capacity}};
    if (f.default_value) jf["default"] = Json{{"v", ScalarToJson(*f.default_value)}};
    fields.push_back(std::move(jf));
  }
  return {{"name", s.name},
          {"description", s.description},
          {"dynamic", s.enable_dynamic_field},
          {"num_partitions", s.num_partitions},
          {"fields", fields}};
}

CollectionSchema SchemaFromJson(const Json& j) {
  CollectionSchema s;
  s.name = j.at("name").get<std::string>();
  s.description = j.at("description").get<std::string>();
  s.enable_dynamic_field = j.at("dynamic").get<bool>();
  s.num_partitions = j.at("num_partitions").get<int64_t>();
  for (const Json& jf : j.at("fields")) {
    FieldSchema f;
    f.field_id = jf.at("id").get<int64_t>();
    f.name = jf.at("name").get<std::string>();
    f.type = static_cast<DataType>(jf.at("type").get<int>());
    f.description = jf.at("description").get<std::string>();
    f.is_primary_key = jf.at("pk").get<bool>();
    f.auto_id = jf.at("auto_id").get<bool>();
    f.is_partition_key = jf.at("partition_key").get<bool>();
    f.nullable = jf.at("nullable").get<bool>();
    f.is_dynamic = jf.at("dynamic").get<bool>();
    f.dim = jf.at("dim").get<int64_t>();
    f.max_length = jf.at("max_length").get<int64_t>();
    f.element_type = static_cast<DataType>(jf.at("element_type").get<int>());
    f.max_capacity = jf.at("max_capacity").get<int64_t>();
    if (jf.contains("default")) f.default_value = ScalarFromJson(jf.at("default").at("v"));
    s.fields.push_back(std::move(f));
  }
  return s;
}

Json IndexesToJson(const std::vector<IndexDef>& defs) {
  Json out = Json::array();
  for (const IndexDef& d : defs) {
    out.push_back({{"field_id", d.field_id},
                   {"name", d.name},
                   {"type", d.type},
                   {"resolved_type", d.resolved_type},
                   {"metric", static_cast<int>(d.metric)},
                   {"params", d.params}});
  }
  return out;
}

}  // namespace

std::string EncodeSchemaJson(const CollectionSchema& s) { return SchemaToJson(s).dump(); }

Result<CollectionSchema> DecodeSchemaJson(std::string_view text) {
  try {
    return SchemaFromJson(Json::parse(text));
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("schema record: ") + e.what());
  }
}

std::string EncodeCollectionMeta(const CollectionMeta& m) {
  Json parts = Json::array();
  for (const PartitionInfo& p : m.partitions) {
    parts.push_back({{"id", p.id}, {"name", p.name}, {"created_ts", p.created_ts}});
  }
  Json segs = Json::array();
  for (const SegmentMeta& s : m.segments) {
    Json idx = Json::object();
    for (const auto& [field, blob] : s.index_blobs) idx[std::to_string(field)] = blob;
    segs.push_back({{"id", s.id},
                    {"partition", s.partition_id},
                    {"rows", s.rows},
                    {"blob", s.blob},
                    {"indexes", idx}});
  }
  Json j = {{"id", m.id},
            {"db", m.db},
            {"created_ts", m.created_ts},
            {"schema", SchemaToJson(m.schema)},
            {"partitions", parts},
            {"checkpoint_lsn", m.checkpoint_lsn},
            {"segments", segs},
            {"deltas", m.deltas},
            {"indexes", IndexesToJson(m.indexes)}};
  return j.dump();
}

Result<CollectionMeta> DecodeCollectionMeta(std::string_view text) {
  try {
    Json j = Json::parse(text);
    CollectionMeta m;
    m.id = j.at("id").get<int64_t>();
    m.db = j.at("db").get<std::string>();
    m.created_ts = j.at("created_ts").get<uint64_t>();
    m.schema = SchemaFromJson(j.at("schema"));
    for (const Json& p : j.at("partitions")) {
      m.partitions.push_back({p.at("name").get<std::string>(), p.at("id").get<int64_t>(),
                              p.at("created_ts").get<uint64_t>()});
    }
    m.checkpoint_lsn = j.at("checkpoint_lsn").get<uint64_t>();
    for (const Json& s : j.at("segments")) {
      SegmentMeta sm{s.at("id").get<int64_t>(),
                     s.at("partition").get<int64_t>(),
                     s.at("rows").get<uint64_t>(),
                     s.at("blob").get<std::string>(),
                     {}};
      if (s.contains("indexes")) {
        for (const auto& [field, blob] : s.at("indexes").items()) {
          sm.index_blobs[std::stoll(field)] = blob.get<std::string>();
        }
      }
      m.segments.push_back(std::move(sm));
    }
    if (j.contains("indexes")) {
      for (const Json& ji : j.at("indexes")) {
        IndexDef d;
        d.field_id = ji.at("field_id").get<int64_t>();
        d.name = ji.at("name").get<std::string>();
        d.type = ji.at("type").get<std::string>();
        d.resolved_type = ji.at("resolved_type").get<std::string>();
        d.metric = static_cast<MetricType>(ji.at("metric").get<int>());
        d.params = ji.at("params").get<std::map<std::string, std::string>>();
        m.indexes.push_back(std::move(d));
      }
    }
    m.deltas = j.at("deltas").get<std::vector<std::string>>();
    return m;
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("collection record: ") + e.what());
  }
}

std::string DbKey(const std::string& name) { return "db/" + name; }

std::string CollectionKey(int64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "coll/%020lld", static_cast<long long>(id));
  return buf;
}

}  // namespace elanus::engine
