#include "index/index_format.h"

#include "common/crc32c.h"
#include "index/index_util.h"

namespace elanus::index {

void WriteIndexEnvelope(std::string_view type_name, const IndexSpec& spec, std::string_view body,
                        std::string* out) {
  const size_t start = out->size();
  ByteWriter w(out);
  w.Put<uint32_t>(kIndexMagic);
  w.Put<uint32_t>(kIndexFormatVersion);
  w.Put<uint16_t>(static_cast<uint16_t>(type_name.size()));
  w.PutBytes(type_name.data(), type_name.size());
  w.Put<int32_t>(static_cast<int32_t>(spec.data_type));
  w.Put<int64_t>(spec.dim);
  w.Put<int32_t>(static_cast<int32_t>(spec.metric));
  w.Put<uint64_t>(body.size());
  w.PutBytes(body.data(), body.size());
  w.Put<uint32_t>(Crc32c(out->data() + start, out->size() - start));
}

Result<IndexEnvelope> ReadIndexEnvelope(std::string_view data) {
  if (data.size() < 4) return Status::Corruption("index image too short for its checksum");
  uint32_t stored_crc;
  std::memcpy(&stored_crc, data.data() + data.size() - 4, 4);
  ByteReader r(data.substr(0, data.size() - 4));
  uint32_t magic = 0, version = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&magic, "magic"));
  if (magic != kIndexMagic) return Status::Corruption("index image has a bad magic number");
  ELANUS_RETURN_IF_ERROR(r.Get(&version, "format version"));
  if (version != kIndexFormatVersion) {
    return Status::Corruption("index image format version " + std::to_string(version) +
                              " is not supported (expected " + std::to_string(kIndexFormatVersion) +
                              ")");
  }
  uint16_t name_len = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&name_len, "type name length"));
  if (!r.CanRead(name_len, 1)) return Status::Corruption("index image truncated in type name");
  const size_t name_pos = data.size() - 4 - r.remaining();
  IndexEnvelope env;
  env.type_name = data.substr(name_pos, name_len);
  std::string skip(name_len, '\0');
  ELANUS_RETURN_IF_ERROR(r.GetBytes(skip.data(), name_len, "type name"));
  int32_t dtype = 0, metric = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&dtype, "data type"));
  ELANUS_RETURN_IF_ERROR(r.Get(&env.spec.dim, "dim"));
  ELANUS_RETURN_IF_ERROR(r.Get(&metric, "metric"));
  env.spec.data_type = static_cast<DataType>(dtype);
  env.spec.metric = static_cast<MetricType>(metric);
  uint64_t body_len = 0;
  ELANUS_RETURN_IF_ERROR(r.Get(&body_len, "body length"));
  if (body_len != r.remaining()) {
    return Status::Corruption("index image length mismatch: body says " + std::to_string(body_len) +
                              " bytes, " + std::to_string(r.remaining()) + " present");
  }
  if (Crc32c(data.data(), data.size() - 4) != stored_crc) {
    return Status::Corruption("index image checksum mismatch");
  }
  env.body = data.substr(data.size() - 4 - body_len, body_len);
  const bool spec_ok = env.spec.data_type == DataType::kSparseFloatVector
                           ? ValidateSparseSpec(env.spec, env.type_name).ok()
                           : env.spec.Validate().ok();
  if (!spec_ok) return Status::Corruption("index image has an invalid spec");
  return env;
}

Result<IndexEnvelope> ReadIndexEnvelopeOfType(std::string_view data, std::string_view type_name) {
  ELANUS_ASSIGN_OR_RETURN(IndexEnvelope env, ReadIndexEnvelope(data));
  if (env.type_name != type_name) {
    return Status::Corruption("index image holds type '" + std::string(env.type_name) +
                              "', expected '" + std::string(type_name) + "'");
  }
  return env;
}

}  // namespace elanus::index
