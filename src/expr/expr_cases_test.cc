// Data-driven tests: every file in testdata/*.txt is a list of cases.
//
// Format (one case = expression lines, optional params, then an expectation line):
//   # comment                      ignored (also blank lines)
//   @schema default|static|partition|intpartition   schema for the following cases of the file
//   <expression>                   one or more lines (joined with '\n'); none = empty filter
//   params: {"a": 25}              optional template parameters (JSON object)
//   => <plan>                      expected Plan::ToString(), exactly
//   => error: <text>               expected failure; <text> is a substring of Status::ToString()
//   keys => <values>|none          optional, after '=>': PartitionKeyValues() as [..] or none
//   fields => 101, 104             optional, after '=>': ReferencedFieldIds()
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "expr/expr.h"
#include "expr/test_schemas.h"

namespace elanus::expr {
namespace {

struct Case {
  std::string file;
  int line = 0;
  std::string schema = "default";
  std::string expr;
  std::string params;
  std::string expected;
  std::optional<std::string> keys;
  std::optional<std::string> fields;
};

std::vector<Case> LoadCases() {
  std::vector<Case> out;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(ELANUS_EXPR_TESTDATA_DIR)) {
    if (e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path);
    std::string line, schema = "default";
    std::vector<std::string> expr_lines;
    std::string params;
    int n = 0, start = 0;
    while (std::getline(in, line)) {
      ++n;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      if (line.rfind("@schema ", 0) == 0) {
        schema = line.substr(8);
        continue;
      }
      if (line.rfind("params: ", 0) == 0) {
        params = line.substr(8);
        continue;
      }
      if (line.rfind("keys => ", 0) == 0 && !out.empty()) {
        out.back().keys = line.substr(8);
        continue;
      }
      if (line.rfind("fields => ", 0) == 0 && !out.empty()) {
        out.back().fields = line.substr(10);
        continue;
      }
      if (line.rfind("=>", 0) == 0) {
        Case c;
        c.file = path.filename().string();
        c.line = expr_lines.empty() ? n : start;
        c.schema = schema;
        for (size_t i = 0; i < expr_lines.size(); ++i) c.expr += (i ? "\n" : "") + expr_lines[i];
        c.params = params;
        c.expected = line.size() > 3 ? line.substr(3) : "";
        out.push_back(std::move(c));
        expr_lines.clear();
        params.clear();
        continue;
      }
      if (expr_lines.empty()) start = n;
      expr_lines.push_back(line);
    }
  }
  return out;
}

CollectionSchema SchemaByName(const std::string& name) {
  if (name == "static") return testing::TestSchema(/*dynamic=*/false);
  if (name == "partition") return testing::PartitionKeySchema();
  if (name == "intpartition") return testing::IntPartitionKeySchema();
  return testing::TestSchema();
}

std::string KeysToString(const Plan& p) {
  if (!p.PartitionKeyValues()) return "none";
  std::string s = "[";
  for (size_t i = 0; i < p.PartitionKeyValues()->size(); ++i) {
    s += (i ? ", " : "") + ScalarToString((*p.PartitionKeyValues())[i]);
  }
  return s + "]";
}

std::string FieldsToString(const Plan& p) {
  std::string s;
  for (int64_t id : p.ReferencedFieldIds()) s += (s.empty() ? "" : ", ") + std::to_string(id);
  return s;
}

TEST(ExprCasesTest, AllCasesPass) {
  std::vector<Case> cases = LoadCases();
  int passed = 0, errors = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file + ":" + std::to_string(c.line) + ": " + c.expr);
    TemplateParams params;
    if (!c.params.empty()) {
      auto p = ParseTemplateParamsJson(c.params);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      params = *p;
    }
    auto plan = Compile(c.expr, SchemaByName(c.schema), params);
    bool ok = false;
    if (c.expected.rfind("error: ", 0) == 0) {
      ++errors;
      std::string want = c.expected.substr(7);
      if (plan.ok()) {
        ADD_FAILURE() << "expected error containing '" << want << "', got plan "
                      << (*plan)->ToString();
      } else if (plan.status().ToString().find(want) == std::string::npos) {
        ADD_FAILURE() << "expected error containing '" << want << "', got "
                      << plan.status().ToString();
      } else if (plan.status().code() != StatusCode::kInvalidArgument &&
                 plan.status().code() != StatusCode::kNotSupported) {
        ADD_FAILURE() << "unexpected status code: " << plan.status().ToString();
      } else {
        ok = true;
      }
    } else if (!plan.ok()) {
      ADD_FAILURE() << "expected plan '" << c.expected << "', got " << plan.status().ToString();
    } else {
      ok = (*plan)->ToString() == c.expected;
      EXPECT_EQ((*plan)->ToString(), c.expected);
      if (c.keys) {
        EXPECT_EQ(KeysToString(**plan), *c.keys);
        ok = ok && KeysToString(**plan) == *c.keys;
      }
      if (c.fields) {
        EXPECT_EQ(FieldsToString(**plan), *c.fields);
        ok = ok && FieldsToString(**plan) == *c.fields;
      }
    }
    passed += ok;
  }
  std::printf("expr cases: %d passed of %zu (%d error cases)\n", passed, cases.size(), errors);
  EXPECT_GE(cases.size(), 200u);
}

}  // namespace
}  // namespace elanus::expr
