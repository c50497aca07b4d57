#include "server/error_map.h"

#include <gtest/gtest.h>

namespace elanus::server {
namespace {

TEST(ErrorMapTest, OkIsZeroInBothCodes) {
  MilvusError e = ToMilvusError(Status::OK());
  EXPECT_EQ(e.code, 0);
  EXPECT_EQ(e.legacy_code, 0);
}

TEST(ErrorMapTest, NotFoundIsClassifiedByTheMissingObject) {
  MilvusError e = ToMilvusError(Status::NotFound("collection 'c' does not exist in database 'd'"));
  EXPECT_EQ(e.code, 100);
  EXPECT_EQ(e.legacy_code, 4);  // pymilvus has_collection checks CollectionNotExists too
  EXPECT_NE(e.reason.find("collection not found"), std::string::npos);
  EXPECT_NE(e.reason.find("'c'"), std::string::npos);
  EXPECT_EQ(ToMilvusError(Status::NotFound("database 'x' does not exist")).code, 800);
  EXPECT_EQ(ToMilvusError(Status::NotFound("partition 'p' does not exist in collection 'c'")).code,
            200);
  MilvusError idx = ToMilvusError(IndexNotFoundError("collection=c"));
  EXPECT_EQ(idx.code, 700);
  EXPECT_EQ(idx.legacy_code, 25);
  EXPECT_EQ(idx.reason, "index not found[collection=c]");
}

TEST(ErrorMapTest, ServiceAndEngineErrors) {
  EXPECT_EQ(ToMilvusError(CollectionNotLoadedError("c")).code, 101);
  EXPECT_EQ(ToMilvusError(Status::FailedPrecondition("locked")).code, 65535);
  EXPECT_EQ(ToMilvusError(Status::InvalidArgument("dim")).code, 1100);
  EXPECT_EQ(ToMilvusError(Status::NotSupported("filters")).code, 3000);
  EXPECT_EQ(ToMilvusError(Status::Corruption("crc")).code, 65535);
  MilvusError u = ToMilvusError(Status::Unavailable("busy"));
  EXPECT_TRUE(u.retriable);
  EXPECT_NE(u.legacy_code, 0);  // a call succeeds only if both codes are 0
}

}  // namespace
}  // namespace elanus::server
