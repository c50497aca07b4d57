#include "server/pk_filter.h"

#include <cctype>
#include <charconv>
#include <string>

namespace elanus::server {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  void SkipSpace() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool Done() {
    SkipSpace();
    return i_ == s_.size();
  }
  bool Consume(char c) {
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  // An identifier: letters, digits, '_' and '$', not starting with a digit.
  std::string_view Ident() {
    SkipSpace();
    size_t start = i_;
    while (i_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == '$'))
      ++i_;
    std::string_view id = s_.substr(start, i_ - start);
    if (!id.empty() && std::isdigit(static_cast<unsigned char>(id[0]))) return {};
    return id;
  }
  std::optional<int64_t> Int() {
    SkipSpace();
    size_t start = i_;
    if (i_ < s_.size() && (s_[i_] == '-' || s_[i_] == '+')) ++i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    std::string_view tok = s_.substr(start, i_ - start);
    if (!tok.empty() && tok[0] == '+') tok.remove_prefix(1);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (tok.empty() || ec != std::errc() || p != tok.data() + tok.size()) return std::nullopt;
    return v;
  }
  std::optional<std::string> Quoted() {
    SkipSpace();
    if (i_ >= s_.size() || (s_[i_] != '\'' && s_[i_] != '"')) return std::nullopt;
    char q = s_[i_++];
    std::string out;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == q) return out;
      if (c == '\\') {
        if (i_ >= s_.size()) return std::nullopt;
        char e = s_[i_++];
        switch (e) {
          case 'n':
            out.push_back('\n');
            break;
          case 't':
            out.push_back('\t');
            break;
          default:
            out.push_back(e);  // \\ \' \" and anything else literally
        }
        continue;
      }
      out.push_back(c);
    }
    return std::nullopt;  // unterminated
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::optional<PrimaryKeys> ParsePkInFilter(std::string_view expr, const FieldSchema& pk) {
  if (pk.type != DataType::kInt64 && pk.type != DataType::kVarChar) return std::nullopt;
  Cursor c(expr);
  if (c.Ident() != pk.name) return std::nullopt;
  if (c.Ident() != "in") return std::nullopt;
  if (!c.Consume('[')) return std::nullopt;
  PrimaryKeys keys;
  if (!c.Consume(']')) {
    while (true) {
      if (pk.type == DataType::kInt64) {
        auto v = c.Int();
        if (!v) return std::nullopt;
        keys.ints.push_back(*v);
      } else {
        auto v = c.Quoted();
        if (!v) return std::nullopt;
        keys.strings.push_back(std::move(*v));
      }
      if (c.Consume(',')) continue;
      if (c.Consume(']')) break;
      return std::nullopt;
    }
  }
  if (!c.Done()) return std::nullopt;
  return keys;
}

}  // namespace elanus::server
