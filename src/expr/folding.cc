#include "expr/folding.h"

#include <cmath>
#include <limits>

namespace elanus::expr {

Result<Value> FoldArith(ArithOp op, const Value& a, const Value& b) {
  for (const Value* v : {&a, &b}) {
    if (!v->IsNumber()) {
      return Status::InvalidArgument(std::string("operator '") + ArithOpName(op) +
                                     "' needs numeric operands, got " + DescribeValue(*v));
    }
  }
  if ((op == ArithOp::kDiv || op == ArithOp::kMod) && b.AsDouble() == 0) {
    return Status::InvalidArgument(std::string(op == ArithOp::kDiv ? "division" : "modulo") +
                                   " by zero");
  }
  if (a.IsInt() && b.IsInt()) {
    int64_t x = a.AsInt(), y = b.AsInt(), r = 0;
    bool overflow = false;
    switch (op) {
      case ArithOp::kAdd:
        overflow = __builtin_add_overflow(x, y, &r);
        break;
      case ArithOp::kSub:
        overflow = __builtin_sub_overflow(x, y, &r);
        break;
      case ArithOp::kMul:
        overflow = __builtin_mul_overflow(x, y, &r);
        break;
      case ArithOp::kDiv:
        overflow = x == std::numeric_limits<int64_t>::min() && y == -1;
        if (!overflow) r = x / y;
        break;
      case ArithOp::kMod:
        r = y == -1 ? 0 : x % y;
        break;
    }
    if (overflow) {
      return Status::InvalidArgument("integer overflow in constant expression " +
                                     std::to_string(x) + " " + ArithOpName(op) + " " +
                                     std::to_string(y));
    }
    return Value(r);
  }
  if (op == ArithOp::kMod) {
    return Status::InvalidArgument("operator '%' needs integer operands, got " +
                                   DescribeValue(a.IsFloat() ? a : b));
  }
  double x = a.AsDouble(), y = b.AsDouble(), r = 0;
  switch (op) {
    case ArithOp::kAdd:
      r = x + y;
      break;
    case ArithOp::kSub:
      r = x - y;
      break;
    case ArithOp::kMul:
      r = x * y;
      break;
    case ArithOp::kDiv:
      r = x / y;
      break;
    case ArithOp::kMod:
      break;
  }
  if (!std::isfinite(r)) {
    return Status::InvalidArgument("floating-point overflow in constant expression " +
                                   FloatToString(x) + " " + ArithOpName(op) + " " +
                                   FloatToString(y));
  }
  return Value(r);
}

Result<Value> FoldNegate(const Value& a) {
  if (a.IsInt()) {
    if (a.AsInt() == std::numeric_limits<int64_t>::min()) {
      return Status::InvalidArgument("integer overflow negating " + std::to_string(a.AsInt()));
    }
    return Value(-a.AsInt());
  }
  if (a.IsFloat()) return Value(-a.AsFloat());
  return Status::InvalidArgument("unary '-' needs a numeric operand, got " + DescribeValue(a));
}

namespace {
template <typename T>
bool Apply(CompareOp op, const T& x, const T& y) {
  switch (op) {
    case CompareOp::kEq:
      return x == y;
    case CompareOp::kNe:
      return x != y;
    case CompareOp::kLt:
      return x < y;
    case CompareOp::kLe:
      return x <= y;
    case CompareOp::kGt:
      return x > y;
    case CompareOp::kGe:
      return x >= y;
  }
  return false;
}
}  // namespace

Result<bool> FoldCompare(CompareOp op, const Value& a, const Value& b) {
  if (a.IsInt() && b.IsInt()) return Apply(op, a.AsInt(), b.AsInt());
  if (a.IsNumber() && b.IsNumber()) return Apply(op, a.AsDouble(), b.AsDouble());
  if (a.IsString() && b.IsString()) return Apply(op, a.AsString(), b.AsString());
  if (a.IsBool() && b.IsBool()) {
    if (op != CompareOp::kEq && op != CompareOp::kNe) {
      return Status::InvalidArgument(std::string("booleans support only '==' and '!=', not '") +
                                     CompareOpName(op) + "'");
    }
    return Apply(op, a.AsBool(), b.AsBool());
  }
  return Status::InvalidArgument("cannot compare " + DescribeValue(a) + " with " +
                                 DescribeValue(b));
}

Result<LikePattern> AnalyzeLikePattern(std::string_view pattern) {
  // Split into literal runs separated by '%'; note any '_'.
  std::vector<std::string> parts(1);
  bool has_underscore = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 == pattern.size()) {
        return Status::InvalidArgument("LIKE pattern " + QuoteString(pattern) +
                                       " ends with an escape character '\\'");
      }
      parts.back().push_back(pattern[++i]);
    } else if (c == '%') {
      if (!parts.back().empty() || parts.size() == 1) parts.emplace_back();
    } else if (c == '_') {
      has_underscore = true;
      parts.back().push_back(c);
    } else {
      parts.back().push_back(c);
    }
  }
  // parts: [lead, mid..., tail]; lead/tail empty when the pattern starts/ends with '%'.
  LikePattern out;
  if (has_underscore) return out;  // kGeneral
  if (parts.size() == 1) {
    out.kind = LikeKind::kExact;
    out.operand = parts[0];
  } else if (parts.size() == 2) {
    if (parts[1].empty()) {
      out.kind = LikeKind::kPrefix;  // "abc%" and "%"
      out.operand = parts[0];
    } else if (parts[0].empty()) {
      out.kind = LikeKind::kSuffix;
      out.operand = parts[1];
    }
  } else if (parts.size() == 3 && parts[0].empty() && parts[2].empty()) {
    out.kind = LikeKind::kInfix;
    out.operand = parts[1];
  }
  return out;
}

}  // namespace elanus::expr
