#include "index/sparse_inverted_index.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "elanus/column.h"
#include "index/index_format.h"
#include "index/index_registry.h"
#include "types/value_codec.h"

namespace elanus::index {
namespace {

Result<std::unique_ptr<VectorIndex>> CreateSparse(const IndexSpec& spec, const ParamMap& params) {
  ELANUS_ASSIGN_OR_RETURN(SparseIndexParams p, SparseIndexParams::Parse(params));
  ELANUS_ASSIGN_OR_RETURN(std::unique_ptr<SparseInvertedIndex> index,
                          SparseInvertedIndex::Create(spec, p));
  return std::unique_ptr<VectorIndex>(std::move(index));
}

// Parses an optional float parameter in [lo, hi] (hi_open: [lo, hi)).
Result<float> ParseFloatParam(const ParamMap& params, const std::string& name, float def, float lo,
                              float hi, bool hi_open, std::string_view kind) {
  auto it = params.find(name);
  if (it == params.end()) return def;
  char* end = nullptr;
  const std::string& s = it->second;
  const double v = std::strtod(s.c_str(), &end);
  const bool parsed = !s.empty() && end == s.c_str() + s.size() && std::isfinite(v);
  if (!parsed || v < lo || (hi_open ? v >= hi : v > hi)) {
    return Status::InvalidArgument("invalid " + std::string(kind) + " parameter " + name + "=" + s +
                                   ": must be a number in [" + std::to_string(lo).substr(0, 3) +
                                   ", " + std::to_string(hi).substr(0, 3) + (hi_open ? ")" : "]"));
  }
  return static_cast<float>(v);
}

constexpr float kSlack = 1e-5f;  // relative margin on pruning bounds (float summation order)

}  // namespace

ELANUS_REGISTER_INDEX_TYPE((IndexTypeInfo{std::string(SparseInvertedIndex::kTypeName),
                                          &CreateSparse}));
ELANUS_REGISTER_INDEX_TYPE((IndexTypeInfo{std::string(SparseInvertedIndex::kWandAlias),
                                          &CreateSparse}));

Result<SparseIndexParams> SparseIndexParams::Parse(const ParamMap& params) {
  SparseIndexParams p;
  auto it = params.find("inverted_index_algo");
  if (it != params.end()) {
    if (it->second == "DAAT_MAXSCORE") {
      p.algo = SparseAlgo::kDaatMaxScore;
    } else if (it->second == "TAAT_NAIVE") {
      p.algo = SparseAlgo::kTaatNaive;
    } else if (it->second == "DAAT_WAND") {
      return Status::InvalidArgument(
          "index parameter inverted_index_algo=DAAT_WAND is not supported yet: use DAAT_MAXSCORE "
          "(same results) or TAAT_NAIVE");
    } else {
      return Status::InvalidArgument("invalid index parameter inverted_index_algo=" + it->second +
                                     ": must be DAAT_MAXSCORE, TAAT_NAIVE or DAAT_WAND");
    }
  }
  ELANUS_ASSIGN_OR_RETURN(p.drop_ratio_build,
                          ParseFloatParam(params, "drop_ratio_build", 0, 0, 1, true, "index"));
  return p;
}

Result<std::unique_ptr<SparseInvertedIndex>> SparseInvertedIndex::Create(
    const IndexSpec& spec, const SparseIndexParams& params) {
  ELANUS_RETURN_IF_ERROR(ValidateSparseSpec(spec, kTypeName));
  if (!(params.drop_ratio_build >= 0 && params.drop_ratio_build < 1)) {
    return Status::InvalidArgument("invalid index parameter drop_ratio_build: must be in [0, 1)");
  }
  return std::unique_ptr<SparseInvertedIndex>(new SparseInvertedIndex(spec, params));
}

void SparseInvertedIndex::Clear() {
  n_ = 0;
  drop_threshold_ = 0;
  lists_.clear();
  list_of_dim_.clear();
}

size_t SparseInvertedIndex::NumPostings() const {
  size_t total = 0;
  for (const PostingList& l : lists_) total += l.rows.size();
  return total;
}

Status SparseInvertedIndex::Build(const void* vectors, int64_t n, ThreadPool*) {
  ELANUS_RETURN_IF_ERROR(CheckAddArgs(vectors, n, 0));
  Clear();
  if (params_.drop_ratio_build > 0 && n > 0) {
    const auto* rows = static_cast<const std::string_view*>(vectors);
    std::vector<float> all;
    for (int64_t i = 0; i < n; ++i) {
      const types::SparseView v = types::ViewSparse(rows[i]);
      for (uint32_t j = 0; j < v.count; ++j) all.push_back(v.value(j));
    }
    if (!all.empty()) {
      const auto cut =
          static_cast<size_t>(params_.drop_ratio_build * static_cast<float>(all.size()));
      std::nth_element(all.begin(), all.begin() + static_cast<ptrdiff_t>(cut), all.end());
      drop_threshold_ = all[cut];
    }
  }
  return Append(vectors, n);
}

Status SparseInvertedIndex::Add(const void* vectors, int64_t n, ThreadPool*) {
  ELANUS_RETURN_IF_ERROR(CheckAddArgs(vectors, n, n_));
  return Append(vectors, n);
}

Status SparseInvertedIndex::Append(const void* vectors, int64_t n) {
  const auto* rows = static_cast<const std::string_view*>(vectors);
  for (int64_t i = 0; i < n; ++i) {
    const types::SparseView v = types::ViewSparse(rows[i]);
    const auto row = static_cast<uint32_t>(n_ + i);
    for (uint32_t j = 0; j < v.count; ++j) {
      const float value = v.value(j);
      if (value < drop_threshold_ || value == 0) continue;
      auto [it, fresh] = list_of_dim_.try_emplace(v.index(j), static_cast<uint32_t>(lists_.size()));
      if (fresh) lists_.push_back(PostingList{v.index(j), 0, {}, {}});
      PostingList& l = lists_[it->second];
      l.rows.push_back(row);
      l.values.push_back(value);
      l.max_value = std::max(l.max_value, value);
    }
  }
  n_ += n;
  return Status::OK();
}

Result<SearchParams> SparseInvertedIndex::ParseSearchParams(const ParamMap& params, int64_t) const {
  SearchParams sp;
  ELANUS_ASSIGN_OR_RETURN(sp.drop_ratio_search,
                          ParseFloatParam(params, "drop_ratio_search", 0, 0, 1, true, "search"));
  ELANUS_ASSIGN_OR_RETURN(sp.dim_max_score_ratio, ParseFloatParam(params, "dim_max_score_ratio", 1,
                                                                  0.5f, 1.3f, false, "search"));
  return sp;
}

Status SparseInvertedIndex::CheckQuery(const void* query, const SearchParams& params) const {
  if (!(params.drop_ratio_search >= 0 && params.drop_ratio_search < 1)) {
    return Status::InvalidArgument("invalid search parameter drop_ratio_search: must be in [0, 1)");
  }
  const float r = params.dim_max_score_ratio;
  if (r != 0 && !(r >= 0.5f && r <= 1.3f)) {
    return Status::InvalidArgument(
        "invalid search parameter dim_max_score_ratio: must be in [0.5, 1.3]");
  }
  const auto* q = static_cast<const SparseVector*>(query);
  if (q->indices.size() != q->values.size()) {
    return Status::InvalidArgument("sparse query: indices and values differ in length");
  }
  for (size_t i = 0; i < q->values.size(); ++i) {
    if (!std::isfinite(q->values[i]) || q->values[i] < 0) {
      return Status::InvalidArgument("sparse query: value " + std::to_string(q->values[i]) +
                                     " at dimension " + std::to_string(q->indices[i]) +
                                     " must be finite and non-negative");
    }
  }
  return Status::OK();
}

std::vector<SparseInvertedIndex::Term> SparseInvertedIndex::QueryTerms(
    const void* query, const SearchParams& params) const {
  const auto* q = static_cast<const SparseVector*>(query);
  std::vector<size_t> keep(q->values.size());
  std::iota(keep.begin(), keep.end(), 0);
  if (params.drop_ratio_search > 0 && !keep.empty()) {
    // Drop the floor(ratio * nnz) smallest weights (ties: the later dimension goes first).
    std::sort(keep.begin(), keep.end(), [&](size_t a, size_t b) {
      return q->values[a] > q->values[b] || (q->values[a] == q->values[b] && a < b);
    });
    const auto drop =
        static_cast<size_t>(params.drop_ratio_search * static_cast<float>(keep.size()));
    keep.resize(keep.size() - drop);
  }
  std::vector<Term> terms;
  for (size_t i : keep) {
    if (q->values[i] == 0) continue;
    auto it = list_of_dim_.find(q->indices[i]);
    if (it != list_of_dim_.end()) terms.push_back({q->values[i], &lists_[it->second]});
  }
  return terms;
}

std::vector<float> SparseInvertedIndex::Accumulate(const std::vector<Term>& terms) const {
  std::vector<float> scores(static_cast<size_t>(n_), 0.0f);
  for (const Term& t : terms) {
    for (size_t i = 0; i < t.list->rows.size(); ++i) {
      scores[t.list->rows[i]] += t.weight * t.list->values[i];
    }
  }
  return scores;
}

void SparseInvertedIndex::SearchMaxScore(const std::vector<Term>& in_terms, float bound_scale,
                                         const Bitset* allowed, TopK* top) const {
  constexpr uint32_t kEnd = std::numeric_limits<uint32_t>::max();
  // `row` caches rows[pos] (kEnd when exhausted) so the per-document loops stay in `cur`.
  struct Cursor {
    float weight, bound;
    const PostingList* list;
    size_t pos;
    uint32_t row;
    void Seek(size_t p) {
      pos = p;
      row = pos < list->rows.size() ? list->rows[pos] : kEnd;
    }
  };
  std::vector<Cursor> cur;
  for (const Term& t : in_terms) {
    cur.push_back({t.weight, t.weight * t.list->max_value * bound_scale, t.list, 0,
                   t.list->rows.empty() ? kEnd : t.list->rows[0]});
  }
  std::sort(cur.begin(), cur.end(), [](const Cursor& a, const Cursor& b) {
    return a.bound < b.bound || (a.bound == b.bound && a.list->dim < b.list->dim);
  });
  std::vector<float> prefix(cur.size());  // prefix[i] = sum of bounds of cur[0..i]
  float sum = 0;
  for (size_t i = 0; i < cur.size(); ++i) prefix[i] = sum += cur[i].bound;
  float theta = -std::numeric_limits<float>::infinity();
  auto below = [&theta](float bound) { return bound < theta - kSlack * std::abs(theta); };
  size_t first_essential = 0;  // cur[0..first_essential) are non-essential
  // Rows are processed in windows of kWindow: essential terms are accumulated densely into `acc`
  // (cheap, like TAAT), then each touched row is completed by probing the non-essential terms
  // while it can still beat the k-th score. The essential set only shrinks between windows, so
  // no term is both accumulated and probed for the same row.
  constexpr uint32_t kWindow = 4096;
  std::vector<float> acc(kWindow, 0.0f);
  const auto rows = static_cast<uint32_t>(n_);
  for (uint32_t start = 0; start < rows && first_essential < cur.size(); start += kWindow) {
    const uint32_t end = std::min(rows, start + kWindow);
    uint32_t lo = kEnd, hi = 0;
    for (size_t i = first_essential; i < cur.size(); ++i) {
      Cursor& c = cur[i];
      const auto& list_rows = c.list->rows;
      const auto& values = c.list->values;
      size_t p = c.pos;
      for (; p < list_rows.size() && list_rows[p] < end; ++p) {
        acc[list_rows[p] - start] += c.weight * values[p];
        lo = std::min(lo, list_rows[p]);
        hi = std::max(hi, list_rows[p]);
      }
      c.Seek(p);
    }
    if (lo == kEnd) continue;
    for (uint32_t doc = lo; doc <= hi; ++doc) {
      float score = acc[doc - start];
      if (score == 0) continue;
      acc[doc - start] = 0;
      if (allowed != nullptr && !allowed->test(doc)) continue;
      bool pruned = false;
      for (size_t i = first_essential; i-- > 0;) {
        if (below(score + prefix[i])) {
          pruned = true;
          break;
        }
        Cursor& c = cur[i];
        if (c.row < doc) {
          // Galloping search: rows probed are increasing, so the target is usually near.
          const auto& list_rows = c.list->rows;
          size_t step = 1, base = c.pos;
          while (base + step < list_rows.size() && list_rows[base + step] < doc) {
            base += step;
            step *= 2;
          }
          const size_t limit = std::min(list_rows.size(), base + step + 1);
          c.Seek(static_cast<size_t>(
              std::lower_bound(list_rows.begin() + static_cast<ptrdiff_t>(base),
                               list_rows.begin() + static_cast<ptrdiff_t>(limit), doc) -
              list_rows.begin()));
        }
        if (c.row == doc) score += c.weight * c.list->values[c.pos];
      }
      if (pruned || score <= 0) continue;
      top->Push(-score, doc);
      if (top->full()) theta = -top->Bound();
    }
    while (first_essential < cur.size() && below(prefix[first_essential])) ++first_essential;
  }
}

Status SparseInvertedIndex::Search(const void* query, int64_t k, const Bitset* allowed,
                                   const SearchParams& params, std::vector<Neighbor>* out) const {
  ELANUS_RETURN_IF_ERROR(CheckSearchArgs(query, k, allowed, n_, out));
  ELANUS_RETURN_IF_ERROR(CheckQuery(query, params));
  out->clear();
  const std::vector<Term> terms = QueryTerms(query, params);
  TopK top(static_cast<size_t>(k));
  if (params_.algo == SparseAlgo::kTaatNaive) {
    const std::vector<float> scores = Accumulate(terms);
    for (size_t row = 0; row < scores.size(); ++row) {
      if (allowed == nullptr || allowed->test(row))
        top.Push(-scores[row], static_cast<int64_t>(row));
    }
    top.Drain(MetricType::kIP, out);
    return Status::OK();
  }
  const float scale = params.dim_max_score_ratio == 0 ? 1.0f : params.dim_max_score_ratio;
  SearchMaxScore(terms, scale, allowed, &top);
  if (top.full()) {
    top.Drain(MetricType::kIP, out);
    return Status::OK();
  }
  // Fewer than k rows share a dimension with the query: no pruning happened, every matching row
  // is in `top`. Fill up with score-0 rows (smallest rows first), as an exact scan would.
  std::vector<Neighbor> matched;
  top.Drain(MetricType::kIP, &matched);
  Bitset taken(static_cast<size_t>(n_));
  TopK all(static_cast<size_t>(k));
  for (const Neighbor& nb : matched) {
    taken.set(static_cast<size_t>(nb.row));
    all.Push(-nb.score, nb.row);
  }
  for (size_t row = 0; row < static_cast<size_t>(n_) && !all.full(); ++row) {
    if (!taken.test(row) && (allowed == nullptr || allowed->test(row))) {
      all.Push(0.0f, static_cast<int64_t>(row));
    }
  }
  all.Drain(MetricType::kIP, out);
  return Status::OK();
}

Status SparseInvertedIndex::RangeSearch(const void* query, float radius,
                                        std::optional<float> range_filter, int64_t limit,
                                        const Bitset* allowed, const SearchParams& params,
                                        std::vector<Neighbor>* out) const {
  ELANUS_RETURN_IF_ERROR(CheckSearchArgs(query, 1, allowed, n_, out));
  ELANUS_RETURN_IF_ERROR(CheckQuery(query, params));
  out->clear();
  const std::vector<float> scores = Accumulate(QueryTerms(query, params));
  std::vector<std::pair<float, int64_t>> hits;
  for (size_t row = 0; row < scores.size(); ++row) {
    if (allowed != nullptr && !allowed->test(row)) continue;
    if (InRange(MetricType::kIP, scores[row], radius, range_filter)) {
      hits.emplace_back(-scores[row], static_cast<int64_t>(row));
    }
  }
  std::sort(hits.begin(), hits.end());
  if (limit > 0 && hits.size() > static_cast<size_t>(limit)) {
    hits.resize(static_cast<size_t>(limit));
  }
  for (const auto& [d, row] : hits) out->push_back({row, -d});
  return Status::OK();
}

size_t SparseInvertedIndex::MemoryBytes() const {
  size_t bytes = lists_.capacity() * sizeof(PostingList) + list_of_dim_.size() * 32;
  for (const PostingList& l : lists_) bytes += l.rows.capacity() * 4 + l.values.capacity() * 4;
  return bytes;
}

// Body: u32 algo | f32 drop_ratio_build | f32 drop threshold | u64 n | u32 lists
//       | per list (increasing dim): u32 dim, u64 size, u32 rows[size] (increasing),
//         f32 values[size] (finite, > 0)
Status SparseInvertedIndex::Serialize(std::string* out) const {
  std::string body;
  ByteWriter w(&body);
  w.Put<uint32_t>(static_cast<uint32_t>(params_.algo));
  w.Put<float>(params_.drop_ratio_build);
  w.Put<float>(drop_threshold_);
  w.Put<uint64_t>(static_cast<uint64_t>(n_));
  w.Put<uint32_t>(static_cast<uint32_t>(lists_.size()));
  std::vector<uint32_t> order(lists_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return lists_[a].dim < lists_[b].dim; });
  for (uint32_t i : order) {
    const PostingList& l = lists_[i];
    w.Put<uint32_t>(l.dim);
    w.Put<uint64_t>(l.rows.size());
    w.PutBytes(l.rows.data(), l.rows.size() * 4);
    w.PutBytes(l.values.data(), l.values.size() * 4);
  }
  WriteIndexEnvelope(TypeName(), spec_, body, out);
  return Status::OK();
}

