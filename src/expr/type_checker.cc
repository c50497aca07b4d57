#include "expr/type_checker.h"

#include <set>

#include "expr/folding.h"
#include "expr/type_rules.h"

namespace elanus::expr {
namespace {

struct Operand {
  enum class Kind { kPredicate, kConstant, kField, kArith, kArrayLength };
  Kind kind = Kind::kConstant;
  Position pos;
  PlanNodePtr pred;               // kPredicate
  Value value;                    // kConstant
  FieldRef field;                 // kField, kArith, kArrayLength
  ArithOp arith = ArithOp::kAdd;  // kArith: field arith arith_operand
  ScalarValue arith_operand;
};
using K = Operand::Kind;

bool IsOrdering(CompareOp op) { return op != CompareOp::kEq && op != CompareOp::kNe; }

CompareOp ToCompareOp(TokenKind k) {
  switch (k) {
    case TokenKind::kNe:
      return CompareOp::kNe;
    case TokenKind::kLt:
      return CompareOp::kLt;
    case TokenKind::kLe:
      return CompareOp::kLe;
    case TokenKind::kGt:
      return CompareOp::kGt;
    case TokenKind::kGe:
      return CompareOp::kGe;
    default:
      return CompareOp::kEq;
  }
}

bool IsArithToken(TokenKind k) {
  return k == TokenKind::kPlus || k == TokenKind::kMinus || k == TokenKind::kStar ||
         k == TokenKind::kSlash || k == TokenKind::kPercent;
}

ArithOp ToArithOp(TokenKind k) {
  switch (k) {
    case TokenKind::kMinus:
      return ArithOp::kSub;
    case TokenKind::kStar:
      return ArithOp::kMul;
    case TokenKind::kSlash:
      return ArithOp::kDiv;
    case TokenKind::kPercent:
      return ArithOp::kMod;
    default:
      return ArithOp::kAdd;
  }
}

std::string DescribeOperand(const Operand& o) {
  switch (o.kind) {
    case K::kConstant:
      return DescribeValue(o.value);
    case K::kField:
      return DescribeField(o.field);
    case K::kPredicate:
      return "a boolean expression";
    case K::kArith:
      return "arithmetic expression '" + o.field.ToString() + " " + ArithOpName(o.arith) + " " +
             ScalarToString(o.arith_operand) + "'";
    case K::kArrayLength:
      return "array_length(" + o.field.ToString() + ")";
  }
  return "operand";
}

Status At(Position pos, const Status& st) { return ErrorAt(pos, st.message()); }

Operand Predicate(PlanNodePtr p, Position pos) {
  Operand o;
  o.kind = K::kPredicate;
  o.pred = std::move(p);
  o.pos = pos;
  return o;
}

Operand Constant(Value v, Position pos) {
  Operand o;
  o.kind = K::kConstant;
  o.value = std::move(v);
  o.pos = pos;
  return o;
}

Result<ScalarValue> CastForField(const FieldRef& f, const Operand& c) {
  return CastTo(f.ValueType(), DescribeField(f), c.value, c.pos);
}

class Checker {
 public:
  Checker(const CollectionSchema& schema, const TemplateParams& params)
      : schema_(schema), params_(params) {}

