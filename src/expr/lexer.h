// Lexer of the filter language (reference/milvus-features.md §2.1). Turns the whole text into
// tokens up front; errors name the line and column (1-based, columns count UTF-8 code points).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "elanus/status.h"

namespace elanus::expr {

enum class TokenKind {
  kEnd,
  kIdentifier,  // text = name (also function names; keywords are separate kinds)
  kMeta,        // $meta
  kInt,         // int_value = magnitude (may exceed INT64_MAX only for -9223372036854775808)
  kFloat,       // float_value
  kString,      // text = decoded bytes
  kTrue,
  kFalse,
  // Keywords (all-lowercase or all-uppercase spellings only).
  kAnd,     // and AND &&
  kOr,      // or OR ||
  kNot,     // not NOT !
  kIn,      // in IN
  kLike,    // like LIKE
  kExists,  // exists EXISTS
  kIs,      // is IS
  kNull,    // null NULL
  // Punctuation and operators.
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kComma,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kPower,  // + - * / % **
  kTilde,
  kAmp,
  kPipe,
  kCaret,
  kShl,
  kShr,  // ~ & | ^ << >>
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,  // == != < <= > >=
  kAssign,
  kRegexMatch,
  kRegexNotMatch,  // = =~ !~ (rejected by the parser)
  kDollar,         // '$' not starting $meta (rejected)
};

struct Position {
  int line = 1;
  int column = 1;
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  Position pos;
  std::string text;  // identifier name, decoded string, or the source spelling otherwise
  uint64_t int_value = 0;
  double float_value = 0;
};

// Human-readable token kind for messages: "'and'", "identifier", "end of expression", ...
std::string TokenKindName(TokenKind k);
// A token as quoted in error messages: "identifier 'x'", "'=='", "string \"a\"".
std::string DescribeToken(const Token& t);
// "line L, column C: " + reason, as InvalidArgument.
Status ErrorAt(Position pos, std::string_view reason);

// Tokenizes `text`; the last token is kEnd. Fails with InvalidArgument on a malformed literal,
// an unknown escape, an unterminated string or an unexpected character.
Result<std::vector<Token>> Tokenize(std::string_view text);

}  // namespace elanus::expr
