// ScalarIndex::Answer: plan leaves answered from the sorted key dictionary. Every predicate is
// evaluated on dictionary keys with the evaluator's own ScalarPredicate, so the semantics (exact
// int/double comparison, FLOAT rounding, LIKE) are the evaluator's by construction; the sorted
// order only decides which keys need to be looked at.
#include <algorithm>
#include <cmath>
#include <limits>

#include "expr/scalar_index.h"
#include "expr/scalar_predicate.h"

namespace elanus::expr {
namespace {

using internal::RowScalar;
using internal::ScalarPredicate;
using internal::Tri;

const FieldRef* LeafFieldOf(const PlanNode& n) {
  return std::visit(
      [](const auto& e) -> const FieldRef* {
        if constexpr (requires { e.field; }) {
          return &e.field;
        } else {
          return nullptr;
        }
      },
      n.node);
}

size_t Words(size_t rows) { return (rows + 63) / 64; }

std::unique_ptr<ScalarPredicate> MakeCompare(const FieldRef& f, CompareOp op,
                                             const ScalarValue& v) {
  PlanNode n;
  n.node = CompareExpr{f, op, v};
  return ScalarPredicate::Create(n);
}

}  // namespace

bool ScalarIndex::Matches(const FieldRef& f) const {
  if (f.field_id != spec_.field_id || f.type != spec_.field_type) return false;
  if (f.type == DataType::kArray && f.element_type != spec_.element_type) return false;
  if (f.type == DataType::kJson) return f.path == spec_.json_path;
  return f.path.empty();  // not an ARRAY element
}

template <typename Pred>
size_t ScalarIndex::PartitionPoint(size_t from, Pred&& pred) const {
  size_t lo = from, hi = num_keys();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (pred(mid)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

void ScalarIndex::OrPostings(size_t key_begin, size_t key_end, uint64_t* words) const {
  for (uint64_t i = offsets_[key_begin]; i < offsets_[key_end]; ++i) {
    uint32_t r = row_ids_[i];
    words[r / 64] |= uint64_t{1} << (r % 64);
  }
}

std::optional<IndexAnswer> ScalarIndex::Answer(const PlanNode& leaf, size_t max_postings) const {
  const FieldRef* f = LeafFieldOf(leaf);
  if (f == nullptr || !Matches(*f) || lossy_) return std::nullopt;
  if (const auto* n = std::get_if<IsNullExpr>(&leaf.node)) {
    if (spec_.field_type == DataType::kJson) return std::nullopt;  // column-level NULL only
    IndexAnswer a;
    a.t = present_;  // non-JSON: present == not NULL
    if (!n->negated) {
      for (uint64_t& w : a.t) w = ~w;
      if (rows_ % 64 != 0) a.t.back() &= (uint64_t{1} << (rows_ % 64)) - 1;
    }
    return a;
  }
  if (const auto* c = std::get_if<ContainsExpr>(&leaf.node)) return AnswerContains(*c);
  if (std::holds_alternative<CompareExpr>(leaf.node) ||
      std::holds_alternative<RangeExpr>(leaf.node) || std::holds_alternative<InExpr>(leaf.node) ||
      std::holds_alternative<LikeExpr>(leaf.node) ||
      std::holds_alternative<ArithCompareExpr>(leaf.node)) {
    return AnswerSingle(leaf, max_postings);
  }
  return std::nullopt;
}

std::optional<IndexAnswer> ScalarIndex::AnswerSingle(const PlanNode& leaf,
                                                     size_t max_postings) const {
  if (multi_valued()) return std::nullopt;
  const bool json = spec_.field_type == DataType::kJson;
  auto kind_ok = [&](const ScalarValue& v) {
    switch (key_kind_) {
      case KeyKind::kBool:
        return std::holds_alternative<bool>(v);
      case KeyKind::kString:
        return std::holds_alternative<std::string>(v);
      default:
        return std::holds_alternative<int64_t>(v) || std::holds_alternative<double>(v);
    }
  };
  const FieldRef& field = *LeafFieldOf(leaf);
  auto key_at = [&](size_t k) {
    RowScalar s;
    switch (key_kind_) {
      case KeyKind::kBool:
        s.kind = RowScalar::kBool;
        s.b = int_keys_[k] != 0;
        break;
      case KeyKind::kInt:
        s.kind = RowScalar::kInt;
        s.i = int_keys_[k];
        break;
      case KeyKind::kDouble:
        s.kind = RowScalar::kDouble;
        s.d = double_keys_[k];
        break;
      case KeyKind::kString:
        s.kind = RowScalar::kString;
        s.s = string_keys_[k];
        break;
    }
    return s;
  };
  const size_t n = num_keys();
  IndexAnswer a;
  a.t.assign(Words(rows_), 0);
  a.known = present_;
  // Keys [b, e) whose rows are true; all other present rows false (NaN rows too), unless
  // `complement`: then the present rows outside [b, e) are true.
  struct Interval {
    size_t b, e;
  };
  std::vector<Interval> hits;
  bool complement = false;
  auto pred = ScalarPredicate::Create(leaf);
  if (pred == nullptr) return std::nullopt;
  auto is_true = [&](const ScalarPredicate& p) {
    return [&](size_t k) { return p.Eval(key_at(k)) == Tri::kTrue; };
  };
  // Keys equal to v: from the first key not below v, while the predicate `eq` holds.
  auto equal_range = [&](const ScalarValue& v, const ScalarPredicate& eq) {
    auto below = MakeCompare(field, CompareOp::kLt, v);
    size_t b = PartitionPoint(0, is_true(*below));
    return Interval{b, PartitionPoint(b, is_true(eq))};
  };
  const bool ordered = key_kind_ != KeyKind::kBool;
  if (const auto* c = std::get_if<CompareExpr>(&leaf.node); c != nullptr && ordered) {
    if (!kind_ok(c->value)) return std::nullopt;
    switch (c->op) {
      case CompareOp::kLt:
      case CompareOp::kLe:
        hits.push_back({0, PartitionPoint(0, is_true(*pred))});
        break;
      case CompareOp::kGt:
      case CompareOp::kGe:
        hits.push_back(
            {PartitionPoint(0, [&](size_t k) { return pred->Eval(key_at(k)) != Tri::kTrue; }), n});
        break;
      case CompareOp::kEq:
        hits.push_back(equal_range(c->value, *pred));
        break;
      case CompareOp::kNe: {
        auto eq = MakeCompare(field, CompareOp::kEq, c->value);
        hits.push_back(equal_range(c->value, *eq));
        complement = true;
        break;
      }
    }
  } else if (const auto* r = std::get_if<RangeExpr>(&leaf.node); r != nullptr && ordered) {
    if (!kind_ok(r->lower) || !kind_ok(r->upper)) return std::nullopt;
    auto below = MakeCompare(field, r->lower_inclusive ? CompareOp::kLt : CompareOp::kLe, r->lower);
    size_t b = PartitionPoint(0, is_true(*below));
    hits.push_back({b, PartitionPoint(b, is_true(*pred))});
  } else if (const auto* in = std::get_if<InExpr>(&leaf.node); in != nullptr && ordered) {
    for (const ScalarValue& v : in->values) {
      if (!kind_ok(v)) return std::nullopt;
    }
    for (const ScalarValue& v : in->values) {
      auto eq = MakeCompare(field, CompareOp::kEq, v);
      hits.push_back(equal_range(v, *eq));
    }
    complement = in->negated;
  } else if (const auto* l = std::get_if<LikeExpr>(&leaf.node);
             l != nullptr && ordered &&
             (l->kind == LikeKind::kPrefix || l->kind == LikeKind::kExact)) {
    if (key_kind_ != KeyKind::kString) return std::nullopt;
    // Keys with a prefix p (or equal to p) are contiguous and start at the first key >= p.
    auto below = MakeCompare(field, CompareOp::kLt, ScalarValue(l->operand));
    size_t b = PartitionPoint(0, is_true(*below));
    hits.push_back({b, PartitionPoint(b, is_true(*pred))});
  } else {
    // Any other form: evaluate the predicate once per distinct key. Worth it only when keys are
    // few; JSON arithmetic depends on int vs double (lost in the dictionary): not answered.
    if (json && std::holds_alternative<ArithCompareExpr>(leaf.node)) return std::nullopt;
    if (const auto* c = std::get_if<CompareExpr>(&leaf.node); c && !kind_ok(c->value)) {
      return std::nullopt;
    }
    if (const auto* in = std::get_if<InExpr>(&leaf.node)) {
      for (const ScalarValue& v : in->values) {
        if (!kind_ok(v)) return std::nullopt;
      }
    }
    if (const auto* r = std::get_if<RangeExpr>(&leaf.node);
        r && (!kind_ok(r->lower) || !kind_ok(r->upper))) {
      return std::nullopt;
    }
    if (std::holds_alternative<LikeExpr>(leaf.node) && key_kind_ != KeyKind::kString) {
      return std::nullopt;
    }
    if (std::holds_alternative<ArithCompareExpr>(leaf.node) && key_kind_ != KeyKind::kInt) {
      return std::nullopt;  // float arithmetic: the column kernels' rounding is theirs
    }
    if (n > 64 && n > rows_ / 8) return std::nullopt;
    std::vector<size_t> true_keys;
    size_t touched = 0;
    for (size_t k = 0; k < n; ++k) {
      Tri r = pred->Eval(key_at(k));
      if (r == Tri::kTrue) {
        true_keys.push_back(k);
        touched += offsets_[k + 1] - offsets_[k];
      } else if (r == Tri::kUnknown) {
        return std::nullopt;  // cannot happen for matching kinds; stay exact regardless
      }
    }
    bool nan_true = false;
    if (!nan_rows_.empty()) {
      RowScalar nan;
      nan.kind = RowScalar::kDouble;
      nan.d = std::numeric_limits<double>::quiet_NaN();
      Tri r = pred->Eval(nan);
      if (r == Tri::kUnknown) return std::nullopt;
      nan_true = r == Tri::kTrue;
      if (nan_true) touched += nan_rows_.size();
    }
    if (touched > max_postings) return std::nullopt;
    for (size_t k : true_keys) OrPostings(k, k + 1, a.t.data());
    if (nan_true) {
      for (uint32_t row : nan_rows_) a.t[row / 64] |= uint64_t{1} << (row % 64);
    }
    return a;
  }
  size_t touched = 0;
  for (const Interval& iv : hits) {
    if (iv.b < iv.e) touched += offsets_[iv.e] - offsets_[iv.b];
  }
  if (touched > max_postings) return std::nullopt;
  for (const Interval& iv : hits) {
    if (iv.b < iv.e) OrPostings(iv.b, iv.e, a.t.data());
  }
  if (complement) {
    for (size_t w = 0; w < a.t.size(); ++w) a.t[w] = present_[w] & ~a.t[w];
  }
  return a;
}

std::optional<size_t> ScalarIndex::FindKey(const Value& v) const {
  switch (key_kind_) {
    case KeyKind::kBool: {
      if (!v.IsBool()) return std::nullopt;
      auto it = std::lower_bound(int_keys_.begin(), int_keys_.end(), v.AsBool() ? 1 : 0);
      if (it == int_keys_.end() || *it != (v.AsBool() ? 1 : 0)) return num_keys();
      return static_cast<size_t>(it - int_keys_.begin());
    }
    case KeyKind::kInt: {
      if (!v.IsInt()) return std::nullopt;
      auto it = std::lower_bound(int_keys_.begin(), int_keys_.end(), v.AsInt());
      if (it == int_keys_.end() || *it != v.AsInt()) return num_keys();
      return static_cast<size_t>(it - int_keys_.begin());
    }
    case KeyKind::kDouble: {
      double d;
      if (v.IsInt()) {
        d = static_cast<double>(v.AsInt());
        if (std::fabs(d) > 9007199254740992.0) return std::nullopt;
      } else if (v.IsFloat()) {
        d = v.AsFloat();
        if (std::isnan(d)) return std::nullopt;
      } else {
        return std::nullopt;
      }
      auto it = std::lower_bound(double_keys_.begin(), double_keys_.end(), d);
      if (it == double_keys_.end() || *it != d) return num_keys();
      return static_cast<size_t>(it - double_keys_.begin());
    }
    case KeyKind::kString: {
      if (!v.IsString()) return std::nullopt;
      auto it = std::lower_bound(string_keys_.begin(), string_keys_.end(), v.AsString());
      if (it == string_keys_.end() || *it != v.AsString()) return num_keys();
      return static_cast<size_t>(it - string_keys_.begin());
    }
  }
  return std::nullopt;
}

std::optional<IndexAnswer> ScalarIndex::AnswerContains(const ContainsExpr& c) const {
  if (!multi_valued() || c.values.empty()) return std::nullopt;
  if (spec_.field_type == DataType::kArray &&
      (spec_.element_type == DataType::kFloat || spec_.element_type == DataType::kDouble)) {
    return std::nullopt;  // element equality in float precision: left to the evaluator
  }
  std::vector<size_t> keys;  // num_keys() = absent
  for (const Value& v : c.values) {
    auto k = FindKey(v);
    if (!k) return std::nullopt;
    keys.push_back(*k);
  }
  const size_t nw = Words(rows_);
  IndexAnswer a;
  a.known = present_;
  a.t.assign(nw, 0);
  if (c.kind != ContainsKind::kAll) {
    for (size_t k : keys) {
      if (k < num_keys()) OrPostings(k, k + 1, a.t.data());
    }
    return a;
  }
  std::vector<uint64_t> one(nw);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] >= num_keys()) {
      std::fill(a.t.begin(), a.t.end(), 0);
      return a;
    }
    std::fill(one.begin(), one.end(), 0);
    OrPostings(keys[i], keys[i] + 1, one.data());
    for (size_t w = 0; w < nw; ++w) a.t[w] = i == 0 ? one[w] : a.t[w] & one[w];
  }
  return a;
}

}  // namespace elanus::expr
