// `elanus serve`: the Milvus-protocol server process.
#pragma once

namespace elanus::server {

// Runs the server until SIGINT/SIGTERM; argv[0] is "serve". Returns the process exit code:
// 0 after a graceful shutdown (in-flight calls finished, collections flushed), 1 on a startup
// error, 2 on bad arguments.
int RunServe(int argc, char** argv);

}  // namespace elanus::server
