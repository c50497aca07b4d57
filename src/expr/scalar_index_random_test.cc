// Index vs no-index equivalence: random filters (the evaluator's random grammar) over random rows
// give identical bitsets whether the leaves are answered by scalar indexes or by the column
// evaluator, for several index configurations (every index type, ARRAY fields, JSON casts).
#include <gtest/gtest.h>

#include <iostream>

#include "expr/eval_random_gen.h"
#include "expr/eval_test_util.h"
#include "expr/expr.h"
#include "expr/scalar_index.h"
#include "expr/test_schemas.h"

namespace elanus::expr {
namespace {

using Json = nlohmann::json;
using testing::Gen;

struct IndexReq {
  std::string field, type;
  std::map<std::string, std::string> params;
};

ScalarIndexMap BuildIndexes(const CollectionSchema& schema, const types::ChunkView& chunk,
                            const std::vector<IndexReq>& reqs) {
  ScalarIndexMap out;
  for (const IndexReq& r : reqs) {
    const FieldSchema* f = schema.FindField(r.field);
    EXPECT_NE(f, nullptr) << r.field;
    if (f == nullptr) continue;
    auto spec = ResolveScalarIndexSpec(r.type, *f, schema, r.params);
    EXPECT_TRUE(spec.ok()) << r.field << ": " << spec.status().ToString();
    if (!spec.ok()) continue;
    size_t pos = static_cast<size_t>(f - schema.fields.data());
    auto idx = ScalarIndex::Build(*spec, chunk.columns[pos], chunk.rows);
    EXPECT_TRUE(idx.ok()) << r.field << ": " << idx.status().ToString();
    if (!idx.ok()) continue;
    // Every index goes through its persisted image, so the loaded form is what is tested.
    std::string image;
    (*idx)->Serialize(&image);
    auto loaded = ScalarIndex::Load(image);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    if (loaded.ok()) out[f->field_id] = std::move(loaded).value();
  }
  return out;
}

std::vector<size_t> EvalWith(const Plan& plan, const CollectionSchema& schema,
                             const std::vector<types::ChunkView>& chunks, size_t rows,
                             const ScalarIndexMap* indexes, size_t* indexed_leaves,
                             Evaluator::IndexUse use = Evaluator::IndexUse::kAlways) {
  auto eval = Evaluator::Create(plan, schema, indexes, rows, use);
  EXPECT_TRUE(eval.ok()) << eval.status().ToString();
  if (!eval.ok()) return {};
  if (indexed_leaves != nullptr) *indexed_leaves += (*eval)->indexed_leaves();
  Bitset bits(rows);
  for (const auto& c : chunks) {
    Status st = (*eval)->Evaluate(c, &bits);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  std::vector<size_t> out;
  for (size_t i = 0; i < rows; ++i) {
    if (bits.test(i)) out.push_back(i);
  }
  return out;
}

TEST(ScalarIndexRandomTest, IndexedEvaluationEqualsColumnEvaluation) {
  CollectionSchema schema = testing::TestSchema();
  const std::map<std::string, std::string> none;
  const std::vector<std::vector<IndexReq>> configs = {
      {{"age", "STL_SORT", none},
       {"i8", "BITMAP", {{"bitmap_cardinality_limit", "1000"}}},
       {"i16", "BITMAP", none},
       {"i64", "INVERTED", none},
       {"price", "STL_SORT", none},
       {"score", "INVERTED", none},
       {"name", "TRIE", none},
       {"flag", "BITMAP", none},
       {"tags", "INVERTED", none},
       {"temps", "BITMAP", none},
       {"bools", "INVERTED", none},
       {"meta", "INVERTED", {{"json_path", "meta[\"a\"]"}, {"json_cast_type", "double"}}},
       {"$meta", "INVERTED", {{"json_path", "$meta[\"k\"]"}, {"json_cast_type", "DOUBLE"}}}},
      {{"age", "INVERTED", none},
       {"i64", "STL_SORT", none},
       {"name", "INVERTED", none},
       {"score", "STL_SORT", none},
       {"price", "INVERTED", none},
       {"tags", "BITMAP", none},
       {"temps", "INVERTED", none},
       {"meta", "INVERTED", {{"json_path", "meta[\"arr\"]"}, {"json_cast_type", "array_double"}}},
       {"$meta", "INVERTED", {{"json_path", "k"}, {"json_cast_type", "varchar"}}}},
      {{"name", "STL_SORT", none},
       {"i8", "STL_SORT", none},
       {"meta", "INVERTED", {{"json_path", "meta[\"a\"]"}, {"json_cast_type", "varchar"}}},
       {"$meta", "INVERTED", {{"json_path", "$meta[\"k\"]"}, {"json_cast_type", "bool"}}}},
      {{"name", "BITMAP", none},
       {"meta", "INVERTED", {{"json_path", "meta[\"a\"]"}, {"json_cast_type", "array_varchar"}}},
       {"$meta", "INVERTED", {{"json_path", "k"}, {"json_cast_type", "array_double"}}}},
  };
  size_t total_leaves_indexed = 0, total_filters = 0;
  for (uint64_t seed = 11; seed <= 12; ++seed) {
    Gen g(seed);
    Json rows = Json::array();
    const int n = 2500;
    for (int i = 0; i < n; ++i) rows.push_back(g.Row(i + 1));
    testing::ColumnarRows whole(schema, rows, {});
    testing::ColumnarRows split(schema, rows, {1024, 2048});
    ASSERT_EQ(whole.num_rows(), static_cast<size_t>(n));
    for (size_t c = 0; c < configs.size(); ++c) {
      ScalarIndexMap indexes = BuildIndexes(schema, whole.chunks()[0], configs[c]);
      ASSERT_EQ(indexes.size(), configs[c].size());
      size_t indexed = 0;
      for (int k = 0; k < 300; ++k) {
        std::string e = g.Expr(0);
        auto plan = Compile(e, schema);
        if (!plan.ok()) continue;
        ++total_filters;
        auto want = EvalWith(**plan, schema, whole.chunks(), n, nullptr, nullptr);
        auto got = EvalWith(**plan, schema, whole.chunks(), n, &indexes, &indexed);
        ASSERT_EQ(got, want) << "seed " << seed << " config " << c << ": " << e
                             << "\nplan: " << (*plan)->ToString();
        // Chunks that do not start at row 0 read the index at an offset.
        auto got_split = EvalWith(**plan, schema, split.chunks(), n, &indexes, nullptr);
        ASSERT_EQ(got_split, want) << "split chunks, config " << c << ": " << e;
        // The cost-based choice (some leaves from indexes, others from columns) agrees too.
        auto got_cheaper = EvalWith(**plan, schema, whole.chunks(), n, &indexes, nullptr,
                                    Evaluator::IndexUse::kWhenCheaper);
        ASSERT_EQ(got_cheaper, want) << "kWhenCheaper, config " << c << ": " << e;
      }
      std::cout << "[scalar index random] seed " << seed << " config " << c << ": " << indexed
                << " leaves answered by an index\n";
      EXPECT_GE(indexed, 40u) << "config " << c << " answered too few leaves from its indexes";
      total_leaves_indexed += indexed;
    }
  }
  EXPECT_GE(total_filters, 2000u);
  EXPECT_GE(total_leaves_indexed, 1000u);
}

}  // namespace
}  // namespace elanus::expr
