#include "expr/evaluator.h"

#include <algorithm>
#include <string>

#include "expr/eval_kernels.h"
#include "expr/eval_node.h"

namespace elanus::expr {

using internal::EvalNode;
using internal::NumWords;
using internal::TailMask;
using internal::TriBits;

namespace {

// The field a leaf reads (CompareFields: the left one); nullptr for inner nodes.
const FieldRef* LeafField(const PlanNode& n) {
  return std::visit(
      [](const auto& e) -> const FieldRef* {
        if constexpr (requires { e.field; }) {
          return &e.field;
        } else if constexpr (requires { e.left; }) {
          return &e.left;
        } else {
          return nullptr;
        }
      },
      n.node);
}

Result<size_t> ResolveColumn(const FieldRef& f, const CollectionSchema& schema) {
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const FieldSchema& fs = schema.fields[i];
    if (fs.field_id != f.field_id) continue;
    if (fs.type != f.type || (fs.type == DataType::kArray && fs.element_type != f.element_type)) {
      return Status::Internal("filter plan field '" + f.name + "' (id " +
                              std::to_string(f.field_id) + ") has type " + DataTypeName(f.type) +
                              " but the schema says " + DataTypeName(fs.type));
    }
    return i;
  }
  return Status::Internal("filter plan field '" + f.name + "' (id " + std::to_string(f.field_id) +
                          ") is not in the schema of collection '" + schema.name + "'");
}

// True when the leaf's values are read per row (VARCHAR, ARRAY, JSON) rather than by the
// fixed-width kernels.
bool IsRowSource(const FieldRef& f) {
  return f.type == DataType::kVarChar || f.type == DataType::kArray || f.type == DataType::kJson;
}

struct BindContext {
  const ScalarIndexMap* indexes = nullptr;
  size_t rows = 0;
  Evaluator::IndexUse use = Evaluator::IndexUse::kWhenCheaper;
  size_t leaves = 0;
  size_t indexed = 0;
};

Result<std::unique_ptr<EvalNode>> Bind(const PlanNode& p, const CollectionSchema& schema,
                                       BindContext* ctx) {
  auto node = std::make_unique<EvalNode>();
  node->plan = &p;
  if (const auto* a = std::get_if<AndExpr>(&p.node)) {
    for (const auto& c : a->children) {
      ELANUS_ASSIGN_OR_RETURN(auto child, Bind(*c, schema, ctx));
      node->children.push_back(std::move(child));
    }
  } else if (const auto* o = std::get_if<OrExpr>(&p.node)) {
    for (const auto& c : o->children) {
      ELANUS_ASSIGN_OR_RETURN(auto child, Bind(*c, schema, ctx));
      node->children.push_back(std::move(child));
    }
  } else if (const auto* n = std::get_if<NotExpr>(&p.node)) {
    ELANUS_ASSIGN_OR_RETURN(auto child, Bind(*n->child, schema, ctx));
    node->children.push_back(std::move(child));
  } else if (const FieldRef* f = LeafField(p)) {
    node->field = f;
    ELANUS_ASSIGN_OR_RETURN(node->col, ResolveColumn(*f, schema));
    if (const auto* cf = std::get_if<CompareFieldsExpr>(&p.node)) {
      node->field2 = &cf->right;
      ELANUS_ASSIGN_OR_RETURN(node->col2, ResolveColumn(cf->right, schema));
    }
    ++ctx->leaves;
    if (ctx->indexes != nullptr) {
      auto it = ctx->indexes->find(f->field_id);
      if (it != ctx->indexes->end() && it->second->rows() == ctx->rows) {
        size_t budget =
            ctx->use == Evaluator::IndexUse::kAlways || IsRowSource(*f) ? SIZE_MAX : ctx->rows / 32;
        node->indexed = it->second->Answer(p, budget);
        if (node->indexed) {
          ++ctx->indexed;
          return node;
        }
      }
    }
    if (IsRowSource(*f)) node->pred = internal::ScalarPredicate::Create(p);
  }
  return node;
}

// false-set of a result: known & ~t.
std::vector<uint64_t> FalseBits(const TriBits& r, size_t n) {
  size_t nw = NumWords(n);
  std::vector<uint64_t> f(nw);
  for (size_t w = 0; w < nw; ++w) f[w] = (r.known.empty() ? ~uint64_t{0} : r.known[w]) & ~r.t[w];
  if (nw != 0) f[nw - 1] &= TailMask(n);
  return f;
}

Status CheckColumn(const types::ChunkView& chunk, size_t col, const FieldRef& f) {
  if (col >= chunk.columns.size()) {
    return Status::Internal("chunk has " + std::to_string(chunk.columns.size()) +
                            " columns; filter needs column " + std::to_string(col) + " ('" +
                            f.name + "')");
  }
  const types::ColumnView& c = chunk.columns[col];
  bool ok = IsRowSource(f) ? c.var != nullptr : c.fixed != nullptr;
  if (!ok) return Status::Internal("chunk column '" + f.name + "' has no data");
  return Status::OK();
}

class ChunkEval {
 public:
  explicit ChunkEval(const types::ChunkView& chunk) : chunk_(chunk), n_(chunk.rows) {}

