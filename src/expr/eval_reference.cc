// Brute-force reference interpreter for the evaluator tests; see eval_reference.h. Numbers are
// compared through long double, which holds every int64 and every double exactly on x86-64.
#include "expr/eval_reference.h"

#include <cfloat>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>

namespace elanus::expr::testing {
namespace {

using Json = nlohmann::json;
static_assert(std::numeric_limits<long double>::digits >= 64,
              "the reference needs an extended long double");

Truth Of(bool b) { return b ? Truth::kTrue : Truth::kFalse; }

float ToF32(double d) {
  if (std::fabs(d) > FLT_MAX) {
    // Round like IEEE: past the midpoint to 2^128 is infinity.
    if (std::fabs(d) >= 340282356779733661637539395458142568448.0) {
      return d > 0 ? std::numeric_limits<float>::infinity()
                   : -std::numeric_limits<float>::infinity();
    }
    return d > 0 ? FLT_MAX : -FLT_MAX;
  }
  return static_cast<float>(d);
}

// A number from JSON or a constant: an exact int64, or a double.
struct Num {
  bool is_int = false;
  int64_t i = 0;
  double d = 0;
  long double L() const { return is_int ? static_cast<long double>(i) : d; }
};

std::optional<Num> JsonNum(const Json& j) {
  Num n;
  if (j.is_number_unsigned()) {
    uint64_t u = j.get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      n.is_int = true;
      n.i = static_cast<int64_t>(u);
    } else {
      n.d = static_cast<double>(u);
    }
    return n;
  }
  if (j.is_number_integer()) {
    n.is_int = true;
    n.i = j.get<int64_t>();
    return n;
  }
  if (j.is_number_float()) {
    n.d = j.get<double>();
    return n;
  }
  return std::nullopt;
}

std::optional<Num> ConstNum(const ScalarValue& v, bool f32) {
  Num n;
  if (const auto* i = std::get_if<int64_t>(&v)) {
    n.is_int = true;
    n.i = *i;
  } else if (const auto* d = std::get_if<double>(&v)) {
    n.d = *d;
  } else {
    return std::nullopt;
  }
  if (f32) n = Num{false, 0, ToF32(static_cast<double>(n.L()))};
  return n;
}

bool CmpResult(CompareOp op, long double a, long double b) {
  switch (op) {
    case CompareOp::kEq:
      return a == b;
    case CompareOp::kNe:
      return a != b;
    case CompareOp::kLt:
      return a < b;
    case CompareOp::kLe:
      return a <= b;
    case CompareOp::kGt:
      return a > b;
    case CompareOp::kGe:
      return a >= b;
  }
  return false;
}

template <typename T>
bool CmpOrdered(CompareOp op, const T& a, const T& b) {
  switch (op) {
    case CompareOp::kEq:
      return a == b;
    case CompareOp::kNe:
      return a != b;
    case CompareOp::kLt:
      return a < b;
    case CompareOp::kLe:
      return a <= b;
    case CompareOp::kGt:
      return a > b;
    case CompareOp::kGe:
      return a >= b;
  }
  return false;
}

// ---- LIKE: memoized recursion over code points (independent of the evaluator's matcher) ----
std::vector<std::string> SplitChars(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0xC0) {
      while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0) == 0x80) ++len;
    }
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

bool LikeMatch(const std::string& pattern, const std::string& value) {
  // Tokens: "%" any run, "_" one char, otherwise a literal char (escape removed).
  std::vector<std::pair<int, std::string>> toks;  // kind 0 lit, 1 any, 2 one
  std::vector<std::string> pc = SplitChars(pattern);
  for (size_t i = 0; i < pc.size(); ++i) {
    if (pc[i] == "%") {
      toks.push_back({1, ""});
    } else if (pc[i] == "_") {
      toks.push_back({2, ""});
    } else if (pc[i] == "\\" && i + 1 < pc.size()) {
      toks.push_back({0, pc[++i]});
    } else {
      toks.push_back({0, pc[i]});
    }
  }
  std::vector<std::string> vc = SplitChars(value);
  std::vector<std::vector<int>> memo(toks.size() + 1, std::vector<int>(vc.size() + 1, -1));
  std::function<bool(size_t, size_t)> go = [&](size_t t, size_t v) -> bool {
    int& m = memo[t][v];
    if (m >= 0) return m;
    bool r;
    if (t == toks.size()) {
      r = v == vc.size();
    } else if (toks[t].first == 1) {
      r = go(t + 1, v) || (v < vc.size() && go(t, v + 1));
    } else if (v == vc.size()) {
      r = false;
    } else if (toks[t].first == 2) {
      r = go(t + 1, v + 1);
    } else {
      r = toks[t].second == vc[v] && go(t + 1, v + 1);
    }
    m = r;
    return r;
  };
  return go(0, 0);
}

