// Data-driven evaluator tests: every file in testdata/eval/*.txt lists filters and the primary
// keys they match in the fixed 60-row dataset below (split into three chunks at rows 23 and 41,
// so chunk offsets are not multiples of 64 or of 8).
//
// Format:
//   # comment                 ignored (also blank lines)
//   <expression>              one line
//   params: {"a": 25}         optional template parameters
//   => 1, 5, 9                expected ids, ascending; "none" for no match
//
// Every case is checked against both the evaluator and the brute-force reference interpreter
// (eval_reference.h). ELANUS_EVAL_PRINT=1 prints the reference's answer for each case.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "expr/eval_test_util.h"
#include "expr/expr.h"
#include "expr/test_schemas.h"

namespace elanus::expr {
namespace {

using Json = nlohmann::json;

// The fixed dataset: 60 rows covering every field type of TestSchema(), NULLs, nested JSON,
// missing keys, arrays of many lengths and dynamic keys. Values cycle through hand-picked lists
// of coprime lengths so that combinations vary.
Json FixedRows() {
  const std::vector<Json> names = {"Product A", "Prod%uct", "apple", "Apple", "北京", "上海",
                                   "",          "a_c",      "abc",   "a\"b",  "xyz",  "ProductXYZ",
                                   "100%",      "aéc",      "AXC",   "Pro",   "a\\b"};
  const std::vector<Json> tags = {Json::array(),
                                  {"a"},
                                  {"a", "b"},
                                  {"sale", "x"},
                                  {"b", "a", "sale"},
                                  {"xy", "xz", "y"},
                                  {"北京"},
                                  {"", "a"},
                                  {"new", "sale", "hot", "a", "b"},
                                  {"B"},
                                  {"a", "a"}};
  const std::vector<Json> temps = {Json::array(),
                                   {23},
                                   {23, 24},
                                   {30, 40, 50},
                                   {-5, 100, 23, 0},
                                   {24},
                                   {9223372036854775807LL},
                                   {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
                                   {31, -31}};
  const std::vector<Json> metas = {
      Json::parse(R"({"brand":"A","p":1850,"tags":["sale","new"],"promo":true})"),
      Json::parse(R"({"brand":"B","p":1200.5,"tags":["a","b"],"a":{"b":[5,6]}})"),
      Json::parse(R"({})"),
      Json::parse(R"({"brand":"A","p":"1850","a":{"b":[1]},"promo":null})"),
      Json::parse(R"({"p":-3,"tags":[],"a":{"b":[7,8,9],"c":"x"},"n":[1,[1,2],"1"]})"),
      Json::parse(R"({"brand":"C","p":99999999999,"tags":["sale",1,true,null],"x":1.5})"),
      Json::parse(R"({"brand":"a\"q","p":0,"a":{"b":"str"},"arr":[{"k":1},{"k":2}],"x":2})"),
      Json::parse(R"({"brand":"A","tags":["sale"],"a":[10,20],"p":1850.0,"x":true})"),
      Json::parse(R"({"brand":"北京","p":7,"tags":["new",[1,2]],"a":{"b":[5]},"0":"zero"})"),
      Json::parse(R"({"brand":"b","p":-0.5,"tags":["a"],"x":"1.5","promo":false})"),
      Json::parse(R"({"p":9007199254740993,"tags":["b","a"],"a":{"b":[]}})"),
      Json::parse(R"({"brand":"Apple","p":18,"tags":"sale","e":"é\u0000x"})"),
      Json::parse(R"({"brand":"A","p":25,"tags":["hot","sale","a"],"a":{"b":[6,5]}})")};
  const std::vector<Json> dyn_colors = {"red", "blue", nullptr, "Red", "green", nullptr, "red"};
  Json rows = Json::array();
  for (int id = 1; id <= 60; ++id) {
    Json r;
    r["id"] = id;
    if (id % 7 != 0) r["age"] = (id * 37) % 90;  // NULL every 7th row
    if (id == 1) r["age"] = 18;
    if (id == 2) r["age"] = 65;
    if (id == 3) r["age"] = 64;
    r["price"] = id % 9 == 0 ? -1.5 * id : 1.1 * (id % 13);
    r["score"] = id == 60 ? 1e300 : (id % 10) * 0.5 - 1.0;
    if (id % 11 != 0) r["name"] = names[static_cast<size_t>(id) % names.size()];
    r["flag"] = id % 3 == 0;
    r["tags"] = tags[static_cast<size_t>(id) % tags.size()];
    r["temps"] = temps[static_cast<size_t>(id) % temps.size()];
    r["meta"] = metas[static_cast<size_t>(id) % metas.size()];
    r["i8"] = (id * 53) % 256 - 128;
    r["vec"] = {0.1 * id, 0.2, 0.3, 0.4};
    r["bools"] = id % 4 == 0 ? Json::array() : Json{id % 2 == 0, id % 3 == 0};
    r["i16"] = id * 1000 - 30000;
    if (id == 1)
      r["i64"] = 9223372036854775807LL;
    else if (id == 2)
      r["i64"] = -9223372036854775807LL - 1;
    else
      r["i64"] = static_cast<int64_t>(id) * 123456789012LL - 3000000000000LL;
    // Dynamic keys.
    const Json& color = dyn_colors[static_cast<size_t>(id) % dyn_colors.size()];
    if (!color.is_null()) r["color"] = color;
    if (id % 5 == 0) r["size"] = id / 5;
    if (id % 5 == 1) r["size"] = 2.5 * id;
    if (id % 8 == 0) r["nested"] = Json::parse(R"({"k":[1,2,{"z":1}],"s":"deep"})");
    if (id % 12 == 0) r["dyn_null"] = nullptr;
    rows.push_back(std::move(r));
  }
  return rows;
}

struct Case {
  std::string file;
  int line = 0;
  std::string expr;
  std::string params;
  std::string expected;
};

std::vector<Case> LoadCases() {
  std::vector<Case> out;
  std::vector<std::filesystem::path> files;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(ELANUS_EXPR_TESTDATA_DIR) + "/eval")) {
    if (e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path);
    std::string line, expr, params;
    int n = 0, start = 0;
    while (std::getline(in, line)) {
      ++n;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      if (line.rfind("params: ", 0) == 0) {
        params = line.substr(8);
      } else if (line.rfind("=>", 0) == 0) {
        out.push_back(
            {path.filename().string(), start, expr, params, line.size() > 3 ? line.substr(3) : ""});
        expr.clear();
        params.clear();
      } else {
        expr = line;
        start = n;
      }
    }
  }
  return out;
}

