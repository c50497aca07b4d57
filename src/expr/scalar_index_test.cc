// ScalarIndex unit tests: parameter validation (Milvus's type rules), building and answering each
// query form per index type, the persisted image and its corruption checks.
#include "expr/scalar_index.h"

#include <gtest/gtest.h>

#include "expr/eval_test_util.h"
#include "expr/expr.h"
#include "expr/test_schemas.h"

namespace elanus::expr {
namespace {

using Json = nlohmann::json;
const std::map<std::string, std::string> kNoParams;

Result<ScalarIndexSpec> Spec(const CollectionSchema& s, const std::string& field,
                             const std::string& type,
                             const std::map<std::string, std::string>& params = {}) {
  const FieldSchema* f = s.FindField(field);
  EXPECT_NE(f, nullptr);
  return ResolveScalarIndexSpec(type, *f, s, params);
}

TEST(ScalarIndexSpecTest, TypeRulesFollowMilvus) {
  CollectionSchema s = testing::TestSchema();
  // INVERTED: every scalar type, ARRAY and JSON (with a cast).
  for (const char* f : {"age", "price", "score", "name", "flag", "tags", "temps", "i8", "id"}) {
    EXPECT_TRUE(Spec(s, f, "INVERTED").ok()) << f;
  }
  EXPECT_TRUE(Spec(s, "meta", "INVERTED", {{"json_cast_type", "double"}}).ok());
  // BITMAP: no float/double, JSON or primary key.
  for (const char* f : {"age", "name", "flag", "tags", "temps", "bools", "i8"}) {
    EXPECT_TRUE(Spec(s, f, "BITMAP").ok()) << f;
  }
  for (const char* f : {"price", "score", "meta", "id"}) {
    auto r = Spec(s, f, "BITMAP");
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << f;
    EXPECT_NE(r.status().message().find(std::string("'") + f + "'"), std::string::npos)
        << r.status().ToString();
  }
  // STL_SORT: numeric and VARCHAR.
  for (const char* f : {"age", "price", "score", "i64", "name"}) {
    EXPECT_TRUE(Spec(s, f, "STL_SORT").ok()) << f;
  }
  for (const char* f : {"flag", "tags", "meta"}) {
    EXPECT_EQ(Spec(s, f, "STL_SORT").status().code(), StatusCode::kInvalidArgument) << f;
  }
  // Trie: VARCHAR only.
  EXPECT_TRUE(Spec(s, "name", "TRIE").ok());
  for (const char* f : {"age", "tags", "meta"}) {
    EXPECT_EQ(Spec(s, f, "TRIE").status().code(), StatusCode::kInvalidArgument) << f;
  }
  // No scalar index on a vector field.
  EXPECT_EQ(Spec(s, "vec", "INVERTED").status().code(), StatusCode::kInvalidArgument);
}

TEST(ScalarIndexSpecTest, ParametersAreValidated) {
  CollectionSchema s = testing::TestSchema();
  auto missing_cast = Spec(s, "meta", "INVERTED", {{"json_path", "meta[\"a\"]"}});
  EXPECT_EQ(missing_cast.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing_cast.status().message().find("json_cast_type"), std::string::npos);
  auto bad_cast = Spec(s, "meta", "INVERTED", {{"json_cast_type", "int7"}});
  EXPECT_NE(bad_cast.status().message().find("'int7'"), std::string::npos);
  auto bad_path =
      Spec(s, "meta", "INVERTED", {{"json_path", "meta[\"a\""}, {"json_cast_type", "double"}});
  EXPECT_EQ(bad_path.status().code(), StatusCode::kInvalidArgument);
  auto other_field =
      Spec(s, "meta", "INVERTED", {{"json_path", "age"}, {"json_cast_type", "double"}});
  EXPECT_EQ(other_field.status().code(), StatusCode::kInvalidArgument);
  auto ok = Spec(s, "meta", "INVERTED",
                 {{"json_path", "meta[\"a\"][\"b\"]"}, {"json_cast_type", "ARRAY_VARCHAR"}});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->cast, JsonCast::kArrayVarchar);
  ASSERT_EQ(ok->json_path.size(), 2u);
  EXPECT_EQ(std::get<std::string>(ok->json_path[1]), "b");
  EXPECT_EQ(Spec(s, "meta", "INVERTED",
                 {{"json_cast_type", "double"}, {"json_cast_function", "STRING_TO_DOUBLE"}})
                .status()
                .code(),
            StatusCode::kNotSupported);
  EXPECT_EQ(Spec(s, "age", "INVERTED", {{"json_cast_type", "double"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Spec(s, "age", "INVERTED", {{"nlist", "8"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Spec(s, "age", "BITMAP", {{"bitmap_cardinality_limit", "0"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Spec(s, "age", "BITMAP", {{"bitmap_cardinality_limit", "x"}}).status().code(),
            StatusCode::kInvalidArgument);
  auto lim = Spec(s, "age", "BITMAP", {{"bitmap_cardinality_limit", "7"}});
  ASSERT_TRUE(lim.ok());
  EXPECT_EQ(lim->bitmap_cardinality_limit, 7u);
}

class ScalarIndexTest : public ::testing::Test {
 protected:
  ScalarIndexTest() : schema_(testing::TestSchema()) {
    rows_ = Json::parse(R"([
      {"id": 1, "age": 30, "price": 1.5, "score": 2.0, "name": "apple", "flag": true,
       "tags": ["a", "b"], "temps": [1, 2], "bools": [true], "meta": {"a": 1, "s": "x",
       "arr": [1, 2.5, "q"]}, "i8": 1, "i16": 1, "i64": 5, "vec": [0, 0, 0, 0]},
      {"id": 2, "price": -1, "score": 3.5, "name": "apricot", "flag": false, "tags": ["b"],
       "temps": [], "bools": [], "meta": {"a": 2.5, "s": 7, "arr": "no"}, "i8": 2, "i16": 1,
       "i64": 6, "vec": [0, 0, 0, 0]},
      {"id": 3, "age": 18, "price": 0, "score": -1, "flag": true, "tags": [],
       "temps": [2, 2, 3], "bools": [false, true], "meta": {"a": "1", "arr": [2]}, "i8": 1,
       "i16": 2, "i64": 7, "vec": [0, 0, 0, 0]},
      {"id": 4, "age": 65, "price": 9.25, "score": 2.0, "name": "banana", "flag": false,
       "tags": ["c", "a"], "temps": [3], "bools": [true], "meta": {}, "i8": 3, "i16": 3,
       "i64": 5, "vec": [0, 0, 0, 0]}
    ])");
    data_ = std::make_unique<testing::ColumnarRows>(schema_, rows_, std::vector<size_t>{});
  }

  std::shared_ptr<const ScalarIndex> Build(const std::string& field, const std::string& type,
                                           const std::map<std::string, std::string>& p = {}) {
    auto spec = Spec(schema_, field, type, p);
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    if (!spec.ok()) return nullptr;
    const FieldSchema* f = schema_.FindField(field);
    auto idx = ScalarIndex::Build(*spec, data_->chunks()[0].columns[f - schema_.fields.data()],
                                  data_->num_rows());
    EXPECT_TRUE(idx.ok()) << idx.status().ToString();
    if (!idx.ok()) return nullptr;
    return std::shared_ptr<const ScalarIndex>(std::move(idx).value());
  }

  // Matching row ids (1-based "id") with the index, after checking the index answered the leaf
  // and agrees with the column evaluator.
  std::vector<int64_t> Query(const std::shared_ptr<const ScalarIndex>& idx,
                             const std::string& filter) {
    auto plan = Compile(filter, schema_);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    if (!plan.ok()) return {};
    ScalarIndexMap m{{idx->spec().field_id, idx}};
    auto eval =
        Evaluator::Create(**plan, schema_, &m, data_->num_rows(), Evaluator::IndexUse::kAlways);
    EXPECT_TRUE(eval.ok());
    EXPECT_EQ((*eval)->indexed_leaves(), (*eval)->leaves()) << "not answered by index: " << filter;
    Bitset bits(data_->num_rows());
    EXPECT_TRUE((*eval)->Evaluate(data_->chunks()[0], &bits).ok());
    std::vector<int64_t> ids;
    for (size_t i = 0; i < data_->num_rows(); ++i) {
      if (bits.test(i)) ids.push_back(data_->Id(i));
    }
    std::vector<int64_t> plain;
    for (size_t r : data_->Evaluate(**plan)) plain.push_back(data_->Id(r));
    EXPECT_EQ(ids, plain) << filter;
    return ids;
  }

  using Ids = std::vector<int64_t>;
  CollectionSchema schema_;
  Json rows_;
  std::unique_ptr<testing::ColumnarRows> data_;
};

TEST_F(ScalarIndexTest, InvertedOnNullableIntAnswersEveryComparisonForm) {
  auto idx = Build("age", "INVERTED");
  ASSERT_NE(idx, nullptr);
  EXPECT_EQ(idx->num_keys(), 3u);
  EXPECT_EQ(Query(idx, "age == 30"), (Ids{1}));
  EXPECT_EQ(Query(idx, "age != 30"), (Ids{3, 4}));  // NULL age (row 2) is neither
  EXPECT_EQ(Query(idx, "age < 30"), (Ids{3}));
  EXPECT_EQ(Query(idx, "age >= 30"), (Ids{1, 4}));
  EXPECT_EQ(Query(idx, "18 < age <= 65"), (Ids{1, 4}));
  EXPECT_EQ(Query(idx, "age in [18, 65, 99]"), (Ids{3, 4}));
  EXPECT_EQ(Query(idx, "age not in [18]"), (Ids{1, 4}));
  EXPECT_EQ(Query(idx, "not (age > 20)"), (Ids{3}));
  EXPECT_EQ(Query(idx, "age is null"), (Ids{2}));
  EXPECT_EQ(Query(idx, "age is not null"), (Ids{1, 3, 4}));
  EXPECT_EQ(Query(idx, "age % 2 == 0"), (Ids{1, 3}));  // per-key arithmetic
}

TEST_F(ScalarIndexTest, StlSortOnFloatComparesInFloatPrecision) {
  auto idx = Build("price", "STL_SORT");
  ASSERT_NE(idx, nullptr);
  EXPECT_EQ(Query(idx, "price > 0"), (Ids{1, 4}));
  EXPECT_EQ(Query(idx, "price <= 1.5"), (Ids{1, 2, 3}));
  EXPECT_EQ(Query(idx, "-1 <= price < 1.5"), (Ids{2, 3}));
  EXPECT_EQ(Query(idx, "price == 9.25"), (Ids{4}));
}

TEST_F(ScalarIndexTest, TrieAnswersEqualityInAndPrefix) {
  auto idx = Build("name", "TRIE");
  ASSERT_NE(idx, nullptr);
  EXPECT_EQ(Query(idx, "name == \"apple\""), (Ids{1}));
  EXPECT_EQ(Query(idx, "name in [\"banana\", \"kiwi\"]"), (Ids{4}));
  EXPECT_EQ(Query(idx, "name like \"ap%\""), (Ids{1, 2}));
  EXPECT_EQ(Query(idx, "name like \"apple\""), (Ids{1}));
  EXPECT_EQ(Query(idx, "not (name like \"ap%\")"), (Ids{4}));  // NULL name stays out
  EXPECT_EQ(Query(idx, "name like \"%an%\""), (Ids{4}));       // infix: per key (few keys)
}

TEST_F(ScalarIndexTest, BitmapOnArraysAnswersContains) {
  auto idx = Build("temps", "BITMAP");
  ASSERT_NE(idx, nullptr);
  EXPECT_TRUE(idx->multi_valued());
  EXPECT_EQ(Query(idx, "array_contains(temps, 2)"), (Ids{1, 3}));
  EXPECT_EQ(Query(idx, "array_contains_all(temps, [2, 3])"), (Ids{3}));
  EXPECT_EQ(Query(idx, "array_contains_any(temps, [1, 3])"), (Ids{1, 3, 4}));
  EXPECT_EQ(Query(idx, "not array_contains(temps, 2)"), (Ids{2, 4}));
  auto tags = Build("tags", "INVERTED");
  EXPECT_EQ(Query(tags, "array_contains(tags, \"a\")"), (Ids{1, 4}));
  EXPECT_EQ(Query(tags, "array_contains_all(tags, [\"a\", \"zz\"])"), Ids{});
}

TEST_F(ScalarIndexTest, BitmapRejectsHighCardinalitySegments) {
  auto spec = Spec(schema_, "i64", "BITMAP", {{"bitmap_cardinality_limit", "2"}});
  ASSERT_TRUE(spec.ok());
  const FieldSchema* f = schema_.FindField("i64");
  auto idx = ScalarIndex::Build(*spec, data_->chunks()[0].columns[f - schema_.fields.data()],
                                data_->num_rows());
  EXPECT_EQ(idx.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(idx.status().message().find("bitmap_cardinality_limit"), std::string::npos);
}

TEST_F(ScalarIndexTest, JsonPathIndexesFollowTheirCastType) {
  auto num =
      Build("meta", "INVERTED", {{"json_path", "meta[\"a\"]"}, {"json_cast_type", "double"}});
  ASSERT_NE(num, nullptr);
  EXPECT_EQ(Query(num, "meta[\"a\"] == 1"), (Ids{1}));
  EXPECT_EQ(Query(num, "meta[\"a\"] > 1"), (Ids{2}));
  EXPECT_EQ(Query(num, "meta[\"a\"] != 1"), (Ids{2}));  // "1" (a string) is unknown, not true
  EXPECT_EQ(Query(num, "meta[\"a\"] in [2.5, 3]"), (Ids{2}));
  auto str =
      Build("meta", "INVERTED", {{"json_path", "meta[\"s\"]"}, {"json_cast_type", "varchar"}});
  EXPECT_EQ(Query(str, "meta[\"s\"] == \"x\""), (Ids{1}));
  EXPECT_EQ(Query(str, "meta[\"s\"] like \"x%\""), (Ids{1}));
  auto arr = Build("meta", "INVERTED",
                   {{"json_path", "meta[\"arr\"]"}, {"json_cast_type", "array_double"}});
  EXPECT_EQ(Query(arr, "json_contains(meta[\"arr\"], 2)"), (Ids{3}));
  EXPECT_EQ(Query(arr, "json_contains_any(meta[\"arr\"], [2.5, 9])"), (Ids{1}));
  // Forms the index cannot answer exactly fall back to the evaluator.
  auto plan = Compile("meta[\"a\"] == \"1\"", schema_);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(num->Answer((*plan)->root()).has_value());
  auto other_path = Compile("meta[\"s\"] > 1", schema_);
  EXPECT_FALSE(num->Answer((*other_path)->root()).has_value());
  auto exists = Compile("exists meta[\"a\"]", schema_);
  EXPECT_FALSE(num->Answer((*exists)->root()).has_value());
}

TEST_F(ScalarIndexTest, ImageRoundTripsAndDamageIsCorruption) {
  for (auto idx :
       {Build("age", "INVERTED"), Build("name", "TRIE"), Build("tags", "BITMAP"),
        Build("score", "STL_SORT"),
        Build("meta", "INVERTED", {{"json_path", "meta[\"a\"]"}, {"json_cast_type", "double"}})}) {
    ASSERT_NE(idx, nullptr);
    std::string image;
    idx->Serialize(&image);
    auto loaded = ScalarIndex::Load(image);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    std::string again;
    (*loaded)->Serialize(&again);
    EXPECT_EQ(again, image);
    EXPECT_EQ((*loaded)->num_keys(), idx->num_keys());
    EXPECT_EQ((*loaded)->spec().json_path, idx->spec().json_path);
    // Every flipped byte and every truncation is detected.
    for (size_t i = 0; i < image.size(); ++i) {
      std::string bad = image;
      bad[i] ^= 0x5a;
      EXPECT_EQ(ScalarIndex::Load(bad).status().code(), StatusCode::kCorruption) << i;
    }
    for (size_t n : {size_t{0}, size_t{3}, image.size() / 2, image.size() - 1}) {
      EXPECT_EQ(ScalarIndex::Load(image.substr(0, n)).status().code(), StatusCode::kCorruption);
    }
  }
}

}  // namespace
}  // namespace elanus::expr
