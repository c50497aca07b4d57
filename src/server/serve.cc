#include "server/serve.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/server_posix.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "elanus/engine.h"
#include "server/auth.h"
#include "server/grpc_gated_service.h"
#include "server/health_http.h"
#include "server/metrics.h"
#include "server/password_hash.h"
#include "server/port_mux.h"
#include "server/rest_api.h"
#include "server/server_options.h"
#include "server/service.h"
#include "server/tls_credentials.h"

namespace elanus::server {
namespace {

constexpr auto kShutdownGrace = std::chrono::seconds(30);

void Log(const std::string& msg) {
  std::fprintf(stderr, "elanus: %s\n", msg.c_str());
  std::fflush(stderr);
}

}  // namespace

int RunServe(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      std::fputs(ServeUsage(), stdout);
      return 0;
    }
  }
  auto opts = ParseServeOptions(argc, argv);
  if (!opts.ok()) {
    Log(opts.status().message());
    std::fputs(ServeUsage(), stderr);
    return 2;
  }
  // Block the shutdown signals before any thread starts, so every thread inherits the mask and
  // only the sigwait below receives them.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // TLS files are checked before the data directory is touched (after the signal mask: creating
  // credentials initializes gRPC, which may start threads).
  auto channel_creds = MakeServerCredentials(*opts);
  if (!channel_creds.ok()) {
    Log("TLS: " + channel_creds.status().ToString());
    return 1;
  }

  EngineOptions eo;
  eo.path = opts->data_dir;
  eo.sync = opts->sync;
  auto engine = Engine::Open(eo);
  if (!engine.ok()) {
    Log("opening data directory '" + opts->data_dir + "': " + engine.status().ToString());
    return 1;
  }
  ServiceOptions so;
  so.meta_path = opts->data_dir + "/server-meta.json";  // only imported, from older data dirs
  so.meta_in_engine = true;
  so.graceful_time_ms = static_cast<uint64_t>(opts->graceful_time_ms);
  ServiceLayer service(engine->get(), so);
  Status meta_st = service.LoadMeta();
  if (!meta_st.ok()) {
    Log("reading server metadata: " + meta_st.ToString());
    return 1;
  }
  // Users live in the engine's metadata store; root/Milvus is created on first start.
  CredentialStore credentials(engine->get());
  if (Status cst = credentials.Init(opts->default_root_password); !cst.ok()) {
    Log("initializing users: " + cst.ToString());
    return 1;
  }
  DefaultPolicy policy;
  AuthGate gate(&credentials, opts->auth, &policy);
  GatedGrpcService grpc_service(&service, &gate);
  RpcMetrics metrics;

  int threads = opts->threads > 0
                    ? opts->threads
                    // Each in-flight call holds a thread and gRPC's pollers need some too: with
                    // 4 threads three busy clients already got RESOURCE_EXHAUSTED (which pymilvus
                    // does not retry). Idle threads are cheap.
                    : std::max(16, 4 * static_cast<int>(std::thread::hardware_concurrency()));
  grpc::ResourceQuota quota("elanus");
  // The quota covers gRPC's pollers too: one completion queue with at most two pollers, so the
  // quota is the handlers plus two (with a quota of 1, `--threads 1` never answered).
  quota.SetMaxThreads(threads + 2);
  grpc::ServerBuilder builder;
  std::string addr = opts->host + ":" + std::to_string(opts->port);
  int bound_port = 0;
  // Plain mode: no gRPC listening port; PortMux owns the socket and hands HTTP/2 connections to
  // gRPC, HTTP/1.1 ones to the REST API (Milvus serves both on one port). With TLS, gRPC binds
  // the port itself and the REST API is off (the multiplexer does not terminate TLS).
  const bool tls = opts->tls_mode != 0;
  if (tls) builder.AddListeningPort(addr, *channel_creds, &bound_port);
  builder.SetResourceQuota(quota);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 2);
  builder.SetMaxReceiveMessageSize(opts->max_recv_bytes);  // default INT_MAX: pymilvus sends 2 GiB
  builder.SetMaxSendMessageSize(INT_MAX);
  // Clients (pymilvus: keepalive every 10 s, also without calls) must not be sent GOAWAY
  // "too_many_pings" while they wait on a long call or sit idle: accept pings every 5 s.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  builder.RegisterService(&grpc_service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeMetricsInterceptorFactory(&metrics));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    Log("cannot start the gRPC server");
    return 1;
  }
  RestApi rest(&service);
  // REST requests pass the same authentication as gRPC calls: the Bearer value is the
  // "user:password" pymilvus would send base64-encoded in the `authorization` metadata.
  rest.SetAuthHook([&gate](const RestContext& ctx) -> Status {
    if (!gate.enabled()) return Status::OK();
    std::optional<std::string> header;
    if (!ctx.credentials.empty()) header = Base64Encode(ctx.credentials);
    auto who = gate.Authenticate(header);
    return who.ok() ? Status::OK() : who.status();
  });
  PortMuxOptions mux_opts;
  mux_opts.host = opts->host;
  mux_opts.port = opts->port;
  PortMux mux(
      mux_opts, [&rest](const HttpRequest& r) { return rest.Handle(r); },
      [&server](int fd) { grpc::AddInsecureChannelFromFd(server.get(), fd); });
  if (!tls) {
    Status listen_st = mux.Start();
    if (!listen_st.ok()) {
      Log("cannot listen on " + addr + ": " + listen_st.message());
      server->Shutdown();
      return 1;
    }
    bound_port = mux.port();
  } else if (bound_port == 0) {
    Log("cannot listen on " + addr);
    server->Shutdown();
    return 1;
  }

  HealthServer health;
  health.SetMetricsHandler([&metrics, &service] { return metrics.Render(&service); });
  if (opts->health_port > 0) {
    Status st = health.Start(opts->host, opts->health_port);
    if (!st.ok()) Log("warning: " + st.message() + " (continuing without /healthz)");
  }
  Log(std::string("serving the Milvus protocol (gRPC") + (tls ? "" : " and REST v2") + ") on " +
      opts->host + ":" + std::to_string(bound_port) + " (data dir " + opts->data_dir + ", " +
      std::to_string(threads) + " threads, auth " + (opts->auth ? "on" : "off") + ", tlsMode " +
      std::to_string(opts->tls_mode) + ")");

  int sig = 0;
  while (sigwait(&sigs, &sig) != 0) {
  }
  Log(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
  // Stop accepting; in-flight calls get the grace period to finish, then are cancelled.
  if (!tls) mux.Stop();  // REST: in-flight requests finish, idle connections close
  server->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  server->Wait();
  health.Stop();
  service.StopCompactions();  // a running one finishes first (it may be building indexes)
  Status st = service.FlushAll();
  if (!st.ok()) Log("flush at shutdown failed: " + st.ToString());
  engine->reset();
  Log("stopped");
  return st.ok() ? 0 : 1;
}

}  // namespace elanus::server
