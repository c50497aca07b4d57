#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "storage/env.h"
#include "storage/test_util.h"

namespace elanus::storage {
namespace {

using testing::TempDir;

TEST(PosixEnvTest, WritableFileAppendsAndReportsSize) {
  TempDir dir;
  Env* env = Env::Default();
  const std::string path = dir.Join("f");
  {
    ASSERT_OK_AND_ASSIGN(auto file, env->NewWritableFile(path, true));
    ASSERT_OK(file->Append("hello "));
    ASSERT_OK(file->Append("world"));
    EXPECT_EQ(file->Size(), 11u);
    ASSERT_OK(file->Sync());
    ASSERT_OK(file->Close());
  }
  {
    ASSERT_OK_AND_ASSIGN(auto file, env->NewWritableFile(path, false));
    EXPECT_EQ(file->Size(), 11u);
    ASSERT_OK(file->Append("!"));
  }
  ASSERT_OK_AND_ASSIGN(std::string data, env->ReadFile(path));
  EXPECT_EQ(data, "hello world!");
  ASSERT_OK_AND_ASSIGN(auto region, env->MapFile(path));
  EXPECT_EQ(region->data(), "hello world!");
  ASSERT_OK_AND_ASSIGN(uint64_t size, env->GetFileSize(path));
  EXPECT_EQ(size, 12u);
  {
    ASSERT_OK_AND_ASSIGN(auto file, env->NewWritableFile(path, true));
    EXPECT_EQ(file->Size(), 0u);
  }
  ASSERT_OK_AND_ASSIGN(auto empty, env->MapFile(path));
  EXPECT_TRUE(empty->data().empty());
}

TEST(PosixEnvTest, MissingFilesAreNotFoundAndNameThePath) {
  TempDir dir;
  Env* env = Env::Default();
  const std::string path = dir.Join("missing");
  EXPECT_TRUE(env->ReadFile(path).status().IsNotFound());
  EXPECT_TRUE(env->MapFile(path).status().IsNotFound());
  EXPECT_TRUE(env->GetFileSize(path).status().IsNotFound());
  const Status st = env->RemoveFile(path);
  EXPECT_TRUE(st.IsNotFound());
  EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
  EXPECT_FALSE(env->FileExists(path));
  // A path under a regular file is an IOError, not a crash.
  ASSERT_OK(env->WriteFileAtomic(dir.Join("file"), "x"));
  EXPECT_EQ(env->CreateDirs(dir.Join("file/sub")).code(), StatusCode::kIOError);
}

TEST(PosixEnvTest, WriteFileAtomicReplacesAndLeavesNoTempFiles) {
  TempDir dir;
  Env* env = Env::Default();
  ASSERT_OK(env->WriteFileAtomic(dir.Join("a"), "one"));
  ASSERT_OK(env->WriteFileAtomic(dir.Join("a"), "two"));
  ASSERT_OK_AND_ASSIGN(std::string data, env->ReadFile(dir.Join("a")));
  EXPECT_EQ(data, "two");
  ASSERT_OK_AND_ASSIGN(auto names, env->ListDir(dir.path()));
  EXPECT_EQ(names, std::vector<std::string>{"a"});
}

TEST(PosixEnvTest, DirectoriesRenameAndTruncate) {
  TempDir dir;
  Env* env = Env::Default();
  ASSERT_OK(env->CreateDirs(dir.Join("x/y/z")));
  ASSERT_OK(env->CreateDirs(dir.Join("x/y/z")));  // idempotent
  EXPECT_TRUE(env->IsDirectory(dir.Join("x/y")));
  ASSERT_OK(env->SyncDir(dir.Join("x/y")));
  ASSERT_OK(env->WriteFileAtomic(dir.Join("x/f"), "abcdef"));
  EXPECT_FALSE(env->IsDirectory(dir.Join("x/f")));
  ASSERT_OK(env->RenameFile(dir.Join("x/f"), dir.Join("x/g")));
  ASSERT_OK(env->TruncateFile(dir.Join("x/g"), 2));
  ASSERT_OK_AND_ASSIGN(std::string data, env->ReadFile(dir.Join("x/g")));
  EXPECT_EQ(data, "ab");
  ASSERT_OK_AND_ASSIGN(auto names, env->ListDir(dir.Join("x")));
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"g", "y"}));
}

TEST(PosixEnvTest, LockFileConflictNamesPathAndPid) {
  TempDir dir;
  Env* env = Env::Default();
  const std::string path = dir.Join("LOCK");
  {
    ASSERT_OK_AND_ASSIGN(auto lock, env->LockFile(path));
    auto second = env->LockFile(path);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(second.status().message().find(path), std::string::npos);
    EXPECT_NE(second.status().message().find("pid " + std::to_string(::getpid())),
              std::string::npos)
        << second.status().ToString();
  }
  ASSERT_OK_AND_ASSIGN(auto again, env->LockFile(path));  // released with the first lock
}

}  // namespace
}  // namespace elanus::storage