class Ref {
 public:
  Ref(const CollectionSchema& s, const Json& row) : schema_(s), row_(row) {}

  Truth Eval(const PlanNode& n) {
    if (const auto* c = std::get_if<ConstExpr>(&n.node)) return Of(c->value);
    if (const auto* a = std::get_if<AndExpr>(&n.node)) {
      bool unknown = false;
      for (const auto& c : a->children) {
        Truth t = Eval(*c);
        if (t == Truth::kFalse) return Truth::kFalse;
        if (t == Truth::kUnknown) unknown = true;
      }
      return unknown ? Truth::kUnknown : Truth::kTrue;
    }
    if (const auto* o = std::get_if<OrExpr>(&n.node)) {
      bool unknown = false;
      for (const auto& c : o->children) {
        Truth t = Eval(*c);
        if (t == Truth::kTrue) return Truth::kTrue;
        if (t == Truth::kUnknown) unknown = true;
      }
      return unknown ? Truth::kUnknown : Truth::kFalse;
    }
    if (const auto* no = std::get_if<NotExpr>(&n.node)) {
      Truth t = Eval(*no->child);
      if (t == Truth::kUnknown) return t;
      return t == Truth::kTrue ? Truth::kFalse : Truth::kTrue;
    }
    if (const auto* c = std::get_if<CompareExpr>(&n.node)) {
      auto v = Get(c->field);
      if (!v) return Truth::kUnknown;
      return Compare(*v, c->op, c->value, IsF32(c->field));
    }
    if (const auto* r = std::get_if<RangeExpr>(&n.node)) {
      auto v = Get(r->field);
      if (!v) return Truth::kUnknown;
      bool f32 = IsF32(r->field);
      Truth lo = Compare(*v, r->lower_inclusive ? CompareOp::kGe : CompareOp::kGt, r->lower, f32);
      Truth hi = Compare(*v, r->upper_inclusive ? CompareOp::kLe : CompareOp::kLt, r->upper, f32);
      if (lo == Truth::kUnknown || hi == Truth::kUnknown) return Truth::kUnknown;
      return Of(lo == Truth::kTrue && hi == Truth::kTrue);
    }
    if (const auto* cf = std::get_if<CompareFieldsExpr>(&n.node)) {
      auto l = Get(cf->left), r = Get(cf->right);
      if (!l || !r) return Truth::kUnknown;
      if (l->is_string())
        return Of(CmpOrdered(cf->op, l->get<std::string>(), r->get<std::string>()));
      if (l->is_boolean()) return Of(CmpOrdered(cf->op, l->get<bool>(), r->get<bool>()));
      return Of(CmpResult(cf->op, JsonNum(*l)->L(), JsonNum(*r)->L()));
    }
    if (const auto* a = std::get_if<ArithCompareExpr>(&n.node)) return Arith(*a);
    if (const auto* al = std::get_if<ArrayLengthExpr>(&n.node)) {
      auto v = Get(al->field);
      if (!v || !v->is_array()) return Truth::kUnknown;
      return Of(CmpOrdered(al->op, static_cast<int64_t>(v->size()), al->value));
    }
    if (const auto* in = std::get_if<InExpr>(&n.node)) {
      auto v = Get(in->field);
      if (!v) return Truth::kUnknown;
      bool comparable = false, found = false;
      for (const ScalarValue& c : in->values) {
        Truth t = Compare(*v, CompareOp::kEq, c, IsF32(in->field));
        if (t != Truth::kUnknown) comparable = true;
        if (t == Truth::kTrue) found = true;
      }
      if (!comparable) return Truth::kUnknown;
      return Of(found != in->negated);
    }
    if (const auto* l = std::get_if<LikeExpr>(&n.node)) {
      auto v = Get(l->field);
      if (!v || !v->is_string()) return Truth::kUnknown;
      return Of(LikeMatch(l->pattern, v->get<std::string>()));
    }
    if (const auto* isn = std::get_if<IsNullExpr>(&n.node)) {
      FieldRef whole = isn->field;
      whole.path.clear();
      bool null = !Get(whole).has_value();
      return Of(null != isn->negated);
    }
    if (const auto* e = std::get_if<ExistsExpr>(&n.node)) {
      FieldRef whole = e->field;
      whole.path.clear();
      if (!Get(whole)) return Truth::kUnknown;
      return Of(Get(e->field).has_value() || PathHoldsNull(e->field));
    }
    if (const auto* c = std::get_if<ContainsExpr>(&n.node)) {
      auto v = Get(c->field);
      if (!v || !v->is_array()) return Truth::kUnknown;
      bool f32 = c->field.element_type == DataType::kFloat && !c->field.IsJson();
      auto has = [&](const Value& want) {
        for (const Json& e : *v) {
          if (Equal(e, want, f32)) return true;
        }
        return false;
      };
      if (c->kind == ContainsKind::kAll) {
        for (const Value& w : c->values) {
          if (!has(w)) return Truth::kFalse;
        }
        return Truth::kTrue;
      }
      for (const Value& w : c->values) {
        if (has(w)) return Truth::kTrue;
      }
      return Truth::kFalse;
    }
    return Truth::kUnknown;
  }

