// RestApi over a real ServiceLayer + Engine: envelopes, error codes and a data round trip.
#include "server/rest_api.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

namespace elanus::server {
namespace {

class RestApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/elanus_rest_testXXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    EngineOptions eo;
    eo.path = dir_ + "/data";
    eo.sync = false;
    auto e = Engine::Open(eo);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(*e);
    service_ = std::make_unique<ServiceLayer>(engine_.get(), ServiceOptions{});
    ASSERT_TRUE(service_->LoadMeta().ok());
    api_ = std::make_unique<RestApi>(service_.get());
  }
  void TearDown() override {
    api_.reset();
    service_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  HttpResponse Raw(const std::string& path, const std::string& body,
                   const std::string& method = "POST") {
    HttpRequest r;
    r.method = method;
    r.path = r.target = path;
    r.body = body;
    r.headers["authorization"] = auth_;
    return api_->Handle(r);
  }
  Json Call(const std::string& action, const Json& body) {
    HttpResponse r = Raw("/v2/vectordb/" + action, body.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::parse(r.body);
  }

  std::string dir_;
  std::string auth_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<ServiceLayer> service_;
  std::unique_ptr<RestApi> api_;
};

TEST_F(RestApiTest, QuickSetupInsertQuerySearch) {
  Json r =
      Call("collections/create", {{"collectionName", "c"}, {"dimension", 2}, {"metricType", "L2"}});
  ASSERT_EQ(r["code"], 0) << r;
  r = Call("collections/get_load_state", {{"collectionName", "c"}});
  EXPECT_EQ(r["data"]["loadState"], "LoadStateLoaded") << r;
  r = Call("entities/insert",
           {{"collectionName", "c"},
            {"data", Json::array({{{"id", 1}, {"vector", {0.0, 0.0}}, {"color", "red"}},
                                  {{"id", 2}, {"vector", {1.0, 1.0}}, {"color", "blue"}}})}});
  ASSERT_EQ(r["code"], 0) << r;
  EXPECT_EQ(r["data"]["insertCount"], 2);
  EXPECT_EQ(r["data"]["insertIds"], Json::array({1, 2}));
  r = Call("entities/query", {{"collectionName", "c"},
                              {"filter", "color == \"blue\""},
                              {"outputFields", {"id", "color"}},
                              {"consistencyLevel", "Strong"}});
  ASSERT_EQ(r["code"], 0) << r;
  ASSERT_EQ(r["data"].size(), 1u) << r;
  EXPECT_EQ(r["data"][0]["id"], 2);
  EXPECT_EQ(r["data"][0]["color"], "blue");
  r = Call("entities/search", {{"collectionName", "c"},
                               {"data", {{0.9, 0.9}}},
                               {"limit", 2},
                               {"outputFields", {"color"}},
                               {"consistencyLevel", "Strong"}});
  ASSERT_EQ(r["code"], 0) << r;
  ASSERT_EQ(r["data"].size(), 2u) << r;
  EXPECT_EQ(r["data"][0]["id"], 2);
  EXPECT_EQ(r["data"][0]["color"], "blue");
  EXPECT_NEAR(r["data"][0]["distance"].get<double>(), 0.02, 1e-5);
  EXPECT_EQ(r["topks"], Json::array({2}));
  r = Call("collections/get_stats", {{"collectionName", "c"}});
  EXPECT_EQ(r["data"]["rowCount"], 2);
  // float32 values come back in their shortest decimal form.
  ASSERT_EQ(Call("entities/insert", {{"collectionName", "c"},
                                     {"data", {{{"id", 3}, {"vector", {0.1, 0.3}}}}}})["code"],
            0);
  HttpResponse raw =
      Raw("/v2/vectordb/entities/get",
          Json{{"collectionName", "c"}, {"id", 3}, {"outputFields", {"vector"}}}.dump());
  EXPECT_NE(raw.body.find("[0.1,0.3]"), std::string::npos) << raw.body;
}

TEST_F(RestApiTest, ErrorsUseMilvusCodes) {
  HttpResponse r = Raw("/v2/vectordb/collections/describe", "{not json");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.body)["code"], 1801) << r.body;
  r = Raw("/v2/vectordb/collections/describe", "[1]");
  EXPECT_EQ(Json::parse(r.body)["code"], 1801) << r.body;
  Json j = Call("collections/describe", Json::object());
  EXPECT_EQ(j["code"], 1802) << j;
  EXPECT_NE(j["message"].get<std::string>().find("collectionName"), std::string::npos);
  j = Call("collections/describe", {{"collectionName", 7}});
  EXPECT_EQ(j["code"], 1801) << j;
  EXPECT_NE(j["message"].get<std::string>().find("collectionName"), std::string::npos);
  j = Call("collections/describe", {{"collectionName", "nope"}});
  EXPECT_EQ(j["code"], 100) << j;
  j = Call("collections/describe", {{"collectionName", "x"}, {"dbName", "nodb"}});
  EXPECT_EQ(j["code"], 800) << j;
}

TEST_F(RestApiTest, UnknownPathsAndMethods) {
  HttpResponse r = Raw("/v2/vectordb/collections/explode", "{}");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Json::parse(r.body)["code"], 404);
  r = Raw("/", "");
  EXPECT_EQ(r.status, 404);
  r = Raw("/v2/vectordb/collections/list", "", "GET");
  EXPECT_EQ(r.status, 405);
  EXPECT_NE(Json::parse(r.body)["message"].get<std::string>().find("POST"), std::string::npos);
}

