// FLOAT16 / BFLOAT16 / INT8 vectors in every float index type: rows and queries are given in the
// column encoding (widened to float32 inside the index) and recall is measured against exact
// search on the decoded values.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "index/index_registry.h"
#include "index/test_data.h"
#include "simd/distance.h"

namespace elanus::index {
namespace {

// Encodes float rows as `type` (int8: scaled by 100 and rounded).
std::vector<uint8_t> Encode(DataType type, const std::vector<float>& v) {
  std::vector<uint8_t> out;
  if (type == DataType::kInt8Vector) {
    for (float x : v) {
      const auto c = static_cast<int8_t>(std::clamp(std::lround(x * 100.0f), -127L, 127L));
      out.push_back(static_cast<uint8_t>(c));
    }
    return out;
  }
  out.resize(v.size() * 2);
  for (size_t i = 0; i < v.size(); ++i) {
    const uint16_t h =
        type == DataType::kFloat16Vector ? simd::F32ToF16(v[i]) : simd::F32ToBF16(v[i]);
    std::memcpy(out.data() + 2 * i, &h, 2);
  }
  return out;
}

struct Case {
  const char* type;
  ParamMap params;
  ParamMap search;
  double floor;
};

TEST(TypedVectorIndexTest, HalfAndInt8VectorsReachRecallInEveryFloatIndex) {
  const auto ds = testing::MakeClustered(3000, 20, 32, 10, 17);
  const std::vector<Case> cases = {
      {"FLAT", {}, {}, 1.0},
      {"HNSW", {{"M", "16"}, {"efConstruction", "100"}}, {{"ef", "64"}}, 0.9},
      {"HNSW_SQ", {{"M", "16"}, {"efConstruction", "100"}}, {{"ef", "64"}}, 0.85},
      {"IVF_FLAT", {{"nlist", "16"}}, {{"nprobe", "16"}}, 1.0},
      {"IVF_SQ8", {{"nlist", "16"}}, {{"nprobe", "16"}}, 0.85},
      {"IVF_PQ", {{"nlist", "16"}, {"m", "16"}}, {{"nprobe", "16"}}, 0.6},
  };
  for (DataType type :
       {DataType::kFloat16Vector, DataType::kBFloat16Vector, DataType::kInt8Vector}) {
    const std::vector<uint8_t> base = Encode(type, ds.base), queries = Encode(type, ds.queries);
    for (MetricType metric : {MetricType::kL2, MetricType::kCosine}) {
      const IndexSpec spec{type, ds.dim, metric};
      // Ground truth on the decoded values.
      testing::Dataset decoded = ds;
      ToFloatRows({type, ds.dim, MetricType::kL2}, base.data(), ds.n, decoded.base.data());
      ToFloatRows({type, ds.dim, MetricType::kL2}, queries.data(), ds.nq, decoded.queries.data());
      for (const Case& c : cases) {
        SCOPED_TRACE(std::string(c.type) + " " + VectorTypeName(type) + " " +
                     MetricTypeName(metric));
        auto index = IndexRegistry::Global().Create(c.type, spec, c.params);
        ASSERT_TRUE(index.ok()) << index.status().ToString();
        ASSERT_TRUE((*index)->Build(base.data(), ds.n, nullptr).ok());
        auto sp = (*index)->ParseSearchParams(c.search, 10);
        ASSERT_TRUE(sp.ok());
        double sum = 0;
        for (int64_t i = 0; i < ds.nq; ++i) {
          std::vector<Neighbor> out;
          ASSERT_TRUE(
              (*index)->Search(queries.data() + i * spec.RowBytes(), 10, nullptr, *sp, &out).ok());
          ASSERT_EQ(out.size(), 10u);
          sum += testing::Recall(
              out, testing::BruteForce(decoded, metric, decoded.queries.data() + i * ds.dim, 10));
        }
        EXPECT_GE(sum / static_cast<double>(ds.nq), c.floor);
        // Persistence keeps the encoding.
        std::string image;
        ASSERT_TRUE((*index)->Serialize(&image).ok());
        auto loaded = IndexRegistry::Global().Load(image);
        ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
        EXPECT_EQ((*loaded)->spec().data_type, type);
      }
    }
  }
}

}  // namespace
}  // namespace elanus::index
