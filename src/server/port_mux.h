// One listening socket for two protocols (Milvus serves gRPC and REST on the same port).
//
// PortMux owns the socket and an event thread that accepts connections and waits (poll) until a
// new connection's first bytes tell its protocol: the HTTP/2 client preface ("PRI * HTTP/2.0")
// hands the descriptor to gRPC (the `grpc_fd` callback, e.g. grpc::AddInsecureChannelFromFd);
// anything else is HTTP/1.1, served by a bounded pool of worker threads with keep-alive and
// pipelining. Idle keep-alive connections go back to the event thread, so they hold no worker.
// Limits: header/body sizes (HttpLimits, 431/413), a queue of at most `max_queued` connections
// waiting for a worker (beyond it: 503 and close), `classify_timeout_ms` for the first bytes,
// `read_timeout_ms` inside a request (408), `idle_timeout_ms` between requests.
//
// Thread-safety: Start/Stop from one thread. The handler runs on worker threads concurrently.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "elanus/status.h"
#include "server/http_parser.h"

namespace elanus::server {

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;
// Takes ownership of a connected descriptor whose first bytes are the HTTP/2 preface (unread).
using FdHandler = std::function<void(int fd)>;

struct PortMuxOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (see PortMux::port())
  int workers = 8;
  size_t max_queued = 256;
  HttpLimits limits;
  int classify_timeout_ms = 10'000;
  int read_timeout_ms = 30'000;
  int idle_timeout_ms = 120'000;
  int keepalive_linger_ms = 20;  // a worker waits this long for the next request before parking
};

class PortMux {
 public:
  PortMux(PortMuxOptions options, HttpHandler http, FdHandler grpc_fd);
  ~PortMux();  // Stop()
  PortMux(const PortMux&) = delete;
  PortMux& operator=(const PortMux&) = delete;

  Status Start();  // binds, listens and starts the threads
  int port() const { return port_; }
  // Stops accepting, closes idle and unclassified connections, lets in-flight HTTP requests
  // finish (their responses say "Connection: close") and joins the threads. Idempotent.
  // Descriptors already handed to gRPC belong to gRPC (shut it down separately).
  void Stop();

  struct Conn;

 private:
  void EventLoop();
  void WorkerLoop();
  void Serve(std::unique_ptr<Conn> conn);  // on a worker; returns idle conns to the event loop
  void Wake();

  PortMuxOptions options_;
  HttpHandler http_;
  FdHandler grpc_fd_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  std::thread event_thread_;
  std::vector<std::thread> workers_;

  std::mutex mu_;  // guards ready_, returned_
  std::condition_variable ready_cv_;
  std::deque<std::unique_ptr<Conn>> ready_;      // HTTP connections waiting for a worker
  std::vector<std::unique_ptr<Conn>> returned_;  // idle keep-alive connections back from workers
};

}  // namespace elanus::server
