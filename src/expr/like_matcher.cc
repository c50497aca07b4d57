#include "expr/like_matcher.h"

namespace elanus::expr::internal {
namespace {

// Bytes of the UTF-8 character starting at s[i] (1 for a stray or truncated byte).
size_t CharLen(std::string_view s, size_t i) {
  size_t j = i + 1;
  if (static_cast<unsigned char>(s[i]) >= 0xC0) {
    while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;
  }
  return j - i;
}

}  // namespace

LikeMatcher::LikeMatcher(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '%') {
      if (tokens_.empty() || tokens_.back().kind != Token::kAnyRun) {
        tokens_.push_back({Token::kAnyRun, {}});
      }
      continue;
    }
    if (c == '_') {
      tokens_.push_back({Token::kOneChar, {}});
      continue;
    }
    if (c == '\\' && i + 1 < pattern.size()) c = pattern[++i];
    if (tokens_.empty() || tokens_.back().kind != Token::kLiteral) {
      tokens_.push_back({Token::kLiteral, {}});
    }
    tokens_.back().literal.push_back(c);
  }
}

// Iterative matching that remembers only the last '%': each '%' is retried with one more
// character consumed. Correct because every run between two '%' matches a fixed number of
// characters, so an earlier match of a later run never needs revisiting.
bool LikeMatcher::Match(std::string_view s) const {
  size_t ti = 0, si = 0;
  size_t star_tok = SIZE_MAX, star_s = 0;
  const size_t n = s.size(), nt = tokens_.size();
  while (true) {
    if (ti < nt) {
      const Token& t = tokens_[ti];
      if (t.kind == Token::kAnyRun) {
        star_tok = ti++;
        star_s = si;
        continue;
      }
      if (t.kind == Token::kOneChar) {
        if (si < n) {
          si += CharLen(s, si);
          ++ti;
          continue;
        }
      } else if (s.substr(si).starts_with(t.literal)) {
        si += t.literal.size();
        ++ti;
        continue;
      }
    } else if (si == n) {
      return true;
    }
    if (star_tok == SIZE_MAX || star_s >= n) return false;
    star_s += CharLen(s, star_s);
    si = star_s;
    ti = star_tok + 1;
  }
}

}  // namespace elanus::expr::internal
