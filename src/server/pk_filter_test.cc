#include "server/pk_filter.h"

#include <gtest/gtest.h>

namespace elanus::server {
namespace {

FieldSchema IntPk() {
  return FieldSchema{.name = "id", .type = DataType::kInt64, .is_primary_key = true};
}
FieldSchema StrPk() {
  return FieldSchema{.name = "pk", .type = DataType::kVarChar, .is_primary_key = true};
}

TEST(PkFilterTest, ParsesIntegerListsAsPymilvusWritesThem) {
  auto k = ParsePkInFilter("id in [1,2,-3]", IntPk());
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->ints, (std::vector<int64_t>{1, 2, -3}));
  k = ParsePkInFilter("  id  in [ 7 , 8 ]  ", IntPk());
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->ints, (std::vector<int64_t>{7, 8}));
  k = ParsePkInFilter("id in []", IntPk());
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->size(), 0u);
}

TEST(PkFilterTest, ParsesQuotedStringsWithEscapes) {
  auto k = ParsePkInFilter(R"(pk in ['a', "b c", 'it\'s'])", StrPk());
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->strings, (std::vector<std::string>{"a", "b c", "it's"}));
}

TEST(PkFilterTest, LeavesEverythingElseToTheEngine) {
  EXPECT_FALSE(ParsePkInFilter("id in [1, 2] and x > 1", IntPk()));
  EXPECT_FALSE(ParsePkInFilter("other in [1]", IntPk()));
  EXPECT_FALSE(ParsePkInFilter("id not in [1]", IntPk()));
  EXPECT_FALSE(ParsePkInFilter("id in ['a']", IntPk()));
  EXPECT_FALSE(ParsePkInFilter("pk in [1]", StrPk()));
  EXPECT_FALSE(ParsePkInFilter("id in [1,]", IntPk()));
  EXPECT_FALSE(ParsePkInFilter("id in [1", IntPk()));
  EXPECT_FALSE(ParsePkInFilter("id > 5", IntPk()));
  EXPECT_FALSE(ParsePkInFilter("", IntPk()));
  EXPECT_FALSE(ParsePkInFilter("id in [99999999999999999999]", IntPk()));
}

}  // namespace
}  // namespace elanus::server
