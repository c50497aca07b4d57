// Options of `elanus serve`: command-line flags over an optional config file.
#pragma once

#include <cstdint>
#include <string>

#include "elanus/status.h"

namespace elanus::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 19530;        // gRPC (Milvus protocol)
  int health_port = 9091;  // plain HTTP GET /healthz; 0 disables
  std::string data_dir = "./elanus-data";
  int threads = 0;              // gRPC handler threads; 0 = max(16, 4 * cores)
  bool sync = true;             // fsync the log before acknowledging writes
  int graceful_time_ms = 5000;  // Bounded consistency staleness bound
  // Largest request accepted (proxy.grpc.serverMaxRecvSize); larger ones get gRPC
  // RESOURCE_EXHAUSTED. pymilvus sends up to 2 GiB, so the default is the gRPC maximum.
  int max_recv_bytes = 2147483647;

  // Security (Milvus config names in docs/configuration.md).
  bool auth = false;                             // common.security.authorizationEnabled
  std::string default_root_password = "Milvus";  // used only when root is first created
  int tls_mode = 0;                              // 0 off, 1 one-way, 2 mutual
  std::string tls_server_pem;                    // tls.serverPemPath
  std::string tls_server_key;                    // tls.serverKeyPath
  std::string tls_ca_pem;                        // tls.caPemPath (tlsMode 2: verifies clients)
};

// Parses `serve` arguments (argv[0] is "serve"). Flags: --host, --port, --health-port,
// --data-dir, --threads, --no-sync, --graceful-time-ms, --max-recv-bytes, --auth, --tls-mode,
// --tls-server-pem,
// --tls-server-key, --tls-ca-pem, --default-root-password, --config FILE. The config file is
// YAML (yaml-cpp): Milvus's nested keys where Milvus has them (proxy.port, localStorage.path,
// common.security.*, tls.*), ours under `elanus:`, and the flat flag names at the top level.
// Unknown keys are errors naming the key. Flags win over the file. Every key is listed in
// docs/configuration.md. Also checks cross-option rules (TLS files required by the mode).
Result<ServeOptions> ParseServeOptions(int argc, char** argv);

const char* ServeUsage();

}  // namespace elanus::server
