#include "expr/scalar_predicate.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

namespace elanus::expr::internal {

int CompareIntDouble(int64_t a, double b) {
  if (std::isnan(b)) return 2;
  if (b >= 9223372036854775808.0) return -1;  // 2^63: above every int64
  if (b < -9223372036854775808.0) return 1;
  double tb = std::trunc(b);
  auto ib = static_cast<int64_t>(tb);
  if (a != ib) return a < ib ? -1 : 1;
  double frac = b - tb;
  return frac > 0 ? -1 : (frac < 0 ? 1 : 0);
}

bool ApplyCompare(CompareOp op, int c) {
  switch (op) {
    case CompareOp::kEq:
      return c == 0;
    case CompareOp::kNe:
      return c != 0;
    case CompareOp::kLt:
      return c == -1;
    case CompareOp::kLe:
      return c == -1 || c == 0;
    case CompareOp::kGt:
      return c == 1;
    case CompareOp::kGe:
      return c == 1 || c == 0;
  }
  return false;
}

float RoundToFloat(double d) {
  // Halfway between FLT_MAX and 2^128: values from here on round to infinity.
  constexpr double kOverflow = 0x1.ffffffp127;
  if (d >= kOverflow) return std::numeric_limits<float>::infinity();
  if (d <= -kOverflow) return -std::numeric_limits<float>::infinity();
  if (d > FLT_MAX) return FLT_MAX;
  if (d < -FLT_MAX) return -FLT_MAX;
  return static_cast<float>(d);
}

namespace {

const FieldRef& LeafField(const PlanNode& n) {
  return std::visit(
      [](const auto& e) -> const FieldRef& {
        if constexpr (requires { e.field; }) {
          return e.field;
        } else {
          static const FieldRef kNone;
          return kNone;
        }
      },
      n.node);
}

template <typename T>
bool Apply(CompareOp op, const T& a, const T& b) {
  return ApplyCompare(op, a < b ? -1 : (b < a ? 1 : 0));
}

}  // namespace

ScalarPredicate::Num ScalarPredicate::MakeNum(const ScalarValue& v) const {
  Num n;
  if (const auto* i = std::get_if<int64_t>(&v)) {
    n.i = *i;
    n.d = static_cast<double>(*i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    n.is_int = false;
    n.d = *d;
  }
  if (float32_) {
    n.is_int = false;
    n.d = RoundToFloat(n.d);
  }
  return n;
}

std::unique_ptr<ScalarPredicate> ScalarPredicate::Create(const PlanNode& leaf) {
  auto p = std::unique_ptr<ScalarPredicate>(new ScalarPredicate());
  p->float32_ = LeafField(leaf).ValueType() == DataType::kFloat;
  if (const auto* c = std::get_if<CompareExpr>(&leaf.node)) {
    p->kind_ = Kind::kCompare;
    p->op_ = c->op;
    p->value_ = c->value;
    p->num_ = p->MakeNum(c->value);
  } else if (const auto* r = std::get_if<RangeExpr>(&leaf.node)) {
    p->kind_ = Kind::kRange;
    p->value_ = r->lower;
    p->num_ = p->MakeNum(r->lower);
    p->upper_ = r->upper;
    p->upper_num_ = p->MakeNum(r->upper);
    p->lower_inclusive_ = r->lower_inclusive;
    p->upper_inclusive_ = r->upper_inclusive;
  } else if (const auto* in = std::get_if<InExpr>(&leaf.node)) {
    p->kind_ = Kind::kIn;
    p->negated_ = in->negated;
    p->in_string_storage_.reserve(in->values.size());  // views below point into it
    for (const ScalarValue& v : in->values) {
      if (const auto* b = std::get_if<bool>(&v)) {
        p->in_has_bools_ = true;
        (*b ? p->in_has_true_ : p->in_has_false_) = true;
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        p->in_has_strings_ = true;
        p->in_string_storage_.push_back(*s);
        p->in_strings_.insert(p->in_string_storage_.back());
      } else if (std::holds_alternative<int64_t>(v) || std::holds_alternative<double>(v)) {
        p->in_has_numbers_ = true;
        Num n = p->MakeNum(v);
        if (n.is_int) {
          p->in_ints_.push_back(n.i);
        } else if (!std::isnan(n.d)) {
          p->in_doubles_.push_back(n.d);
        }
      }
    }
    std::sort(p->in_ints_.begin(), p->in_ints_.end());
    std::sort(p->in_doubles_.begin(), p->in_doubles_.end());
  } else if (const auto* l = std::get_if<LikeExpr>(&leaf.node)) {
    p->kind_ = Kind::kLike;
    p->like_kind_ = l->kind;
    p->like_operand_ = l->operand;
    if (l->kind == LikeKind::kGeneral) p->like_ = std::make_unique<LikeMatcher>(l->pattern);
  } else if (const auto* a = std::get_if<ArithCompareExpr>(&leaf.node)) {
    p->kind_ = Kind::kArith;
    p->arith_ = a->arith;
    p->operand_ = p->MakeNum(a->operand);
    p->op_ = a->op;
    p->value_ = a->value;
    p->num_ = p->MakeNum(a->value);
  } else {
    return nullptr;
  }
  return p;
}

int ScalarPredicate::CompareNum(const RowScalar& v, const Num& n) const {
  if (v.kind == RowScalar::kInt) {
    return n.is_int ? CompareInts(v.i, n.i) : CompareIntDouble(v.i, n.d);
  }
  if (v.kind == RowScalar::kDouble) {
    if (!n.is_int) return CompareDoubles(v.d, n.d);
    int c = CompareIntDouble(n.i, v.d);
    return c == 2 ? 2 : -c;
  }
  return 3;
}

Tri ScalarPredicate::EvalCompare(const RowScalar& v, CompareOp op, const ScalarValue& raw,
                                 const Num& n) const {
  if (const auto* s = std::get_if<std::string>(&raw)) {
    if (v.kind != RowScalar::kString) return Tri::kUnknown;
    return static_cast<Tri>(Apply(op, v.s, std::string_view(*s)));
  }
  if (const auto* b = std::get_if<bool>(&raw)) {
    if (v.kind != RowScalar::kBool) return Tri::kUnknown;
    return static_cast<Tri>(op == CompareOp::kEq ? v.b == *b : v.b != *b);
  }
  int c = CompareNum(v, n);
  if (c == 3) return Tri::kUnknown;
  return static_cast<Tri>(ApplyCompare(op, c));
}

Tri ScalarPredicate::EvalIn(const RowScalar& v) const {
  bool found = false;
  switch (v.kind) {
    case RowScalar::kNone:
      return Tri::kUnknown;
    case RowScalar::kBool:
      if (!in_has_bools_) return Tri::kUnknown;
      found = v.b ? in_has_true_ : in_has_false_;
      break;
    case RowScalar::kString:
      if (!in_has_strings_) return Tri::kUnknown;
      found = in_strings_.count(v.s) != 0;
      break;
    case RowScalar::kInt: {
      if (!in_has_numbers_) return Tri::kUnknown;
      found = std::binary_search(in_ints_.begin(), in_ints_.end(), v.i);
      if (!found && !in_doubles_.empty()) {
        auto dv = static_cast<double>(v.i);
        found = CompareIntDouble(v.i, dv) == 0 &&
                std::binary_search(in_doubles_.begin(), in_doubles_.end(), dv);
      }
      break;
    }
    case RowScalar::kDouble: {
      if (!in_has_numbers_) return Tri::kUnknown;
      found = std::binary_search(in_doubles_.begin(), in_doubles_.end(), v.d);
      if (!found && !in_ints_.empty() && std::trunc(v.d) == v.d &&
          std::fabs(v.d) < 9223372036854775808.0) {
        found = std::binary_search(in_ints_.begin(), in_ints_.end(), static_cast<int64_t>(v.d));
      }
      break;
    }
  }
  return static_cast<Tri>(found != negated_);
}

Tri ScalarPredicate::EvalArith(const RowScalar& v) const {
  if (v.kind == RowScalar::kInt && operand_.is_int) {
    // Exact: int64 op int64 always fits in 128 bits; / truncates, % takes the dividend's sign.
    __int128 x = v.i, k = operand_.i, r = 0;
    switch (arith_) {
      case ArithOp::kAdd:
        r = x + k;
        break;
      case ArithOp::kSub:
        r = x - k;
        break;
      case ArithOp::kMul:
        r = x * k;
        break;
      case ArithOp::kDiv:
        r = x / k;
        break;
      case ArithOp::kMod:
        r = x % k;
        break;
    }
    constexpr __int128 kMin = std::numeric_limits<int64_t>::min();
    constexpr __int128 kMax = std::numeric_limits<int64_t>::max();
    if (num_.is_int) {
      int c = r < num_.i ? -1 : (r > num_.i ? 1 : 0);
      return static_cast<Tri>(ApplyCompare(op_, c));
    }
    int c = (r >= kMin && r <= kMax) ? CompareIntDouble(static_cast<int64_t>(r), num_.d)
                                     : CompareDoubles(static_cast<double>(r), num_.d);
    return static_cast<Tri>(ApplyCompare(op_, c));
  }
  if (v.kind != RowScalar::kInt && v.kind != RowScalar::kDouble) return Tri::kUnknown;
  if (arith_ == ArithOp::kMod) return Tri::kUnknown;  // % is integer-only
  double x = v.kind == RowScalar::kInt ? static_cast<double>(v.i) : v.d;
  double k = operand_.d, r = 0;
  if (float32_) {
    float xf = static_cast<float>(x), kf = static_cast<float>(k), rf = 0;
    switch (arith_) {
      case ArithOp::kAdd:
        rf = xf + kf;
        break;
      case ArithOp::kSub:
        rf = xf - kf;
        break;
      case ArithOp::kMul:
        rf = xf * kf;
        break;
      default:
        rf = xf / kf;
        break;
    }
    r = rf;
  } else {
    switch (arith_) {
      case ArithOp::kAdd:
        r = x + k;
        break;
      case ArithOp::kSub:
        r = x - k;
        break;
      case ArithOp::kMul:
        r = x * k;
        break;
      default:
        r = x / k;
        break;
    }
  }
  RowScalar rv;
  rv.kind = RowScalar::kDouble;
  rv.d = r;
  return static_cast<Tri>(ApplyCompare(op_, CompareNum(rv, num_)));
}

Tri ScalarPredicate::Eval(const RowScalar& v) const {
  switch (kind_) {
    case Kind::kCompare:
      return EvalCompare(v, op_, value_, num_);
    case Kind::kRange: {
      Tri lo = EvalCompare(v, lower_inclusive_ ? CompareOp::kGe : CompareOp::kGt, value_, num_);
      if (lo != Tri::kTrue) return lo;
      return EvalCompare(v, upper_inclusive_ ? CompareOp::kLe : CompareOp::kLt, upper_, upper_num_);
    }
    case Kind::kIn:
      return EvalIn(v);
    case Kind::kLike: {
      if (v.kind != RowScalar::kString) return Tri::kUnknown;
      switch (like_kind_) {
        case LikeKind::kExact:
          return static_cast<Tri>(v.s == like_operand_);
        case LikeKind::kPrefix:
          return static_cast<Tri>(v.s.starts_with(like_operand_));
        case LikeKind::kSuffix:
          return static_cast<Tri>(v.s.ends_with(like_operand_));
        case LikeKind::kInfix:
          return static_cast<Tri>(v.s.find(like_operand_) != std::string_view::npos);
        case LikeKind::kGeneral:
          return static_cast<Tri>(like_->Match(v.s));
      }
      return Tri::kUnknown;
    }
    case Kind::kArith:
      return EvalArith(v);
  }
  return Tri::kUnknown;
}

}  // namespace elanus::expr::internal
