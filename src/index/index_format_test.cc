// Persistence: every index type round-trips, and damaged images (any flipped byte, any truncation,
// wrong type) are rejected with Corruption or load to an index that answers identically.
#include "index/index_format.h"

#include <gtest/gtest.h>

#include "common/crc32c.h"
#include "index/index_registry.h"
#include "index/test_data.h"

namespace elanus::index {
namespace {

struct TypeCase {
  const char* type;
  DataType dtype;
  MetricType metric;
  int64_t dim;
  ParamMap params;
};

std::vector<TypeCase> Cases() {
  return {
      {"FLAT", DataType::kFloatVector, MetricType::kL2, 4, {}},
      {"BIN_FLAT", DataType::kBinaryVector, MetricType::kHamming, 32, {}},
      {"HNSW",
       DataType::kFloatVector,
       MetricType::kCosine,
       4,
       {{"M", "4"}, {"efConstruction", "16"}}},
      {"HNSW", DataType::kInt8Vector, MetricType::kL2, 8, {{"M", "4"}}},  // int8 rows
      {"HNSW_SQ", DataType::kFloatVector, MetricType::kL2, 4, {{"M", "4"}, {"refine", "false"}}},
      {"HNSW_SQ",
       DataType::kFloatVector,
       MetricType::kIP,
       4,
       {{"M", "4"}, {"refine", "false"}, {"sq_type", "BF16"}}},
      {"IVF_FLAT", DataType::kFloatVector, MetricType::kIP, 4, {{"nlist", "4"}}},
      {"IVF_SQ8", DataType::kFloatVector, MetricType::kL2, 4, {{"nlist", "4"}}},
      {"IVF_PQ", DataType::kFloatVector, MetricType::kL2, 4, {{"nlist", "4"}, {"m", "2"}}},
      {"IVF_PQ",
       DataType::kFloatVector,
       MetricType::kIP,
       4,
       {{"nlist", "2"}, {"m", "4"}, {"nbits", "10"}}},
      {"BIN_IVF_FLAT", DataType::kBinaryVector, MetricType::kJaccard, 32, {{"nlist", "4"}}}};
}

std::unique_ptr<VectorIndex> BuildSmall(const TypeCase& c, int64_t n) {
  auto created = IndexRegistry::Global().Create(c.type, {c.dtype, c.dim, c.metric}, c.params);
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  auto index = std::move(created).value();
  const size_t bytes = index->spec().RowBytes() * static_cast<size_t>(n);
  std::vector<uint8_t> data(bytes);
  if (c.dtype == DataType::kFloatVector) {
    auto ds = testing::MakeClustered(n, 0, c.dim, 3, 7);
    std::memcpy(data.data(), ds.base.data(), bytes);
  } else {
    std::mt19937 rng(3);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
  }
  EXPECT_TRUE(index->Build(data.data(), n, nullptr).ok());
  return index;
}

// Results of a few fixed queries: rows 0..4 of the index used as queries.
std::vector<std::vector<Neighbor>> Answers(const VectorIndex& index) {
  std::vector<std::vector<Neighbor>> all;
  std::vector<uint8_t> q(index.spec().RowBytes());
  for (int i = 0; i < 5; ++i) {
    for (auto& b : q) b = static_cast<uint8_t>(i * 37 + (&b - q.data()) * 11);
    if (index.spec().data_type == DataType::kFloatVector) {
      std::vector<float> f(static_cast<size_t>(index.spec().dim), 0.1f * static_cast<float>(i));
      std::memcpy(q.data(), f.data(), q.size());
    }
    std::vector<Neighbor> out;
    EXPECT_TRUE(index.Search(q.data(), 5, nullptr, {}, &out).ok());
    all.push_back(out);
  }
  return all;
}

TEST(IndexFormatTest, RoundTripGivesIdenticalResults) {
  for (const TypeCase& c : Cases()) {
    SCOPED_TRACE(c.type);
    auto index = BuildSmall(c, 120);
    std::string image;
    ASSERT_TRUE(index->Serialize(&image).ok());
    auto loaded = IndexRegistry::Global().Load(image);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_EQ((*loaded)->TypeName(), c.type);
    EXPECT_EQ((*loaded)->Size(), 120);
    EXPECT_EQ(Answers(**loaded), Answers(*index));
    std::string again;
    ASSERT_TRUE((*loaded)->Serialize(&again).ok());
    EXPECT_EQ(again, image);
  }
}

TEST(IndexFormatTest, EveryFlippedByteAndTruncationIsCorruptionOrHarmless) {
  for (const TypeCase& c : Cases()) {
    SCOPED_TRACE(c.type);
    auto index = BuildSmall(c, 60);
    std::string image;
    ASSERT_TRUE(index->Serialize(&image).ok());
    ASSERT_GT(image.size(), 200u);
    const auto want = Answers(*index);
    for (size_t i = 0; i < image.size(); ++i) {
      std::string bad = image;
      bad[i] = static_cast<char>(bad[i] ^ (1 << (i % 8)));
      auto loaded = IndexRegistry::Global().Load(bad);
      if (loaded.ok()) {
        EXPECT_EQ(Answers(**loaded), want) << "byte " << i;
      } else {
        EXPECT_TRUE(loaded.status().IsCorruption()) << loaded.status().ToString();
      }
    }
    for (size_t len = 0; len < image.size(); ++len) {
      auto loaded = IndexRegistry::Global().Load(std::string_view(image).substr(0, len));
      ASSERT_FALSE(loaded.ok()) << "length " << len;
      EXPECT_TRUE(loaded.status().IsCorruption());
    }
  }
}

// A damaged body with a recomputed (valid) checksum, as a buggy writer could produce: the
// structural checks must reject it or yield an index that searches safely (run under ASan).
TEST(IndexFormatTest, StructurallyDamagedBodiesWithValidChecksumNeverCrash) {
  for (const TypeCase& c : Cases()) {
    SCOPED_TRACE(c.type);
    auto index = BuildSmall(c, 40);
    std::string image;
    ASSERT_TRUE(index->Serialize(&image).ok());
    size_t ok = 0, corrupt = 0;
    for (size_t i = 8; i + 4 < image.size(); ++i) {
      for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
        std::string bad = image;
        bad[i] = static_cast<char>(bad[i] ^ mask);
        const uint32_t crc = Crc32c(bad.data(), bad.size() - 4);
        std::memcpy(bad.data() + bad.size() - 4, &crc, 4);
        auto loaded = IndexRegistry::Global().Load(bad);
        if (!loaded.ok()) {
          EXPECT_TRUE(loaded.status().IsCorruption()) << loaded.status().ToString();
          ++corrupt;
          continue;
        }
        ++ok;
        (void)Answers(**loaded);  // must not crash; answers may differ (e.g. a changed vector)
      }
    }
    EXPECT_GT(corrupt, 0u);
    EXPECT_GT(ok + corrupt, image.size());
  }
}

TEST(IndexFormatTest, WrongTypeIsCorruption) {
  auto hnsw = BuildSmall(Cases()[2], 30);
  std::string image;
  ASSERT_TRUE(hnsw->Serialize(&image).ok());
  auto flat =
      IndexRegistry::Global().Create("FLAT", {DataType::kFloatVector, 4, MetricType::kL2}, {});
  ASSERT_TRUE(flat.ok());
  Status st = (*flat)->Load(image);
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_NE(st.message().find("HNSW"), std::string::npos);
}

}  // namespace
}  // namespace elanus::index