  Status Eval(const EvalNode& node, TriBits* out) {
    const PlanNode& p = *node.plan;
    size_t nw = NumWords(n_);
    if (const auto* c = std::get_if<ConstExpr>(&p.node)) {
      out->t.assign(nw, 0);
      out->known.clear();
      if (c->value) internal::FillOnes(n_, out->t.data());
      return Status::OK();
    }
    if (std::holds_alternative<AndExpr>(p.node) || std::holds_alternative<OrExpr>(p.node)) {
      return EvalLogical(node, std::holds_alternative<AndExpr>(p.node), out);
    }
    if (std::holds_alternative<NotExpr>(p.node)) {
      ELANUS_RETURN_IF_ERROR(Eval(*node.children[0], out));
      out->t = FalseBits(*out, n_);  // not: true where the child is false; unknown stays
      return Status::OK();
    }
    if (node.indexed) return SliceIndexed(*node.indexed, out);
    const FieldRef& f = *node.field;
    ELANUS_RETURN_IF_ERROR(CheckColumn(chunk_, node.col, f));
    const types::ColumnView& col = chunk_.columns[node.col];
    if (const auto* e = std::get_if<IsNullExpr>(&p.node)) {
      out->known.clear();
      out->t.assign(nw, 0);
      if (col.valid != nullptr)
        internal::PackValid(col.valid, n_, out->t.data());
      else
        internal::FillOnes(n_, out->t.data());  // t = has a value
      if (!e->negated) out->t = FalseBits(*out, n_);
      return Status::OK();
    }
    const types::ColumnView* col2 = nullptr;
    if (node.field2 != nullptr) {
      ELANUS_RETURN_IF_ERROR(CheckColumn(chunk_, node.col2, *node.field2));
      col2 = &chunk_.columns[node.col2];
    }
    if (IsRowSource(f)) return internal::EvalRowLeaf(node, col, col2, n_, out);
    return EvalFixedLeaf(node, col, col2, out);
  }

 private:
  // Copies segment-wide index bits [row_begin, row_begin + n) into chunk-local words.
  Status SliceIndexed(const IndexAnswer& a, TriBits* out) {
    const size_t begin = chunk_.row_begin, nw = NumWords(n_);
    if (NumWords(begin + n_) > a.t.size()) {
      return Status::Internal("scalar index answer is shorter than the chunk");
    }
    auto slice = [&](const std::vector<uint64_t>& src, std::vector<uint64_t>* dst) {
      dst->assign(nw, 0);
      const size_t base = begin / 64, shift = begin % 64;
      for (size_t w = 0; w < nw; ++w) {
        uint64_t x = src[base + w] >> shift;
        if (shift != 0 && base + w + 1 < src.size()) x |= src[base + w + 1] << (64 - shift);
        (*dst)[w] = x;
      }
      if (nw != 0) dst->back() &= TailMask(n_);
    };
    slice(a.t, &out->t);
    if (a.known.empty()) {
      out->known.clear();
    } else {
      slice(a.known, &out->known);
    }
    return Status::OK();
  }

  Status EvalLogical(const EvalNode& node, bool is_and, TriBits* out) {
    size_t nw = NumWords(n_);
    ELANUS_RETURN_IF_ERROR(Eval(*node.children[0], out));
    for (size_t k = 1; k < node.children.size(); ++k) {
      TriBits c;
      ELANUS_RETURN_IF_ERROR(Eval(*node.children[k], &c));
      if (out->known.empty() && c.known.empty()) {  // two-valued: plain word-wise and/or
        for (size_t w = 0; w < nw; ++w)
          out->t[w] = is_and ? out->t[w] & c.t[w] : out->t[w] | c.t[w];
        continue;
      }
      // and: true if all true, false if any false; or: true if any true, false if all false.
      std::vector<uint64_t> fa = FalseBits(*out, n_), fb = FalseBits(c, n_);
      out->known.resize(nw);
      for (size_t w = 0; w < nw; ++w) {
        uint64_t t = is_and ? out->t[w] & c.t[w] : out->t[w] | c.t[w];
        uint64_t f = is_and ? fa[w] | fb[w] : fa[w] & fb[w];
        out->t[w] = t;
        out->known[w] = t | f;
      }
    }
    return Status::OK();
  }

