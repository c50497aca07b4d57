// Proves the check point cannot be bypassed: every method of milvus.proto.milvus.MilvusService
// is called (empty request, in-process channel) and each either answers UNIMPLEMENTED or went
// through AuthGate exactly once; with authentication on and no credentials every implemented
// RPC is UNAUTHENTICATED.
#include "server/grpc_gated_service.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "server/password_hash.h"

namespace elanus::server {
namespace {

class CountingPolicy final : public Authorizer {
 public:
  Status Authorize(const CallContext&, RpcKind kind, const std::string&,
                   const std::string&) override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls[RpcKindName(kind)];
    if (deny_all) return Status(StatusCode::kPermissionDenied, "test policy denies everything");
    return Status::OK();
  }
  std::mutex mu;
  std::map<std::string, int> calls;
  bool deny_all = false;
};

class GatedServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/elanus_gate_testXXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    EngineOptions eo;
    eo.path = dir_ + "/data";
    eo.sync = false;
    auto e = Engine::Open(eo);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(*e);
    service_ = std::make_unique<ServiceLayer>(engine_.get(), ServiceOptions{});
    creds_ = std::make_unique<CredentialStore>(engine_.get(), 1000);
    ASSERT_TRUE(creds_->Init().ok());
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    server_.reset();
    grpc_.reset();
    gate_.reset();
    creds_.reset();
    service_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Start(bool auth) {
    gate_ = std::make_unique<AuthGate>(creds_.get(), auth, &policy_);
    grpc_ = std::make_unique<GatedGrpcService>(service_.get(), gate_.get());
    grpc::ServerBuilder b;
    b.RegisterService(grpc_.get());
    server_ = b.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ =
        std::make_unique<grpc::GenericStub>(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  grpc::Status Call(const std::string& method, const std::string& auth) {
    grpc::ClientContext ctx;
    if (!auth.empty()) ctx.AddMetadata("authorization", auth);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    grpc::CompletionQueue cq;
    grpc::Slice empty;
    grpc::ByteBuffer req(&empty, 1);
    auto call = stub_->PrepareUnaryCall(&ctx, method, req, &cq);
    call->StartCall();
    grpc::ByteBuffer resp;
    grpc::Status st;
    call->Finish(&resp, &st, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(cq.Next(&tag, &ok));
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    return st;
  }
  // Full method paths of every RPC in the service.
  static std::vector<std::pair<std::string, std::string>> Methods() {
    const auto* svc = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
        "milvus.proto.milvus.MilvusService");
    EXPECT_NE(svc, nullptr);
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; svc != nullptr && i < svc->method_count(); ++i) {
      out.emplace_back(svc->method(i)->name(),
                       "/" + svc->full_name() + "/" + svc->method(i)->name());
    }
    return out;
  }
  static std::set<std::string> AllKinds() {
    std::set<std::string> kinds;
    for (int k = 0; k < static_cast<int>(RpcKind::kCount); ++k)
      kinds.insert(RpcKindName(static_cast<RpcKind>(k)));
    return kinds;
  }

  std::string dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<ServiceLayer> service_;
  std::unique_ptr<CredentialStore> creds_;
  CountingPolicy policy_;
  std::unique_ptr<AuthGate> gate_;
  std::unique_ptr<GatedGrpcService> grpc_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::GenericStub> stub_;
};

TEST_F(GatedServiceTest, EveryImplementedRpcPassesThePolicy) {
  policy_.deny_all = true;
  Start(/*auth=*/false);
  auto methods = Methods();
  ASSERT_GT(methods.size(), 60u);  // the whole service, not a hand-picked subset
  std::set<std::string> denied;
  for (const auto& [name, path] : methods) {
    grpc::Status st = Call(path, "");
    if (st.error_code() == grpc::StatusCode::UNIMPLEMENTED) continue;
    EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << name << ": " << st.error_message();
    denied.insert(name);
  }
  EXPECT_EQ(denied, AllKinds());
  for (const auto& kind : AllKinds()) EXPECT_EQ(policy_.calls[kind], 1) << kind;
}

TEST_F(GatedServiceTest, AuthOnRejectsMissingAndWrongCredentialsEverywhere) {
  Start(/*auth=*/true);
  const std::string wrong = Base64Encode("root:wrong-password");
  for (const auto& [name, path] : Methods()) {
    grpc::Status st = Call(path, "");
    if (st.error_code() == grpc::StatusCode::UNIMPLEMENTED) continue;
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED) << name;
    EXPECT_EQ(st.error_message(), "missing authorization in header") << name;
    st = Call(path, wrong);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED) << name;
  }
  EXPECT_TRUE(policy_.calls.empty());
}

TEST_F(GatedServiceTest, AuthenticatedEmptyRequestsReachHandlersWithoutCrashing) {
  Start(/*auth=*/true);
  const std::string root = Base64Encode("root:Milvus");
  std::set<std::string> reached;
  for (const auto& [name, path] : Methods()) {
    grpc::Status st = Call(path, root);
    if (st.error_code() == grpc::StatusCode::UNIMPLEMENTED) continue;
    // Empty requests are bad input: handlers answer with a Milvus status inside an OK reply.
    EXPECT_TRUE(st.ok()) << name << ": " << st.error_message();
    reached.insert(name);
  }
  EXPECT_EQ(reached, AllKinds());
  for (const auto& kind : AllKinds()) EXPECT_EQ(policy_.calls[kind], 1) << kind;
}

}  // namespace
}  // namespace elanus::server
