// filter_bench: rows/s of the filter evaluator on one core, over 1M synthetic rows in one chunk,
// without and with scalar indexes (age STL_SORT, name Trie, meta["brand"] INVERTED varchar,
// tags INVERTED). Both variants are timed as Evaluator::Create + Evaluate (with indexes, the
// indexed leaves are answered in Create); the bitsets must be identical or the bench fails.
// Prints markdown tables (index builds, then filters).
//
//   filter_bench [rows]          default 1000000
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/bitset.h"
#include "expr/evaluator.h"
#include "expr/expr.h"
#include "expr/scalar_index.h"
#include "types/column.h"
#include "types/value_codec.h"

namespace {

using elanus::CollectionSchema;
using elanus::DataType;
using elanus::FieldSchema;

FieldSchema Field(int64_t id, const char* name, DataType t) {
  FieldSchema f;
  f.field_id = id;
  f.name = name;
  f.type = t;
  return f;
}

CollectionSchema Schema() {
  CollectionSchema s;
  s.name = "bench";
  FieldSchema id = Field(100, "id", DataType::kInt64);
  id.is_primary_key = true;
  FieldSchema name = Field(102, "name", DataType::kVarChar);
  name.max_length = 64;
  FieldSchema tags = Field(104, "tags", DataType::kArray);
  tags.element_type = DataType::kVarChar;
  tags.max_capacity = 16;
  tags.max_length = 16;
  FieldSchema vec = Field(105, "vec", DataType::kFloatVector);
  vec.dim = 4;
  s.fields = {id,   Field(101, "age", DataType::kInt32),
              name, Field(103, "meta", DataType::kJson),
              tags, vec};
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  CollectionSchema schema = Schema();
  std::mt19937_64 rng(42);
  std::vector<int64_t> ids(n);
  std::vector<int32_t> ages(n);
  std::vector<std::string> names(n), metas(n), tags(n);
  const char* brands[] = {"A", "B", "C", "Apple", "Banana"};
  for (size_t i = 0; i < n; ++i) {
    ids[i] = static_cast<int64_t>(i);
    ages[i] = static_cast<int32_t>(rng() % 100);
    names[i] = "p" + std::to_string(rng() % 100000) + "_item";
    metas[i] = std::string(R"({"brand":")") + brands[rng() % 5] + R"(","price":)" +
               std::to_string(rng() % 1000) + R"(,"tags":["x","y"]})";
    elanus::ArrayValue a;
    for (size_t k = rng() % 6; k > 0; --k) a.strings.push_back("t" + std::to_string(rng() % 50));
    tags[i] = elanus::types::EncodeArray(a, DataType::kVarChar);
  }
  auto views = [](const std::vector<std::string>& v) {
    return std::vector<std::string_view>(v.begin(), v.end());
  };
  std::vector<std::string_view> name_v = views(names), meta_v = views(metas), tag_v = views(tags);
  std::vector<float> vecs(n * 4, 0.5f);
  elanus::types::ChunkView chunk;
  chunk.row_begin = 0;
  chunk.rows = n;
  chunk.columns.resize(schema.fields.size());
  chunk.columns[0].fixed = reinterpret_cast<const uint8_t*>(ids.data());
  chunk.columns[1].fixed = reinterpret_cast<const uint8_t*>(ages.data());
  chunk.columns[2].var = name_v.data();
  chunk.columns[3].var = meta_v.data();
  chunk.columns[4].var = tag_v.data();
  chunk.columns[5].fixed = reinterpret_cast<const uint8_t*>(vecs.data());

  std::string in_list = "name in [";
  for (int k = 0; k < 1000; ++k)
    in_list += (k ? ", \"p" : "\"p") + std::to_string(k * 97) + "_item\"";
  in_list += "]";
  struct Case {
    const char* label;
    std::string filter;
  };
  std::vector<Case> cases = {
      {"integer range (INT32)", "18 <= age < 65"},
      {"selective integer range (INT32)", "40 <= age < 42"},
      {"varchar in (1,000 values)", in_list},
      {"varchar like prefix", "name like \"p12%\""},
      {"JSON path equality", "meta[\"brand\"] == \"Apple\""},
      {"array_contains (ARRAY<VARCHAR>)", "array_contains(tags, \"t7\")"},
      {"int range and like", "18 <= age < 65 and name like \"p1%\""},
  };
  struct IndexReq {
    const char* field;
    const char* type;
    std::map<std::string, std::string> params;
  };
  std::vector<IndexReq> reqs = {
      {"age", "STL_SORT", {}},
      {"name", "TRIE", {}},
      {"meta", "INVERTED", {{"json_path", "meta[\"brand\"]"}, {"json_cast_type", "varchar"}}},
      {"tags", "INVERTED", {}},
  };
  elanus::expr::ScalarIndexMap indexes;
  std::printf("| index | field | build ms | keys | image MiB |\n|---|---|---:|---:|---:|\n");
  for (const IndexReq& r : reqs) {
    const FieldSchema* f = schema.FindField(r.field);
    auto spec = elanus::expr::ResolveScalarIndexSpec(r.type, *f, schema, r.params);
    if (!spec.ok()) {
      std::fprintf(stderr, "%s: %s\n", r.field, spec.status().ToString().c_str());
      return 1;
    }
    auto t0 = std::chrono::steady_clock::now();
    auto idx = elanus::expr::ScalarIndex::Build(*spec, chunk.columns[f - schema.fields.data()], n);
    auto t1 = std::chrono::steady_clock::now();
    if (!idx.ok()) return 1;
    std::string image;
    (*idx)->Serialize(&image);
    std::printf("| %s | %s | %.0f | %zu | %.1f |\n", r.type, r.field,
                std::chrono::duration<double>(t1 - t0).count() * 1e3, (*idx)->num_keys(),
                image.size() / 1048576.0);
    indexes[f->field_id] = std::move(idx).value();
  }
  std::printf(
      "\n| case | filter | matched | no index M rows/s | with indexes M rows/s | speedup | "
      "leaves from index |\n|---|---|---:|---:|---:|---:|---:|\n");
  for (const Case& c : cases) {
    auto plan = elanus::expr::Compile(c.filter, schema);
    if (!plan.ok()) {
      std::fprintf(stderr, "%s: %s\n", c.label, plan.status().ToString().c_str());
      return 1;
    }
    double best[2] = {1e30, 1e30};
    size_t used = 0;  // leaves answered by an index
    elanus::Bitset result[2] = {elanus::Bitset(n), elanus::Bitset(n)};
    for (int variant = 0; variant < 2; ++variant) {
      for (int rep = 0; rep < 5; ++rep) {
        elanus::Bitset bits(n);
        auto t0 = std::chrono::steady_clock::now();
        auto eval = variant == 0 ? elanus::expr::Evaluator::Create(**plan, schema)
                                 : elanus::expr::Evaluator::Create(**plan, schema, &indexes, n);
        if (!eval.ok()) return 1;
        elanus::Status st = (*eval)->Evaluate(chunk, &bits);
        auto t1 = std::chrono::steady_clock::now();
        if (!st.ok()) return 1;
        if (variant == 1) used = (*eval)->indexed_leaves();
        best[variant] = std::min(best[variant], std::chrono::duration<double>(t1 - t0).count());
        result[variant] = std::move(bits);
      }
    }
    if (result[0].count() != result[1].count() ||
        !std::equal(result[0].words(), result[0].words() + result[0].num_words(),
                    result[1].words())) {
      std::fprintf(stderr, "%s: index and column results differ\n", c.label);
      return 1;
    }
    std::string shown = c.filter.size() > 40 ? c.filter.substr(0, 37) + "..." : c.filter;
    std::printf("| %s | `%s` | %zu | %.1f | %.1f | %.1fx | %zu |\n", c.label, shown.c_str(),
                result[0].count(), static_cast<double>(n) / best[0] / 1e6,
                static_cast<double>(n) / best[1] / 1e6, best[0] / best[1], used);
  }
  return 0;
}
