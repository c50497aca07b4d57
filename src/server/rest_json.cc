#include "server/rest_json.h"

#include "server/error_map.h"

namespace elanus::server {

Result<Json> JsonView::ParseBody(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i == text.size()) return Json::object();
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return RestFormatError("the request body is not valid JSON");
  if (!j.is_object()) {
    return RestFormatError(std::string("the request body must be a JSON object, got ") +
                           j.type_name());
  }
  return j;
}

bool JsonView::Has(const char* key) const {
  auto it = j_->find(key);
  return it != j_->end() && !it->is_null();
}

Status JsonView::Lookup(const char* key, bool required, const Json** v) const {
  *v = nullptr;
  auto it = j_->find(key);
  if (it == j_->end() || it->is_null()) {
    if (required) return RestMissingParameterError(Path(key));
    return Status::OK();
  }
  *v = &*it;
  return Status::OK();
}

Status JsonView::WrongType(const char* key, const char* expected, const Json& v) const {
  return RestFormatError("'" + Path(key) + "' must be " + expected + ", got " + v.type_name() +
                         " " + v.dump().substr(0, 64));
}

Status JsonView::GetString(const char* key, std::string* out, bool required) const {
  const Json* v;
  ELANUS_RETURN_IF_ERROR(Lookup(key, required, &v));
  if (v == nullptr) return Status::OK();
  if (!v->is_string()) return WrongType(key, "a string", *v);
  *out = v->get<std::string>();
  if (required && out->empty()) return RestMissingParameterError(Path(key));
  return Status::OK();
}

Status JsonView::GetInt(const char* key, int64_t* out, bool required) const {
  const Json* v;
  ELANUS_RETURN_IF_ERROR(Lookup(key, required, &v));
  if (v == nullptr) return Status::OK();
  if (!v->is_number_integer() ||
      (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
    return WrongType(key, "an integer", *v);
  }
  *out = v->get<int64_t>();
  return Status::OK();
}

Status JsonView::GetDouble(const char* key, double* out, bool required) const {
  const Json* v;
  ELANUS_RETURN_IF_ERROR(Lookup(key, required, &v));
  if (v == nullptr) return Status::OK();
  if (!v->is_number()) return WrongType(key, "a number", *v);
  *out = v->get<double>();
  return Status::OK();
}

Status JsonView::GetBool(const char* key, bool* out, bool required) const {
  const Json* v;
  ELANUS_RETURN_IF_ERROR(Lookup(key, required, &v));
  if (v == nullptr) return Status::OK();
  if (!v->is_boolean()) return WrongType(key, "a boolean", *v);
  *out = v->get<bool>();
  return Status::OK();
}

Status JsonView::GetStringList(const char* key, std::vector<std::string>* out,
                               bool required) const {
  const Json* v;
  ELANUS_RETURN_IF_ERROR(Lookup(key, required, &v));
  if (v == nullptr) return Status::OK();
  if (!v->is_array()) return WrongType(key, "an array of strings", *v);
  std::vector<std::string> list;
  for (const Json& e : *v) {
    if (!e.is_string()) return WrongType(key, "an array of strings", *v);
    list.push_back(e.get<std::string>());
  }
  *out = std::move(list);
  return Status::OK();
}

Result<std::string> ScalarToParamString(const std::string& path, const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return RestFormatError("'" + path + "' must be a string, number or boolean, got " +
                         v.type_name());
}

Status JsonView::GetStringMap(const char* key, std::map<std::string, std::string>* out) const {
  const Json* v;
  ELANUS_RETURN_IF_ERROR(GetObject(key, &v));
  if (v == nullptr) return Status::OK();
  for (auto it = v->begin(); it != v->end(); ++it) {
    if (it->is_null()) continue;
    ELANUS_ASSIGN_OR_RETURN((*out)[it.key()], ScalarToParamString(Path(key) + "." + it.key(), *it));
  }
  return Status::OK();
}

Status JsonView::GetObject(const char* key, const Json** out, bool required) const {
  ELANUS_RETURN_IF_ERROR(Lookup(key, required, out));
  if (*out != nullptr && !(*out)->is_object()) return WrongType(key, "an object", **out);
  return Status::OK();
}

Status JsonView::GetArray(const char* key, const Json** out, bool required) const {
  ELANUS_RETURN_IF_ERROR(Lookup(key, required, out));
  if (*out != nullptr && !(*out)->is_array()) return WrongType(key, "an array", **out);
  return Status::OK();
}

}  // namespace elanus::server
