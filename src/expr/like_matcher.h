// LIKE pattern matching for the filter evaluator. Internal to src/expr.
//
// `%` matches any run of bytes (including none), `_` exactly one UTF-8 character (a lead byte and
// its continuation bytes; a stray byte counts as one character), and a backslash makes the next
// character literal. The whole value must match. The pattern is compiled once; Match allocates
// nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace elanus::expr::internal {

class LikeMatcher {
 public:
  // `pattern` as written in the filter (with % _ and \ escapes). A trailing lone backslash is
  // taken literally (the front end rejects it earlier).
  explicit LikeMatcher(std::string_view pattern);
  bool Match(std::string_view s) const;

 private:
  struct Token {
    enum Kind { kAnyRun, kOneChar, kLiteral } kind;
    std::string literal;
  };
  std::vector<Token> tokens_;
};

}  // namespace elanus::expr::internal