  Status EvalFixedLeaf(const EvalNode& node, const types::ColumnView& col,
                       const types::ColumnView* col2, TriBits* out) {
    const PlanNode& p = *node.plan;
    const FieldRef& f = *node.field;
    size_t nw = NumWords(n_);
    out->t.assign(nw, 0);
    bool ok = false;
    bool negate = false;
    if (const auto* c = std::get_if<CompareExpr>(&p.node)) {
      ok = internal::FixedCompare(f.type, col.fixed, n_, c->op, c->value, out->t.data());
    } else if (const auto* r = std::get_if<RangeExpr>(&p.node)) {
      ok = internal::FixedRange(f.type, col.fixed, n_, *r, out->t.data());
    } else if (const auto* in = std::get_if<InExpr>(&p.node)) {
      ok = internal::FixedIn(f.type, col.fixed, n_, in->values, out->t.data());
      negate = in->negated;
    } else if (const auto* a = std::get_if<ArithCompareExpr>(&p.node)) {
      ok = internal::FixedArith(f.type, col.fixed, n_, *a, out->t.data());
    } else if (const auto* cf = std::get_if<CompareFieldsExpr>(&p.node)) {
      ok = internal::FixedCompareFields(f.type, col.fixed, node.field2->type, col2->fixed, n_,
                                        cf->op, out->t.data());
    }
    if (!ok) {
      return Status::Internal("filter node '" + p.ToString() + "' cannot be evaluated on " +
                              DataTypeName(f.type) + " column '" + f.name + "'");
    }
    if (negate) {
      for (uint64_t& w : out->t) w = ~w;
      if (nw != 0) out->t[nw - 1] &= TailMask(n_);
    }
    // Rows with a NULL operand are unknown.
    out->known.clear();
    for (const types::ColumnView* c : {&col, col2}) {
      if (c == nullptr || c->valid == nullptr) continue;
      std::vector<uint64_t> v(nw);
      internal::PackValid(c->valid, n_, v.data());
      if (out->known.empty()) {
        out->known = std::move(v);
      } else {
        for (size_t w = 0; w < nw; ++w) out->known[w] &= v[w];
      }
    }
    if (!out->known.empty()) {
      for (size_t w = 0; w < nw; ++w) out->t[w] &= out->known[w];
    }
    return Status::OK();
  }

  const types::ChunkView& chunk_;
  size_t n_;
};

}  // namespace

Evaluator::Evaluator(std::unique_ptr<EvalNode> root) : root_(std::move(root)) {}
Evaluator::~Evaluator() = default;

Result<std::unique_ptr<Evaluator>> Evaluator::Create(const Plan& plan,
                                                     const CollectionSchema& schema) {
  return Create(plan, schema, nullptr, 0);
}

Result<std::unique_ptr<Evaluator>> Evaluator::Create(const Plan& plan,
                                                     const CollectionSchema& schema,
                                                     const ScalarIndexMap* indexes,
                                                     size_t segment_rows, IndexUse use) {
  BindContext ctx{indexes, segment_rows, use};
  ELANUS_ASSIGN_OR_RETURN(auto root, Bind(plan.root(), schema, &ctx));
  auto eval = std::unique_ptr<Evaluator>(new Evaluator(std::move(root)));
  eval->leaves_ = ctx.leaves;
  eval->indexed_leaves_ = ctx.indexed;
  return eval;
}

Status Evaluator::Evaluate(const types::ChunkView& chunk, Bitset* out) const {
  const size_t begin = chunk.row_begin, n = chunk.rows;
  if (out->size() < begin + n) {
    return Status::Internal("filter bitset has " + std::to_string(out->size()) +
                            " bits; chunk ends at row " + std::to_string(begin + n));
  }
  if (n == 0) return Status::OK();
  TriBits r;
  ChunkEval ce(chunk);
  ELANUS_RETURN_IF_ERROR(ce.Eval(*root_, &r));
  // OR the chunk-local bits into *out at offset `begin` (shifting when not word-aligned).
  uint64_t* words = out->words();
  const size_t nwords = out->num_words(), base = begin / 64, shift = begin % 64;
  for (size_t w = 0; w < r.t.size(); ++w) {
    uint64_t x = r.t[w];
    if (x == 0) continue;
    if (shift == 0) {
      words[base + w] |= x;
    } else {
      words[base + w] |= x << shift;
      if (base + w + 1 < nwords) words[base + w + 1] |= x >> (64 - shift);
    }
  }
  return Status::OK();
}

Status EvaluateChunk(const Plan& plan, const CollectionSchema& schema,
                     const types::ChunkView& chunk, Bitset* out) {
  ELANUS_ASSIGN_OR_RETURN(auto eval, Evaluator::Create(plan, schema));
  return eval->Evaluate(chunk, out);
}

}  // namespace elanus::expr
