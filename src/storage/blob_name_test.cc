#include "storage/blob_name.h"

#include <gtest/gtest.h>

namespace elanus::storage {
namespace {

TEST(BlobNameTest, AcceptsRelativePathsOfAllowedCharacters) {
  for (const char* name :
       {"a", "seg_1.bin", "c/1/p-2/segment.idx", "A.b_c-D/e", "x..y", ".hidden"}) {
    EXPECT_TRUE(ValidateBlobName(name).ok()) << name;
  }
}

TEST(BlobNameTest, RejectsTraversalAbsoluteAndOddCharacters) {
  for (const char* name : {"", "/abs", "..", "../x", "a/../b", "a/..", "./a", "a/./b", "a//b", "a/",
                           "a b", "a\\b", "tmp~1", "caf\xc3\xa9", "a\nb", "a:b"}) {
    const Status st = ValidateBlobName(name);
    EXPECT_TRUE(st.IsInvalidArgument()) << "'" << name << "' -> " << st.ToString();
  }
  EXPECT_TRUE(ValidateBlobName(std::string(1025, 'a')).IsInvalidArgument());
  EXPECT_NE(ValidateBlobName("../x").message().find("../x"), std::string::npos);
}

}  // namespace
}  // namespace elanus::storage
