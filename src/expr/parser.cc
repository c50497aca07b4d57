#include "expr/parser.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace elanus::expr {
namespace {

// Binding powers of infix operators; 0 = not an infix operator.
constexpr int kBpOr = 1, kBpAnd = 2, kBpBitOr = 3, kBpBitXor = 4, kBpBitAnd = 5, kBpEquality = 6,
              kBpRelational = 7, kBpIn = 8, kBpShift = 9, kBpAdditive = 10, kBpMultiplicative = 11,
              kBpUnary = 12, kBpPower = 13, kBpExists = 14;

bool IsRelational(TokenKind k) {
  return k == TokenKind::kLt || k == TokenKind::kLe || k == TokenKind::kGt || k == TokenKind::kGe;
}

struct FunctionInfo {
  const char* name;
  bool supported;
  const char* why;  // for unsupported functions
};
constexpr FunctionInfo kFunctions[] = {
    {"json_contains", true, ""},
    {"json_contains_all", true, ""},
    {"json_contains_any", true, ""},
    {"array_contains", true, ""},
    {"array_contains_all", true, ""},
    {"array_contains_any", true, ""},
    {"array_length", true, ""},
    {"text_match", false, "full-text match is not implemented"},
    {"phrase_match", false, "full-text match is not implemented"},
    {"random_sample", false, "sampling is not implemented"},
    {"element_filter", false, "struct array fields are not implemented"},
    {"match_all", false, "struct array fields are not implemented"},
    {"match_any", false, "struct array fields are not implemented"},
    {"match_least", false, "struct array fields are not implemented"},
    {"match_most", false, "struct array fields are not implemented"},
    {"match_exact", false, "struct array fields are not implemented"},
    {"st_equals", false, "geometry fields are not implemented"},
    {"st_touches", false, "geometry fields are not implemented"},
    {"st_overlaps", false, "geometry fields are not implemented"},
    {"st_crosses", false, "geometry fields are not implemented"},
    {"st_contains", false, "geometry fields are not implemented"},
    {"st_intersects", false, "geometry fields are not implemented"},
    {"st_within", false, "geometry fields are not implemented"},
    {"st_dwithin", false, "geometry fields are not implemented"},
    {"st_isvalid", false, "geometry fields are not implemented"},
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool IsKeywordSpelling(const std::string& lower) {
  static const char* kWords[] = {"and", "or", "not", "in", "like", "exists", "is", "null"};
  return std::any_of(std::begin(kWords), std::end(kWords),
                     [&](const char* w) { return lower == w; });
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : toks_(std::move(tokens)) {}

  Result<AstPtr> ParseAll() {
    ELANUS_ASSIGN_OR_RETURN(AstPtr e, ParseExpr(0));
    if (Cur().kind != TokenKind::kEnd) return Unexpected("after a complete expression");
    return e;
  }

 private:
  const Token& Cur() const { return toks_[i_]; }
  const Token& PeekTok(size_t ahead = 1) const {
    return toks_[std::min(i_ + ahead, toks_.size() - 1)];
  }
  const Token& Take() { return toks_[i_ < toks_.size() - 1 ? i_++ : i_]; }

  Status Unexpected(std::string_view context) const {
    const Token& t = Cur();
    std::string msg = "unexpected " + DescribeToken(t) + " " + std::string(context);
    if (t.kind == TokenKind::kIdentifier) {
      std::string lower = Lower(t.text);
      if (IsKeywordSpelling(lower)) {
        msg += " (keywords are all-lowercase or all-uppercase: '" + lower + "' or '" +
               Upper(t.text) + "')";
      }
    } else if (t.kind == TokenKind::kAssign) {
      msg += " (use '==' to compare)";
    }
    return ErrorAt(t.pos, msg);
  }

  Status Expect(TokenKind k, std::string_view context) {
    if (Cur().kind != k) {
      return ErrorAt(Cur().pos, "expected " + TokenKindName(k) + " " + std::string(context) +
                                    ", found " + DescribeToken(Cur()));
    }
    Take();
    return Status::OK();
  }

  // Guards recursion; every recursive entry point holds one.
  struct DepthGuard {
    explicit DepthGuard(int* d) : d_(d) { ++*d_; }
    ~DepthGuard() { --*d_; }
    int* d_;
  };
  Status CheckDepth(Position pos) const {
    if (depth_ > kMaxExpressionDepth) {
      return ErrorAt(pos, "expression is nested more than " + std::to_string(kMaxExpressionDepth) +
                              " levels deep");
    }
    return Status::OK();
  }

  static AstPtr Node(AstKind kind, Position pos, Position op_pos) {
    auto n = std::make_unique<Ast>();
    n->kind = kind;
    n->pos = pos;
    n->op_pos = op_pos;
    return n;
  }
  Status Adopt(Ast* parent, AstPtr child) {
    parent->depth = std::max(parent->depth, child->depth + 1);
    parent->children.push_back(std::move(child));
    if (parent->depth > kMaxExpressionDepth) {
      return ErrorAt(parent->op_pos, "expression is nested more than " +
                                         std::to_string(kMaxExpressionDepth) + " levels deep");
    }
    return Status::OK();
  }

  static int InfixBp(const Token& t, const Token& next) {
    switch (t.kind) {
      case TokenKind::kOr:
        return kBpOr;
      case TokenKind::kAnd:
        return kBpAnd;
      case TokenKind::kPipe:
        return kBpBitOr;
      case TokenKind::kCaret:
        return kBpBitXor;
      case TokenKind::kAmp:
        return kBpBitAnd;
      case TokenKind::kEq:
      case TokenKind::kNe:
      case TokenKind::kRegexMatch:
      case TokenKind::kRegexNotMatch:
        return kBpEquality;
      case TokenKind::kLt:
      case TokenKind::kLe:
      case TokenKind::kGt:
      case TokenKind::kGe:
        return kBpRelational;
      case TokenKind::kIn:
        return kBpIn;
      case TokenKind::kNot:
        return next.kind == TokenKind::kIn ? kBpIn : 0;
      case TokenKind::kShl:
      case TokenKind::kShr:
        return kBpShift;
      case TokenKind::kPlus:
      case TokenKind::kMinus:
        return kBpAdditive;
      case TokenKind::kStar:
      case TokenKind::kSlash:
      case TokenKind::kPercent:
        return kBpMultiplicative;
      case TokenKind::kPower:
        return kBpPower;
      default:
        return 0;
    }
  }

  Result<AstPtr> ParseExpr(int min_bp) {
    DepthGuard guard(&depth_);
    ELANUS_RETURN_IF_ERROR(CheckDepth(Cur().pos));
    ELANUS_ASSIGN_OR_RETURN(AstPtr left, ParsePrefix());
    while (true) {
      const Token& op = Cur();
      int bp = InfixBp(op, PeekTok());
      if (bp == 0 || bp <= min_bp) break;
      switch (op.kind) {
        case TokenKind::kPipe:
        case TokenKind::kCaret:
        case TokenKind::kAmp:
        case TokenKind::kShl:
        case TokenKind::kShr:
          return ErrorAt(
              op.pos, "bitwise operator '" + op.text + "' is not supported in filter expressions");
        case TokenKind::kPower:
          return ErrorAt(op.pos, "operator '**' is not supported in filter expressions");
        case TokenKind::kRegexMatch:
        case TokenKind::kRegexNotMatch:
          return ErrorAt(op.pos, "regular-expression match '" + op.text +
                                     "' is not supported (Milvus 3.0); use 'like'");
        default:
          break;
      }
      Token op_tok = Take();
      if (op_tok.kind == TokenKind::kNot) Take();  // `not in`
      ELANUS_ASSIGN_OR_RETURN(AstPtr right, ParseExpr(bp));
      Position start = left->pos;
      if (op_tok.kind == TokenKind::kAnd || op_tok.kind == TokenKind::kOr) {
        if (left->kind == AstKind::kLogical && left->op == op_tok.kind && !left->parenthesized) {
          ELANUS_RETURN_IF_ERROR(Adopt(left.get(), std::move(right)));
          continue;
        }
        AstPtr n = Node(AstKind::kLogical, start, op_tok.pos);
        n->op = op_tok.kind;
        ELANUS_RETURN_IF_ERROR(Adopt(n.get(), std::move(left)));
        ELANUS_RETURN_IF_ERROR(Adopt(n.get(), std::move(right)));
        left = std::move(n);
        continue;
      }
      if (IsRelational(op_tok.kind) && !left->parenthesized) {
        if (left->kind == AstKind::kRange) {
          return ErrorAt(op_tok.pos, "a chained comparison takes at most two operators");
        }
        if (left->kind == AstKind::kBinary && IsRelational(left->op)) {
          AstPtr n = Node(AstKind::kRange, start, left->op_pos);
          n->op = left->op;
          n->op2 = op_tok.kind;
          for (AstPtr& c : left->children) ELANUS_RETURN_IF_ERROR(Adopt(n.get(), std::move(c)));
          ELANUS_RETURN_IF_ERROR(Adopt(n.get(), std::move(right)));
          left = std::move(n);
          continue;
        }
      }
      AstPtr n =
          Node(op_tok.kind == TokenKind::kIn || op_tok.kind == TokenKind::kNot ? AstKind::kIn
                                                                               : AstKind::kBinary,
               start, op_tok.pos);
      n->op = op_tok.kind;
      n->negated = op_tok.kind == TokenKind::kNot;
      ELANUS_RETURN_IF_ERROR(Adopt(n.get(), std::move(left)));
      ELANUS_RETURN_IF_ERROR(Adopt(n.get(), std::move(right)));
      left = std::move(n);
    }
    return left;
  }

  Result<AstPtr> ParsePrefix() {
    const Token& t = Cur();
    switch (t.kind) {
      case TokenKind::kMinus:
      case TokenKind::kPlus:
      case TokenKind::kNot: {
        Token op = Take();
        // `-9223372036854775808` is the one literal whose magnitude exceeds INT64_MAX.
        if (op.kind == TokenKind::kMinus && Cur().kind == TokenKind::kInt &&
            InfixBp(PeekTok(), PeekTok(2)) != kBpPower) {
          Token lit = Take();
          AstPtr n = Node(AstKind::kLiteral, op.pos, op.pos);
          n->literal = Value(static_cast<int64_t>(0ULL - lit.int_value));
          return Postfix(std::move(n));
        }
        ELANUS_ASSIGN_OR_RETURN(AstPtr operand, ParseExpr(kBpUnary - 1));
        AstPtr n = Node(AstKind::kUnary, op.pos, op.pos);
        n->op = op.kind;
        ELANUS_RETURN_IF_ERROR(Adopt(n.get(), std::move(operand)));
        return n;
      }
      case TokenKind::kTilde:
        return ErrorAt(t.pos, "bitwise operator '~' is not supported in filter expressions");
      case TokenKind::kExists: {
        Token op = Take();
        ELANUS_ASSIGN_OR_RETURN(AstPtr operand, ParseExpr(kBpExists));
        AstPtr n = Node(AstKind::kExists, op.pos, op.pos);
        ELANUS_RETURN_IF_ERROR(Adopt(n.get(), std::move(operand)));
        return n;
      }
      default: {
        ELANUS_ASSIGN_OR_RETURN(AstPtr p, ParsePrimary());
        return Postfix(std::move(p));
      }
    }
  }

  // `e like "pattern"`, `e is null`, `e is not null`.
  Result<AstPtr> Postfix(AstPtr e) {
    while (true) {
      if (Cur().kind == TokenKind::kLike) {
        Token op = Take();
        if (Cur().kind != TokenKind::kString) {
          return ErrorAt(Cur().pos,
                         "'like' needs a string literal pattern, found " + DescribeToken(Cur()));
        }
        AstPtr n = Node(AstKind::kLike, e->pos, op.pos);
        n->pattern = Take().text;
        ELANUS_RETURN_IF_ERROR(Adopt(n.get(), std::move(e)));
        e = std::move(n);
      } else if (Cur().kind == TokenKind::kIs) {
        Token op = Take();
        AstPtr n = Node(AstKind::kIsNull, e->pos, op.pos);
        if (Cur().kind == TokenKind::kNot) {
          Take();
          n->negated = true;
        }
        ELANUS_RETURN_IF_ERROR(Expect(TokenKind::kNull, "after 'is'"));
        ELANUS_RETURN_IF_ERROR(Adopt(n.get(), std::move(e)));
        e = std::move(n);
      } else {
        return e;
      }
    }
  }

  Result<AstPtr> ParsePrimary() {
    const Token& t = Cur();
    switch (t.kind) {
      case TokenKind::kInt: {
        if (t.int_value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return ErrorAt(t.pos, "integer literal '" + t.text + "' is out of the INT64 range");
        }
        AstPtr n = Node(AstKind::kLiteral, t.pos, t.pos);
        n->literal = Value(static_cast<int64_t>(Take().int_value));
        return n;
      }
      case TokenKind::kFloat: {
        AstPtr n = Node(AstKind::kLiteral, t.pos, t.pos);
        n->literal = Value(Take().float_value);
        return n;
      }
      case TokenKind::kString: {
        AstPtr n = Node(AstKind::kLiteral, t.pos, t.pos);
        n->literal = Value(Take().text);
        return n;
      }
      case TokenKind::kTrue:
      case TokenKind::kFalse: {
        AstPtr n = Node(AstKind::kLiteral, t.pos, t.pos);
        n->literal = Value(Take().kind == TokenKind::kTrue);
        return n;
      }
      case TokenKind::kLParen: {
        Take();
        ELANUS_ASSIGN_OR_RETURN(AstPtr e, ParseExpr(0));
        ELANUS_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "to close '('"));
        e->parenthesized = true;
        return e;
      }
      case TokenKind::kLBracket:
        return ParseList();
      case TokenKind::kLBrace: {
        Position pos = Take().pos;
        if (Cur().kind != TokenKind::kIdentifier) {
          return ErrorAt(Cur().pos,
                         "expected a template name after '{', found " + DescribeToken(Cur()));
        }
        AstPtr n = Node(AstKind::kTemplate, pos, pos);
        n->name = Take().text;
        ELANUS_RETURN_IF_ERROR(Expect(TokenKind::kRBrace, "to close template '{" + n->name + "'"));
        return n;
      }
      case TokenKind::kIdentifier:
        if (PeekTok().kind == TokenKind::kLParen) return ParseCall();
        [[fallthrough]];
      case TokenKind::kMeta: {
        AstPtr n = Node(AstKind::kField, t.pos, t.pos);
        n->is_meta = t.kind == TokenKind::kMeta;
        n->name = Take().text;
        while (Cur().kind == TokenKind::kLBracket) {
          Take();
          if (Cur().kind == TokenKind::kString) {
            n->path.emplace_back(Take().text);
          } else if (Cur().kind == TokenKind::kInt &&
                     Cur().int_value <=
                         static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            n->path.emplace_back(static_cast<int64_t>(Take().int_value));
          } else {
            return ErrorAt(Cur().pos, "a path step of '" + n->name +
                                          "' must be a string key or a non-negative integer "
                                          "index, found " +
                                          DescribeToken(Cur()));
          }
          ELANUS_RETURN_IF_ERROR(Expect(TokenKind::kRBracket, "to close the path step"));
        }
        return n;
      }
      case TokenKind::kNull:
        return ErrorAt(t.pos, "'null' is not a value; test with 'f is null' or 'f is not null'");
      case TokenKind::kEnd:
        return ErrorAt(t.pos, "expression ends unexpectedly");
      default:
        return Unexpected("where an operand was expected");
    }
  }