  Result<Operand> Check(const Ast& a) {
    switch (a.kind) {
      case AstKind::kLiteral:
        return Constant(a.literal, a.pos);
      case AstKind::kList: {
        Value::List items;
        for (const auto& c : a.children) {
          ELANUS_ASSIGN_OR_RETURN(Operand e, Check(*c));
          if (e.kind != K::kConstant) {
            return ErrorAt(e.pos, "list elements must be constants, found " + DescribeOperand(e));
          }
          items.push_back(std::move(e.value));
        }
        return Constant(Value(std::move(items)), a.pos);
      }
      case AstKind::kTemplate: {
        auto it = params_.find(a.name);
        if (it == params_.end()) {
          return ErrorAt(a.pos, "template parameter '" + a.name + "' is missing from the params");
        }
        if (it->second.IsNone()) {
          return ErrorAt(a.pos, "template parameter '" + a.name + "' has no value");
        }
        Operand o = Constant(it->second, a.pos);
        return o;
      }
      case AstKind::kField:
        return ResolveField(a);
      case AstKind::kUnary:
        return CheckUnary(a);
      case AstKind::kBinary: {
        ELANUS_ASSIGN_OR_RETURN(Operand l, Check(*a.children[0]));
        ELANUS_ASSIGN_OR_RETURN(Operand r, Check(*a.children[1]));
        if (IsArithToken(a.op)) return BuildArith(ToArithOp(a.op), std::move(l), std::move(r), a);
        ELANUS_ASSIGN_OR_RETURN(PlanNodePtr p,
                                BuildCompare(ToCompareOp(a.op), std::move(l), std::move(r), a));
        return Predicate(std::move(p), a.pos);
      }
      case AstKind::kLogical: {
        std::vector<PlanNodePtr> preds;
        for (const auto& c : a.children) {
          ELANUS_ASSIGN_OR_RETURN(Operand o, Check(*c));
          ELANUS_ASSIGN_OR_RETURN(PlanNodePtr p, ToPredicate(std::move(o)));
          preds.push_back(std::move(p));
        }
        return Predicate(MakeLogical(a.op == TokenKind::kAnd, std::move(preds)), a.pos);
      }
      case AstKind::kRange:
        return CheckRange(a);
      case AstKind::kIn:
        return CheckIn(a);
      case AstKind::kLike:
        return CheckLike(a);
      case AstKind::kIsNull: {
        ELANUS_ASSIGN_OR_RETURN(Operand f, Check(*a.children[0]));
        if (f.kind != K::kField || f.field.IsArrayElement()) {
          return ErrorAt(f.pos,
                         "'is null' applies to a field or a JSON path, not " + DescribeOperand(f));
        }
        return Predicate(PlanNode::Make(IsNullExpr{std::move(f.field), a.negated}), a.pos);
      }
      case AstKind::kExists: {
        ELANUS_ASSIGN_OR_RETURN(Operand f, Check(*a.children[0]));
        if (f.kind != K::kField || !f.field.IsJson() || f.field.path.empty()) {
          return ErrorAt(
              f.pos, "'exists' needs a JSON path such as meta[\"key\"], not " + DescribeOperand(f));
        }
        return Predicate(PlanNode::Make(ExistsExpr{std::move(f.field)}), a.pos);
      }
      case AstKind::kCall:
        return CheckCall(a);
    }
    return Status::Internal("unhandled AST node");
  }

  // The operand as a boolean predicate: constants must be booleans, and a BOOL field (or
  // ARRAY<BOOL> element) alone means `field == true`.
  Result<PlanNodePtr> ToPredicate(Operand o) {
    switch (o.kind) {
      case K::kPredicate:
        return std::move(o.pred);
      case K::kConstant:
        if (o.value.IsBool()) return MakeConst(o.value.AsBool());
        break;
      case K::kField:
        if (o.field.ValueType() == DataType::kBool) {
          return PlanNode::Make(CompareExpr{std::move(o.field), CompareOp::kEq, true});
        }
        break;
      default:
        break;
    }
    std::string hint;
    if (o.kind == K::kField && o.field.IsJson())
      hint = "; compare it, e.g. " + o.field.ToString() + " == true";
    return ErrorAt(o.pos, "expected a boolean expression, found " + DescribeOperand(o) + hint);
  }

 private:
  Result<Operand> ResolveField(const Ast& a) {
    Operand o;
    o.kind = K::kField;
    o.pos = a.pos;
    FieldRef& f = o.field;
    const FieldSchema* fs = a.is_meta ? schema_.DynamicField() : schema_.FindField(a.name);
    std::vector<PathPart> path = a.path;
    if (fs == nullptr && a.is_meta) {
      return ErrorAt(a.pos, "'$meta' is not available: the collection has no dynamic field");
    }
    if (fs == nullptr) {
      fs = schema_.DynamicField();
      if (fs == nullptr) {
        return ErrorAt(a.pos, "field '" + a.name + "' not found in collection '" + schema_.name +
                                  "' (and the dynamic field is disabled)");
      }
      path.insert(path.begin(), PathPart(a.name));
    }
    f.field_id = fs->field_id;
    f.name = fs->is_dynamic ? kDynamicFieldName : fs->name;
    f.type = fs->type;
    f.element_type = fs->element_type;
    f.nullable = fs->nullable;
    if (IsVectorType(fs->type)) {
      return ErrorAt(a.pos, std::string("vector field '") + fs->name + "' (" +
                                DataTypeName(fs->type) + ") cannot be used in a filter");
    }
    if (!path.empty()) {
      if (fs->type == DataType::kArray) {
        if (path.size() != 1 || !std::holds_alternative<int64_t>(path[0])) {
          return ErrorAt(a.pos, "ARRAY field '" + fs->name +
                                    "' takes exactly one integer index, such as " + fs->name +
                                    "[0]");
        }
      } else if (fs->type != DataType::kJson) {
        return ErrorAt(a.pos, std::string(DataTypeName(fs->type)) + " field '" + fs->name +
                                  "' has no elements; only JSON and ARRAY fields take [...]");
      }
    }
    f.path = std::move(path);
    return o;
  }

