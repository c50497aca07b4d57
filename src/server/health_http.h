// A tiny plain-HTTP endpoint for liveness probes and metrics: GET /healthz answers 200 "OK",
// GET /metrics the Prometheus text from the metrics handler (when set), anything else 404. One
// background thread, one connection at a time (probes and scrapes are rare and small).
#pragma once

#include <atomic>
#include <functional>
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

  // Call before Start. `handler` runs on the server's thread.
  void SetMetricsHandler(std::function<std::string()> handler) { metrics_ = std::move(handler); }
  Status Start(const std::string& host, int port);
  void Stop();  // idempotent

 private:
  void Loop();
  void Serve(int fd);

  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // a pipe: writing wakes the loop to exit
  std::thread thread_;
  std::function<std::string()> metrics_;
};

}  // namespace elanus::server
