#include <gtest/gtest.h>
#include <sqlite3.h>

#include <random>

#include "storage/storage.h"
#include "storage/test_util.h"

namespace elanus::storage {
namespace {

using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

TEST(SqliteBackendTest, NonSqliteFileIsCorruption) {
  TempDir dir;
  const std::string path = dir.Join("demo.db");
  std::string garbage(8192, '\0');
  std::mt19937 rng(3);
  for (char& c : garbage) c = static_cast<char>(rng());
  WriteAll(path, garbage);
  auto s = OpenSingleFile(path);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().IsCorruption()) << s.status().ToString();
  EXPECT_NE(s.status().message().find(path), std::string::npos);
  EXPECT_EQ(ReadAll(path), garbage);  // left untouched
}

TEST(SqliteBackendTest, DamagedDatabasePagesAreCorruption) {
  TempDir dir;
  const std::string path = dir.Join("demo.db");
  {
    ASSERT_OK_AND_ASSIGN(Storage s, OpenSingleFile(path));
    for (int i = 0; i < 200; ++i) {
      ASSERT_OK(s.meta->Commit({{"key" + std::to_string(i), std::string(300, 'v')}}));
    }
  }
  std::string data = ReadAll(path);
  ASSERT_GT(data.size(), 16384u);
  for (size_t i = 4096; i < 4 * 4096; ++i) data[i] = static_cast<char>(0xA5);  // pages 2-4
  WriteAll(path, data);
  auto s = OpenSingleFile(path);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().IsCorruption()) << s.status().ToString();
}

TEST(SqliteBackendTest, ForeignSqliteDatabaseIsRejected) {
  TempDir dir;
  const std::string path = dir.Join("other.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto s = OpenSingleFile(path);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().IsInvalidArgument()) << s.status().ToString();
}

TEST(SqliteBackendTest, CreatesSidecarLockAndTables) {
  TempDir dir;
  const std::string path = dir.Join("demo.db");
  ASSERT_OK_AND_ASSIGN(Storage s, OpenSingleFile(path, LogOptions{.sync = false}));
  EXPECT_TRUE(Env::Default()->FileExists(path + ".lock"));
  EXPECT_FALSE(s.mmap_blobs);
  ASSERT_OK(s.blobs->Put("x", "y"));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM blobs", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 1);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace elanus::storage