 private:
  static bool IsF32(const FieldRef& f) { return f.ValueType() == DataType::kFloat; }

  // The whole value of the field's column (nullopt when NULL); FLOAT values rounded.
  std::optional<Json> Column(const FieldRef& f) {
    if (f.name == kDynamicFieldName) {
      Json obj = Json::object();
      for (auto it = row_.begin(); it != row_.end(); ++it) {
        if (schema_.FindField(it.key()) == nullptr) obj[it.key()] = it.value();
      }
      return obj;
    }
    auto it = row_.find(f.name);
    if (it == row_.end() || it->is_null()) return std::nullopt;
    Json v = *it;
    if (f.type == DataType::kFloat) v = static_cast<double>(ToF32(v.get<double>()));
    if (f.type == DataType::kArray && f.element_type == DataType::kFloat) {
      for (Json& e : v) e = static_cast<double>(ToF32(e.get<double>()));
    }
    return v;
  }

  // Follows the path; nullopt when NULL or missing. A JSON null at the path also reads as
  // missing for value predicates (it is no scalar), see PathHoldsNull for `exists`.
  std::optional<Json> Get(const FieldRef& f) {
    std::optional<Json> cur = Column(f);
    if (!cur) return cur;
    for (const PathPart& p : f.path) {
      Json& c = *cur;
      if (c.is_object()) {
        std::string key = std::holds_alternative<std::string>(p)
                              ? std::get<std::string>(p)
                              : std::to_string(std::get<int64_t>(p));
        auto it = c.find(key);
        if (it == c.end()) return std::nullopt;
        cur = Json(*it);
      } else if (c.is_array()) {
        int64_t idx = -1;
        if (const auto* k = std::get_if<std::string>(&p)) {
          bool canonical = !k->empty() && k->size() <= 18 && !(k->size() > 1 && (*k)[0] == '0') &&
                           k->find_first_not_of("0123456789") == std::string::npos;
          if (!canonical) return std::nullopt;
          idx = std::stoll(*k);
        } else {
          idx = std::get<int64_t>(p);
        }
        if (idx < 0 || idx >= static_cast<int64_t>(c.size())) return std::nullopt;
        cur = Json(c[static_cast<size_t>(idx)]);
      } else {
        return std::nullopt;
      }
    }
    if (cur->is_null()) return std::nullopt;
    return cur;
  }

  // True when the path leads to an explicit JSON null (present for `exists`).
  bool PathHoldsNull(const FieldRef& f) {
    if (f.path.empty()) return false;
    FieldRef parent = f;
    parent.path.pop_back();
    auto p = Get(parent);
    if (!p) return false;
    const PathPart& last = f.path.back();
    if (p->is_object()) {
      std::string key = std::holds_alternative<std::string>(last)
                            ? std::get<std::string>(last)
                            : std::to_string(std::get<int64_t>(last));
      auto it = p->find(key);
      return it != p->end() && it->is_null();
    }
    if (p->is_array()) {
      int64_t idx = -1;
      if (const auto* k = std::get_if<std::string>(&last)) {
        if (k->empty() || k->find_first_not_of("0123456789") != std::string::npos ||
            (k->size() > 1 && (*k)[0] == '0') || k->size() > 18) {
          return false;
        }
        idx = std::stoll(*k);
      } else {
        idx = std::get<int64_t>(last);
      }
      return idx >= 0 && idx < static_cast<int64_t>(p->size()) &&
             (*p)[static_cast<size_t>(idx)].is_null();
    }
    return false;
  }

