#include "server/port_mux.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <nlohmann/json.hpp>
#include <string_view>

namespace elanus::server {

struct PortMux::Conn {
  int fd = -1;
  std::string buf;          // received, not yet parsed
  bool classified = false;  // known to be HTTP/1.x
  int64_t deadline_ms = 0;  // steady clock; while waiting in the event loop
  ~Conn() {
    if (fd >= 0) close(fd);
  }
};

namespace {

constexpr std::string_view kH2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr size_t kReadChunk = 64 << 10;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Writes all of `data` to a non-blocking socket, waiting up to `timeout_ms` per stall.
bool WriteAll(int fd, std::string_view data, int timeout_ms) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, timeout_ms) <= 0) return false;
      continue;
    }
    return false;
  }
  return true;
}

std::string ErrorBody(int code, const std::string& message) {
  nlohmann::json j = {{"code", code}, {"message", message}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void SendErrorAndClose(int fd, int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = ErrorBody(status, message);
  r.close = true;
  WriteAll(fd, SerializeHttpResponse(r, false), 1000);
}

}  // namespace

PortMux::PortMux(PortMuxOptions options, HttpHandler http, FdHandler grpc_fd)
    : options_(std::move(options)), http_(std::move(http)), grpc_fd_(std::move(grpc_fd)) {}

PortMux::~PortMux() { Stop(); }

Status PortMux::Start() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port = std::to_string(options_.port);
  const char* host = options_.host.empty() ? nullptr : options_.host.c_str();
  int rc = getaddrinfo(host, port.c_str(), &hints, &res);
  if (rc != 0) {
    return Status::InvalidArgument("cannot resolve host '" + options_.host +
                                   "': " + gai_strerror(rc));
  }
  std::string last_error = "no address";
  for (addrinfo* ai = res; ai != nullptr && listen_fd_ < 0; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      last_error = strerror(errno);
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
      last_error = strerror(errno);
      close(fd);
      continue;
    }
    listen_fd_ = fd;
  }
  freeaddrinfo(res);
  if (listen_fd_ < 0) {
    return Status::IOError("cannot listen on " + options_.host + ":" + port + ": " + last_error);
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                      : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  if (pipe2(wake_fds_, O_CLOEXEC | O_NONBLOCK) != 0) {
    close(listen_fd_);
    listen_fd_ = -1;
    return Status::IOError(std::string("pipe: ") + strerror(errno));
  }
  started_ = true;
  event_thread_ = std::thread([this] { EventLoop(); });
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
  return Status::OK();
}

void PortMux::Wake() {
  char c = 'x';
  ssize_t n = write(wake_fds_[1], &c, 1);
  (void)n;  // a full pipe already wakes the loop
}

void PortMux::Stop() {
  if (!started_) return;
  started_ = false;
  stopping_ = true;
  Wake();
  event_thread_.join();
  ready_cv_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ready_.clear();
    returned_.clear();
  }
  close(wake_fds_[0]);
  close(wake_fds_[1]);
  wake_fds_[0] = wake_fds_[1] = -1;
}

