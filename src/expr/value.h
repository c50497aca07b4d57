// Literal values of the filter language: scalars and (possibly nested) lists. Used for template
// parameters and for the operands of json_contains*/array_contains*.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "elanus/schema.h"

namespace elanus::expr {

// A scalar (bool, int64, double, string) or a list of values. Lists may nest (json_contains
// accepts arrays as elements). monostate is "no value" and never appears in a compiled plan.
struct Value {
  using List = std::vector<Value>;
  std::variant<std::monostate, bool, int64_t, double, std::string, List> v;

  Value() = default;
  Value(bool b) : v(b) {}                      // NOLINT(implicit)
  Value(int64_t i) : v(i) {}                   // NOLINT(implicit)
  Value(int i) : v(int64_t{i}) {}              // NOLINT(implicit)
  Value(double d) : v(d) {}                    // NOLINT(implicit)
  Value(std::string s) : v(std::move(s)) {}    // NOLINT(implicit)
  Value(const char* s) : v(std::string(s)) {}  // NOLINT(implicit)
  Value(List l) : v(std::move(l)) {}           // NOLINT(implicit)

  bool IsNone() const { return v.index() == 0; }
  bool IsBool() const { return std::holds_alternative<bool>(v); }
  bool IsInt() const { return std::holds_alternative<int64_t>(v); }
  bool IsFloat() const { return std::holds_alternative<double>(v); }
  bool IsNumber() const { return IsInt() || IsFloat(); }
  bool IsString() const { return std::holds_alternative<std::string>(v); }
  bool IsList() const { return std::holds_alternative<List>(v); }
  bool AsBool() const { return std::get<bool>(v); }
  int64_t AsInt() const { return std::get<int64_t>(v); }
  double AsFloat() const { return std::get<double>(v); }
  // Numeric value as double (int or float).
  double AsDouble() const { return IsInt() ? static_cast<double>(AsInt()) : AsFloat(); }
  const std::string& AsString() const { return std::get<std::string>(v); }
  const List& AsList() const { return std::get<List>(v); }

  bool operator==(const Value& o) const { return v == o.v; }
};

// One step of a JSON path (object key or array index) or an ARRAY element index.
using PathPart = std::variant<std::string, int64_t>;

// Template parameters (`{name}` placeholders), as given in a request's filter_params.
using TemplateValue = Value;
using TemplateParams = std::map<std::string, TemplateValue>;

// Canonical text of a value: 1, 2.5, 1.0 (floats always show a '.', 'e', "inf" or "nan"),
// "escaped string", true, [1, "a"].
std::string ValueToString(const Value& v);
std::string ScalarToString(const ScalarValue& v);
// A double in shortest round-trip form, with ".0" appended when it would read as an integer.
std::string FloatToString(double d);
// A string as a double-quoted literal with C escapes for quotes, backslashes and control bytes.
std::string QuoteString(std::string_view s);
// "integer 1", "float 2.5", "string \"x\"", "boolean true", "list [1, 2]" for error messages.
std::string DescribeValue(const Value& v);

}  // namespace elanus::expr
