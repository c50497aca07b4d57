// Prometheus metrics served at GET /metrics (text exposition format 0.0.4):
//
//   elanus_rpc_requests_total{method, status}   counter; status "success" or "fail" (the
//                                                Milvus status in the reply, or gRPC's)
//   elanus_rpc_latency_seconds{method}           histogram
//   elanus_rows_inserted_total                   counter (insert + upsert rows)
//   elanus_collections                           gauge, over every database
//   elanus_filter_cache_lookups_total{result}    counter; "hit" or "miss", per sealed segment
//   elanus_filter_cache_bytes                    gauge, filter results held
//
// RpcMetrics is fed by a gRPC server interceptor (MakeMetricsInterceptorFactory). Thread-safe.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace elanus::server {

class ServiceLayer;

class RpcMetrics {
 public:
  static constexpr std::array<double, 14> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  void Observe(const std::string& method, double seconds, bool success);
  // The whole exposition: RPC metrics plus the service's counters and gauges.
  std::string Render(ServiceLayer* service) const;

 private:
  struct PerMethod {
    uint64_t success = 0;
    uint64_t fail = 0;
    std::array<uint64_t, kBuckets.size()> buckets{};  // non-cumulative
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, PerMethod> methods_;  // guarded by mu_
};

// Interceptors record each RPC's method (the short name, "Search"), latency and outcome.
// `metrics` must outlive the server.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeMetricsInterceptorFactory(RpcMetrics* metrics);

}  // namespace elanus::server
