#include "server/template_values.h"

#include <nlohmann/json.hpp>

namespace elanus::server {
namespace {

namespace pb_schema = ::milvus::proto::schema;

Result<nlohmann::json> ArrayToJson(const std::string& name,
                                   const pb_schema::TemplateArrayValue& a) {
  nlohmann::json out = nlohmann::json::array();
  switch (a.data_case()) {
    case pb_schema::TemplateArrayValue::kBoolData:
      for (bool b : a.bool_data().data()) out.push_back(b);
      break;
    case pb_schema::TemplateArrayValue::kLongData:
      for (int64_t v : a.long_data().data()) out.push_back(v);
      break;
    case pb_schema::TemplateArrayValue::kDoubleData:
      for (double v : a.double_data().data()) out.push_back(v);
      break;
    case pb_schema::TemplateArrayValue::kStringData:
      for (const std::string& s : a.string_data().data()) out.push_back(s);
      break;
    case pb_schema::TemplateArrayValue::kArrayData:
      for (const pb_schema::TemplateArrayValue& e : a.array_data().data()) {
        ELANUS_ASSIGN_OR_RETURN(nlohmann::json j, ArrayToJson(name, e));
        out.push_back(std::move(j));
      }
      break;
    case pb_schema::TemplateArrayValue::kJsonData:
      // Mixed-type lists: pymilvus sends each element as a JSON document.
      for (const std::string& doc : a.json_data().data()) {
        nlohmann::json j = nlohmann::json::parse(doc, nullptr, false);
        if (j.is_discarded()) {
          return Status::InvalidArgument("filter template '" + name + "': element '" + doc +
                                         "' is not valid JSON");
        }
        out.push_back(std::move(j));
      }
      break;
    case pb_schema::TemplateArrayValue::DATA_NOT_SET:
      break;  // an empty list
  }
  return out;
}

}  // namespace

Result<std::string> TemplateValuesToJson(const TemplateValueMap& values) {
  if (values.empty()) return std::string();
  nlohmann::json obj = nlohmann::json::object();
  for (const auto& [name, v] : values) {
    switch (v.val_case()) {
      case pb_schema::TemplateValue::kBoolVal:
        obj[name] = v.bool_val();
        break;
      case pb_schema::TemplateValue::kInt64Val:
        obj[name] = v.int64_val();
        break;
      case pb_schema::TemplateValue::kFloatVal:
        obj[name] = v.float_val();  // dumped with a '.', so the engine keeps it a double
        break;
      case pb_schema::TemplateValue::kStringVal:
        obj[name] = v.string_val();
        break;
      case pb_schema::TemplateValue::kArrayVal: {
        ELANUS_ASSIGN_OR_RETURN(obj[name], ArrayToJson(name, v.array_val()));
        break;
      }
      default:
        return Status::InvalidArgument("filter template '" + name + "' has no value");
    }
  }
  return obj.dump();
}

}  // namespace elanus::server
