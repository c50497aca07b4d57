#include "storage/blob_name.h"

#include <string_view>

namespace elanus::storage {
namespace {

constexpr size_t kMaxBlobNameBytes = 1024;

bool AllowedChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '/' || c == '-';
}

}  // namespace

Status ValidateBlobName(const std::string& name) {
  auto bad = [&](std::string_view rule) {
    return Status::InvalidArgument("blob name '" + name + "' " + std::string(rule));
  };
  if (name.empty()) return bad("must not be empty");
  if (name.size() > kMaxBlobNameBytes) return bad("is longer than 1024 bytes");
  for (char c : name) {
    if (!AllowedChar(c)) return bad("may only contain [A-Za-z0-9_./-]");
  }
  if (name.front() == '/') return bad("must be a relative path");
  size_t start = 0;
  for (;;) {
    const size_t end = name.find('/', start);
    const std::string_view part =
        std::string_view(name).substr(start, end == std::string::npos ? end : end - start);
    if (part.empty()) return bad("must not contain empty path components");
    if (part == "." || part == "..") return bad("must not contain '.' or '..' components");
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return Status::OK();
}

}  // namespace elanus::storage
