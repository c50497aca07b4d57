// Blob-name rules shared by every BlobStore backend, so a name valid on one is valid on all.
#pragma once

#include <string>

#include "elanus/status.h"

namespace elanus::storage {

// OK iff name is a non-empty relative path of [A-Za-z0-9_./-] whose '/'-separated components are
// neither empty nor "." nor "..", at most 1024 bytes. InvalidArgument naming the rule otherwise.
Status ValidateBlobName(const std::string& name);

}  // namespace elanus::storage
