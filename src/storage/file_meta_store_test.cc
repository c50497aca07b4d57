#include "storage/file_meta_store.h"

#include <gtest/gtest.h>

#include "storage/storage.h"
#include "storage/test_util.h"

namespace elanus::storage {
namespace {

using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

class FileMetaStoreTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<FileMetaStore>> OpenStore() {
    return FileMetaStore::Open(Env::Default(), path_);
  }
  // Writes a valid catalog with a few entries and returns its bytes.
  std::string WriteCatalog() {
    auto store = OpenStore();
    EXPECT_TRUE(store.ok());
    EXPECT_OK((*store)->Commit({{"a", "1"}, {"bb", std::string(100, 'v')}, {"c", ""}}));
    return ReadAll(path_);
  }

  TempDir dir_;
  const std::string path_ = dir_.Join("CATALOG");
};

TEST_F(FileMetaStoreTest, MissingFileIsAnEmptyCatalogAndCommitPersists) {
  {
    ASSERT_OK_AND_ASSIGN(auto store, OpenStore());
    ASSERT_OK_AND_ASSIGN(auto all, store->Scan(""));
    EXPECT_TRUE(all.empty());
    EXPECT_FALSE(Env::Default()->FileExists(path_));
  }
  WriteCatalog();
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore());
  ASSERT_OK_AND_ASSIGN(auto all, store->Scan(""));
  EXPECT_EQ(all.size(), 3u);
  ASSERT_OK_AND_ASSIGN(auto bb, store->Get("bb"));
  EXPECT_EQ(bb, std::optional<std::string>(std::string(100, 'v')));
}

TEST_F(FileMetaStoreTest, CorruptedFileIsCorruption) {
  const std::string good = WriteCatalog();
  std::vector<std::string> bad = {
      "",                               // empty
      "garbage that is not a catalog",  // wrong magic
      good.substr(0, good.size() - 1),  // truncated trailer
      good.substr(0, good.size() / 2),  // truncated entries
      good + "x",                       // trailing byte
  };
  for (size_t i = 0; i < good.size(); i += 7) {  // every 7th byte flipped in turn
    std::string flipped = good;
    flipped[i] ^= 0x20;
    bad.push_back(flipped);
  }
  for (const std::string& contents : bad) {
    WriteAll(path_, contents);
    auto store = OpenStore();
    ASSERT_FALSE(store.ok());
    EXPECT_TRUE(store.status().IsCorruption()) << store.status().ToString();
    EXPECT_NE(store.status().message().find(path_), std::string::npos);
  }
}

TEST_F(FileMetaStoreTest, OpenDataDirReportsCorruptCatalog) {
  const std::string data_dir = dir_.Join("data");
  {
    ASSERT_OK_AND_ASSIGN(Storage s, OpenDataDir(data_dir));
    ASSERT_OK(s.meta->Commit({{"k", "v"}}));
  }
  const std::string catalog = data_dir + "/meta/CATALOG";
  std::string data = ReadAll(catalog);
  data[data.size() / 2] ^= 0x01;
  WriteAll(catalog, data);
  auto s = OpenDataDir(data_dir);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().IsCorruption()) << s.status().ToString();
  EXPECT_NE(s.status().message().find("CATALOG"), std::string::npos);
}

}  // namespace
}  // namespace elanus::storage
