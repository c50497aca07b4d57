#include "server/grpc_convert.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace elanus::server {
namespace {

bool IsSupportedType(int32_t t) {
  switch (static_cast<DataType>(t)) {
    case DataType::kBool:
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
    case DataType::kFloat:
    case DataType::kDouble:
    case DataType::kVarChar:
    case DataType::kArray:
    case DataType::kJson:
    case DataType::kBinaryVector:
    case DataType::kFloatVector:
    case DataType::kFloat16Vector:
    case DataType::kBFloat16Vector:
    case DataType::kSparseFloatVector:
    case DataType::kInt8Vector:
      return true;
    default:
      return false;
  }
}

std::string TypeName(int32_t t) {
  return pb_schema::DataType_IsValid(t) ? pb_schema::DataType_Name(t) : std::to_string(t);
}

std::optional<ScalarValue> ValueFromProto(const pb_schema::ValueField& v) {
  switch (v.data_case()) {
    case pb_schema::ValueField::kBoolData:
      return ScalarValue(v.bool_data());
    case pb_schema::ValueField::kIntData:
      return ScalarValue(int64_t{v.int_data()});
    case pb_schema::ValueField::kLongData:
      return ScalarValue(int64_t{v.long_data()});
    case pb_schema::ValueField::kFloatData:
      return ScalarValue(double{v.float_data()});
    case pb_schema::ValueField::kDoubleData:
      return ScalarValue(v.double_data());
    case pb_schema::ValueField::kStringData:
      return ScalarValue(v.string_data());
    default:
      return std::nullopt;
  }
}

void ValueToProto(const ScalarValue& v, DataType type, pb_schema::ValueField* out) {
  if (const bool* b = std::get_if<bool>(&v)) {
    out->set_bool_data(*b);
  } else if (const int64_t* i = std::get_if<int64_t>(&v)) {
    if (type == DataType::kInt64)
      out->set_long_data(*i);
    else
      out->set_int_data(static_cast<int32_t>(*i));
  } else if (const double* d = std::get_if<double>(&v)) {
    if (type == DataType::kFloat)
      out->set_float_data(static_cast<float>(*d));
    else
      out->set_double_data(*d);
  } else if (const std::string* s = std::get_if<std::string>(&v)) {
    out->set_string_data(*s);
  }
}

void AddKv(google::protobuf::RepeatedPtrField<pb_common::KeyValuePair>* kvs, const char* k,
           int64_t v) {
  auto* kv = kvs->Add();
  kv->set_key(k);
  kv->set_value(std::to_string(v));
}

// Widens a compact nullable column (values for valid rows only) to one slot per row.
template <typename T>
void Expand(std::vector<T>& v, size_t stride, const std::vector<uint8_t>& valid) {
  std::vector<T> out(valid.size() * stride);
  size_t src = 0;
  for (size_t r = 0; r < valid.size(); ++r) {
    if (!valid[r]) continue;
    for (size_t k = 0; k < stride; ++k) out[r * stride + k] = std::move(v[src * stride + k]);
    ++src;
  }
  v = std::move(out);
}

void ArrayFromProto(const pb_schema::ScalarField& s, DataType elem, ArrayValue* out) {
  switch (elem) {
    case DataType::kBool:
      out->ints.assign(s.bool_data().data().begin(), s.bool_data().data().end());
      break;
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
      out->ints.assign(s.int_data().data().begin(), s.int_data().data().end());
      break;
    case DataType::kInt64:
      out->ints.assign(s.long_data().data().begin(), s.long_data().data().end());
      break;
    case DataType::kFloat:
      out->floats.assign(s.float_data().data().begin(), s.float_data().data().end());
      break;
    case DataType::kDouble:
      out->doubles.assign(s.double_data().data().begin(), s.double_data().data().end());
      break;
    case DataType::kVarChar:
      out->strings.assign(s.string_data().data().begin(), s.string_data().data().end());
      break;
    default:
      break;
  }
}

void ArrayToProto(const ArrayValue& a, DataType elem, pb_schema::ScalarField* out) {
  switch (elem) {  // each branch sets its oneof member, also for an empty array
    case DataType::kBool: {
      auto* d = out->mutable_bool_data();
      for (int64_t v : a.ints) d->add_data(v != 0);
      break;
    }
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32: {
      auto* d = out->mutable_int_data();
      for (int64_t v : a.ints) d->add_data(static_cast<int32_t>(v));
      break;
    }
    case DataType::kInt64:
      out->mutable_long_data()->mutable_data()->Add(a.ints.begin(), a.ints.end());
      break;
    case DataType::kFloat:
      out->mutable_float_data()->mutable_data()->Add(a.floats.begin(), a.floats.end());
      break;
    case DataType::kDouble:
      out->mutable_double_data()->mutable_data()->Add(a.doubles.begin(), a.doubles.end());
      break;
    case DataType::kVarChar: {
      auto* d = out->mutable_string_data();
      for (const std::string& s : a.strings) d->add_data(s);
      break;
    }
    default:
      break;
  }
}

Result<SparseVector> SparseFromBytes(const std::string& row, const std::string& what) {
  if (row.size() % 8 != 0) {
    return Status::InvalidArgument(what + ": a sparse row has " + std::to_string(row.size()) +
                                   " bytes, expected a multiple of 8 (uint32 index, float value)");
  }
  SparseVector v;
  for (size_t i = 0; i < row.size(); i += 8) {
    uint32_t idx;
    float val;
    std::memcpy(&idx, row.data() + i, 4);
    std::memcpy(&val, row.data() + i + 4, 4);
    v.indices.push_back(idx);
    v.values.push_back(val);
  }
  return v;
}

std::string SparseToBytes(const SparseVector& v) {
  std::string row(v.indices.size() * 8, '\0');
  for (size_t i = 0; i < v.indices.size(); ++i) {
    std::memcpy(row.data() + i * 8, &v.indices[i], 4);
    std::memcpy(row.data() + i * 8 + 4, &v.values[i], 4);
  }
  return row;
}

}  // namespace

