// The one place where elanus::Status maps to Milvus error codes (CONVENTIONS.md rule 2).
//
// Milvus 2.6 reports errors twice in `common.Status`: `code` (the merr code, e.g. 100 collection
// not found, 1100 invalid parameter) and the legacy `error_code` enum that old clients read
// (4 CollectionNotExists, 25 IndexNotExist, 1 UnexpectedError). Both are set; REST reuses `code`.
#pragma once

#include <cstdint>
#include <string>

#include "elanus/status.h"

namespace elanus::server {

// Milvus merr codes used by the server.
inline constexpr int32_t kMilvusCollectionNotFound = 100;
inline constexpr int32_t kMilvusCollectionNotLoaded = 101;
inline constexpr int32_t kMilvusPartitionNotFound = 200;
inline constexpr int32_t kMilvusIndexNotFound = 700;
inline constexpr int32_t kMilvusDatabaseNotFound = 800;
inline constexpr int32_t kMilvusParameterInvalid = 1100;
inline constexpr int32_t kMilvusAliasNotFound = 1600;
inline constexpr int32_t kMilvusIncorrectParameterFormat =
    1801;  // REST: body is not the JSON expected
inline constexpr int32_t kMilvusMissingRequiredParameters =
    1802;  // REST: a required field is absent
inline constexpr int32_t kMilvusAliasCollectionNameConflict = 1601;
inline constexpr int32_t kMilvusAliasAlreadyExist = 1602;
inline constexpr int32_t kMilvusUnexpected = 65535;

// Legacy commonpb.ErrorCode values.
inline constexpr int32_t kLegacyUnexpectedError = 1;
inline constexpr int32_t kLegacyCollectionNotExists = 4;
inline constexpr int32_t kLegacyIllegalArgument = 5;
inline constexpr int32_t kLegacyIndexNotExist = 25;

struct MilvusError {
  int32_t code = 0;         // merr code; 0 = success
  int32_t legacy_code = 0;  // commonpb.ErrorCode; 0 = Success
  std::string reason;       // "<milvus error text>: <elanus message>"
  bool retriable = false;
};

MilvusError ToMilvusError(const Status& status);

// Errors the service layer raises itself; ToMilvusError recognises them.
Status CollectionNotLoadedError(const std::string& collection);
Status IndexNotFoundError(const std::string& detail);
Status AliasNotFoundError(const std::string& alias);
Status AliasAlreadyExistsError(const std::string& alias, const std::string& collection);
// A collection name that is an alias, or an alias that is a collection name.
Status AliasNameConflictError(const std::string& name);
// REST bodies: not JSON / a field of the wrong JSON type (1801), a required field missing (1802).
Status RestFormatError(const std::string& detail);
Status RestMissingParameterError(const std::string& field);

}  // namespace elanus::server
