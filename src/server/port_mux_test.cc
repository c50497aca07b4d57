// PortMux over real loopback sockets: keep-alive, pipelining, partial reads, limits, protocol
// detection (HTTP/2 preface -> the fd handler) and shutdown.
#include "server/port_mux.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace elanus::server {
namespace {

class PortMuxTest : public ::testing::Test {
 protected:
  void StartMux(PortMuxOptions o = {}) {
    o.host = "127.0.0.1";
    o.port = 0;
    mux_ = std::make_unique<PortMux>(
        o,
        [this](const HttpRequest& r) {
          ++handled_;
          HttpResponse resp;
          resp.body = r.method + " " + r.target + " " + r.body;
          resp.content_type = "text/plain";
          return resp;
        },
        [this](int fd) {
          // Read what the "gRPC" side would see: the untouched preface.
          std::string got;
          char buf[64];
          while (got.size() < 24) {
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, 2000) <= 0) break;
            ssize_t n = read(fd, buf, sizeof(buf));
            if (n <= 0) break;
            got.append(buf, static_cast<size_t>(n));
          }
          std::lock_guard<std::mutex> lock(mu_);
          h2_bytes_.push_back(got);
          close(fd);
        });
    ASSERT_TRUE(mux_->Start().ok());
    ASSERT_GT(mux_->port(), 0);
  }
  void TearDown() override {
    if (mux_) mux_->Stop();
  }
  int Connect() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(mux_->port()));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
  }
  static void Send(int fd, const std::string& s) {
    ASSERT_EQ(send(fd, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
  }
  // Reads until `count` complete responses arrived (or EOF/timeout); returns the bytes.
  static std::string ReadResponses(int fd, int count) {
    std::string got;
    char buf[4096];
    while (true) {
      int complete = 0;
      size_t pos = 0;
      while (true) {
        size_t hdr = got.find("\r\n\r\n", pos);
        if (hdr == std::string::npos) break;
        size_t cl = got.find("Content-Length: ", pos);
        size_t len = std::stoul(got.substr(cl + 16));
        if (got.size() < hdr + 4 + len) break;
        ++complete;
        pos = hdr + 4 + len;
      }
      if (complete >= count) return got;
      ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) return got;
      got.append(buf, static_cast<size_t>(n));
    }
  }
  static bool PeerClosed(int fd) {
    char c;
    return recv(fd, &c, 1, 0) == 0;
  }
  static int Count(const std::string& s, const std::string& needle) {
    int n = 0;
    for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
    return n;
  }

  std::unique_ptr<PortMux> mux_;
  std::atomic<int> handled_{0};
  std::mutex mu_;
  std::vector<std::string> h2_bytes_;
};

TEST_F(PortMuxTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartMux();
  int fd = Connect();
  for (int i = 0; i < 3; ++i) {
    Send(fd, "POST /x" + std::to_string(i) + " HTTP/1.1\r\nContent-Length: 2\r\n\r\nab");
    std::string r = ReadResponses(fd, 1);
    EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
    EXPECT_NE(r.find("POST /x" + std::to_string(i) + " ab"), std::string::npos) << r;
    EXPECT_NE(r.find("Connection: keep-alive"), std::string::npos);
  }
  close(fd);
  EXPECT_EQ(handled_.load(), 3);
}

TEST_F(PortMuxTest, PipelinedRequestsAreAnsweredInOrder) {
  StartMux();
  int fd = Connect();
  Send(fd, "GET /one HTTP/1.1\r\n\r\nGET /two HTTP/1.1\r\n\r\nGET /three HTTP/1.1\r\n\r\n");
  std::string r = ReadResponses(fd, 3);
  size_t a = r.find("GET /one"), b = r.find("GET /two"), c = r.find("GET /three");
  ASSERT_NE(a, std::string::npos) << r;
  ASSERT_NE(b, std::string::npos) << r;
  ASSERT_NE(c, std::string::npos) << r;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  close(fd);
}

