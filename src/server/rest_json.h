// Typed, error-reporting access to REST request bodies (nlohmann::json objects).
//
// Getters leave `*out` unchanged when the key is absent or null, fail with RestMissingParameter
// (1802) for an absent required key, and with RestFormatError (1801) naming the key path, the
// expected JSON type and the type sent when the value has the wrong type.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "elanus/status.h"

namespace elanus::server {

using Json = nlohmann::json;

class JsonView {
 public:
  // `j` must outlive the view; `path` prefixes key names in errors ("searchParams.").
  explicit JsonView(const Json& j, std::string path = "") : j_(&j), path_(std::move(path)) {}

  // The request body: empty text is `{}`; anything but a JSON object is an error (1801).
  static Result<Json> ParseBody(std::string_view text);

  const Json& json() const { return *j_; }
  bool Has(const char* key) const;  // present and not null
  std::string Path(const char* key) const { return path_ + key; }

  Status GetString(const char* key, std::string* out, bool required = false) const;
  Status GetInt(const char* key, int64_t* out, bool required = false) const;
  Status GetDouble(const char* key, double* out, bool required = false) const;
  Status GetBool(const char* key, bool* out, bool required = false) const;
  Status GetStringList(const char* key, std::vector<std::string>* out, bool required = false) const;
  // An object of scalar values, each turned into a string (numbers and bools as JSON text).
  Status GetStringMap(const char* key, std::map<std::string, std::string>* out) const;
  // The value of `key` if it is a JSON object (`*out` = nullptr when absent or null).
  Status GetObject(const char* key, const Json** out, bool required = false) const;
  Status GetArray(const char* key, const Json** out, bool required = false) const;

 private:
  Status Lookup(const char* key, bool required, const Json** v) const;
  Status WrongType(const char* key, const char* expected, const Json& v) const;

  const Json* j_;
  std::string path_;
};

// A JSON scalar as a parameter string: strings as is, numbers and bools as JSON text.
Result<std::string> ScalarToParamString(const std::string& path, const Json& v);

}  // namespace elanus::server
