#include "server/metrics.h"

#include <google/protobuf/message.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "common.pb.h"
#include "server/service.h"

namespace elanus::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

// The Milvus outcome of a reply: its common.Status (the message itself, or its `status` field)
// must have code 0 and error_code 0. Replies without one count as successes.
bool ReplySucceeded(const google::protobuf::Message* msg) {
  using ::milvus::proto::common::Status;
  const Status* st = nullptr;
  if (msg->GetDescriptor() == Status::descriptor()) {
    st = static_cast<const Status*>(msg);
  } else {
    const auto* f = msg->GetDescriptor()->FindFieldByName("status");
    if (f == nullptr || f->message_type() != Status::descriptor()) return true;
    st = static_cast<const Status*>(&msg->GetReflection()->GetMessage(*msg, f));
  }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  return st->code() == 0 && st->error_code() == 0;
#pragma GCC diagnostic pop
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(const char* method, RpcMetrics* metrics)
      : metrics_(metrics), start_(std::chrono::steady_clock::now()) {
    std::string m = method != nullptr ? method : "";
    size_t slash = m.find_last_of('/');
    method_ = slash == std::string::npos ? m : m.substr(slash + 1);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      const void* msg = methods->GetSendMessage();
      if (msg != nullptr)
        success_ = ReplySucceeded(static_cast<const google::protobuf::Message*>(msg));
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      bool ok = methods->GetSendStatus().ok() && success_;
      double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      metrics_->Observe(method_, secs, ok);
    }
    methods->Proceed();
  }

 private:
  RpcMetrics* metrics_;
  std::string method_;
  std::chrono::steady_clock::time_point start_;
  bool success_ = true;
};

class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(RpcMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(info->method(), metrics_);  // gRPC takes ownership
  }

 private:
  RpcMetrics* metrics_;
};

}  // namespace

void RpcMetrics::Observe(const std::string& method, double seconds, bool success) {
  std::lock_guard<std::mutex> lock(mu_);
  PerMethod& m = methods_[method];
  (success ? m.success : m.fail)++;
  m.sum += seconds;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      m.buckets[i]++;
      break;
    }
  }
}

std::string RpcMetrics::Render(ServiceLayer* service) const {
  std::string out;
  out += "# HELP elanus_rpc_requests_total Milvus-protocol RPCs handled, by method and outcome.\n";
  out += "# TYPE elanus_rpc_requests_total counter\n";
  std::map<std::string, PerMethod> snap;
  {
    std::lock_guard<std::mutex> lock(mu_);
    snap = methods_;
  }
  for (const auto& [name, m] : snap) {
    out += "elanus_rpc_requests_total{method=\"" + name + "\",status=\"success\"} " +
           std::to_string(m.success) + "\n";
    out += "elanus_rpc_requests_total{method=\"" + name + "\",status=\"fail\"} " +
           std::to_string(m.fail) + "\n";
  }
  out += "# HELP elanus_rpc_latency_seconds Milvus-protocol RPC latency.\n";
  out += "# TYPE elanus_rpc_latency_seconds histogram\n";
  for (const auto& [name, m] : snap) {
    uint64_t cum = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cum += m.buckets[i];
      out += "elanus_rpc_latency_seconds_bucket{method=\"" + name + "\",le=\"" + Num(kBuckets[i]) +
             "\"} " + std::to_string(cum) + "\n";
    }
    uint64_t count = m.success + m.fail;
    out += "elanus_rpc_latency_seconds_bucket{method=\"" + name + "\",le=\"+Inf\"} " +
           std::to_string(count) + "\n";
    out += "elanus_rpc_latency_seconds_sum{method=\"" + name + "\"} " + Num(m.sum) + "\n";
    out +=
        "elanus_rpc_latency_seconds_count{method=\"" + name + "\"} " + std::to_string(count) + "\n";
  }
  if (service != nullptr) {
    out +=
        "# HELP elanus_rows_inserted_total Rows inserted or upserted since the server started.\n";
    out += "# TYPE elanus_rows_inserted_total counter\n";
    out += "elanus_rows_inserted_total " + std::to_string(service->rows_inserted()) + "\n";
    ServiceLayer::Totals t = service->CountAll();
    auto gauge = [&out](const char* name, const char* help, const std::string& value) {
      out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name +
             " " + value + "\n";
    };
    gauge("elanus_collections", "Collections over every database.", std::to_string(t.collections));
    gauge("elanus_rows", "Visible rows over every collection.", std::to_string(t.rows));
    out += "# HELP elanus_segments Segments over every collection, by state.\n";
    out += "# TYPE elanus_segments gauge\n";
    out += "elanus_segments{state=\"sealed\"} " + std::to_string(t.sealed_segments) + "\n";
    out += "elanus_segments{state=\"growing\"} " + std::to_string(t.growing_segments) + "\n";
    out +=
        "# HELP elanus_filter_cache_lookups_total Filter results looked up in the cache, per "
        "sealed segment, by outcome.\n";
    out += "# TYPE elanus_filter_cache_lookups_total counter\n";
    out += "elanus_filter_cache_lookups_total{result=\"hit\"} " +
           std::to_string(t.filter_cache.hits) + "\n";
    out += "elanus_filter_cache_lookups_total{result=\"miss\"} " +
           std::to_string(t.filter_cache.misses) + "\n";
    gauge("elanus_filter_cache_bytes", "Bytes of filter results held by the filter cache.",
          std::to_string(t.filter_cache.bytes));
  }
  // Resident memory of the process (Linux /proc/self/statm: pages; second field resident).
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    unsigned long size = 0, resident = 0;
    if (std::fscanf(f, "%lu %lu", &size, &resident) == 2) {
      uint64_t bytes =
          static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
      out += "# HELP elanus_process_resident_memory_bytes Resident memory of the server process.\n";
      out += "# TYPE elanus_process_resident_memory_bytes gauge\n";
      out += "elanus_process_resident_memory_bytes " + std::to_string(bytes) + "\n";
    }
    std::fclose(f);
  }
  return out;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeMetricsInterceptorFactory(RpcMetrics* metrics) {
  return std::make_unique<MetricsInterceptorFactory>(metrics);
}

}  // namespace elanus::server