  Result<Operand> CheckUnary(const Ast& a) {
    ELANUS_ASSIGN_OR_RETURN(Operand x, Check(*a.children[0]));
    if (a.op == TokenKind::kNot) {
      if (x.kind == K::kConstant && !x.value.IsBool()) {
        return ErrorAt(a.pos, "'not' needs a boolean operand, found " + DescribeOperand(x));
      }
      if (x.kind != K::kPredicate && x.kind != K::kConstant &&
          !(x.kind == K::kField && x.field.ValueType() == DataType::kBool)) {
        return ErrorAt(a.pos, "'not' needs a boolean operand, found " + DescribeOperand(x) +
                                  " ('not' binds tighter than comparisons: write not (a == b))");
      }
      ELANUS_ASSIGN_OR_RETURN(PlanNodePtr p, ToPredicate(std::move(x)));
      return Predicate(MakeNot(std::move(p)), a.pos);
    }
    const char* op = a.op == TokenKind::kMinus ? "-" : "+";
    if (x.kind != K::kConstant) {
      return ErrorAt(a.pos, std::string("unary '") + op +
                                "' applies only to numeric constants, not " + DescribeOperand(x));
    }
    if (a.op == TokenKind::kPlus) {
      if (!x.value.IsNumber()) {
        return ErrorAt(a.pos, "unary '+' needs a numeric operand, got " + DescribeValue(x.value));
      }
      x.pos = a.pos;
      return x;
    }
    Result<Value> v = FoldNegate(x.value);
    if (!v.ok()) return At(a.pos, v.status());
    return Constant(std::move(v).value(), a.pos);
  }

  Result<Operand> BuildArith(ArithOp op, Operand l, Operand r, const Ast& a) {
    if (l.kind == K::kConstant && r.kind == K::kConstant) {
      Result<Value> v = FoldArith(op, l.value, r.value);
      if (!v.ok()) return At(a.op_pos, v.status());
      return Constant(std::move(v).value(), l.pos);
    }
    if (l.kind == K::kConstant && r.kind == K::kField &&
        (op == ArithOp::kAdd || op == ArithOp::kMul)) {
      std::swap(l, r);
    }
    if (l.kind == K::kField && r.kind == K::kConstant) {
      FieldRef& f = l.field;
      ELANUS_RETURN_IF_ERROR(RequireScalar(f, l.pos));
      DataType t = f.ValueType();
      if (!IsNumericType(t) && t != DataType::kJson) {
        return ErrorAt(l.pos, std::string("operator '") + ArithOpName(op) +
                                  "' needs a numeric field, not " + DescribeField(f));
      }
      const Value& c = r.value;
      if (!c.IsNumber()) {
        return ErrorAt(r.pos, std::string("operator '") + ArithOpName(op) +
                                  "' needs a numeric constant, not " + DescribeValue(c));
      }
      if (IsIntegerType(t) && c.IsFloat()) {
        return ErrorAt(r.pos, "cannot apply " + DescribeValue(c) + " to " + DescribeField(f) +
                                  " (a float literal cannot be used with an integer)");
      }
      if (op == ArithOp::kMod && (c.IsFloat() || t == DataType::kFloat || t == DataType::kDouble)) {
        return ErrorAt(a.op_pos,
                       "operator '%' needs an integer field and an integer constant, "
                       "not " +
                           DescribeField(f) + " and " + DescribeValue(c));
      }
      if ((op == ArithOp::kDiv || op == ArithOp::kMod) && c.AsDouble() == 0) {
        return ErrorAt(r.pos, std::string(op == ArithOp::kDiv ? "division" : "modulo") +
                                  " by zero: " + f.ToString() + " " + ArithOpName(op) + " " +
                                  ValueToString(c));
      }
      l.kind = K::kArith;
      l.arith = op;
      l.arith_operand = (t == DataType::kFloat || t == DataType::kDouble)
                            ? ScalarValue(c.AsDouble())
                            : ToScalar(c);
      return l;
    }
    if (l.kind == K::kField && r.kind == K::kField) {
      return ErrorAt(a.op_pos, std::string("arithmetic between two fields ('") +
                                   l.field.ToString() + "' " + ArithOpName(op) + " '" +
                                   r.field.ToString() + "') is not supported");
    }
    if (l.kind == K::kArith || r.kind == K::kArith) {
      return ErrorAt(a.op_pos,
                     "only one arithmetic operation between a field and a constant is "
                     "supported, e.g. age + 1 > 10");
    }
    if (l.kind == K::kConstant && r.kind == K::kField) {
      return ErrorAt(a.op_pos, std::string("the field must be the left operand of '") +
                                   ArithOpName(op) + "': write " + r.field.ToString() + " " +
                                   ArithOpName(op) + " c, not c " + ArithOpName(op) + " " +
                                   r.field.ToString());
    }
    return ErrorAt(a.op_pos, std::string("operator '") + ArithOpName(op) + "' cannot combine " +
                                 DescribeOperand(l) + " and " + DescribeOperand(r));
  }