std::optional<std::string> FindKv(const KvList& kvs, const std::string& key) {
  for (const auto& kv : kvs)
    if (kv.key() == key) return kv.value();
  return std::nullopt;
}

Result<int64_t> ParseInt(const std::string& key, const std::string& value) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || p != value.data() + value.size()) {
    return Status::InvalidArgument("parameter '" + key + "' = '" + value + "' is not an integer");
  }
  return v;
}

Result<CollectionSchema> SchemaFromProto(const pb_schema::CollectionSchema& in) {
  if (in.functions_size() > 0)
    return Status::NotSupported("collection functions (BM25, embeddings) are not supported yet");
  if (in.struct_array_fields_size() > 0)
    return Status::NotSupported("array-of-struct fields are not supported yet");
  CollectionSchema s;
  s.name = in.name();
  s.description = in.description();
  s.enable_dynamic_field = in.enable_dynamic_field();
  for (const pb_schema::FieldSchema& pf : in.fields()) {
    if (pf.is_dynamic()) {
      return Status::InvalidArgument("field '" + pf.name() +
                                     "': is_dynamic fields cannot be declared; set "
                                     "enable_dynamic_field on the collection instead");
    }
    if (!IsSupportedType(pf.data_type())) {
      return Status::InvalidArgument("field '" + pf.name() + "': data type " +
                                     TypeName(pf.data_type()) + " is not supported");
    }
    FieldSchema f;
    f.name = pf.name();
    f.type = static_cast<DataType>(pf.data_type());
    f.description = pf.description();
    f.is_primary_key = pf.is_primary_key();
    f.auto_id = pf.autoid();  // the collection-level autoID is deprecated; SDKs set both
    f.is_partition_key = pf.is_partition_key();
    f.nullable = pf.nullable();
    if (pf.element_type() != 0) {
      if (!IsSupportedType(pf.element_type())) {
        return Status::InvalidArgument("field '" + pf.name() + "': element type " +
                                       TypeName(pf.element_type()) + " is not supported");
      }
      f.element_type = static_cast<DataType>(pf.element_type());
    }
    for (const auto& kv : pf.type_params()) {
      int64_t* target = kv.key() == "dim"            ? &f.dim
                        : kv.key() == "max_length"   ? &f.max_length
                        : kv.key() == "max_capacity" ? &f.max_capacity
                                                     : nullptr;
      if (target == nullptr) continue;  // mmap.enabled, analyzer params, ...: accepted, unused
      auto v = ParseInt(kv.key(), kv.value());
      if (!v.ok()) return v.status().WithContext("field '" + pf.name() + "'");
      *target = *v;
    }
    if (pf.has_default_value()) f.default_value = ValueFromProto(pf.default_value());
    s.fields.push_back(std::move(f));
  }
  return s;
}

