// filter_bench: rows/s of the filter evaluator on one core, over 1M synthetic rows in one chunk
// (no scalar index). Prints a markdown table.
//
//   filter_bench [rows]          default 1000000
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/bitset.h"
#include "expr/evaluator.h"
#include "expr/expr.h"
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
      {"varchar in (1,000 values)", in_list},
      {"varchar like prefix", "name like \"p12%\""},
      {"JSON path equality", "meta[\"brand\"] == \"Apple\""},
      {"array_contains (ARRAY<VARCHAR>)", "array_contains(tags, \"t7\")"},
      {"int range and like", "18 <= age < 65 and name like \"p1%\""},
  };
  std::printf("| case | filter | matched | ms | M rows/s |\n|---|---|---:|---:|---:|\n");
  for (const Case& c : cases) {
    auto plan = elanus::expr::Compile(c.filter, schema);
    if (!plan.ok()) {
      std::fprintf(stderr, "%s: %s\n", c.label, plan.status().ToString().c_str());
      return 1;
    }
    auto eval = elanus::expr::Evaluator::Create(**plan, schema);
    if (!eval.ok()) return 1;
    double best = 1e30;
    size_t matched = 0;
    for (int rep = 0; rep < 5; ++rep) {
      elanus::Bitset bits(n);
      auto t0 = std::chrono::steady_clock::now();
      elanus::Status st = (*eval)->Evaluate(chunk, &bits);
      auto t1 = std::chrono::steady_clock::now();
      if (!st.ok()) return 1;
      best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
      matched = bits.count();
    }
    std::string shown = c.filter.size() > 40 ? c.filter.substr(0, 37) + "..." : c.filter;
    std::printf("| %s | `%s` | %zu | %.2f | %.1f |\n", c.label, shown.c_str(), matched, best * 1e3,
                static_cast<double>(n) / best / 1e6);
  }
  return 0;
}
