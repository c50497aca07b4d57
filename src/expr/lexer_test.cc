#include "expr/lexer.h"

#include <gtest/gtest.h>

namespace elanus::expr {
namespace {

Token One(std::string_view text) {
  auto r = Tokenize(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  if (!r.ok()) return {};
  EXPECT_EQ(r->size(), 2u) << text;
  return (*r)[0];
}

std::string Err(std::string_view text) {
  auto r = Tokenize(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.status().message();
}

TEST(LexerTest, IntegerLiteralsInEveryBase) {
  EXPECT_EQ(One("0").int_value, 0u);
  EXPECT_EQ(One("42").int_value, 42u);
  EXPECT_EQ(One("0x1F").int_value, 31u);
  EXPECT_EQ(One("0XfF").int_value, 255u);
  EXPECT_EQ(One("017").int_value, 15u);
  EXPECT_EQ(One("00").int_value, 0u);
  EXPECT_EQ(One("0b101").int_value, 5u);
  EXPECT_EQ(One("0B1").int_value, 1u);
  EXPECT_EQ(One("9223372036854775807").int_value, 9223372036854775807u);
  // 2^63 lexes (for the negative literal) but the parser rejects it unsigned.
  EXPECT_EQ(One("9223372036854775808").int_value, 9223372036854775808u);
  EXPECT_EQ(One("42").kind, TokenKind::kInt);
}

TEST(LexerTest, MalformedIntegers) {
  EXPECT_NE(Err("9223372036854775809").find("out of the INT64 range"), std::string::npos);
  EXPECT_NE(Err("0x").find("needs digits"), std::string::npos);
  EXPECT_NE(Err("0b").find("needs digits"), std::string::npos);
  EXPECT_NE(Err("0b102").find("invalid digit '2' in binary"), std::string::npos);
  EXPECT_NE(Err("019").find("invalid digit '9' in octal literal '019'"), std::string::npos);
  EXPECT_NE(Err("12abc").find("invalid numeric literal '12abc'"), std::string::npos);
  EXPECT_NE(Err("1.2.3").find("invalid numeric literal"), std::string::npos);
}

TEST(LexerTest, FloatLiterals) {
  EXPECT_DOUBLE_EQ(One("1.5").float_value, 1.5);
  EXPECT_DOUBLE_EQ(One("1.").float_value, 1.0);
  EXPECT_DOUBLE_EQ(One(".25").float_value, 0.25);
  EXPECT_DOUBLE_EQ(One("1e3").float_value, 1000.0);
  EXPECT_DOUBLE_EQ(One("1E-2").float_value, 0.01);
  EXPECT_DOUBLE_EQ(One("2.5e+2").float_value, 250.0);
  EXPECT_DOUBLE_EQ(One("0x1.8p1").float_value, 3.0);
  EXPECT_DOUBLE_EQ(One("0x10p-4").float_value, 1.0);
  EXPECT_DOUBLE_EQ(One("09.5").float_value, 9.5);  // leading zero is not octal for floats
  EXPECT_EQ(One("1.0").kind, TokenKind::kFloat);
  EXPECT_NE(Err("1e").find("needs exponent digits"), std::string::npos);
  EXPECT_NE(Err("1e400").find("out of the DOUBLE range"), std::string::npos);
  EXPECT_NE(Err("0x1.8").find("needs a 'p' exponent"), std::string::npos);
}

TEST(LexerTest, BooleanSpellings) {
  for (const char* t : {"true", "True", "TRUE"}) EXPECT_EQ(One(t).kind, TokenKind::kTrue) << t;
  for (const char* t : {"false", "False", "FALSE"}) EXPECT_EQ(One(t).kind, TokenKind::kFalse);
  EXPECT_EQ(One("tRUE").kind, TokenKind::kIdentifier);
}

TEST(LexerTest, KeywordsAreAllLowerOrAllUpper) {
  EXPECT_EQ(One("and").kind, TokenKind::kAnd);
  EXPECT_EQ(One("AND").kind, TokenKind::kAnd);
  EXPECT_EQ(One("&&").kind, TokenKind::kAnd);
  EXPECT_EQ(One("And").kind, TokenKind::kIdentifier);
  EXPECT_EQ(One("||").kind, TokenKind::kOr);
  EXPECT_EQ(One("!").kind, TokenKind::kNot);
  EXPECT_EQ(One("NOT").kind, TokenKind::kNot);
  EXPECT_EQ(One("LIKE").kind, TokenKind::kLike);
  EXPECT_EQ(One("exists").kind, TokenKind::kExists);
  EXPECT_EQ(One("$meta").kind, TokenKind::kMeta);
  EXPECT_EQ(One("_x9").kind, TokenKind::kIdentifier);
}

TEST(LexerTest, StringEscapes) {
  EXPECT_EQ(One(R"("a\"b")").text, "a\"b");
  EXPECT_EQ(One(R"('it\'s')").text, "it's");
  EXPECT_EQ(One(R"('say "hi"')").text, "say \"hi\"");
  EXPECT_EQ(One(R"("\\ \n \t \a \b \f \r \v \?")").text, "\\ \n \t \a \b \f \r \v ?");
  EXPECT_EQ(One(R"("\101\60\0")").text, std::string("A0\0", 3));
  EXPECT_EQ(One(R"("\x41\x7e")").text, "A~");
  EXPECT_EQ(One(R"("\u00e9")").text, "\xC3\xA9");
  EXPECT_EQ(One(R"("\u5317\u4eac")").text, "北京");
  EXPECT_EQ(One(R"("\U0001F600")").text, "\xF0\x9F\x98\x80");
  EXPECT_EQ(One(R"("100\%")").text, "100\\%");  // LIKE escapes keep their backslash
  EXPECT_EQ(One(R"(u8"x")").text, "x");
  EXPECT_EQ(One(R"(L'x')").text, "x");
  EXPECT_EQ(One(R"(U"x")").kind, TokenKind::kString);
  EXPECT_EQ(One(R"("")").text, "");
}

TEST(LexerTest, BadStrings) {
  EXPECT_NE(Err(R"("abc)").find("line 1, column 1: unterminated string"), std::string::npos);
  EXPECT_NE(Err(R"("\q")").find("unknown escape sequence '\\q'"), std::string::npos);
  EXPECT_NE(Err(R"("\x")").find("\\x escape needs hexadecimal digits"), std::string::npos);
  EXPECT_NE(Err(R"("\x100")").find("larger than 0xFF"), std::string::npos);
  EXPECT_NE(Err(R"("\777")").find("larger than 0377"), std::string::npos);
  EXPECT_NE(Err(R"("\u12")").find("exactly 4 hexadecimal digits"), std::string::npos);
  EXPECT_NE(Err(R"("\uD800")").find("invalid code point U+D800"), std::string::npos);
  EXPECT_NE(Err(R"("\U00110000")").find("invalid code point"), std::string::npos);
  EXPECT_NE(Err("\"a\nb\"").find("unterminated"), std::string::npos);
}

TEST(LexerTest, OperatorsAndPositions) {
  auto r = Tokenize("a <= 1\n  && b != \"é\" >= c");
  ASSERT_TRUE(r.ok());
  std::vector<TokenKind> kinds;
  for (const Token& t : *r) kinds.push_back(t.kind);
  EXPECT_EQ(kinds, (std::vector<TokenKind>{TokenKind::kIdentifier, TokenKind::kLe, TokenKind::kInt,
                                           TokenKind::kAnd, TokenKind::kIdentifier, TokenKind::kNe,
                                           TokenKind::kString, TokenKind::kGe,
                                           TokenKind::kIdentifier, TokenKind::kEnd}));
  EXPECT_EQ((*r)[3].pos.line, 2);
  EXPECT_EQ((*r)[3].pos.column, 3);
  // Columns count code points: "é" is one column.
  EXPECT_EQ((*r)[7].pos.column, 15);
  EXPECT_NE(Err("a @ b").find("line 1, column 3: unexpected character '@'"), std::string::npos);
  EXPECT_NE(Err("é").find("unexpected character 'é'"), std::string::npos);
  EXPECT_EQ(One("$").kind, TokenKind::kDollar);  // rejected by the parser
}

}  // namespace
}  // namespace elanus::expr