  Truth Compare(const Json& v, CompareOp op, const ScalarValue& c, bool f32) {
    if (const auto* s = std::get_if<std::string>(&c)) {
      if (!v.is_string()) return Truth::kUnknown;
      return Of(CmpOrdered(op, v.get<std::string>(), *s));
    }
    if (const auto* b = std::get_if<bool>(&c)) {
      if (!v.is_boolean()) return Truth::kUnknown;
      return Of(CmpOrdered(op, v.get<bool>(), *b));
    }
    auto x = JsonNum(v);
    auto k = ConstNum(c, f32);
    if (!x || !k) return Truth::kUnknown;
    return Of(CmpResult(op, x->L(), k->L()));
  }

  Truth Arith(const ArithCompareExpr& a) {
    auto v = Get(a.field);
    if (!v) return Truth::kUnknown;
    auto x = JsonNum(*v);
    if (!x) return Truth::kUnknown;
    bool f32 = IsF32(a.field);
    auto k = ConstNum(a.operand, f32);
    auto c = ConstNum(a.value, f32);
    if (x->is_int && k->is_int) {
      __int128 r = x->i, y = k->i;
      switch (a.arith) {
        case ArithOp::kAdd:
          r += y;
          break;
        case ArithOp::kSub:
          r -= y;
          break;
        case ArithOp::kMul:
          r *= y;
          break;
        case ArithOp::kDiv:
          r /= y;
          break;
        case ArithOp::kMod:
          r %= y;
          break;
      }
      if (c->is_int) return Of(CmpOrdered<__int128>(a.op, r, c->i));
      return Of(CmpResult(a.op, static_cast<long double>(r), c->d));
    }
    if (a.arith == ArithOp::kMod) return Truth::kUnknown;
    double r = 0;
    if (f32) {
      float xf = static_cast<float>(x->L()), kf = static_cast<float>(k->d), rf = 0;
      if (a.arith == ArithOp::kAdd) rf = xf + kf;
      if (a.arith == ArithOp::kSub) rf = xf - kf;
      if (a.arith == ArithOp::kMul) rf = xf * kf;
      if (a.arith == ArithOp::kDiv) rf = xf / kf;
      r = rf;
    } else {
      double xd = static_cast<double>(x->L()), kd = static_cast<double>(k->L());
      if (a.arith == ArithOp::kAdd) r = xd + kd;
      if (a.arith == ArithOp::kSub) r = xd - kd;
      if (a.arith == ArithOp::kMul) r = xd * kd;
      if (a.arith == ArithOp::kDiv) r = xd / kd;
    }
    return Of(CmpResult(a.op, r, c->L()));
  }

  static bool Equal(const Json& e, const Value& w, bool f32) {
    if (w.IsList()) {
      if (!e.is_array() || e.size() != w.AsList().size()) return false;
      for (size_t i = 0; i < e.size(); ++i) {
        if (!Equal(e[i], w.AsList()[i], false)) return false;
      }
      return true;
    }
    if (w.IsString()) return e.is_string() && e.get<std::string>() == w.AsString();
    if (w.IsBool()) return e.is_boolean() && e.get<bool>() == w.AsBool();
    auto x = JsonNum(e);
    if (!x || !w.IsNumber()) return false;
    Num k;
    if (w.IsInt()) {
      k.is_int = true;
      k.i = w.AsInt();
    } else {
      k.d = w.AsFloat();
    }
    if (f32) k = Num{false, 0, ToF32(static_cast<double>(k.L()))};
    return x->L() == k.L();
  }

  const CollectionSchema& schema_;
  const Json& row_;
};

}  // namespace

Truth ReferenceEval(const Plan& plan, const CollectionSchema& schema, const nlohmann::json& row) {
  return Ref(schema, row).Eval(plan.root());
}

}  // namespace elanus::expr::testing
