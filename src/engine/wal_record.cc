#include "engine/wal_record.h"

#include <cstring>

namespace elanus::engine {
namespace {

template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}
template <typename T>
bool Get(std::string_view* in, T* v) {
  if (in->size() < sizeof(T)) return false;
  std::memcpy(v, in->data(), sizeof(T));
  in->remove_prefix(sizeof(T));
  return true;
}
Status Bad(const char* what) {
  return Status::Corruption(std::string("malformed log record: ") + what);
}

}  // namespace

void EncodeWalHeader(const WalHeader& h, std::string* out) {
  Put(out, static_cast<uint8_t>(h.type));
  Put(out, h.collection_id);
  Put(out, h.ts);
}

void EncodeKeys(const PrimaryKeys& keys, std::string* out) {
  bool strings = !keys.strings.empty();
  Put<uint8_t>(out, strings ? 1 : 0);
  Put<uint64_t>(out, keys.size());
  if (strings) {
    for (const std::string& s : keys.strings) {
      Put<uint32_t>(out, static_cast<uint32_t>(s.size()));
      out->append(s);
    }
  } else {
    for (int64_t v : keys.ints) Put(out, v);
  }
}

void EncodeInsert(const std::vector<int64_t>& row_partitions, const types::NormalizedBatch& batch,
                  std::string* out) {
  bool uniform = true;
  for (int64_t p : row_partitions) uniform &= p == row_partitions.front();
  if (uniform) {
    Put(out, row_partitions.front());
  } else {
    Put<int64_t>(out, -1);
    Put<uint32_t>(out, static_cast<uint32_t>(row_partitions.size()));
    for (int64_t p : row_partitions) Put(out, p);
  }
  types::EncodeBatch(batch, out);
}

Result<WalHeader> DecodeWalHeader(std::string_view* in) {
  WalHeader h;
  uint8_t type;
  if (!Get(in, &type) || !Get(in, &h.collection_id) || !Get(in, &h.ts)) return Bad("header");
  if (type < 1 || type > 3) return Bad("unknown record type");
  h.type = static_cast<WalType>(type);
  return h;
}

Result<PrimaryKeys> DecodeKeys(std::string_view* in) {
  PrimaryKeys k;
  uint8_t kind;
  uint64_t n;
  if (!Get(in, &kind) || !Get(in, &n) || kind > 1) return Bad("keys");
  if (n > in->size()) return Bad("key count");
  for (uint64_t i = 0; i < n; ++i) {
    if (kind == 0) {
      int64_t v;
      if (!Get(in, &v)) return Bad("int key");
      k.ints.push_back(v);
    } else {
      uint32_t len;
      if (!Get(in, &len) || in->size() < len) return Bad("string key");
      k.strings.emplace_back(in->substr(0, len));
      in->remove_prefix(len);
    }
  }
  return k;
}

Result<InsertPayload> DecodeInsert(const CollectionSchema& schema, std::string_view* in) {
  InsertPayload p;
  int64_t part;
  if (!Get(in, &part)) return Bad("partition");
  std::vector<int64_t> parts;
  if (part == -1) {
    uint32_t n;
    if (!Get(in, &n) || in->size() < size_t{n} * 8) return Bad("row partitions");
    parts.resize(n);
    for (uint32_t i = 0; i < n; ++i) (void)Get(in, &parts[i]);
  }
  ELANUS_ASSIGN_OR_RETURN(p.batch, types::DecodeBatch(schema, in));
  if (part == -1) {
    if (parts.size() != p.batch.num_rows) return Bad("row partition count");
    p.row_partitions = std::move(parts);
  } else {
    p.row_partitions.assign(p.batch.num_rows, part);
  }
  return p;
}

}  // namespace elanus::engine
