// gRPC server credentials from the TLS options: insecure (tlsMode 0), one-way TLS with the
// server certificate and key (1), or mutual TLS that also requires and verifies a client
// certificate signed by the configured CA (2). The PEM files are read and checked with OpenSSL
// first, so a missing, unreadable or mismatched file is a startup error naming the file.
#pragma once

#include <grpcpp/security/server_credentials.h>

#include <memory>

#include "elanus/status.h"
#include "server/server_options.h"

namespace elanus::server {

Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const ServeOptions& opts);

}  // namespace elanus::server
