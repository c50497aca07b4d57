// Leaves evaluated row by row: VARCHAR columns, ARRAY fields and elements, JSON paths.
#include <cstring>
#include <string>

#include "expr/eval_kernels.h"
#include "expr/eval_node.h"
#include "expr/json_scan.h"

namespace elanus::expr::internal {
namespace {

// Sets t/known from f(i) -> Tri for each row; NULL rows (validity) are unknown.
template <typename F>
void FillTri(size_t n, const types::ColumnView& col, TriBits* out, F&& f) {
  size_t nw = NumWords(n);
  out->t.assign(nw, 0);
  out->known.assign(nw, 0);
  for (size_t w = 0; w < nw; ++w) {
    uint64_t t = 0, k = 0;
    size_t end = std::min(n, w * 64 + 64);
    for (size_t i = w * 64; i < end; ++i) {
      if (col.IsNull(i)) continue;
      Tri r = f(i);
      uint64_t bit = uint64_t{1} << (i & 63);
      if (r == Tri::kTrue) t |= bit;
      if (r != Tri::kUnknown) k |= bit;
    }
    out->t[w] = t;
    out->known[w] = k;
  }
}

// Reads the ARRAY encoding of value_codec.h. Malformed bytes read as an empty array / missing.
class ArrayReader {
 public:
  ArrayReader(std::string_view data, DataType et) : data_(data), et_(et) {
    if (data_.size() >= 4) std::memcpy(&count_, data_.data(), 4);
    width_ = et == DataType::kVarChar ? 0 : FixedWidth(et, 0);
    if (width_ != 0 && (data_.size() - 4) / width_ < count_) count_ = 0;
  }
  uint32_t count() const { return count_; }

  // Calls f(RowScalar) per element until f returns false.
  template <typename F>
  void ForEach(F&& f) const {
    size_t off = 4;
    for (uint32_t i = 0; i < count_; ++i) {
      RowScalar v;
      if (!Read(&off, &v) || !f(v)) return;
    }
  }
  RowScalar At(int64_t index) const {
    RowScalar v;
    if (index < 0 || index >= count_) return v;
    size_t off = 4;
    if (width_ != 0) {
      off += static_cast<size_t>(index) * width_;
      Read(&off, &v);
      return v;
    }
    for (int64_t i = 0; i <= index; ++i) {
      if (!Read(&off, &v)) return RowScalar{};
    }
    return v;
  }

 private:
  template <typename T>
  T LoadAt(size_t off) const {
    T x;
    std::memcpy(&x, data_.data() + off, sizeof(T));
    return x;
  }
  bool Read(size_t* off, RowScalar* v) const {
    size_t o = *off;
    switch (et_) {
      case DataType::kBool:
        v->kind = RowScalar::kBool;
        v->b = data_[o] != 0;
        break;
      case DataType::kInt8:
        v->kind = RowScalar::kInt;
        v->i = LoadAt<int8_t>(o);
        break;
      case DataType::kInt16:
        v->kind = RowScalar::kInt;
        v->i = LoadAt<int16_t>(o);
        break;
      case DataType::kInt32:
        v->kind = RowScalar::kInt;
        v->i = LoadAt<int32_t>(o);
        break;
      case DataType::kInt64:
        v->kind = RowScalar::kInt;
        v->i = LoadAt<int64_t>(o);
        break;
      case DataType::kFloat:
        v->kind = RowScalar::kDouble;
        v->d = LoadAt<float>(o);
        break;
      case DataType::kDouble:
        v->kind = RowScalar::kDouble;
        v->d = LoadAt<double>(o);
        break;
      case DataType::kVarChar: {
        if (o + 4 > data_.size()) return false;
        uint32_t len = LoadAt<uint32_t>(o);
        if (len > data_.size() - o - 4) return false;
        v->kind = RowScalar::kString;
        v->s = data_.substr(o + 4, len);
        *off = o + 4 + len;
        return true;
      }
      default:
        return false;
    }
    *off = o + width_;
    return true;
  }

