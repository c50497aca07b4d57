// Untyped syntax tree produced by the parser and consumed by the type checker. Internal to expr.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "expr/lexer.h"
#include "expr/value.h"

namespace elanus::expr {

enum class AstKind {
  kLiteral,   // literal: a scalar Value
  kList,      // children: elements
  kTemplate,  // name
  kField,     // name (or is_meta), path
  kUnary,     // op in {kPlus, kMinus, kNot}; children[0]
  kBinary,    // op: arithmetic or comparison; children[0..1]
  kLogical,   // op in {kAnd, kOr}; children: 2+ operands (flattened)
  kRange,     // children[0] op children[1] op2 children[2], op/op2 relational
  kIn,        // children[0] [not] in children[1]; negated
  kLike,      // children[0] like pattern
  kIsNull,    // children[0] is [not] null; negated
  kExists,    // exists children[0]
  kCall,      // name (lower-case), children: arguments
};

struct Ast {
  AstKind kind = AstKind::kLiteral;
  Position pos;     // first token of the node
  Position op_pos;  // operator / keyword token (== pos for leaves)
  bool parenthesized = false;
  int depth = 1;  // height of the tree below and including this node
  Value literal;
  std::string name;
  bool is_meta = false;
  std::vector<PathPart> path;
  TokenKind op = TokenKind::kEnd;
  TokenKind op2 = TokenKind::kEnd;
  bool negated = false;
  std::string pattern;
  std::vector<std::unique_ptr<Ast>> children;
};
using AstPtr = std::unique_ptr<Ast>;

}  // namespace elanus::expr
