#include "expr/lexer.h"

#include <charconv>
#include <cstdio>
#include <limits>
#include <system_error>

#include "expr/value.h"

namespace elanus::expr {
namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Keyword lookup: only the all-lowercase and all-uppercase spellings are keywords.
struct Keyword {
  const char* lower;
  const char* upper;
  TokenKind kind;
};
constexpr Keyword kKeywords[] = {
    {"and", "AND", TokenKind::kAnd},    {"or", "OR", TokenKind::kOr},
    {"not", "NOT", TokenKind::kNot},    {"in", "IN", TokenKind::kIn},
    {"like", "LIKE", TokenKind::kLike}, {"exists", "EXISTS", TokenKind::kExists},
    {"is", "IS", TokenKind::kIs},       {"null", "NULL", TokenKind::kNull},
    {"true", "TRUE", TokenKind::kTrue}, {"false", "FALSE", TokenKind::kFalse},
};

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    while (true) {
      SkipSpace();
      Token t;
      t.pos = pos_;
      if (i_ >= s_.size()) {
        out.push_back(std::move(t));
        return out;
      }
      ELANUS_RETURN_IF_ERROR(Next(&t));
      out.push_back(std::move(t));
    }
  }

 private:
  char Peek(size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  void Advance() {
    char c = s_[i_++];
    if (c == '\n') {
      ++pos_.line;
      pos_.column = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++pos_.column;
    }
  }
  void AdvanceN(size_t n) {
    for (size_t k = 0; k < n; ++k) Advance();
  }
  void SkipSpace() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        Advance();
      } else {
        break;
      }
    }
  }

  Status Next(Token* t) {
    char c = Peek();
    if (IsIdentStart(c)) return LexWord(t);
    if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return LexNumber(t);
    if (c == '"' || c == '\'') return LexString(t);
    if (c == '$') {
      if (s_.substr(i_, 5) == "$meta" && !IsIdentChar(Peek(5))) {
        t->kind = TokenKind::kMeta;
        t->text = "$meta";
        AdvanceN(5);
        return Status::OK();
      }
      // `$[x]` only appears inside element_filter(); let the parser reject it in context.
      t->kind = TokenKind::kDollar;
      t->text = "$";
      Advance();
      return Status::OK();
    }
    return LexOperator(t);
  }

  Status LexWord(Token* t) {
    size_t start = i_;
    while (IsIdentChar(Peek())) Advance();
    std::string_view word = s_.substr(start, i_ - start);
    // String prefixes u8"..", u"..", U"..", L"..".
    if ((word == "u8" || word == "u" || word == "U" || word == "L") &&
        (Peek() == '"' || Peek() == '\'')) {
      Position p = t->pos;
      ELANUS_RETURN_IF_ERROR(LexString(t));
      t->pos = p;
      return Status::OK();
    }
    t->text = std::string(word);
    t->kind = TokenKind::kIdentifier;
    for (const Keyword& k : kKeywords) {
      if (word == k.lower || word == k.upper) {
        t->kind = k.kind;
        return Status::OK();
      }
    }
    if (word == "True") t->kind = TokenKind::kTrue;
    if (word == "False") t->kind = TokenKind::kFalse;
    return Status::OK();
  }

  Status LexNumber(Token* t) {
    size_t start = i_;
    Position p = pos_;
    auto finish = [&]() -> Status {
      if (IsIdentChar(Peek()) || Peek() == '.') {
        while (IsIdentChar(Peek()) || Peek() == '.') Advance();
        return ErrorAt(
            p, "invalid numeric literal '" + std::string(s_.substr(start, i_ - start)) + "'");
      }
      t->text = std::string(s_.substr(start, i_ - start));
      return Status::OK();
    };
    auto parse_int = [&](std::string_view digits, int base) -> Status {
      uint64_t v = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
      if (ec != std::errc() || ptr != digits.data() + digits.size() ||
          v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) {
        return ErrorAt(p, "integer literal '" + std::string(s_.substr(start, i_ - start)) +
                              "' is out of the INT64 range");
      }
      t->kind = TokenKind::kInt;
      t->int_value = v;
      return Status::OK();
    };
    auto parse_float = [&](std::string_view text, std::chars_format fmt) -> Status {
      double d = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d, fmt);
      if (ec == std::errc::result_out_of_range) {
        return ErrorAt(p, "float literal '" + std::string(s_.substr(start, i_ - start)) +
                              "' is out of the DOUBLE range");
      }
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        return ErrorAt(p,
                       "invalid float literal '" + std::string(s_.substr(start, i_ - start)) + "'");
      }
      t->kind = TokenKind::kFloat;
      t->float_value = d;
      return Status::OK();
    };

    if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X')) {
      AdvanceN(2);
      size_t digits = i_;
      while (IsHexDigit(Peek())) Advance();
      bool is_float = false;
      if (Peek() == '.') {
        is_float = true;
        Advance();
        while (IsHexDigit(Peek())) Advance();
      }
      if (Peek() == 'p' || Peek() == 'P') {
        is_float = true;
        Advance();
        if (Peek() == '+' || Peek() == '-') Advance();
        if (!IsDigit(Peek())) return ErrorAt(p, "hexadecimal float needs exponent digits");
        while (IsDigit(Peek())) Advance();
      } else if (is_float) {
        return ErrorAt(p, "hexadecimal float needs a 'p' exponent");
      }
      std::string_view body = s_.substr(digits, i_ - digits);
      if (body.empty() || body[0] == 'p' || body[0] == 'P' || body == ".") {
        return ErrorAt(p, "hexadecimal literal needs digits after '0x'");
      }
      if (is_float) {
        ELANUS_RETURN_IF_ERROR(parse_float(body, std::chars_format::hex));
      } else {
        ELANUS_RETURN_IF_ERROR(parse_int(body, 16));
      }
      return finish();
    }
    if (Peek() == '0' && (Peek(1) == 'b' || Peek(1) == 'B')) {
      AdvanceN(2);
      size_t digits = i_;
      while (Peek() == '0' || Peek() == '1') Advance();
      if (i_ == digits) return ErrorAt(p, "binary literal needs digits after '0b'");
      if (IsDigit(Peek())) {
        return ErrorAt(p, "invalid digit '" + std::string(1, Peek()) + "' in binary literal");
      }
      ELANUS_RETURN_IF_ERROR(parse_int(s_.substr(digits, i_ - digits), 2));
      return finish();
    }
    while (IsDigit(Peek())) Advance();
    bool is_float = false;
    if (Peek() == '.') {
      is_float = true;
      Advance();
      while (IsDigit(Peek())) Advance();
    }
    if (Peek() == 'e' || Peek() == 'E') {
      is_float = true;
      Advance();
      if (Peek() == '+' || Peek() == '-') Advance();
      if (!IsDigit(Peek())) {
        return ErrorAt(p, "float literal '" + std::string(s_.substr(start, i_ - start)) +
                              "' needs exponent digits");
      }
      while (IsDigit(Peek())) Advance();
    }
    std::string_view body = s_.substr(start, i_ - start);
    if (is_float) {
      ELANUS_RETURN_IF_ERROR(parse_float(body, std::chars_format::general));
    } else if (body.size() > 1 && body[0] == '0') {
      for (char c : body) {
        if (c > '7') {
          return ErrorAt(p, "invalid digit '" + std::string(1, c) + "' in octal literal '" +
                                std::string(body) + "'");
        }
      }
      ELANUS_RETURN_IF_ERROR(parse_int(body.substr(1), 8));
    } else {
      ELANUS_RETURN_IF_ERROR(parse_int(body, 10));
    }
    return finish();
  }

  Status LexString(Token* t) {
    Position start = pos_;
    char quote = Peek();
    Advance();
    std::string out;
    while (true) {
      if (i_ >= s_.size() || Peek() == '\n') {
        return ErrorAt(start, "unterminated string literal");
      }
      char c = Peek();
      if (c == quote) {
        Advance();
        break;
      }
      if (c != '\\') {
        out.push_back(c);
        Advance();
        continue;
      }
      Position esc = pos_;
      Advance();
      if (i_ >= s_.size()) return ErrorAt(start, "unterminated string literal");
      char e = Peek();
      Advance();
      switch (e) {
        case '\'':
          out.push_back('\'');
          break;
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '?':
          out.push_back('?');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'a':
          out.push_back('\a');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 'v':
          out.push_back('\v');
          break;
        // LIKE escapes pass through with their backslash so `like "100\%"` means a literal '%'.
        case '%':
          out += "\\%";
          break;
        case '_':
          out += "\\_";
          break;
        case 'x': {
          uint32_t v = 0;
          int n = 0;
          while (IsHexDigit(Peek())) {
            if (v <= 0xFF) v = v * 16 + HexValue(Peek());
            Advance();
            ++n;
          }
          if (n == 0) return ErrorAt(esc, "\\x escape needs hexadecimal digits");
          if (v > 0xFF) return ErrorAt(esc, "\\x escape value is larger than 0xFF");
          out.push_back(static_cast<char>(v));
          break;
        }
        case 'u':
        case 'U': {
          int want = e == 'u' ? 4 : 8;
          uint32_t v = 0;
          for (int k = 0; k < want; ++k) {
            if (!IsHexDigit(Peek())) {
              return ErrorAt(esc, std::string("\\") + e + " escape needs exactly " +
                                      std::to_string(want) + " hexadecimal digits");
            }
            v = v * 16 + HexValue(Peek());
            Advance();
          }
          if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
            char buf[32];
            std::snprintf(buf, sizeof(buf), "U+%04X", static_cast<unsigned>(v));
            return ErrorAt(esc, std::string("escape names an invalid code point ") + buf);
          }
          AppendUtf8(&out, v);
          break;
        }
        default: {
          if (e >= '0' && e <= '7') {
            uint32_t v = e - '0';
            for (int k = 0; k < 2 && Peek() >= '0' && Peek() <= '7'; ++k) {
              v = v * 8 + (Peek() - '0');
              Advance();
            }
            if (v > 0xFF) return ErrorAt(esc, "octal escape value is larger than 0377");
            out.push_back(static_cast<char>(v));
            break;
          }
          std::string shown(1, e);
          if (static_cast<unsigned char>(e) < 0x20 || static_cast<unsigned char>(e) >= 0x7F) {
            shown = QuoteString(shown);
            shown = shown.substr(1, shown.size() - 2);
          }
          return ErrorAt(esc, "unknown escape sequence '\\" + shown + "'");
        }
      }
    }
    t->kind = TokenKind::kString;
    t->text = std::move(out);
    return Status::OK();
  }

  Status LexOperator(Token* t) {
    struct Op {
      const char* text;
      TokenKind kind;
    };
    // Longest spellings first.
    static constexpr Op kOps[] = {
        {"&&", TokenKind::kAnd},
        {"||", TokenKind::kOr},
        {"**", TokenKind::kPower},
        {"<<", TokenKind::kShl},
        {">>", TokenKind::kShr},
        {"==", TokenKind::kEq},
        {"!=", TokenKind::kNe},
        {"<=", TokenKind::kLe},
        {">=", TokenKind::kGe},
        {"=~", TokenKind::kRegexMatch},
        {"!~", TokenKind::kRegexNotMatch},
        {"(", TokenKind::kLParen},
        {")", TokenKind::kRParen},
        {"[", TokenKind::kLBracket},
        {"]", TokenKind::kRBracket},
        {"{", TokenKind::kLBrace},
        {"}", TokenKind::kRBrace},
        {",", TokenKind::kComma},
        {"+", TokenKind::kPlus},
        {"-", TokenKind::kMinus},
        {"*", TokenKind::kStar},
        {"/", TokenKind::kSlash},
        {"%", TokenKind::kPercent},
        {"~", TokenKind::kTilde},
        {"&", TokenKind::kAmp},
        {"|", TokenKind::kPipe},
        {"^", TokenKind::kCaret},
        {"<", TokenKind::kLt},
        {">", TokenKind::kGt},
        {"!", TokenKind::kNot},
        {"=", TokenKind::kAssign},
    };
    for (const Op& op : kOps) {
      std::string_view text(op.text);
      if (s_.substr(i_, text.size()) == text) {
        t->kind = op.kind;
        t->text = std::string(text);
        AdvanceN(text.size());
        return Status::OK();
      }
    }
    // Show the offending character (a whole UTF-8 sequence when it is one).
    unsigned char c = static_cast<unsigned char>(Peek());
    size_t len = 1;
    if (c >= 0xC0) len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    std::string shown(s_.substr(i_, len));
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xC0)) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02X", c);
      shown = buf;
    }
    return ErrorAt(pos_, "unexpected character '" + shown + "'");
  }

  std::string_view s_;
  size_t i_ = 0;
  Position pos_;
};

}  // namespace

