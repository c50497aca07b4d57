// `serve` options: YAML config (Milvus nested keys, elanus.*, flat names), flags over the file,
// errors that name the key.
#include "server/server_options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace elanus::server {
namespace {

class ServerOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/elanus_opts_testXXXXXX.yaml";
    int fd = mkstemps(tmpl, 5);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  Result<ServeOptions> Parse(const std::string& yaml, std::vector<std::string> flags = {}) {
    std::ofstream(path_) << yaml;
    std::vector<std::string> args = {"serve", "--config", path_};
    args.insert(args.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    return ParseServeOptions(static_cast<int>(argv.size()), argv.data());
  }
  std::string path_;
};

TEST_F(ServerOptionsTest, MilvusNestedKeys) {
  auto o = Parse(
      "proxy:\n  port: 19999\nlocalStorage:\n  path: /tmp/x\ncommon:\n  security:\n"
      "    authorizationEnabled: true\n    tlsMode: 1\n    defaultRootPassword: Secret1\n"
      "tls:\n  serverPemPath: /a.pem\n  serverKeyPath: /a.key\n  caPemPath: /ca.pem\n");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->port, 19999);
  EXPECT_EQ(o->data_dir, "/tmp/x");
  EXPECT_TRUE(o->auth);
  EXPECT_EQ(o->tls_mode, 1);
  EXPECT_EQ(o->default_root_password, "Secret1");
  EXPECT_EQ(o->tls_server_pem, "/a.pem");
  EXPECT_EQ(o->tls_server_key, "/a.key");
  EXPECT_EQ(o->tls_ca_pem, "/ca.pem");
}

TEST_F(ServerOptionsTest, ElanusKeysAndFlatNamesStillWork) {
  auto o = Parse(
      "elanus:\n  data_dir: /d\n  threads: 8\n  sync: false\n"
      "health_port: 0\ngraceful_time_ms: 10  # comment\nhost: 0.0.0.0\n");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->data_dir, "/d");
  EXPECT_EQ(o->threads, 8);
  EXPECT_FALSE(o->sync);
  EXPECT_EQ(o->health_port, 0);
  EXPECT_EQ(o->graceful_time_ms, 10);
  EXPECT_EQ(o->host, "0.0.0.0");
  EXPECT_FALSE(o->auth);
}

TEST_F(ServerOptionsTest, FlagsOverrideTheFile) {
  auto o = Parse("proxy:\n  port: 19999\ncommon:\n  security:\n    authorizationEnabled: false\n",
                 {"--port", "20000", "--auth"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->port, 20000);
  EXPECT_TRUE(o->auth);
}

TEST_F(ServerOptionsTest, ErrorsNameTheKey) {
  auto o = Parse("proxy:\n  prot: 1\n");
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("proxy.prot"), std::string::npos) << o.status().message();
  o = Parse("bogus: 1\n");
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("bogus"), std::string::npos);
  o = Parse("proxy:\n  port: many\n");
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("proxy.port"), std::string::npos) << o.status().message();
  o = Parse("common:\n  security:\n    tlsMode: 3\n");
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("tlsMode"), std::string::npos) << o.status().message();
  o = Parse("elanus:\n  threads: [1, 2]\n");
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("elanus.threads"), std::string::npos);
  o = Parse("proxy: {port: 1\n");  // malformed YAML
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
  o = Parse("- a\n- b\n");
  ASSERT_FALSE(o.ok());
  std::vector<char*> argv = {const_cast<char*>("serve"), const_cast<char*>("--config"),
                             const_cast<char*>("/nonexistent/elanus.yaml")};
  auto missing = ParseServeOptions(3, argv.data());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/elanus.yaml"), std::string::npos);
}

TEST_F(ServerOptionsTest, TlsModeNeedsItsFiles) {
  auto o = Parse("common:\n  security:\n    tlsMode: 1\n");
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("tls.serverPemPath"), std::string::npos);
  o = Parse("common:\n  security:\n    tlsMode: 2\ntls:\n  serverPemPath: a\n  serverKeyPath: b\n");
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("tls.caPemPath"), std::string::npos);
  EXPECT_TRUE(
      Parse("", {"--tls-mode", "1", "--tls-server-pem", "a", "--tls-server-key", "b"}).ok());
}

}  // namespace
}  // namespace elanus::server
