// API-level tests of Compile(): empty filters, plan structure, partition-key extraction,
// referenced fields, templates given from C++ and the size/depth limits.
#include <gtest/gtest.h>

#include "expr/expr.h"
#include "expr/parser.h"
#include "expr/test_schemas.h"

namespace elanus::expr {
namespace {

using testing::PartitionKeySchema;
using testing::TestSchema;

TEST(CompileTest, EmptyAndWhitespaceMatchAll) {
  for (const char* text : {"", " ", "\n\t  \r\n"}) {
    auto p = Compile(text, TestSchema());
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_TRUE((*p)->MatchesAll());
    EXPECT_EQ((*p)->ToString(), "true");
    EXPECT_TRUE((*p)->ReferencedFieldIds().empty());
  }
  auto p = Compile("age > 1", TestSchema());
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE((*p)->MatchesAll());
}

TEST(CompileTest, PlanNodesCarryResolvedTypes) {
  auto p = Compile("65 > age >= 18", TestSchema());
  ASSERT_TRUE(p.ok());
  const auto& r = std::get<RangeExpr>((*p)->root().node);
  EXPECT_EQ(r.field.field_id, 101);
  EXPECT_EQ(r.field.type, DataType::kInt32);
  EXPECT_TRUE(r.field.nullable);
  EXPECT_EQ(r.lower, ScalarValue(int64_t{18}));
  EXPECT_TRUE(r.lower_inclusive);
  EXPECT_EQ(r.upper, ScalarValue(int64_t{65}));
  EXPECT_FALSE(r.upper_inclusive);

  auto q = Compile("color == \"red\"", TestSchema());
  ASSERT_TRUE(q.ok());
  const auto& c = std::get<CompareExpr>((*q)->root().node);
  EXPECT_EQ(c.field.field_id, 199);
  EXPECT_EQ(c.field.path, std::vector<PathPart>{PathPart("color")});

  auto e = Compile("temps[3] > 1", TestSchema());
  ASSERT_TRUE(e.ok());
  const auto& el = std::get<CompareExpr>((*e)->root().node);
  EXPECT_TRUE(el.field.IsArrayElement());
  EXPECT_EQ(el.field.ValueType(), DataType::kInt64);
}

TEST(CompileTest, TemplatesFromCpp) {
  TemplateParams params{{"a", 25},
                        {"n", Value::List{"北京", "上海"}},
                        {"nested", Value::List{Value::List{1, 2}, "x"}}};
  auto p = Compile("age > {a} and name in {n} and json_contains_any(meta[\"t\"], {nested})",
                   TestSchema(), params);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->ToString(),
            "(age > 25 and name in [\"北京\", \"上海\"] and "
            "json_contains_any(meta[\"t\"], [[1, 2], \"x\"]))");
  // The same compiled text with other values gives another plan (parse once, bind per call).
  params["a"] = 30;
  auto q = Compile("not (age > {a})", TestSchema(), params);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)->ToString(), "not (age > 30)");
}

TEST(CompileTest, ReferencedFieldIdsAreSortedAndUnique) {
  auto p = Compile("name == 'x' or (age > 1 and age < price) or color == 1 or meta['a'] > 1",
                   TestSchema());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->ReferencedFieldIds(), (std::vector<int64_t>{101, 102, 104, 108, 199}));
}

std::optional<std::vector<ScalarValue>> Keys(const std::string& text) {
  auto p = Compile(text, PartitionKeySchema());
  EXPECT_TRUE(p.ok()) << text << ": " << p.status().ToString();
  return p.ok() ? (*p)->PartitionKeyValues() : std::nullopt;
}

