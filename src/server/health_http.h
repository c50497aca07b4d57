// A tiny plain-HTTP endpoint for liveness probes: GET /healthz answers 200 "OK", anything else
// 404. One background thread, one connection at a time (probes are rare and tiny).
#pragma once

#include <atomic>
#include <string>
#include <thread>

#include "elanus/status.h"

namespace elanus::server {

class HealthServer {
 public:
  HealthServer() = default;
  ~HealthServer() { Stop(); }
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  Status Start(const std::string& host, int port);
  void Stop();  // idempotent

 private:
  void Loop();
  void Serve(int fd);

  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // a pipe: writing wakes the loop to exit
  std::thread thread_;
};

}  // namespace elanus::server
