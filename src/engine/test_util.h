// Helpers for engine tests: temp directories, schemas and engines.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "elanus/engine.h"

namespace elanus::engine::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/elanus_test_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline EngineOptions Options(const std::string& path, bool single_file = false) {
  EngineOptions o;
  o.backend = single_file ? EngineOptions::Backend::kSingleFile : EngineOptions::Backend::kDataDir;
  o.path = single_file ? path + "/lite.db" : path + "/data";
  o.sync = false;  // kill -9 keeps the page cache; crash tests turn it on
  o.threads = 2;
  o.compact_min_segments = 0;
  return o;
}

inline std::unique_ptr<Engine> MustOpen(const EngineOptions& o) {
  auto e = Engine::Open(o);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return e.ok() ? std::move(e).value() : nullptr;
}

inline FieldSchema F(std::string name, DataType t) {
  FieldSchema f;
  f.name = std::move(name);
  f.type = t;
  return f;
}

// id INT64 PK, vec FLOAT_VECTOR(dim), tag VARCHAR(32) nullable, n INT32 default 7.
inline CollectionSchema BasicSchema(const std::string& name, int64_t dim = 4) {
  CollectionSchema s;
  s.name = name;
  FieldSchema id = F("id", DataType::kInt64);
  id.is_primary_key = true;
  FieldSchema vec = F("vec", DataType::kFloatVector);
  vec.dim = dim;
  FieldSchema tag = F("tag", DataType::kVarChar);
  tag.max_length = 32;
  tag.nullable = true;
  FieldSchema n = F("n", DataType::kInt32);
  n.default_value = ScalarValue(int64_t{7});
  s.fields = {id, vec, tag, n};
  return s;
}

#define ASSERT_OK(expr)                      \
  do {                                       \
    auto _st = (expr);                       \
    ASSERT_TRUE(_st.ok()) << _st.ToString(); \
  } while (0)

#define ASSERT_OK_AND_ASSIGN(lhs, expr)                     \
  auto ELANUS_CONCAT_(_r_, __LINE__) = (expr);              \
  ASSERT_TRUE(ELANUS_CONCAT_(_r_, __LINE__).ok())           \
      << ELANUS_CONCAT_(_r_, __LINE__).status().ToString(); \
  lhs = std::move(ELANUS_CONCAT_(_r_, __LINE__)).value()

}  // namespace elanus::engine::testing
