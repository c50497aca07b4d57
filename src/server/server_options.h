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
};

// Parses `serve` arguments (argv[0] is "serve"). Flags: --host, --port, --health-port,
// --data-dir, --threads, --no-sync, --graceful-time-ms, --config FILE. The config file is a flat
// YAML subset, one `key: value` per line with the flag names (host, port, health_port, data_dir,
// threads, sync, graceful_time_ms);
// '#' starts a comment. Flags given on the command line win over the file.
Result<ServeOptions> ParseServeOptions(int argc, char** argv);

const char* ServeUsage();

}  // namespace elanus::server
