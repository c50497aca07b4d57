// JSON -> TemplateParams. nlohmann exceptions are caught here and never leave the module.
#include <nlohmann/json.hpp>

#include "expr/expr.h"

namespace elanus::expr {
namespace {

constexpr int kMaxNesting = 64;

Result<Value> FromJson(const nlohmann::json& j, const std::string& name, int depth) {
  if (depth > kMaxNesting) {
    return Status::InvalidArgument("template parameter '" + name + "' is nested too deeply");
  }
  if (j.is_boolean()) return Value(j.get<bool>());
  if (j.is_number_integer()) {
    if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return Status::InvalidArgument("template parameter '" + name + "' is out of the INT64 range");
    }
    return Value(j.get<int64_t>());
  }
  if (j.is_number_float()) return Value(j.get<double>());
  if (j.is_string()) return Value(j.get<std::string>());
  if (j.is_array()) {
    Value::List items;
    for (const auto& e : j) {
      ELANUS_ASSIGN_OR_RETURN(Value v, FromJson(e, name, depth + 1));
      items.push_back(std::move(v));
    }
    return Value(std::move(items));
  }
  return Status::InvalidArgument("template parameter '" + name +
                                 "' must be a bool, number, "
                                 "string or list, not " +
                                 std::string(j.type_name()));
}

}  // namespace

Result<TemplateParams> ParseTemplateParamsJson(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("template parameters are not valid JSON");
  if (!j.is_object()) return Status::InvalidArgument("template parameters must be a JSON object");
  TemplateParams out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    ELANUS_ASSIGN_OR_RETURN(Value v, FromJson(it.value(), it.key(), 0));
    out.emplace(it.key(), std::move(v));
  }
  return out;
}

}  // namespace elanus::expr