void SchemaToProto(const CollectionSchema& in, pb_schema::CollectionSchema* out) {
  out->set_name(in.name);
  out->set_description(in.description);
  out->set_enable_dynamic_field(in.enable_dynamic_field);
  for (const FieldSchema& f : in.fields) {
    if (f.is_dynamic) continue;
    pb_schema::FieldSchema* pf = out->add_fields();
    pf->set_fieldid(f.field_id);
    pf->set_name(f.name);
    pf->set_is_primary_key(f.is_primary_key);
    pf->set_description(f.description);
    pf->set_data_type(static_cast<pb_schema::DataType>(f.type));
    if (IsVectorType(f.type) && f.type != DataType::kSparseFloatVector)
      AddKv(pf->mutable_type_params(), "dim", f.dim);
    if (f.type == DataType::kVarChar ||
        (f.type == DataType::kArray && f.element_type == DataType::kVarChar))
      AddKv(pf->mutable_type_params(), "max_length", f.max_length);
    if (f.type == DataType::kArray)
      AddKv(pf->mutable_type_params(), "max_capacity", f.max_capacity);
    pf->set_autoid(f.auto_id);
    pf->set_element_type(static_cast<pb_schema::DataType>(f.element_type));
    if (f.default_value && !std::holds_alternative<std::monostate>(*f.default_value))
      ValueToProto(*f.default_value, f.type, pf->mutable_default_value());
    pf->set_is_partition_key(f.is_partition_key);
    pf->set_nullable(f.nullable);
  }
}

