#include "server/server_meta.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace elanus::server {
namespace {

ServerMeta Sample() {
  ServerMeta m;
  m.next_index_id = 7;
  CollectionState& st = m.collections[42];
  st.loaded = false;
  st.options.consistency_level = kConsistencyStrong;
  st.options.shards_num = 2;
  st.options.properties = {{"collection.ttl.seconds", "60"}};
  IndexDescription idx;
  idx.index_name = "vec_idx";
  idx.field_name = "vec";
  idx.index_id = 6;
  idx.params = {{"index_type", "HNSW"}, {"metric_type", "L2"}};
  idx.metric = MetricType::kL2;
  st.indexes.push_back(idx);
  m.aliases["default"]["a1"] = "c1";
  return m;
}

TEST(ServerMetaTest, EncodeDecodeRoundTrips) {
  auto back = DecodeServerMeta(EncodeServerMeta(Sample()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->next_index_id, 7);
  const CollectionState& st = back->collections.at(42);
  EXPECT_FALSE(st.loaded);
  EXPECT_EQ(st.options.consistency_level, kConsistencyStrong);
  EXPECT_EQ(st.options.shards_num, 2);
  ASSERT_EQ(st.options.properties.size(), 1u);
  EXPECT_EQ(st.options.properties[0].second, "60");
  ASSERT_EQ(st.indexes.size(), 1u);
  EXPECT_EQ(st.indexes[0].metric, MetricType::kL2);
  EXPECT_EQ(st.indexes[0].params[0].second, "HNSW");
  EXPECT_EQ(back->aliases.at("default").at("a1"), "c1");
}

TEST(ServerMetaTest, FlippedByteIsCorruption) {
  std::string data = EncodeServerMeta(Sample());
  data[data.size() - 5] ^= 0x01;
  auto back = DecodeServerMeta(data);
  ASSERT_FALSE(back.ok());
  EXPECT_TRUE(back.status().IsCorruption()) << back.status().ToString();
  EXPECT_TRUE(DecodeServerMeta("garbage").status().IsCorruption());
}

TEST(ServerMetaTest, SaveThenLoadFromFile) {
  char dir[] = "/tmp/elanus_meta_testXXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/server-meta.json";
  auto empty = LoadServerMeta(path);  // missing file: empty catalog
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->collections.empty());
  ASSERT_TRUE(SaveServerMeta(path, Sample()).ok());
  auto back = LoadServerMeta(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->collections.count(42), 1u);
  unlink(path.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace elanus::server
