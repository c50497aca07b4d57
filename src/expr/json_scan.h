// A small allocation-free JSON scanner for the filter evaluator: follows a path through JSON
// text without building a DOM and reports the value found there. Internal to src/expr.
//
// Path semantics (those of a JSON pointer, as Milvus uses): a string key looks up an object
// member; on an array it is an index when it is a canonical decimal ("0", "12"). An integer
// index selects an array element; on an object it looks up the member named by its decimal
// text. A negative or out-of-range index, or a step into a scalar, is "missing".
//
// Malformed text is never an error: whatever cannot be scanned counts as missing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "expr/value.h"

namespace elanus::expr::internal {

enum class JsonKind : uint8_t { kMissing, kNull, kBool, kInt, kDouble, kString, kArray, kObject };

// One JSON value inside a document. `raw` spans the value's text (for strings: with quotes).
// Numbers: integers without fraction/exponent that fit int64 are kInt, others kDouble.
// Strings: `str` is the unescaped text; it may point into `scratch` given to the scanner.
struct JsonRef {
  JsonKind kind = JsonKind::kMissing;
  std::string_view raw;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string_view str;
};

// Finds `path` in the document `doc`. Returns kMissing when absent or malformed.
// `scratch` holds unescaped string bytes; the result's `str` may point into it.
JsonRef JsonFind(std::string_view doc, const std::vector<PathPart>& path, std::string* scratch);

// Decodes the value starting at `text` (leading whitespace allowed).
JsonRef JsonDecode(std::string_view text, std::string* scratch);

// Calls f(JsonRef) for each element of the array `array.raw` (array.kind must be kArray) until
// f returns false. Returns the number of elements visited, or -1 on malformed text.
// Each element's string value may point into `scratch` (valid until the next element).
template <typename F>
int64_t JsonForEachElement(const JsonRef& array, std::string* scratch, F&& f);

// Number of elements of a JSON array (kind kArray), -1 when malformed.
int64_t JsonArrayLength(const JsonRef& array);

// --- implementation details ---
// Returns the end of the value starting at p (after whitespace), or nullptr if malformed.
const char* JsonSkipValue(const char* p, const char* end);
const char* JsonSkipWs(const char* p, const char* end);

template <typename F>
int64_t JsonForEachElement(const JsonRef& array, std::string* scratch, F&& f) {
  const char* p = array.raw.data();
  const char* end = p + array.raw.size();
  p = JsonSkipWs(p + 1, end);  // after '['
  int64_t n = 0;
  if (p < end && *p == ']') return 0;
  while (p < end) {
    const char* e = JsonSkipValue(p, end);
    if (e == nullptr) return -1;
    ++n;
    if (!f(JsonDecode(std::string_view(p, e - p), scratch))) return n;
    p = JsonSkipWs(e, end);
    if (p >= end) return -1;
    if (*p == ']') return n;
    if (*p != ',') return -1;
    p = JsonSkipWs(p + 1, end);
  }
  return -1;
}

}  // namespace elanus::expr::internal