std::string FormatIds(const testing::ColumnarRows& data, const std::vector<size_t>& rows) {
  if (rows.empty()) return "none";
  std::string s;
  for (size_t r : rows) s += (s.empty() ? "" : ", ") + std::to_string(data.Id(r));
  return s;
}

TEST(EvalCasesTest, MatchExpectedIdsAndReference) {
  CollectionSchema schema = testing::TestSchema();
  testing::ColumnarRows data(schema, FixedRows(), {23, 41});
  ASSERT_EQ(data.num_rows(), 60u);
  std::vector<Case> cases = LoadCases();
  bool print = std::getenv("ELANUS_EVAL_PRINT") != nullptr;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file + ":" + std::to_string(c.line) + ": " + c.expr);
    TemplateParams params;
    if (!c.params.empty()) {
      auto p = ParseTemplateParamsJson(c.params);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      params = *p;
    }
    auto plan = Compile(c.expr, schema, params);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    std::string ref = FormatIds(data, data.Reference(**plan));
    std::string got = FormatIds(data, data.Evaluate(**plan));
    if (print) std::cout << c.file << ":" << c.line << ": " << c.expr << " => " << ref << "\n";
    EXPECT_EQ(got, ref) << "evaluator vs reference; plan " << (*plan)->ToString();
    EXPECT_EQ(c.expected, ref) << "expected vs reference; plan " << (*plan)->ToString();
  }
  EXPECT_GE(cases.size(), 300u);
  std::cout << "[eval cases] " << cases.size() << " cases\n";
}

// The same dataset in one chunk and in many small chunks gives the same answers.
TEST(EvalCasesTest, ChunkingDoesNotChangeResults) {
  CollectionSchema schema = testing::TestSchema();
  testing::ColumnarRows one(schema, FixedRows(), {});
  testing::ColumnarRows many(schema, FixedRows(), {1, 2, 9, 17, 30, 31, 59});
  for (const char* e : {"age > 30", "not (name like \"a%\")", "meta[\"p\"] >= 18",
                        "array_contains(tags, \"a\") or i8 < 0", "color is not null"}) {
    auto plan = Compile(e, schema);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    EXPECT_EQ(one.Evaluate(**plan), many.Evaluate(**plan)) << e;
  }
}

}  // namespace
}  // namespace elanus::expr
