#include "expr/folding.h"

#include <gtest/gtest.h>

#include <limits>

namespace elanus::expr {
namespace {

TEST(FoldingTest, IntegerArithmeticStaysInteger) {
  EXPECT_EQ(*FoldArith(ArithOp::kAdd, 1, 2), Value(3));
  EXPECT_EQ(*FoldArith(ArithOp::kSub, 1, 5), Value(-4));
  EXPECT_EQ(*FoldArith(ArithOp::kMul, 6, 7), Value(42));
  EXPECT_EQ(*FoldArith(ArithOp::kDiv, 7, 2), Value(3));
  EXPECT_EQ(*FoldArith(ArithOp::kDiv, -7, 2), Value(-3));
  EXPECT_EQ(*FoldArith(ArithOp::kMod, -7, 3), Value(-1));
  EXPECT_EQ(*FoldArith(ArithOp::kMod, std::numeric_limits<int64_t>::min(), -1), Value(0));
}

TEST(FoldingTest, MixedArithmeticIsDouble) {
  EXPECT_EQ(*FoldArith(ArithOp::kAdd, 1, 0.5), Value(1.5));
  EXPECT_EQ(*FoldArith(ArithOp::kDiv, 7.0, 2), Value(3.5));
}

TEST(FoldingTest, ArithmeticErrors) {
  EXPECT_NE(FoldArith(ArithOp::kDiv, 1, 0).status().message().find("division by zero"),
            std::string::npos);
  EXPECT_NE(FoldArith(ArithOp::kMod, 1, 0).status().message().find("modulo by zero"),
            std::string::npos);
  EXPECT_NE(FoldArith(ArithOp::kDiv, 1.0, 0.0).status().message().find("division by zero"),
            std::string::npos);
  EXPECT_NE(FoldArith(ArithOp::kMod, 5.5, 2).status().message().find("integer operands"),
            std::string::npos);
  int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_NE(FoldArith(ArithOp::kAdd, max, 1).status().message().find("integer overflow"),
            std::string::npos);
  EXPECT_NE(FoldArith(ArithOp::kMul, max, 2).status().message().find("integer overflow"),
            std::string::npos);
  EXPECT_NE(FoldArith(ArithOp::kDiv, std::numeric_limits<int64_t>::min(), -1)
                .status()
                .message()
                .find("integer overflow"),
            std::string::npos);
  EXPECT_NE(FoldArith(ArithOp::kMul, 1e308, 10).status().message().find("overflow"),
            std::string::npos);
  EXPECT_NE(FoldArith(ArithOp::kAdd, "a", 1).status().message().find("numeric operands"),
            std::string::npos);
  EXPECT_FALSE(FoldArith(ArithOp::kAdd, true, 1).ok());
}

TEST(FoldingTest, Negate) {
  EXPECT_EQ(*FoldNegate(5), Value(-5));
  EXPECT_EQ(*FoldNegate(2.5), Value(-2.5));
  EXPECT_FALSE(FoldNegate(std::numeric_limits<int64_t>::min()).ok());
  EXPECT_FALSE(FoldNegate("x").ok());
}

TEST(FoldingTest, Compare) {
  EXPECT_TRUE(*FoldCompare(CompareOp::kEq, 3, 3));
  EXPECT_TRUE(*FoldCompare(CompareOp::kLt, 1, 1.5));
  EXPECT_TRUE(*FoldCompare(CompareOp::kEq, 2, 2.0));
  EXPECT_FALSE(*FoldCompare(CompareOp::kGt, "abc", "abd"));
  EXPECT_TRUE(*FoldCompare(CompareOp::kNe, true, false));
  // int64 compares exactly, not through double.
  EXPECT_TRUE(*FoldCompare(CompareOp::kLt, int64_t{9007199254740992}, int64_t{9007199254740993}));
  EXPECT_FALSE(FoldCompare(CompareOp::kLt, true, false).ok());
  EXPECT_FALSE(FoldCompare(CompareOp::kEq, 1, "1").ok());
}

TEST(FoldingTest, LikePatternKinds) {
  auto kind = [](std::string_view p) { return AnalyzeLikePattern(p)->kind; };
  auto operand = [](std::string_view p) { return AnalyzeLikePattern(p)->operand; };
  EXPECT_EQ(kind("abc"), LikeKind::kExact);
  EXPECT_EQ(kind("Prod%"), LikeKind::kPrefix);
  EXPECT_EQ(operand("Prod%"), "Prod");
  EXPECT_EQ(kind("%XYZ"), LikeKind::kSuffix);
  EXPECT_EQ(kind("%Pro%"), LikeKind::kInfix);
  EXPECT_EQ(operand("%%Pro%%"), "Pro");
  EXPECT_EQ(kind("%"), LikeKind::kPrefix);
  EXPECT_EQ(operand("%"), "");
  EXPECT_EQ(kind("A_C"), LikeKind::kGeneral);
  EXPECT_EQ(kind("a%b"), LikeKind::kGeneral);
  EXPECT_EQ(kind("%a%b%"), LikeKind::kGeneral);
  EXPECT_EQ(kind("100\\%"), LikeKind::kExact);
  EXPECT_EQ(operand("100\\%"), "100%");
  EXPECT_EQ(operand("a\\_b%"), "a_b");
  EXPECT_EQ(operand("a\\\\%"), "a\\");
  EXPECT_FALSE(AnalyzeLikePattern("abc\\").ok());
}

}  // namespace
}  // namespace elanus::expr
