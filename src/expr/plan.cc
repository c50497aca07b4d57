#include "expr/plan.h"

#include <algorithm>
#include <set>

namespace elanus::expr {

const char* CompareOpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "==";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

const char* ArithOpName(ArithOp op) {
  switch (op) {
    case ArithOp::kAdd:
      return "+";
    case ArithOp::kSub:
      return "-";
    case ArithOp::kMul:
      return "*";
    case ArithOp::kDiv:
      return "/";
    case ArithOp::kMod:
      return "%";
  }
  return "?";
}

CompareOp FlipCompareOp(CompareOp op) {
  switch (op) {
    case CompareOp::kLt:
      return CompareOp::kGt;
    case CompareOp::kLe:
      return CompareOp::kGe;
    case CompareOp::kGt:
      return CompareOp::kLt;
    case CompareOp::kGe:
      return CompareOp::kLe;
    default:
      return op;
  }
}

const char* LikeKindName(LikeKind k) {
  switch (k) {
    case LikeKind::kExact:
      return "exact";
    case LikeKind::kPrefix:
      return "prefix";
    case LikeKind::kSuffix:
      return "suffix";
    case LikeKind::kInfix:
      return "infix";
    case LikeKind::kGeneral:
      return "general";
  }
  return "?";
}

std::string FieldRef::ToString() const {
  std::string out = name;
  for (const PathPart& p : path) {
    if (const auto* key = std::get_if<std::string>(&p)) {
      out += "[" + QuoteString(*key) + "]";
    } else {
      out += "[" + std::to_string(std::get<int64_t>(p)) + "]";
    }
  }
  return out;
}

namespace {

std::string ListToString(const std::vector<ScalarValue>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += ScalarToString(values[i]);
  }
  return out + "]";
}

std::string JoinChildren(const std::vector<PlanNodePtr>& children, const char* sep) {
  std::string out = "(";
  for (size_t i = 0; i < children.size(); ++i) {
    if (i) out += sep;
    out += children[i]->ToString();
  }
  return out + ")";
}

struct Printer {
  std::string operator()(const ConstExpr& n) const { return n.value ? "true" : "false"; }
  std::string operator()(const CompareExpr& n) const {
    return n.field.ToString() + " " + CompareOpName(n.op) + " " + ScalarToString(n.value);
  }
  std::string operator()(const RangeExpr& n) const {
    return ScalarToString(n.lower) + (n.lower_inclusive ? " <= " : " < ") + n.field.ToString() +
           (n.upper_inclusive ? " <= " : " < ") + ScalarToString(n.upper);
  }
  std::string operator()(const CompareFieldsExpr& n) const {
    return n.left.ToString() + " " + CompareOpName(n.op) + " " + n.right.ToString();
  }
  std::string operator()(const ArithCompareExpr& n) const {
    return n.field.ToString() + " " + ArithOpName(n.arith) + " " + ScalarToString(n.operand) + " " +
           CompareOpName(n.op) + " " + ScalarToString(n.value);
  }
  std::string operator()(const ArrayLengthExpr& n) const {
    return "array_length(" + n.field.ToString() + ") " + CompareOpName(n.op) + " " +
           std::to_string(n.value);
  }
  std::string operator()(const InExpr& n) const {
    return n.field.ToString() + (n.negated ? " not in " : " in ") + ListToString(n.values);
  }
  std::string operator()(const LikeExpr& n) const {
    if (n.kind == LikeKind::kGeneral) return n.field.ToString() + " like " + QuoteString(n.pattern);
    return n.field.ToString() + " like_" + LikeKindName(n.kind) + " " + QuoteString(n.operand);
  }
  std::string operator()(const IsNullExpr& n) const {
    return n.field.ToString() + (n.negated ? " is not null" : " is null");
  }
  std::string operator()(const ExistsExpr& n) const { return "exists " + n.field.ToString(); }
  std::string operator()(const ContainsExpr& n) const {
    std::string name = n.field.IsJson() ? "json_contains" : "array_contains";
    if (n.kind == ContainsKind::kAll) name += "_all";
    if (n.kind == ContainsKind::kAny) name += "_any";
    std::string arg;
    if (n.kind == ContainsKind::kContains) {
      arg = ValueToString(n.values.at(0));
    } else {
      arg = ValueToString(Value(Value::List(n.values)));
    }
    return name + "(" + n.field.ToString() + ", " + arg + ")";
  }
  std::string operator()(const AndExpr& n) const { return JoinChildren(n.children, " and "); }
  std::string operator()(const OrExpr& n) const { return JoinChildren(n.children, " or "); }
  std::string operator()(const NotExpr& n) const {
    std::string c = n.child->ToString();
    bool grouped = std::holds_alternative<AndExpr>(n.child->node) ||
                   std::holds_alternative<OrExpr>(n.child->node);
    return grouped ? "not " + c : "not (" + c + ")";
  }
};

void CollectFields(const PlanNode& n, std::set<int64_t>* out) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, AndExpr> || std::is_same_v<T, OrExpr>) {
          for (const auto& c : x.children) CollectFields(*c, out);
        } else if constexpr (std::is_same_v<T, NotExpr>) {
          CollectFields(*x.child, out);
        } else if constexpr (std::is_same_v<T, CompareFieldsExpr>) {
          out->insert(x.left.field_id);
          out->insert(x.right.field_id);
        } else if constexpr (!std::is_same_v<T, ConstExpr>) {
          out->insert(x.field.field_id);
        }
      },
      n.node);
}