  Result<PlanNodePtr> BuildCompare(CompareOp op, Operand l, Operand r, const Ast& a) {
    if (l.kind == K::kConstant && r.kind == K::kConstant) {
      Result<bool> b = FoldCompare(op, l.value, r.value);
      if (!b.ok()) return At(a.op_pos, b.status());
      return MakeConst(*b);
    }
    if (l.kind == K::kConstant) {
      std::swap(l, r);
      op = FlipCompareOp(op);
    }
    auto incompatible = [&](const std::string& extra) {
      return ErrorAt(
          r.kind == K::kConstant ? r.pos : a.op_pos,
          "cannot compare " + DescribeOperand(l) + " with " + DescribeOperand(r) + extra);
    };
    if (l.kind == K::kPredicate || r.kind == K::kPredicate) {
      return incompatible("; combine conditions with 'and' / 'or' and parenthesize 'not (...)'");
    }
    if (l.kind == K::kField) {
      ELANUS_RETURN_IF_ERROR(RequireScalar(l.field, l.pos));
      if (r.kind == K::kConstant) {
        ELANUS_ASSIGN_OR_RETURN(ScalarValue v, CastForField(l.field, r));
        if (IsOrdering(op) && std::holds_alternative<bool>(v)) {
          return ErrorAt(a.op_pos, std::string("booleans support only '==' and '!=', not '") +
                                       CompareOpName(op) + "' (" + DescribeField(l.field) + ")");
        }
        return PlanNode::Make(CompareExpr{std::move(l.field), op, std::move(v)});
      }
      if (r.kind == K::kField) return BuildCompareFields(op, std::move(l), std::move(r), a);
      return incompatible(" (arithmetic across fields is not supported)");
    }
    if (r.kind != K::kConstant) return incompatible(" (arithmetic across fields is not supported)");
    if (l.kind == K::kArith) {
      DataType t = l.field.ValueType();
      if (!r.value.IsNumber()) return incompatible("");
      if (IsIntegerType(t) && r.value.IsFloat()) {
        return incompatible(" (a float literal cannot be compared with an integer)");
      }
      ScalarValue v = IsIntegerType(t) || (t == DataType::kJson && r.value.IsInt())
                          ? ScalarValue(ToScalar(r.value))
                          : ScalarValue(r.value.AsDouble());
      return PlanNode::Make(ArithCompareExpr{std::move(l.field), l.arith,
                                             std::move(l.arith_operand), op, std::move(v)});
    }
    // kArrayLength
    if (!r.value.IsInt()) return incompatible(" (array_length compares with integers)");
    return PlanNode::Make(ArrayLengthExpr{std::move(l.field), op, r.value.AsInt()});
  }

