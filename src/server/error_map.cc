#include "server/error_map.h"

#include <string_view>

namespace elanus::server {
namespace {

constexpr std::string_view kNotLoadedPrefix = "collection not loaded";
constexpr std::string_view kIndexNotFoundPrefix = "index not found";
constexpr std::string_view kAliasNotFoundPrefix = "alias not found";
constexpr std::string_view kAliasExistsPrefix = "alias already exists";
constexpr std::string_view kAliasConflictPrefix = "alias and collection name conflict";
constexpr std::string_view kFormatPrefix = "can only accept json format request";
constexpr std::string_view kMissingPrefix = "missing required parameters";

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

MilvusError Make(int32_t code, int32_t legacy, std::string_view what, const Status& st,
                 bool retriable = false) {
  MilvusError e{code, legacy, std::string(), retriable};
  // Service-layer errors already start with the Milvus text; engine messages get it prefixed so
  // clients that match on Milvus wording ("collection not found") keep working.
  if (StartsWith(st.message(), what))
    e.reason = st.message();
  else
    e.reason = std::string(what) + ": " + st.message();
  return e;
}

}  // namespace

Status CollectionNotLoadedError(const std::string& collection) {
  return Status::FailedPrecondition(std::string(kNotLoadedPrefix) + "[collection=" + collection +
                                    "]");
}

Status IndexNotFoundError(const std::string& detail) {
  return Status::NotFound(std::string(kIndexNotFoundPrefix) + "[" + detail + "]");
}

Status AliasNotFoundError(const std::string& alias) {
  return Status::NotFound(std::string(kAliasNotFoundPrefix) + "[alias=" + alias + "]");
}

Status AliasAlreadyExistsError(const std::string& alias, const std::string& collection) {
  return Status::AlreadyExists(std::string(kAliasExistsPrefix) + "[alias=" + alias +
                               "]: it points to collection '" + collection + "'");
}

Status AliasNameConflictError(const std::string& name) {
  return Status::InvalidArgument(std::string(kAliasConflictPrefix) + "[name=" + name +
                                 "]: a name is either a collection or an alias");
}

Status RestFormatError(const std::string& detail) {
  return Status::InvalidArgument(std::string(kFormatPrefix) + ": " + detail);
}

Status RestMissingParameterError(const std::string& field) {
  return Status::InvalidArgument(std::string(kMissingPrefix) + ": '" + field + "' is required");
}

MilvusError ToMilvusError(const Status& st) {
  const std::string& m = st.message();
  switch (st.code()) {
    case StatusCode::kOk:
      return MilvusError{};
    case StatusCode::kNotFound:
      // The engine names the missing object first: "collection 'x' does not exist ...".
      if (StartsWith(m, "collection '"))
        return Make(kMilvusCollectionNotFound, kLegacyCollectionNotExists, "collection not found",
                    st);
      if (StartsWith(m, "database '"))
        return Make(kMilvusDatabaseNotFound, kLegacyUnexpectedError, "database not found", st);
      if (StartsWith(m, "partition '"))
        return Make(kMilvusPartitionNotFound, kLegacyUnexpectedError, "partition not found", st);
      if (StartsWith(m, kIndexNotFoundPrefix))
        return Make(kMilvusIndexNotFound, kLegacyIndexNotExist, kIndexNotFoundPrefix, st);
      if (StartsWith(m, kAliasNotFoundPrefix))
        return Make(kMilvusAliasNotFound, kLegacyUnexpectedError, kAliasNotFoundPrefix, st);
      return Make(kMilvusUnexpected, kLegacyUnexpectedError, "not found", st);
    case StatusCode::kInvalidArgument:
      if (StartsWith(m, kAliasConflictPrefix)) {
        return Make(kMilvusAliasCollectionNameConflict, kLegacyIllegalArgument,
                    kAliasConflictPrefix, st);
      }
      if (StartsWith(m, kFormatPrefix))
        return Make(kMilvusIncorrectParameterFormat, kLegacyIllegalArgument, kFormatPrefix, st);
      if (StartsWith(m, kMissingPrefix))
        return Make(kMilvusMissingRequiredParameters, kLegacyIllegalArgument, kMissingPrefix, st);
      return Make(kMilvusParameterInvalid, kLegacyIllegalArgument, "invalid parameter", st);
    case StatusCode::kAlreadyExists:
      if (StartsWith(m, kAliasExistsPrefix))
        return Make(kMilvusAliasAlreadyExist, kLegacyIllegalArgument, kAliasExistsPrefix, st);
      return Make(kMilvusParameterInvalid, kLegacyIllegalArgument, "already exists", st);
    case StatusCode::kNotSupported:
      return Make(3000, kLegacyUnexpectedError, "unsupported operation", st);
    case StatusCode::kFailedPrecondition:
      if (StartsWith(m, kNotLoadedPrefix))
        return Make(kMilvusCollectionNotLoaded, kLegacyUnexpectedError, kNotLoadedPrefix, st);
      return Make(kMilvusUnexpected, kLegacyUnexpectedError, "failed precondition", st);
    case StatusCode::kResourceExhausted:
      return Make(250, kLegacyUnexpectedError, "general capacity exceeded", st);
    case StatusCode::kUnavailable:
      return Make(2, kLegacyUnexpectedError, "service unavailable", st, /*retriable=*/true);
    case StatusCode::kTimeout:
      return Make(10001, kLegacyUnexpectedError, "timeout", st);
    case StatusCode::kPermissionDenied:
      return Make(1401, 3, "privilege not permitted", st);
    case StatusCode::kUnauthenticated:
      return Make(1400, 3, "not authenticated", st);
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
    case StatusCode::kInternal:
    case StatusCode::kAborted:
      break;
  }
  return Make(kMilvusUnexpected, kLegacyUnexpectedError, "unexpected error", st);
}

}  // namespace elanus::server