Status SparseInvertedIndex::Load(std::string_view data) {
  Clear();
  ELANUS_ASSIGN_OR_RETURN(IndexEnvelope env, ReadIndexEnvelopeOfType(data, TypeName()));
  auto fail = [this](const char* msg) {
    Clear();
    return Status::Corruption(std::string("SPARSE_INVERTED_INDEX image: ") + msg);
  };
  ByteReader r(env.body);
  uint32_t algo = 0, lists = 0;
  float ratio = 0, threshold = 0;
  uint64_t n = 0;
  if (!r.Get(&algo, "algo").ok() || !r.Get(&ratio, "drop_ratio_build").ok() ||
      !r.Get(&threshold, "threshold").ok() || !r.Get(&n, "row count").ok() ||
      !r.Get(&lists, "list count").ok()) {
    return fail("truncated header");
  }
  if (algo > 1 || !(ratio >= 0 && ratio < 1) || !std::isfinite(threshold) || threshold < 0 ||
      n > uint64_t{INT32_MAX} || !r.CanRead(lists, 12)) {
    return fail("invalid header");
  }
  spec_ = env.spec;
  params_.algo = static_cast<SparseAlgo>(algo);
  params_.drop_ratio_build = ratio;
  lists_.resize(lists);
  int64_t prev_dim = -1;
  for (uint32_t li = 0; li < lists; ++li) {
    PostingList& l = lists_[li];
    uint64_t size = 0;
    if (!r.Get(&l.dim, "dim").ok() || !r.Get(&size, "list size").ok()) {
      return fail("truncated list header");
    }
    if (static_cast<int64_t>(l.dim) <= prev_dim || size == 0 || !r.CanRead(size, 8)) {
      return fail("invalid list header");
    }
    prev_dim = l.dim;
    l.rows.resize(size);
    l.values.resize(size);
    if (!r.GetBytes(l.rows.data(), size * 4, "rows").ok() ||
        !r.GetBytes(l.values.data(), size * 4, "values").ok()) {
      return fail("truncated list");
    }
    for (size_t i = 0; i < size; ++i) {
      if (l.rows[i] >= n || (i > 0 && l.rows[i] <= l.rows[i - 1])) return fail("bad row order");
      if (!std::isfinite(l.values[i]) || !(l.values[i] > 0)) return fail("bad value");
      l.max_value = std::max(l.max_value, l.values[i]);
    }
    list_of_dim_[l.dim] = li;
  }
  if (r.remaining() != 0) return fail("trailing bytes");
  drop_threshold_ = threshold;
  n_ = static_cast<int64_t>(n);
  return Status::OK();
}

}  // namespace elanus::index