  Result<AstPtr> ParseList() {
    Position pos = Take().pos;
    AstPtr n = Node(AstKind::kList, pos, pos);
    while (Cur().kind != TokenKind::kRBracket) {
      ELANUS_ASSIGN_OR_RETURN(AstPtr e, ParseExpr(0));
      ELANUS_RETURN_IF_ERROR(Adopt(n.get(), std::move(e)));
      if (Cur().kind == TokenKind::kComma) {
        Take();
        continue;
      }
      if (Cur().kind != TokenKind::kRBracket) {
        return ErrorAt(Cur().pos, "expected ',' or ']' in list, found " + DescribeToken(Cur()));
      }
    }
    Take();
    return n;
  }

  Result<AstPtr> ParseCall() {
    const Token& name_tok = Cur();
    std::string lower = Lower(name_tok.text);
    const FunctionInfo* info = nullptr;
    for (const FunctionInfo& f : kFunctions) {
      if (lower == f.name) info = &f;
    }
    if (info == nullptr) {
      std::string hint;
      if (IsKeywordSpelling(lower)) {
        hint = " (keywords are all-lowercase or all-uppercase: '" + lower + "' or '" +
               Upper(lower) + "')";
      }
      return ErrorAt(name_tok.pos, "unknown function '" + name_tok.text + "'" + hint);
    }
    if (name_tok.text != lower && name_tok.text != Upper(lower)) {
      return ErrorAt(name_tok.pos, "function names are all-lowercase or all-uppercase: write '" +
                                       lower + "', not '" + name_tok.text + "'");
    }
    if (!info->supported) {
      return Status::NotSupported("line " + std::to_string(name_tok.pos.line) + ", column " +
                                  std::to_string(name_tok.pos.column) + ": " + lower +
                                  " is not supported (" + info->why + ")");
    }
    AstPtr n = Node(AstKind::kCall, name_tok.pos, name_tok.pos);
    n->name = lower;
    Take();
    Take();  // '('
    while (Cur().kind != TokenKind::kRParen) {
      ELANUS_ASSIGN_OR_RETURN(AstPtr e, ParseExpr(0));
      ELANUS_RETURN_IF_ERROR(Adopt(n.get(), std::move(e)));
      if (Cur().kind == TokenKind::kComma) {
        Take();
        if (Cur().kind == TokenKind::kRParen) return Unexpected("in the arguments of " + lower);
        continue;
      }
      if (Cur().kind != TokenKind::kRParen) return Unexpected("in the arguments of " + lower);
    }
    Take();
    return n;
  }

  std::vector<Token> toks_;
  size_t i_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<AstPtr> Parse(std::string_view text) {
  if (text.size() > kMaxExpressionBytes) {
    return Status::InvalidArgument("filter expression is " + std::to_string(text.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxExpressionBytes) +
                                   " bytes (pass large lists as template parameters)");
  }
  ELANUS_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  return Parser(std::move(tokens)).ParseAll();
}

}  // namespace elanus::expr