Status ErrorAt(Position pos, std::string_view reason) {
  return Status::InvalidArgument("line " + std::to_string(pos.line) + ", column " +
                                 std::to_string(pos.column) + ": " + std::string(reason));
}

std::string TokenKindName(TokenKind k) {
  switch (k) {
    case TokenKind::kEnd:
      return "end of expression";
    case TokenKind::kIdentifier:
      return "identifier";
    case TokenKind::kMeta:
      return "'$meta'";
    case TokenKind::kInt:
      return "integer";
    case TokenKind::kFloat:
      return "float";
    case TokenKind::kString:
      return "string";
    case TokenKind::kTrue:
      return "'true'";
    case TokenKind::kFalse:
      return "'false'";
    case TokenKind::kAnd:
      return "'and'";
    case TokenKind::kOr:
      return "'or'";
    case TokenKind::kNot:
      return "'not'";
    case TokenKind::kIn:
      return "'in'";
    case TokenKind::kLike:
      return "'like'";
    case TokenKind::kExists:
      return "'exists'";
    case TokenKind::kIs:
      return "'is'";
    case TokenKind::kNull:
      return "'null'";
    case TokenKind::kLParen:
      return "'('";
    case TokenKind::kRParen:
      return "')'";
    case TokenKind::kLBracket:
      return "'['";
    case TokenKind::kRBracket:
      return "']'";
    case TokenKind::kLBrace:
      return "'{'";
    case TokenKind::kRBrace:
      return "'}'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kPlus:
      return "'+'";
    case TokenKind::kMinus:
      return "'-'";
    case TokenKind::kStar:
      return "'*'";
    case TokenKind::kSlash:
      return "'/'";
    case TokenKind::kPercent:
      return "'%'";
    case TokenKind::kPower:
      return "'**'";
    case TokenKind::kTilde:
      return "'~'";
    case TokenKind::kAmp:
      return "'&'";
    case TokenKind::kPipe:
      return "'|'";
    case TokenKind::kCaret:
      return "'^'";
    case TokenKind::kShl:
      return "'<<'";
    case TokenKind::kShr:
      return "'>>'";
    case TokenKind::kEq:
      return "'=='";
    case TokenKind::kNe:
      return "'!='";
    case TokenKind::kLt:
      return "'<'";
    case TokenKind::kLe:
      return "'<='";
    case TokenKind::kGt:
      return "'>'";
    case TokenKind::kGe:
      return "'>='";
    case TokenKind::kAssign:
      return "'='";
    case TokenKind::kRegexMatch:
      return "'=~'";
    case TokenKind::kRegexNotMatch:
      return "'!~'";
    case TokenKind::kDollar:
      return "'$'";
  }
  return "token";
}

std::string DescribeToken(const Token& t) {
  switch (t.kind) {
    case TokenKind::kIdentifier:
      return "identifier '" + t.text + "'";
    case TokenKind::kInt:
    case TokenKind::kFloat:
      return "number " + t.text;
    case TokenKind::kString:
      return "string " + QuoteString(t.text);
    case TokenKind::kEnd:
      return "end of expression";
    default:
      return "'" + t.text + "'";
  }
}

Result<std::vector<Token>> Tokenize(std::string_view text) { return Lexer(text).Run(); }

}  // namespace elanus::expr
