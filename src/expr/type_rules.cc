#include "expr/type_rules.h"

namespace elanus::expr {

ScalarValue ToScalar(const Value& v) {
  if (v.IsBool()) return v.AsBool();
  if (v.IsInt()) return v.AsInt();
  if (v.IsFloat()) return v.AsFloat();
  if (v.IsString()) return v.AsString();
  return std::monostate{};
}

std::string DescribeField(const FieldRef& f) {
  if (f.IsJson()) {
    return std::string(f.path.empty() ? "JSON field '" : "JSON path '") + f.ToString() + "'";
  }
  if (f.IsArrayElement()) {
    return std::string(DataTypeName(f.element_type)) + " element '" + f.ToString() + "'";
  }
  if (f.type == DataType::kArray) {
    return std::string("ARRAY<") + DataTypeName(f.element_type) + "> field '" + f.name + "'";
  }
  return std::string(DataTypeName(f.type)) + " field '" + f.name + "'";
}

PlanNodePtr MakeConst(bool v) { return PlanNode::Make(ConstExpr{v}); }

// Flattens nested and/or, drops neutral constants and short-circuits absorbing ones.
PlanNodePtr MakeLogical(bool is_and, std::vector<PlanNodePtr> preds) {
  std::vector<PlanNodePtr> out;
  for (PlanNodePtr& p : preds) {
    if (const auto* c = std::get_if<ConstExpr>(&p->node)) {
      if (c->value != is_and) return MakeConst(!is_and);
      continue;
    }
    if (is_and && std::holds_alternative<AndExpr>(p->node)) {
      for (auto& c : std::get<AndExpr>(p->node).children) out.push_back(std::move(c));
    } else if (!is_and && std::holds_alternative<OrExpr>(p->node)) {
      for (auto& c : std::get<OrExpr>(p->node).children) out.push_back(std::move(c));
    } else {
      out.push_back(std::move(p));
    }
  }
  if (out.empty()) return MakeConst(is_and);
  if (out.size() == 1) return std::move(out[0]);
  if (is_and) return PlanNode::Make(AndExpr{std::move(out)});
  return PlanNode::Make(OrExpr{std::move(out)});
}

PlanNodePtr MakeNot(PlanNodePtr p) {
  if (auto* c = std::get_if<ConstExpr>(&p->node)) return MakeConst(!c->value);
  if (auto* n = std::get_if<NotExpr>(&p->node)) return std::move(n->child);
  return PlanNode::Make(NotExpr{std::move(p)});
}

// Casts constant `v` for comparison with a value of type `t` (described by `what`).
Result<ScalarValue> CastTo(DataType t, const std::string& what, const Value& v, Position pos) {
  auto mismatch = [&](const std::string& extra) {
    return ErrorAt(pos, "cannot compare " + what + " with " + DescribeValue(v) + extra);
  };
  if (v.IsList() || v.IsNone()) return mismatch("");
  switch (t) {
    case DataType::kBool:
      if (v.IsBool()) return ScalarValue(v.AsBool());
      return mismatch("");
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
      if (v.IsInt()) return ScalarValue(v.AsInt());
      if (v.IsFloat()) return mismatch(" (a float literal cannot be compared with an integer)");
      return mismatch("");
    case DataType::kFloat:
    case DataType::kDouble:
      if (v.IsNumber()) return ScalarValue(v.AsDouble());
      return mismatch("");
    case DataType::kVarChar:
      if (v.IsString()) return ScalarValue(v.AsString());
      return mismatch("");
    case DataType::kJson:
      return ToScalar(v);
    default:
      return mismatch("");
  }
}

// Whole JSON and whole ARRAY values are not comparable; their elements are.
Status RequireScalar(const FieldRef& f, Position pos) {
  if (f.IsJson() && f.path.empty()) {
    return ErrorAt(pos, "cannot compare the whole JSON field '" + f.name +
                            "'; compare a path such as " + f.name + "[\"key\"]");
  }
  if (f.type == DataType::kArray && f.path.empty()) {
    return ErrorAt(pos, "cannot compare the whole ARRAY field '" + f.name +
                            "'; use an element such as " + f.name +
                            "[0], array_contains or array_length");
  }
  return Status::OK();
}

}  // namespace elanus::expr