Result<FieldColumn> ColumnFromProto(const pb_schema::FieldData& in, const FieldSchema* field) {
  FieldColumn c;
  c.name = in.field_name();
  if (!IsSupportedType(in.type())) {
    return Status::InvalidArgument("field '" + c.name + "': data type " + TypeName(in.type()) +
                                   " is not supported");
  }
  c.type = static_cast<DataType>(in.type());
  c.valid.assign(in.valid_data().begin(), in.valid_data().end());
  const pb_schema::ScalarField& s = in.scalars();
  const pb_schema::VectorField& v = in.vectors();
  c.dim = v.dim() != 0 ? v.dim() : (field != nullptr ? field->dim : 0);
  size_t stride = 1;
  auto need_dim = [&]() -> Status {
    if (c.dim <= 0)
      return Status::InvalidArgument("field '" + c.name + "': vector data without a dim");
    return Status::OK();
  };
  switch (c.type) {
    case DataType::kBool:
      c.ints.assign(s.bool_data().data().begin(), s.bool_data().data().end());
      break;
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
      c.ints.assign(s.int_data().data().begin(), s.int_data().data().end());
      break;
    case DataType::kInt64:
      c.ints.assign(s.long_data().data().begin(), s.long_data().data().end());
      break;
    case DataType::kFloat:
      c.floats.assign(s.float_data().data().begin(), s.float_data().data().end());
      break;
    case DataType::kDouble:
      c.doubles.assign(s.double_data().data().begin(), s.double_data().data().end());
      break;
    case DataType::kVarChar:
      c.strings.assign(s.string_data().data().begin(), s.string_data().data().end());
      break;
    case DataType::kJson:
      c.strings.assign(s.json_data().data().begin(), s.json_data().data().end());
      break;
    case DataType::kArray: {
      c.element_type = static_cast<DataType>(s.array_data().element_type());
      if (c.element_type == DataType::kNone && field != nullptr)
        c.element_type = field->element_type;
      for (const pb_schema::ScalarField& row : s.array_data().data())
        ArrayFromProto(row, c.element_type, &c.arrays.emplace_back());
      break;
    }
    case DataType::kFloatVector:
      ELANUS_RETURN_IF_ERROR(need_dim());
      c.floats.assign(v.float_vector().data().begin(), v.float_vector().data().end());
      stride = static_cast<size_t>(c.dim);
      break;
    case DataType::kBinaryVector:
    case DataType::kFloat16Vector:
    case DataType::kBFloat16Vector:
    case DataType::kInt8Vector: {
      ELANUS_RETURN_IF_ERROR(need_dim());
      const std::string& b = c.type == DataType::kBinaryVector     ? v.binary_vector()
                             : c.type == DataType::kFloat16Vector  ? v.float16_vector()
                             : c.type == DataType::kBFloat16Vector ? v.bfloat16_vector()
                                                                   : v.int8_vector();
      c.bytes.assign(b.begin(), b.end());
      stride = FixedWidth(c.type, c.dim);
      break;
    }
    case DataType::kSparseFloatVector:
      c.dim = 0;
      for (const std::string& row : v.sparse_float_vector().contents()) {
        ELANUS_ASSIGN_OR_RETURN(SparseVector sv, SparseFromBytes(row, "field '" + c.name + "'"));
        c.sparse.push_back(std::move(sv));
      }
      break;
    default:
      break;
  }
  if (!c.valid.empty()) {
    size_t valid_rows = 0;
    for (uint8_t b : c.valid) valid_rows += b ? 1 : 0;
    size_t n = c.NumRows();
    if (n == valid_rows && n != c.valid.size()) {
      if (IsIntegerType(c.type) || c.type == DataType::kBool) Expand(c.ints, 1, c.valid);
      if (c.type == DataType::kFloat) Expand(c.floats, 1, c.valid);
      if (c.type == DataType::kFloatVector) Expand(c.floats, stride, c.valid);
      if (c.type == DataType::kDouble) Expand(c.doubles, 1, c.valid);
      if (c.type == DataType::kVarChar || c.type == DataType::kJson) Expand(c.strings, 1, c.valid);
      if (FixedWidth(c.type, c.dim) > 0 && IsVectorType(c.type) && c.type != DataType::kFloatVector)
        Expand(c.bytes, stride, c.valid);
      if (c.type == DataType::kSparseFloatVector) Expand(c.sparse, 1, c.valid);
      if (c.type == DataType::kArray) Expand(c.arrays, 1, c.valid);
    }
  }
  return c;
}

void ColumnToProto(const FieldColumn& in, const FieldSchema* field, pb_schema::FieldData* out) {
  out->set_type(static_cast<pb_schema::DataType>(in.type));
  out->set_field_name(in.name);
  if (field != nullptr) {
    out->set_field_id(field->field_id);
    out->set_is_dynamic(field->is_dynamic);
  }
  for (uint8_t b : in.valid) out->add_valid_data(b != 0);
  pb_schema::ScalarField* s = nullptr;
  pb_schema::VectorField* v = nullptr;
  if (IsVectorType(in.type)) {
    v = out->mutable_vectors();
    v->set_dim(in.dim);
  } else {
    s = out->mutable_scalars();
  }
  switch (in.type) {
    // Every branch touches its oneof member even for zero rows: pymilvus rejects an unset one.
    case DataType::kBool: {
      auto* d = s->mutable_bool_data();
      for (int64_t x : in.ints) d->add_data(x != 0);
      break;
    }
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32: {
      auto* d = s->mutable_int_data();
      for (int64_t x : in.ints) d->add_data(static_cast<int32_t>(x));
      break;
    }
    case DataType::kInt64:
      s->mutable_long_data()->mutable_data()->Add(in.ints.begin(), in.ints.end());
      break;
    case DataType::kFloat:
      s->mutable_float_data()->mutable_data()->Add(in.floats.begin(), in.floats.end());
      break;
    case DataType::kDouble:
      s->mutable_double_data()->mutable_data()->Add(in.doubles.begin(), in.doubles.end());
      break;
    case DataType::kVarChar: {
      auto* d = s->mutable_string_data();
      for (const std::string& x : in.strings) d->add_data(x);
      break;
    }
    case DataType::kJson: {
      auto* d = s->mutable_json_data();
      for (const std::string& x : in.strings) d->add_data(x);
      break;
    }
    case DataType::kArray: {
      auto* arr = s->mutable_array_data();
      arr->set_element_type(static_cast<pb_schema::DataType>(in.element_type));
      for (const ArrayValue& a : in.arrays) ArrayToProto(a, in.element_type, arr->add_data());
      break;
    }
    case DataType::kFloatVector:
      v->mutable_float_vector()->mutable_data()->Add(in.floats.begin(), in.floats.end());
      break;
    case DataType::kBinaryVector:
      v->set_binary_vector(std::string(in.bytes.begin(), in.bytes.end()));
      break;
    case DataType::kFloat16Vector:
      v->set_float16_vector(std::string(in.bytes.begin(), in.bytes.end()));
      break;
    case DataType::kBFloat16Vector:
      v->set_bfloat16_vector(std::string(in.bytes.begin(), in.bytes.end()));
      break;
    case DataType::kInt8Vector:
      v->set_int8_vector(std::string(in.bytes.begin(), in.bytes.end()));
      break;
    case DataType::kSparseFloatVector: {
      auto* sp = v->mutable_sparse_float_vector();
      int64_t dim = 0;
      for (const SparseVector& x : in.sparse) {
        sp->add_contents(SparseToBytes(x));
        if (!x.indices.empty()) dim = std::max<int64_t>(dim, int64_t{x.indices.back()} + 1);
      }
      sp->set_dim(dim);
      v->set_dim(dim);
      break;
    }
    default:
      break;
  }
}

