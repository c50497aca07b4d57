// Randomized evaluator test: random filters (from a small grammar over TestSchema()) on random
// rows must give exactly the rows the brute-force reference interpreter accepts. Also the API
// contract (errors for plan/schema mismatches, untouched bits).
#include <gtest/gtest.h>

#include <random>

#include "expr/eval_random_gen.h"
#include "expr/eval_test_util.h"
#include "expr/expr.h"
#include "expr/test_schemas.h"

namespace elanus::expr {
namespace {

using Json = nlohmann::json;

using testing::Gen;

TEST(EvalRandomTest, EvaluatorMatchesReferenceOnRandomFiltersAndData) {
  CollectionSchema schema = testing::TestSchema();
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    Gen g(seed);
    Json rows = Json::array();
    const int n = 3000;
    for (int i = 0; i < n; ++i) rows.push_back(g.Row(i + 1));
    std::vector<size_t> splits = {static_cast<size_t>(g.Int(1, 700)),
                                  static_cast<size_t>(g.Int(701, 1500)), 1536,
                                  static_cast<size_t>(g.Int(1537, n - 1))};
    testing::ColumnarRows data(schema, rows, splits);
    ASSERT_EQ(data.num_rows(), static_cast<size_t>(n));
    int compiled = 0, total = 0, nontrivial = 0;
    for (int k = 0; k < 400; ++k) {
      std::string e = g.Expr(0);
      ++total;
      auto plan = Compile(e, schema);
      if (!plan.ok()) continue;
      ++compiled;
      std::vector<size_t> got = data.Evaluate(**plan), want = data.Reference(**plan);
      ASSERT_EQ(got, want) << "seed " << seed << ": " << e << "\nplan: " << (*plan)->ToString();
      if (!want.empty() && want.size() != static_cast<size_t>(n)) ++nontrivial;
    }
    std::cout << "[eval random] seed " << seed << ": " << compiled << "/" << total
              << " filters compiled, " << nontrivial << " matched some but not all rows\n";
    EXPECT_GE(nontrivial * 2, compiled) << "the generator produces too many trivial filters";
    EXPECT_GE(compiled * 10, total * 9) << "too many random filters failed to compile";
  }
}

TEST(EvalRandomTest, PlanFromAnotherSchemaIsInternal) {
  CollectionSchema schema = testing::TestSchema();
  auto plan = Compile("age > 3", schema);
  ASSERT_TRUE(plan.ok());
  CollectionSchema other = testing::PartitionKeySchema();  // age has another id and position
  auto eval = Evaluator::Create(**plan, other);
  EXPECT_EQ(eval.status().code(), StatusCode::kInternal) << eval.status().ToString();
}

TEST(EvalRandomTest, ChunkErrorsAndUntouchedBits) {
  CollectionSchema schema = testing::TestSchema();
  Json rows = Json::array();
  Gen g(7);
  for (int i = 0; i < 100; ++i) rows.push_back(g.Row(i + 1));
  testing::ColumnarRows data(schema, rows, {});
  auto plan = Compile("i8 >= 0", schema);
  ASSERT_TRUE(plan.ok());
  auto eval = Evaluator::Create(**plan, schema);
  ASSERT_TRUE(eval.ok());
  types::ChunkView chunk = data.chunks()[0];
  Bitset small(50);
  EXPECT_EQ((*eval)->Evaluate(chunk, &small).code(), StatusCode::kInternal);
  // Bits outside the chunk and bits already set stay as they are.
  chunk.row_begin = 77;
  Bitset bits(300);
  bits.set(3);
  bits.set(299);
  ASSERT_TRUE((*eval)->Evaluate(chunk, &bits).ok());
  EXPECT_TRUE(bits.test(3));
  EXPECT_TRUE(bits.test(299));
  for (size_t i = 0; i < 100; ++i) {
    bool want = rows[i]["i8"].get<int>() >= 0;
    EXPECT_EQ(bits.test(77 + i), want) << i;
  }
  for (size_t i = 177; i < 299; ++i) EXPECT_FALSE(bits.test(i)) << i;
  // A chunk without the referenced column is a bug of the caller.
  types::ChunkView broken = data.chunks()[0];
  broken.columns.resize(3);
  EXPECT_EQ((*eval)->Evaluate(broken, &bits).code(), StatusCode::kInternal);
  // EvaluateChunk, the one-shot form.
  Bitset all(100);
  ASSERT_TRUE(EvaluateChunk(**plan, schema, data.chunks()[0], &all).ok());
  size_t want = 0;
  for (size_t i = 0; i < 100; ++i) want += rows[i]["i8"].get<int>() >= 0;
  EXPECT_EQ(all.count(), want);
}

}  // namespace
}  // namespace elanus::expr
