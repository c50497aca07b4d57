// Authentication pieces: password hashing, base64, the credential store over a real Engine
// (durable across reopen), and the gate (header -> user -> policy).
#include "server/auth.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "server/credentials.h"
#include "server/password_hash.h"

namespace elanus::server {
namespace {

constexpr int kFastIterations = 1000;  // tests only: keep PBKDF2 cheap

TEST(PasswordHashTest, VerifiesOnlyTheRightPasswordAndNeverStoresIt) {
  auto h = HashPassword("s3cret-pw", kFastIterations);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->find("s3cret-pw"), std::string::npos);
  EXPECT_EQ(h->rfind("pbkdf2-sha256$1000$", 0), 0u) << *h;
  EXPECT_TRUE(*VerifyPassword("s3cret-pw", *h));
  EXPECT_FALSE(*VerifyPassword("s3cret-pX", *h));
  EXPECT_FALSE(*VerifyPassword("", *h));
  auto h2 = HashPassword("s3cret-pw", kFastIterations);
  EXPECT_NE(*h, *h2);  // fresh salt each time
  EXPECT_EQ(VerifyPassword("x", "plain").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(VerifyPassword("x", "pbkdf2-sha256$0$00$00").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(VerifyPassword("x", "pbkdf2-sha256$10$zz$00").status().code(), StatusCode::kCorruption);
}

TEST(PasswordHashTest, Base64RoundTripsAndRejectsGarbage) {
  std::vector<std::string> samples = {"",    "a",           "ab",
                                      "abc", "root:Milvus", std::string("\0\xff:x", 4)};
  for (const std::string& s : samples) {
    auto d = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(d.has_value()) << s;
    EXPECT_EQ(*d, s);
  }
  EXPECT_EQ(Base64Encode("root:Milvus"), "cm9vdDpNaWx2dXM=");
  EXPECT_FALSE(Base64Decode("root:Milvus").has_value());
  EXPECT_FALSE(Base64Decode("abc").has_value());
  EXPECT_FALSE(Base64Decode("a=bc").has_value());
  EXPECT_FALSE(Base64Decode("ab=c").has_value());
}

class CredentialStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/elanus_auth_testXXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Open();
  }
  void TearDown() override {
    store_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    store_.reset();
    engine_.reset();
    EngineOptions eo;
    eo.path = dir_ + "/data";
    eo.sync = false;
    auto e = Engine::Open(eo);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(*e);
    store_ = std::make_unique<CredentialStore>(engine_.get(), kFastIterations);
    ASSERT_TRUE(store_->Init().ok());
  }

  std::string dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<CredentialStore> store_;
};

TEST_F(CredentialStoreTest, RootExistsWithMilvusPassword) {
  EXPECT_TRUE(*store_->Verify("root", "Milvus"));
  EXPECT_FALSE(*store_->Verify("root", "milvus"));
  EXPECT_FALSE(*store_->Verify("nobody", "Milvus"));
  EXPECT_EQ(*store_->List(), std::vector<std::string>{"root"});
  // The stored record is a hash, not the password.
  auto rec = engine_->GetServerMeta("cred/root");
  ASSERT_TRUE(rec.ok() && rec->has_value());
  EXPECT_EQ((*rec)->find("Milvus"), std::string::npos);
}

TEST_F(CredentialStoreTest, CreateValidatesAndRejectsDuplicates) {
  ASSERT_TRUE(store_->Create("alice", "password1").ok());
  EXPECT_EQ(store_->Create("alice", "password2").code(), StatusCode::kAlreadyExists);
  Status st = store_->Create("1alice", "password1");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("first character"), std::string::npos) << st.message();
  EXPECT_EQ(store_->Create("al-ice", "password1").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Create("", "password1").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Create(std::string(33, 'a'), "password1").code(), StatusCode::kInvalidArgument);
  st = store_->Create("bob", "short");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("password"), std::string::npos);
  EXPECT_EQ(*store_->List(), (std::vector<std::string>{"alice", "root"}));
}