void IdsToProto(const PrimaryKeys& ids, DataType pk_type, pb_schema::IDs* out) {
  if (pk_type == DataType::kVarChar || !ids.strings.empty()) {
    auto* d = out->mutable_str_id();
    for (const std::string& s : ids.strings) d->add_data(s);
  } else {
    out->mutable_int_id()->mutable_data()->Add(ids.ints.begin(), ids.ints.end());
  }
}

Result<FieldColumn> QueriesFromPlaceholder(const std::string& bytes, const FieldSchema& field) {
  ::milvus::proto::common::PlaceholderGroup group;
  if (!group.ParseFromString(bytes))
    return Status::InvalidArgument("placeholder_group: not a serialized PlaceholderGroup");
  if (group.placeholders_size() != 1) {
    return Status::InvalidArgument("placeholder_group: expected 1 placeholder, got " +
                                   std::to_string(group.placeholders_size()));
  }
  const auto& ph = group.placeholders(0);
  FieldColumn q;
  q.name = field.name;
  q.type = field.type;
  q.dim = field.dim;
  if (static_cast<int32_t>(ph.type()) != static_cast<int32_t>(field.type)) {
    std::string got = pb_common::PlaceholderType_Name(ph.type());
    return Status::InvalidArgument("search data of type " + (got.empty() ? "?" : got) +
                                   " does not match the type " + DataTypeName(field.type) +
                                   " of anns field '" + field.name + "'");
  }
  for (const std::string& row : ph.values()) {
    if (field.type == DataType::kSparseFloatVector) {
      ELANUS_ASSIGN_OR_RETURN(SparseVector sv, SparseFromBytes(row, "search data"));
      q.sparse.push_back(std::move(sv));
      continue;
    }
    size_t width = FixedWidth(field.type, field.dim);
    if (row.size() != width) {
      size_t per =
          field.type == DataType::kFloatVector                                                ? 4
          : field.type == DataType::kFloat16Vector || field.type == DataType::kBFloat16Vector ? 2
                                                                                              : 1;
      int64_t got_dim = field.type == DataType::kBinaryVector ? int64_t(row.size() * 8)
                                                              : int64_t(row.size() / per);
      return Status::InvalidArgument("the dimension of the search vector (" +
                                     std::to_string(got_dim) + ") does not match the dim " +
                                     std::to_string(field.dim) + " of anns field '" + field.name +
                                     "'");
    }
    if (field.type == DataType::kFloatVector) {
      size_t off = q.floats.size();
      q.floats.resize(off + field.dim);
      std::memcpy(q.floats.data() + off, row.data(), row.size());
    } else {
      q.bytes.insert(q.bytes.end(), row.begin(), row.end());
    }
  }
  return q;
}

}  // namespace elanus::server