void PortMux::EventLoop() {
  std::vector<std::unique_ptr<Conn>> waiting;  // unclassified, or idle keep-alive HTTP
  auto enqueue = [this](std::unique_ptr<Conn> c) {
    std::unique_lock<std::mutex> lock(mu_);
    if (ready_.size() >= options_.max_queued) {
      lock.unlock();
      SendErrorAndClose(c->fd, 503, "server busy: too many connections waiting for a worker");
      return;
    }
    ready_.push_back(std::move(c));
    ready_cv_.notify_one();
  };
  std::vector<pollfd> fds;
  while (!stopping_) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& c : returned_) {
        c->deadline_ms = NowMs() + options_.idle_timeout_ms;
        waiting.push_back(std::move(c));
      }
      returned_.clear();
    }
    fds.clear();
    fds.push_back({listen_fd_, POLLIN, 0});
    fds.push_back({wake_fds_[0], POLLIN, 0});
    int64_t now = NowMs();
    int64_t timeout = 1000;
    for (auto& c : waiting) {
      fds.push_back({c->fd, POLLIN, 0});
      timeout = std::min(timeout, std::max<int64_t>(0, c->deadline_ms - now));
    }
    int n = poll(fds.data(), fds.size(), static_cast<int>(timeout));
    if (n < 0 && errno != EINTR) break;
    if (fds[1].revents != 0) {
      char drain[64];
      while (read(wake_fds_[0], drain, sizeof(drain)) > 0) {
      }
    }
    if (stopping_) break;
    std::vector<std::unique_ptr<Conn>> still;
    now = NowMs();
    for (size_t i = 0; i < waiting.size(); ++i) {
      std::unique_ptr<Conn>& c = waiting[i];
      short ev = n > 0 ? fds[i + 2].revents : 0;
      if (ev == 0) {
        if (now >= c->deadline_ms) continue;  // timed out: closed by ~Conn
        still.push_back(std::move(c));
        continue;
      }
      if (c->classified) {  // idle keep-alive connection with new data (or EOF)
        enqueue(std::move(c));
        continue;
      }
      char peek[kH2Preface.size()];
      ssize_t got = recv(c->fd, peek, sizeof(peek), MSG_PEEK);
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
        still.push_back(std::move(c));
        continue;
      }
      if (got <= 0) continue;  // closed before sending anything
      std::string_view head(peek, static_cast<size_t>(got));
      size_t cmp = std::min(head.size(), kH2Preface.size());
      if (head.substr(0, cmp) == kH2Preface.substr(0, cmp)) {
        if (cmp < kH2Preface.size()) {  // a prefix of the preface so far: wait for more
          still.push_back(std::move(c));
          continue;
        }
        int fd = c->fd;
        c->fd = -1;  // now gRPC's
        grpc_fd_(fd);
        continue;
      }
      c->classified = true;
      enqueue(std::move(c));
    }
    waiting = std::move(still);
    if (n > 0 && (fds[0].revents & POLLIN) != 0) {
      while (true) {
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;  // EAGAIN, or a transient error (EMFILE ...): retry on the next poll
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        auto c = std::make_unique<Conn>();
        c->fd = fd;
        c->deadline_ms = NowMs() + options_.classify_timeout_ms;
        waiting.push_back(std::move(c));
      }
    }
  }
  close(listen_fd_);
  listen_fd_ = -1;
  // `waiting` (idle and unclassified connections) closes here.
}

void PortMux::WorkerLoop() {
  while (true) {
    std::unique_ptr<Conn> c;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_cv_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
      if (ready_.empty()) return;  // stopping and nothing queued
      c = std::move(ready_.front());
      ready_.pop_front();
    }
    Serve(std::move(c));
  }
}

void PortMux::Serve(std::unique_ptr<Conn> c) {
  std::string chunk(kReadChunk, '\0');
  while (true) {
    HttpRequest req;
    ParseOutcome o = ParseHttpRequest(c->buf, options_.limits, &req);
    if (o.state == ParseState::kError) {
      SendErrorAndClose(c->fd, o.error_status, o.error);
      return;
    }
    if (o.state == ParseState::kComplete) {
      c->buf.erase(0, o.consumed);
      HttpResponse resp;
      try {
        resp = http_(req);
      } catch (const std::exception& e) {  // a bug: answer 500 rather than dropping the server
        resp.status = 500;
        resp.body = ErrorBody(500, std::string("internal error: ") + e.what());
      }
      bool keep = req.keep_alive && !resp.close && !stopping_;
      if (!WriteAll(c->fd, SerializeHttpResponse(resp, keep), options_.read_timeout_ms) || !keep) {
        return;
      }
      continue;
    }
    // Need more bytes.
    bool between_requests = c->buf.empty();
    ssize_t n = recv(c->fd, chunk.data(), chunk.size(), 0);
    if (n > 0) {
      c->buf.append(chunk.data(), static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return;  // peer closed
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return;
    if (between_requests) {
      if (stopping_) return;
      // A client issuing requests back to back usually sends the next one within a moment:
      // waiting briefly here saves two thread hand-offs through the event loop per request.
      pollfd p{c->fd, POLLIN, 0};
      if (options_.keepalive_linger_ms > 0 && poll(&p, 1, options_.keepalive_linger_ms) > 0 &&
          !stopping_) {
        continue;
      }
      std::lock_guard<std::mutex> lock(mu_);
      returned_.push_back(std::move(c));
      Wake();
      return;
    }
    // Mid-request: wait for more bytes in short slices so a shutdown is not held up.
    int64_t deadline = NowMs() + options_.read_timeout_ms;
    int r = 0;
    while (r == 0 && !stopping_ && NowMs() < deadline) {
      pollfd p{c->fd, POLLIN, 0};
      r = poll(&p, 1, static_cast<int>(std::min<int64_t>(200, deadline - NowMs())));
      if (r < 0 && errno == EINTR) r = 0;
    }
    if (stopping_ && r == 0) {
      SendErrorAndClose(c->fd, 503, "server shutting down");
      return;
    }
    if (r == 0) {
      SendErrorAndClose(c->fd, 408, "timed out waiting for the rest of the request");
      return;
    }
    if (r < 0) return;
  }
}

}  // namespace elanus::server