  std::string_view data_;
  DataType et_;
  uint32_t count_ = 0;
  size_t width_ = 0;
};

RowScalar FromJson(const JsonRef& j) {
  RowScalar v;
  switch (j.kind) {
    case JsonKind::kBool:
      v.kind = RowScalar::kBool;
      v.b = j.b;
      break;
    case JsonKind::kInt:
      v.kind = RowScalar::kInt;
      v.i = j.i;
      break;
    case JsonKind::kDouble:
      v.kind = RowScalar::kDouble;
      v.d = j.d;
      break;
    case JsonKind::kString:
      v.kind = RowScalar::kString;
      v.s = j.str;
      break;
    default:
      break;
  }
  return v;
}

// Scalar equality of an element with a contains operand (numbers exact across int/double;
// FLOAT elements compare in float precision).
bool ScalarEquals(const RowScalar& e, const Value& v, bool float32) {
  switch (e.kind) {
    case RowScalar::kBool:
      return v.IsBool() && v.AsBool() == e.b;
    case RowScalar::kString:
      return v.IsString() && v.AsString() == e.s;
    case RowScalar::kInt:
      if (v.IsInt()) return v.AsInt() == e.i;
      return v.IsFloat() && CompareIntDouble(e.i, v.AsFloat()) == 0;
    case RowScalar::kDouble:
      if (!v.IsNumber()) return false;
      if (float32) return static_cast<double>(RoundToFloat(v.AsDouble())) == e.d;
      if (v.IsInt()) return CompareIntDouble(v.AsInt(), e.d) == 0;
      return v.AsFloat() == e.d;
    case RowScalar::kNone:
      return false;
  }
  return false;
}

// Deep equality of a JSON value with a contains operand (lists match arrays element-wise;
// objects and JSON null never match).
bool JsonEquals(const JsonRef& j, const Value& v) {
  if (j.kind == JsonKind::kArray) {
    if (!v.IsList()) return false;
    const Value::List& list = v.AsList();
    size_t k = 0;
    bool eq = true;
    std::string scratch;
    int64_t n = JsonForEachElement(j, &scratch, [&](const JsonRef& e) {
      eq = k < list.size() && JsonEquals(e, list[k]);
      ++k;
      return eq;
    });
    return eq && n >= 0 && static_cast<size_t>(n) == list.size();
  }
  if (v.IsList()) return false;
  return ScalarEquals(FromJson(j), v, false);
}

// Any / all / contains over a sequence of elements. `for_each(f)` calls f(elem) until false;
// `eq(elem, value)` compares one element with one operand.
template <typename ForEach, typename Eq>
bool Contains(ContainsKind kind, const std::vector<Value>& values, ForEach&& for_each, Eq&& eq) {
  if (kind != ContainsKind::kAll) {
    bool hit = false;
    for_each([&](const auto& e) {
      for (const Value& v : values) {
        if (eq(e, v)) {
          hit = true;
          break;
        }
      }
      return !hit;
    });
    return hit;
  }
  std::vector<bool> seen(values.size(), false);
  size_t remaining = values.size();
  for_each([&](const auto& e) {
    for (size_t k = 0; k < values.size(); ++k) {
      if (!seen[k] && eq(e, values[k])) {
        seen[k] = true;
        --remaining;
      }
    }
    return remaining != 0;
  });
  return remaining == 0;
}

Tri FromBool(bool b) { return b ? Tri::kTrue : Tri::kFalse; }

}  // namespace

Status EvalRowLeaf(const EvalNode& node, const types::ColumnView& col,
                   const types::ColumnView* col2, size_t n, TriBits* out) {
  const PlanNode& p = *node.plan;
  const FieldRef& f = *node.field;
  const std::string_view* var = col.var;
  std::string scratch;

  if (const auto* cf = std::get_if<CompareFieldsExpr>(&p.node)) {  // VARCHAR vs VARCHAR
    if (f.type != DataType::kVarChar || col2 == nullptr || col2->var == nullptr) {
      return Status::Internal("cannot compare '" + f.name + "' with '" + cf->right.name + "'");
    }
    const std::string_view* rv = col2->var;
    CompareOp op = cf->op;
    FillTri(n, col, out, [&](size_t i) {
      if (col2->IsNull(i)) return Tri::kUnknown;
      int c = var[i].compare(rv[i]);
      return FromBool(ApplyCompare(op, c < 0 ? -1 : (c > 0 ? 1 : 0)));
    });
    return Status::OK();
  }

  if (node.pred != nullptr) {  // Compare / Range / In / Like / Arith on a per-row value
    const ScalarPredicate& pred = *node.pred;
    if (f.type == DataType::kVarChar) {
      FillTri(n, col, out, [&](size_t i) {
        RowScalar v;
        v.kind = RowScalar::kString;
        v.s = var[i];
        return pred.Eval(v);
      });
    } else if (f.IsArrayElement()) {
      int64_t index = std::get<int64_t>(f.path[0]);
      FillTri(n, col, out, [&](size_t i) {
        RowScalar v = ArrayReader(var[i], f.element_type).At(index);
        return v.kind == RowScalar::kNone ? Tri::kUnknown : pred.Eval(v);
      });
    } else if (f.IsJson()) {
      FillTri(n, col, out, [&](size_t i) {
        RowScalar v = FromJson(JsonFind(var[i], f.path, &scratch));
        return v.kind == RowScalar::kNone ? Tri::kUnknown : pred.Eval(v);
      });
    } else {
      return Status::Internal("unexpected field '" + f.name + "' for " + p.ToString());
    }
    return Status::OK();
  }

  if (std::holds_alternative<ExistsExpr>(p.node)) {
    FillTri(n, col, out, [&](size_t i) {
      return FromBool(JsonFind(var[i], f.path, &scratch).kind != JsonKind::kMissing);
    });
    return Status::OK();
  }

  if (const auto* al = std::get_if<ArrayLengthExpr>(&p.node)) {
    FillTri(n, col, out, [&](size_t i) {
      int64_t len = -1;
      if (f.IsJson()) {
        JsonRef j = JsonFind(var[i], f.path, &scratch);
        if (j.kind == JsonKind::kArray) len = JsonArrayLength(j);
      } else {
        len = ArrayReader(var[i], f.element_type).count();
      }
      if (len < 0) return Tri::kUnknown;
      return FromBool(ApplyCompare(al->op, CompareInts(len, al->value)));
    });
    return Status::OK();
  }

  if (const auto* c = std::get_if<ContainsExpr>(&p.node)) {
    if (f.IsJson()) {
      std::string elem_scratch;
      FillTri(n, col, out, [&](size_t i) {
        JsonRef j = JsonFind(var[i], f.path, &scratch);
        if (j.kind != JsonKind::kArray) return Tri::kUnknown;
        bool malformed = false;
        bool hit = Contains(
            c->kind, c->values,
            [&](auto&& fn) {
              if (JsonForEachElement(j, &elem_scratch, fn) < 0) malformed = true;
            },
            [](const JsonRef& e, const Value& v) { return JsonEquals(e, v); });
        return malformed ? Tri::kUnknown : FromBool(hit);
      });
    } else {
      bool float32 = f.element_type == DataType::kFloat;
      FillTri(n, col, out, [&](size_t i) {
        ArrayReader a(var[i], f.element_type);
        return FromBool(Contains(
            c->kind, c->values, [&](auto&& fn) { a.ForEach(fn); },
            [float32](const RowScalar& e, const Value& v) { return ScalarEquals(e, v, float32); }));
      });
    }
    return Status::OK();
  }
  return Status::Internal("filter node '" + p.ToString() + "' cannot be evaluated on field '" +
                          f.name + "'");
}

}  // namespace elanus::expr::internal