using KeySet = std::optional<std::vector<ScalarValue>>;

KeySet Normalize(std::vector<ScalarValue> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// The values the partition key can take in rows matching `n`; nullopt = unrestricted.
KeySet PartitionKeys(const PlanNode& n, int64_t pk_id) {
  if (const auto* c = std::get_if<ConstExpr>(&n.node)) {
    return c->value ? KeySet() : KeySet(std::vector<ScalarValue>{});
  }
  if (const auto* c = std::get_if<CompareExpr>(&n.node)) {
    if (c->field.field_id == pk_id && c->field.path.empty() && c->op == CompareOp::kEq) {
      return std::vector<ScalarValue>{c->value};
    }
    return std::nullopt;
  }
  if (const auto* c = std::get_if<InExpr>(&n.node)) {
    if (c->field.field_id == pk_id && c->field.path.empty() && !c->negated) {
      return Normalize(c->values);
    }
    return std::nullopt;
  }
  if (const auto* a = std::get_if<AndExpr>(&n.node)) {
    KeySet acc;
    for (const auto& child : a->children) {
      KeySet k = PartitionKeys(*child, pk_id);
      if (!k) continue;
      if (!acc) {
        acc = std::move(k);
        continue;
      }
      std::vector<ScalarValue> both;
      std::set_intersection(acc->begin(), acc->end(), k->begin(), k->end(),
                            std::back_inserter(both));
      acc = std::move(both);
    }
    return acc;
  }
  if (const auto* o = std::get_if<OrExpr>(&n.node)) {
    std::vector<ScalarValue> all;
    for (const auto& child : o->children) {
      KeySet k = PartitionKeys(*child, pk_id);
      if (!k) return std::nullopt;
      all.insert(all.end(), k->begin(), k->end());
    }
    return Normalize(std::move(all));
  }
  return std::nullopt;
}

}  // namespace

std::string PlanNode::ToString() const { return std::visit(Printer{}, node); }

Plan::Plan(PlanNodePtr root, const CollectionSchema& schema) : root_(std::move(root)) {
  std::set<int64_t> ids;
  CollectFields(*root_, &ids);
  field_ids_.assign(ids.begin(), ids.end());
  if (const FieldSchema* pk = schema.PartitionKey()) {
    partition_key_values_ = PartitionKeys(*root_, pk->field_id);
  }
}

bool Plan::MatchesAll() const {
  const auto* c = std::get_if<ConstExpr>(&root_->node);
  return c != nullptr && c->value;
}

}  // namespace elanus::expr