TEST_F(CredentialStoreTest, UpdateNeedsOldPasswordUnlessRoot) {
  ASSERT_TRUE(store_->Create("alice", "password1").ok());
  EXPECT_TRUE(*store_->Verify("alice", "password1"));  // now cached
  Status st = store_->Update("alice", "alice", "wrong-old", "password2");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(*store_->Verify("alice", "password1"));
  ASSERT_TRUE(store_->Update("alice", "alice", "password1", "password2").ok());
  EXPECT_FALSE(*store_->Verify("alice", "password1"));  // the cache was invalidated
  EXPECT_TRUE(*store_->Verify("alice", "password2"));
  ASSERT_TRUE(store_->Update("root", "alice", "", "password3").ok());
  EXPECT_TRUE(*store_->Verify("alice", "password3"));
  EXPECT_EQ(store_->Update("root", "ghost", "", "password3").code(), StatusCode::kNotFound);
}

TEST_F(CredentialStoreTest, DeleteAndPersistence) {
  ASSERT_TRUE(store_->Create("alice", "password1").ok());
  ASSERT_TRUE(store_->Create("bob", "password2").ok());
  EXPECT_TRUE(*store_->Verify("bob", "password2"));
  Status st = store_->Delete("root");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("root"), std::string::npos);
  ASSERT_TRUE(store_->Delete("bob").ok());
  EXPECT_FALSE(*store_->Verify("bob", "password2"));
  ASSERT_TRUE(store_->Update("root", "root", "", "NewRootPw").ok());
  Open();  // a new process on the same data directory
  EXPECT_TRUE(*store_->Verify("alice", "password1"));
  EXPECT_FALSE(*store_->Verify("bob", "password2"));
  EXPECT_TRUE(*store_->Verify("root", "NewRootPw"));  // Init does not reset root
  EXPECT_FALSE(*store_->Verify("root", "Milvus"));
}

// Records every call; denies the kinds in `deny`.
class RecordingPolicy final : public Authorizer {
 public:
  Status Authorize(const CallContext& ctx, RpcKind kind, const std::string& db,
                   const std::string& coll) override {
    last_user = ctx.user;
    last_db = db;
    last_coll = coll;
    ++calls;
    if (kind == deny) return Status(StatusCode::kPermissionDenied, "denied");
    return Status::OK();
  }
  RpcKind deny = RpcKind::kCount;
  int calls = 0;
  std::string last_user, last_db, last_coll;
};

TEST_F(CredentialStoreTest, GateAuthenticatesThenAsksThePolicy) {
  RecordingPolicy policy;
  AuthGate off(store_.get(), false, &policy);
  EXPECT_TRUE(off.Check(std::nullopt, RpcKind::kSearch, "default", "c", nullptr).ok());
  EXPECT_EQ(policy.calls, 1);
  EXPECT_EQ(policy.last_coll, "c");

  AuthGate on(store_.get(), true, &policy);
  Status st = on.Check(std::nullopt, RpcKind::kSearch, "default", "c", nullptr);
  EXPECT_EQ(st.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(st.message(), "missing authorization in header");
  st = on.Check("not base64!", RpcKind::kSearch, "default", "c", nullptr);
  EXPECT_EQ(st.message(), "invalid token format");
  st = on.Check(Base64Encode("root:wrong"), RpcKind::kSearch, "default", "c", nullptr);
  EXPECT_EQ(st.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(st.message().find("auth check failure"), std::string::npos);
  EXPECT_EQ(policy.calls, 1);  // the policy never saw unauthenticated calls

  CallContext ctx;
  ASSERT_TRUE(on.Check(Base64Encode("root:Milvus"), RpcKind::kQuery, "db1", "", &ctx).ok());
  EXPECT_EQ(ctx.user, "root");
  EXPECT_EQ(policy.last_db, "db1");
  policy.deny = RpcKind::kQuery;
  EXPECT_EQ(on.Check(Base64Encode("root:Milvus"), RpcKind::kQuery, "db1", "", nullptr).code(),
            StatusCode::kPermissionDenied);

  DefaultPolicy def;
  AuthGate gate(store_.get(), true, &def);
  ASSERT_TRUE(store_->Create("alice", "password1").ok());
  std::string alice = Base64Encode("alice:password1");
  EXPECT_TRUE(gate.Check(alice, RpcKind::kInsert, "default", "c", nullptr).ok());
  EXPECT_EQ(gate.Check(alice, RpcKind::kCreateCredential, "default", "", nullptr).code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(gate.Check(alice, RpcKind::kUpdateCredential, "default", "", nullptr).ok());
}

}  // namespace
}  // namespace elanus::server
