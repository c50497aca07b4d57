#include "expr/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace elanus::expr {

std::string FloatToString(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  std::string s(buf, ec == std::errc() ? ptr : buf);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string QuoteString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02X", u);
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out += "\"";
  return out;
}

std::string ValueToString(const Value& v) {
  if (v.IsNone()) return "none";
  if (v.IsBool()) return v.AsBool() ? "true" : "false";
  if (v.IsInt()) return std::to_string(v.AsInt());
  if (v.IsFloat()) return FloatToString(v.AsFloat());
  if (v.IsString()) return QuoteString(v.AsString());
  std::string out = "[";
  for (size_t i = 0; i < v.AsList().size(); ++i) {
    if (i) out += ", ";
    out += ValueToString(v.AsList()[i]);
  }
  return out + "]";
}

std::string ScalarToString(const ScalarValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "null";
        } else {
          return ValueToString(Value(x));
        }
      },
      v);
}

std::string DescribeValue(const Value& v) {
  if (v.IsBool()) return "boolean " + ValueToString(v);
  if (v.IsInt()) return "integer " + ValueToString(v);
  if (v.IsFloat()) return "float " + ValueToString(v);
  if (v.IsString()) return "string " + ValueToString(v);
  if (v.IsList()) {
    std::string s = ValueToString(v);
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return "list " + s;
  }
  return "no value";
}

}  // namespace elanus::expr