  Result<PlanNodePtr> BuildCompareFields(CompareOp op, Operand l, Operand r, const Ast& a) {
    ELANUS_RETURN_IF_ERROR(RequireScalar(r.field, r.pos));
    for (const Operand* o : {&l, &r}) {
      if (o->field.IsJson() || o->field.IsArrayElement()) {
        return ErrorAt(o->pos, "comparing two fields needs scalar columns; " +
                                   DescribeField(o->field) + " is not supported here");
      }
    }
    DataType lt = l.field.type, rt = r.field.type;
    bool ok = (IsNumericType(lt) && IsNumericType(rt)) ||
              (lt == DataType::kVarChar && rt == DataType::kVarChar) ||
              (lt == DataType::kBool && rt == DataType::kBool && !IsOrdering(op));
    if (!ok) {
      return ErrorAt(a.op_pos, "cannot compare " + DescribeField(l.field) + " with " +
                                   DescribeField(r.field) + " using '" + CompareOpName(op) + "'");
    }
    return PlanNode::Make(CompareFieldsExpr{std::move(l.field), op, std::move(r.field)});
  }

  Result<Operand> CheckRange(const Ast& a) {
    bool up1 = a.op == TokenKind::kLt || a.op == TokenKind::kLe;
    bool up2 = a.op2 == TokenKind::kLt || a.op2 == TokenKind::kLe;
    if (up1 != up2) {
      return ErrorAt(a.op_pos,
                     "a chained comparison must use '<'/'<=' in both places or "
                     "'>'/'>=' in both places, e.g. 18 <= age < 65");
    }
    const Ast& mid_ast = *a.children[1];
    if (mid_ast.kind == AstKind::kTemplate) {
      return ErrorAt(mid_ast.pos,
                     "template '{" + mid_ast.name +
                         "}' cannot stand between two "
                         "constants; the middle of a chained comparison must be a field");
    }
    ELANUS_ASSIGN_OR_RETURN(Operand lo, Check(*a.children[0]));
    ELANUS_ASSIGN_OR_RETURN(Operand mid, Check(mid_ast));
    ELANUS_ASSIGN_OR_RETURN(Operand hi, Check(*a.children[2]));
    if (mid.kind != K::kField) {
      return ErrorAt(mid.pos, "the middle of a chained comparison must be a field or path, not " +
                                  DescribeOperand(mid));
    }
    for (const Operand* b : {&lo, &hi}) {
      if (b->kind != K::kConstant) {
        return ErrorAt(b->pos, "the bounds of a chained comparison must be constants, not " +
                                   DescribeOperand(*b));
      }
    }
    ELANUS_RETURN_IF_ERROR(RequireScalar(mid.field, mid.pos));
    ELANUS_ASSIGN_OR_RETURN(ScalarValue lv, CastForField(mid.field, lo));
    ELANUS_ASSIGN_OR_RETURN(ScalarValue hv, CastForField(mid.field, hi));
    if (std::holds_alternative<bool>(lv) || std::holds_alternative<bool>(hv)) {
      return ErrorAt(a.op_pos, "booleans cannot be ordered in a chained comparison");
    }
    RangeExpr r{std::move(mid.field), std::move(lv),
                a.op == TokenKind::kLe || a.op == TokenKind::kGe, std::move(hv),
                a.op2 == TokenKind::kLe || a.op2 == TokenKind::kGe};
    if (!up1) {  // c1 > f > c2  ==  c2 < f < c1
      std::swap(r.lower, r.upper);
      std::swap(r.lower_inclusive, r.upper_inclusive);
    }
    return Predicate(PlanNode::Make(std::move(r)), a.pos);
  }

  Result<Operand> CheckIn(const Ast& a) {
    ELANUS_ASSIGN_OR_RETURN(Operand f, Check(*a.children[0]));
    ELANUS_ASSIGN_OR_RETURN(Operand list, Check(*a.children[1]));
    const char* kw = a.negated ? "'not in'" : "'in'";
    if (f.kind != K::kField) {
      return ErrorAt(f.pos, std::string("the left operand of ") + kw + " must be a field, not " +
                                DescribeOperand(f));
    }
    ELANUS_RETURN_IF_ERROR(RequireScalar(f.field, f.pos));
    if (list.kind != K::kConstant || !list.value.IsList()) {
      return ErrorAt(list.pos, std::string(kw) +
                                   " needs a list such as [1, 2] or a list template, "
                                   "not " +
                                   DescribeOperand(list));
    }
    std::vector<ScalarValue> values;
    std::set<ScalarValue> seen;
    for (const Value& v : list.value.AsList()) {
      if (v.IsList() && f.field.IsJson()) {
        return ErrorAt(list.pos, std::string(kw) + " list elements must be scalars, found " +
                                     DescribeValue(v));
      }
      ELANUS_ASSIGN_OR_RETURN(ScalarValue s,
                              CastTo(f.field.ValueType(), DescribeField(f.field), v, list.pos));
      if (seen.insert(s).second) values.push_back(std::move(s));
    }
    if (values.empty()) return Predicate(MakeConst(a.negated), a.pos);  // in [] / not in []
    return Predicate(PlanNode::Make(InExpr{std::move(f.field), std::move(values), a.negated}),
                     a.pos);
  }