TEST_F(PortMuxTest, RequestSplitAcrossManyWritesIsReassembled) {
  StartMux();
  int fd = Connect();
  std::string req = "POST /slow HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789";
  for (char ch : req) {
    Send(fd, std::string(1, ch));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::string r = ReadResponses(fd, 1);
  EXPECT_NE(r.find("POST /slow 0123456789"), std::string::npos) << r;
  close(fd);
}

TEST_F(PortMuxTest, OversizedHeadersGet431AndTheConnectionCloses) {
  PortMuxOptions o;
  o.limits.max_header_bytes = 1024;
  StartMux(o);
  int fd = Connect();
  Send(fd, "GET / HTTP/1.1\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
  std::string r = ReadResponses(fd, 1);
  EXPECT_EQ(r.rfind("HTTP/1.1 431 ", 0), 0u) << r;
  EXPECT_NE(r.find("\"code\":431"), std::string::npos) << r;
  EXPECT_TRUE(PeerClosed(fd));
  close(fd);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(PortMuxTest, OversizedBodyGets413WithoutReadingIt) {
  PortMuxOptions o;
  o.limits.max_body_bytes = 100;
  StartMux(o);
  int fd = Connect();
  Send(fd, "POST / HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n");
  std::string r = ReadResponses(fd, 1);
  EXPECT_EQ(r.rfind("HTTP/1.1 413 ", 0), 0u) << r;
  close(fd);
}

TEST_F(PortMuxTest, GarbageGets400) {
  StartMux();
  int fd = Connect();
  Send(fd, "\x01\x02garbage without structure\r\n\r\n");
  std::string r = ReadResponses(fd, 1);
  EXPECT_EQ(r.rfind("HTTP/1.1 400 ", 0), 0u) << r;
  EXPECT_TRUE(PeerClosed(fd));
  close(fd);
}

TEST_F(PortMuxTest, Http2PrefaceGoesToTheFdHandlerUnread) {
  StartMux();
  int fd = Connect();
  const std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  // In two pieces: detection must wait for enough bytes.
  Send(fd, preface.substr(0, 5));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Send(fd, preface.substr(5));
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!h2_bytes_.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard<std::mutex> lock(mu_);
  ASSERT_EQ(h2_bytes_.size(), 1u);
  EXPECT_EQ(h2_bytes_[0], preface);
  EXPECT_EQ(handled_.load(), 0);
  close(fd);
}

TEST_F(PortMuxTest, ManyConcurrentClientsAreAllServed) {
  PortMuxOptions o;
  o.workers = 2;
  StartMux(o);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      int fd = Connect();
      for (int i = 0; i < 5; ++i) {
        Send(fd, "GET /c" + std::to_string(t) + " HTTP/1.1\r\n\r\n");
        std::string r = ReadResponses(fd, 1);
        if (r.find("GET /c" + std::to_string(t)) != std::string::npos) ++ok;
      }
      close(fd);
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok.load(), 40);
}

TEST_F(PortMuxTest, StopClosesIdleConnectionsAndAnswersNothingMore) {
  StartMux();
  int fd = Connect();
  Send(fd, "GET /a HTTP/1.1\r\n\r\n");
  EXPECT_NE(ReadResponses(fd, 1).find("GET /a"), std::string::npos);
  mux_->Stop();
  EXPECT_TRUE(PeerClosed(fd));
  close(fd);
  // The port no longer accepts.
  int fd2 = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(mux_->port()));
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  EXPECT_NE(connect(fd2, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  close(fd2);
}

TEST_F(PortMuxTest, StopDoesNotWaitForAHalfSentRequest) {
  PortMuxOptions o;
  o.read_timeout_ms = 600'000;  // if Stop waited for it, this test would hang (ctest timeout)
  StartMux(o);
  int fd = Connect();
  Send(fd, "POST /half HTTP/1.1\r\nContent-Length: 100\r\n\r\n{");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // a worker is waiting mid-request
  mux_->Stop();
  std::string r = ReadResponses(fd, 1);
  EXPECT_TRUE(r.empty() || r.rfind("HTTP/1.1 503 ", 0) == 0) << r;
  close(fd);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(PortMuxTest, HandlerExceptionsBecome500) {
  mux_ = std::make_unique<PortMux>(
      PortMuxOptions{},
      [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); },
      [](int fd) { close(fd); });
  ASSERT_TRUE(mux_->Start().ok());
  int fd = Connect();
  Send(fd, "GET / HTTP/1.1\r\n\r\n");
  std::string r = ReadResponses(fd, 1);
  EXPECT_EQ(r.rfind("HTTP/1.1 500 ", 0), 0u) << r;
  EXPECT_NE(r.find("boom"), std::string::npos);
  close(fd);
}

}  // namespace
}  // namespace elanus::server
