// libFuzzer target for the filter front end (clang only; see CMakeLists.txt):
//   cmake -DCMAKE_CXX_COMPILER=clang++-14 -DELANUS_FUZZ=ON ... && ninja expr_parser_fuzz
//   ./expr_parser_fuzz -max_len=4096 src/expr/testdata
// Invariant: Compile never crashes, and every rejection is InvalidArgument or NotSupported.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "expr/expr.h"
#include "expr/test_schemas.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const elanus::CollectionSchema kSchema = elanus::expr::testing::TestSchema();
  static const elanus::expr::TemplateParams kParams = {
      {"a", 1}, {"s", "x"}, {"l", elanus::expr::Value::List{1, 2}}};
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto plan = elanus::expr::Compile(text, kSchema, kParams);
  if (plan.ok()) {
    if ((*plan)->ToString().empty()) std::abort();
  } else if (plan.status().code() != elanus::StatusCode::kInvalidArgument &&
             plan.status().code() != elanus::StatusCode::kNotSupported) {
    std::abort();
  }
  return 0;
}