  Result<Operand> CheckLike(const Ast& a) {
    ELANUS_ASSIGN_OR_RETURN(Operand f, Check(*a.children[0]));
    bool ok = f.kind == K::kField && (f.field.ValueType() == DataType::kVarChar ||
                                      (f.field.IsJson() && !f.field.path.empty()));
    if (!ok) {
      return ErrorAt(f.pos,
                     "'like' applies to VARCHAR fields, JSON paths and ARRAY<VARCHAR> "
                     "elements, not " +
                         DescribeOperand(f));
    }
    Result<LikePattern> p = AnalyzeLikePattern(a.pattern);
    if (!p.ok()) return At(a.op_pos, p.status());
    LikeExpr e{std::move(f.field), p->kind, a.pattern, p->operand};
    return Predicate(PlanNode::Make(std::move(e)), a.pos);
  }

  Result<Operand> CheckCall(const Ast& a) {
    const std::string& fn = a.name;
    size_t want = fn == "array_length" ? 1 : 2;
    if (a.children.size() != want) {
      return ErrorAt(a.pos, fn + " takes " + std::to_string(want) + " argument" +
                                (want == 1 ? "" : "s") + ", got " +
                                std::to_string(a.children.size()));
    }
    ELANUS_ASSIGN_OR_RETURN(Operand f, Check(*a.children[0]));
    bool is_json = f.kind == K::kField && f.field.IsJson();
    bool is_array = f.kind == K::kField && f.field.type == DataType::kArray && f.field.path.empty();
    if (!is_json && !is_array) {
      return ErrorAt(f.pos, fn +
                                " needs a JSON path or an ARRAY field as its first argument, "
                                "not " +
                                DescribeOperand(f));
    }
    if (fn == "array_length") {
      f.kind = K::kArrayLength;
      return f;
    }
    ContainsKind kind = ContainsKind::kContains;
    if (fn.ends_with("_all")) kind = ContainsKind::kAll;
    if (fn.ends_with("_any")) kind = ContainsKind::kAny;
    ELANUS_ASSIGN_OR_RETURN(Operand arg, Check(*a.children[1]));
    if (arg.kind != K::kConstant) {
      return ErrorAt(arg.pos,
                     fn + " needs a constant second argument, not " + DescribeOperand(arg));
    }
    std::vector<Value> values;
    if (kind == ContainsKind::kContains) {
      values.push_back(std::move(arg.value));
    } else {
      if (!arg.value.IsList() || arg.value.AsList().empty()) {
        return ErrorAt(arg.pos, fn + " needs a non-empty list as its second argument, not " +
                                    DescribeValue(arg.value));
      }
      values = arg.value.AsList();
    }
    if (is_array) {
      std::string what =
          std::string(DataTypeName(f.field.element_type)) + " elements of '" + f.field.name + "'";
      for (Value& v : values) {
        ELANUS_ASSIGN_OR_RETURN(ScalarValue s, CastTo(f.field.element_type, what, v, arg.pos));
        v = std::visit(
            [](auto&& x) -> Value {
              using T = std::decay_t<decltype(x)>;
              if constexpr (std::is_same_v<T, std::monostate>) {
                return Value();
              } else {
                return Value(x);
              }
            },
            s);
      }
    }
    return Predicate(PlanNode::Make(ContainsExpr{std::move(f.field), kind, std::move(values)}),
                     a.pos);
  }

  const CollectionSchema& schema_;
  const TemplateParams& params_;
};

}  // namespace

Result<PlanNodePtr> CheckExpression(const Ast& ast, const CollectionSchema& schema,
                                    const TemplateParams& params) {
  Checker c(schema, params);
  ELANUS_ASSIGN_OR_RETURN(Operand o, c.Check(ast));
  return c.ToPredicate(std::move(o));
}

}  // namespace elanus::expr