TEST(CompileTest, PartitionKeyValues) {
  using V = std::vector<ScalarValue>;
  EXPECT_EQ(Keys("tenant == 'a'"), V{"a"});
  EXPECT_EQ(Keys("'a' == tenant"), V{"a"});
  EXPECT_EQ(Keys("tenant in ['b', 'a', 'b']"), (V{"a", "b"}));
  EXPECT_EQ(Keys("tenant in ['a', 'b'] and age > 3"), (V{"a", "b"}));
  EXPECT_EQ(Keys("tenant in ['a', 'b'] and tenant == 'b'"), V{"b"});
  EXPECT_EQ(Keys("tenant == 'a' and tenant == 'b'"), V{});
  EXPECT_EQ(Keys("tenant == 'a' or tenant in ['c']"), (V{"a", "c"}));
  EXPECT_EQ(Keys("tenant == 'a' or age > 1"), std::nullopt);
  EXPECT_EQ(Keys("tenant != 'a'"), std::nullopt);
  EXPECT_EQ(Keys("tenant not in ['a']"), std::nullopt);
  EXPECT_EQ(Keys("not (tenant == 'a')"), std::nullopt);
  EXPECT_EQ(Keys("age > 1"), std::nullopt);
  EXPECT_EQ(Keys(""), std::nullopt);
  EXPECT_EQ(Keys("tenant in []"), V{});
  // No partition key in the schema: never restricted.
  auto p = Compile("name == 'a'", TestSchema());
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE((*p)->PartitionKeyValues().has_value());
}

TEST(CompileTest, DeepNestingIsRejectedWithoutCrashing) {
  for (const char* open : {"(", "not ", "-", "[", "json_contains(meta, "}) {
    std::string text;
    for (int i = 0; i < 100000; ++i) text += open;
    text += "age";
    auto p = Compile(text, TestSchema());
    ASSERT_FALSE(p.ok()) << open;
    EXPECT_NE(p.status().message().find("nested more than 200 levels"), std::string::npos)
        << p.status().ToString();
  }
  // Left-deep chains do not recurse in the parser but still build deep trees.
  std::string chain = "age";
  for (int i = 0; i < 5000; ++i) chain += " + 1";
  auto p = Compile(chain + " > 3", TestSchema());
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("nested more than"), std::string::npos);
  // Nesting just under the limit is fine.
  std::string ok = std::string(190, '(') + "age > 1" + std::string(190, ')');
  EXPECT_TRUE(Compile(ok, TestSchema()).ok());
}

TEST(CompileTest, LongFlatConjunctionsAreFine) {
  std::string text = "age > 0";
  for (int i = 1; i < 20000; ++i)
    text += (i % 2 ? " and age > " : " && age > ") + std::to_string(i);
  auto p = Compile(text, TestSchema());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(std::get<AndExpr>((*p)->root().node).children.size(), 20000u);
}

TEST(CompileTest, HugeInputIsRejected) {
  std::string text = "id in [";
  while (text.size() <= kMaxExpressionBytes) text += "1234567, ";
  text += "1]";
  auto p = Compile(text, TestSchema());
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(p.status().IsInvalidArgument());
  EXPECT_NE(p.status().message().find("the limit is"), std::string::npos);
}

TEST(CompileTest, LargeInListIsDeduplicated) {
  std::string text = "id in [";
  for (int i = 0; i < 100000; ++i) text += std::to_string(i % 50000) + ",";
  text += "]";
  auto p = Compile(text, TestSchema());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(std::get<InExpr>((*p)->root().node).values.size(), 50000u);
}

TEST(TemplateJsonTest, ParsesScalarsAndLists) {
  auto p = ParseTemplateParamsJson(R"({"a": 1, "b": 2.5, "c": "x", "d": true, "e": [1, [2]]})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->at("a"), Value(1));
  EXPECT_EQ(p->at("b"), Value(2.5));
  EXPECT_EQ(p->at("c"), Value("x"));
  EXPECT_EQ(p->at("d"), Value(true));
  EXPECT_EQ(ValueToString(p->at("e")), "[1, [2]]");
  EXPECT_FALSE(ParseTemplateParamsJson("{").ok());
  EXPECT_FALSE(ParseTemplateParamsJson("[1]").ok());
  EXPECT_FALSE(ParseTemplateParamsJson(R"({"a": null})").ok());
  EXPECT_FALSE(ParseTemplateParamsJson(R"({"a": {"b": 1}})").ok());
  EXPECT_FALSE(ParseTemplateParamsJson(R"({"a": 18446744073709551615})").ok());
}

}  // namespace
}  // namespace elanus::expr