TEST_F(RestApiTest, UnsupportedFeaturesSayNotSupported) {
  ASSERT_EQ(Call("collections/create", {{"collectionName", "c"}, {"dimension", 2}})["code"], 0);
  Json j = Call("entities/upsert",
                {{"collectionName", "c"}, {"data", {{{"id", 1}, {"vector", {0.1, 0.2}}}}}});
  ASSERT_EQ(j["code"], 0) << j;
  j = Call("entities/insert", {{"collectionName", "c"},
                               {"data",
                                {{{"id", 2}, {"vector", {0.2, 0.1}}, {"g", 5}},
                                 {{"id", 3}, {"vector", {0.3, 0.3}}, {"g", 5}}}}});
  ASSERT_EQ(j["code"], 0) << j;
  // Grouping by a field works (one hit per id here, limit counts groups); grouping needs a
  // scalar field, and dynamic keys are not supported.
  j = Call(
      "entities/search",
      {{"collectionName", "c"}, {"data", {{0.1, 0.2}}}, {"limit", 2}, {"groupingField", "id"}});
  ASSERT_EQ(j["code"], 0) << j;
  EXPECT_EQ(j["data"].size(), 2u) << j;
  j = Call("entities/search",
           {{"collectionName", "c"}, {"data", {{0.1, 0.2}}}, {"groupingField", "vector"}});
  EXPECT_NE(j["code"], 0) << j;
  EXPECT_NE(j["message"].get<std::string>().find("group_by_field 'vector'"), std::string::npos)
      << j;
  j = Call("entities/search",
           {{"collectionName", "c"}, {"data", {{0.1, 0.2}}}, {"groupingField", "g"}});
  EXPECT_EQ(j["code"], 3000) << j;
  j = Call("entities/upsert",
           {{"collectionName", "c"}, {"partialUpdate", true}, {"data", Json::array()}});
  EXPECT_EQ(j["code"], 3000) << j;
}

TEST_F(RestApiTest, BearerCredentialsReachTheAuthHook) {
  std::string seen;
  api_->SetAuthHook([&seen](const RestContext& ctx) {
    seen = ctx.credentials;
    if (ctx.credentials != "root:Milvus") {
      return Status(StatusCode::kUnauthenticated, "bad credentials");
    }
    return Status::OK();
  });
  auth_ = "Bearer root:Milvus";
  EXPECT_EQ(Call("collections/list", Json::object())["code"], 0);
  EXPECT_EQ(seen, "root:Milvus");
  auth_ = "Bearer wrong";
  EXPECT_EQ(Call("collections/list", Json::object())["code"], 1400);
  auth_ = "Basic abc";
  Json j = Call("collections/list", Json::object());
  EXPECT_EQ(j["code"], 1400) << j;
}

TEST_F(RestApiTest, SchemaCreateWithIndexesAndDescribe) {
  Json schema = {
      {"autoId", true},
      {"enableDynamicField", false},
      {"fields", Json::array({{{"fieldName", "pk"}, {"dataType", "Int64"}, {"isPrimary", true}},
                              {{"fieldName", "title"},
                               {"dataType", "VarChar"},
                               {"elementTypeParams", {{"max_length", 64}}}},
                              {{"fieldName", "emb"},
                               {"dataType", "FloatVector"},
                               {"elementTypeParams", {{"dim", "3"}}}}})}};
  Json idx = Json::array(
      {{{"fieldName", "emb"}, {"metricType", "IP"}, {"params", {{"index_type", "FLAT"}}}}});
  Json r = Call("collections/create",
                {{"collectionName", "s"}, {"schema", schema}, {"indexParams", idx}});
  ASSERT_EQ(r["code"], 0) << r;
  r = Call("collections/describe", {{"collectionName", "s"}});
  ASSERT_EQ(r["code"], 0) << r;
  EXPECT_EQ(r["data"]["autoId"], true);
  EXPECT_EQ(r["data"]["load"], "LoadStateLoaded");
  EXPECT_EQ(r["data"]["fields"].size(), 3u);
  EXPECT_EQ(r["data"]["fields"][2]["type"], "FloatVector");
  EXPECT_EQ(r["data"]["indexes"][0]["metricType"], "IP");
  r = Call("indexes/describe", {{"collectionName", "s"}, {"indexName", "emb"}});
  ASSERT_EQ(r["code"], 0) << r;
  EXPECT_EQ(r["data"][0]["indexType"], "FLAT");
  r = Call("entities/insert",
           {{"collectionName", "s"}, {"data", {{{"title", "a"}, {"emb", {1, 0, 0}}}}}});
  ASSERT_EQ(r["code"], 0) << r;
  EXPECT_EQ(r["data"]["insertIds"].size(), 1u);
  // An unknown dataType is rejected with its name.
  schema["fields"][1]["dataType"] = "Text";
  r = Call("collections/create", {{"collectionName", "s2"}, {"schema", schema}});
  EXPECT_EQ(r["code"], 1100) << r;
  EXPECT_NE(r["message"].get<std::string>().find("Text"), std::string::npos);
  EXPECT_FALSE(Call("collections/has", {{"collectionName", "s2"}})["data"]["has"].get<bool>());
}

}  // namespace
}  // namespace elanus::server
