#include "server/health_http.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace elanus::server {

Status HealthServer::Start(const std::string& host, int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string h = host == "localhost" ? "127.0.0.1" : host;
  if (inet_pton(AF_INET, h.c_str(), &addr.sin_addr) != 1)
    return Status::InvalidArgument("health endpoint: host '" + host + "' is not an IPv4 address");
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError(std::string("health endpoint: socket: ") + strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 16) != 0) {
    Status st = Status::IOError("health endpoint: cannot listen on " + host + ":" +
                                std::to_string(port) + ": " + strerror(errno));
    close(fd);
    return st;
  }
  if (pipe2(wake_fds_, O_CLOEXEC) != 0) {
    close(fd);
    return Status::IOError(std::string("health endpoint: pipe: ") + strerror(errno));
  }
  listen_fd_ = fd;
  thread_ = std::thread([this] { Loop(); });
  return Status::OK();
}

void HealthServer::Stop() {
  if (!thread_.joinable()) return;
  char c = 'x';
  ssize_t n = write(wake_fds_[1], &c, 1);
  (void)n;
  thread_.join();
  close(listen_fd_);
  close(wake_fds_[0]);
  close(wake_fds_[1]);
  listen_fd_ = wake_fds_[0] = wake_fds_[1] = -1;
}

void HealthServer::Loop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents & POLLIN) {
      int conn = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn >= 0) {
        Serve(conn);
        close(conn);
      }
    }
  }
}

void HealthServer::Serve(int fd) {
  // Read the request head (bounded: 4 KiB, 1 s) and answer by path.
  char buf[4096];
  size_t len = 0;
  while (len < sizeof(buf)) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 1000) <= 0) break;
    ssize_t n = read(fd, buf + len, sizeof(buf) - len);
    if (n <= 0) break;
    len += static_cast<size_t>(n);
    if (std::string_view(buf, len).find("\r\n\r\n") != std::string_view::npos) break;
  }
  std::string_view req(buf, len);
  bool health = req.rfind("GET /healthz ", 0) == 0 || req.rfind("GET /healthz?", 0) == 0 ||
                req.rfind("HEAD /healthz ", 0) == 0;
  bool metrics =
      metrics_ && (req.rfind("GET /metrics ", 0) == 0 || req.rfind("GET /metrics?", 0) == 0);
  bool ok = health || metrics;
  std::string body = metrics ? metrics_() : health ? "OK" : "not found";
  std::string type = metrics ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain";
  std::string resp =
      std::string("HTTP/1.1 ") + (ok ? "200 OK" : "404 Not Found") + "\r\nContent-Type: " + type +
      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  size_t off = 0;
  while (off < resp.size()) {
    ssize_t n = send(fd, resp.data() + off, resp.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

}  // namespace elanus::server
