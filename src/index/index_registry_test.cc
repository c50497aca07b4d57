#include "index/index_registry.h"

#include <gtest/gtest.h>

#include "index/hnsw_index.h"

namespace elanus::index {
namespace {

IndexSpec FloatSpec(int64_t dim = 8, MetricType m = MetricType::kL2) {
  return {DataType::kFloatVector, dim, m};
}

TEST(IndexRegistryTest, BuiltinTypesAreRegistered) {
  const auto names = IndexRegistry::Global().Names();
  for (const char* want :
       {"FLAT", "BIN_FLAT", "HNSW", "HNSW_SQ", "IVF_FLAT", "IVF_SQ8", "BIN_IVF_FLAT"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
  EXPECT_NE(IndexRegistry::Global().Find("hnsw"), nullptr);  // case-insensitive
}

TEST(IndexRegistryTest, UnknownTypeIsInvalidArgument) {
  auto r = IndexRegistry::Global().Create("NOPE", FloatSpec(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("NOPE"), std::string::npos);
  EXPECT_NE(r.status().message().find("HNSW"), std::string::npos);
}

TEST(IndexRegistryTest, HnswParametersAreValidatedWithNameValueAndRange) {
  auto& reg = IndexRegistry::Global();
  struct Case {
    ParamMap params;
    std::string expect;
  };
  for (const Case& c : {Case{{{"M", "1"}}, "M=1: must be an integer in [2, 2048]"},
                        Case{{{"M", "4096"}}, "M=4096: must be an integer in [2, 2048]"},
                        Case{{{"M", "sixteen"}}, "M=sixteen"}, Case{{{"M", "16x"}}, "M=16x"},
                        Case{{{"efConstruction", "0"}}, "efConstruction=0"}}) {
    auto r = reg.Create("HNSW", FloatSpec(), c.params);
    ASSERT_FALSE(r.ok()) << c.expect;
    EXPECT_TRUE(r.status().IsInvalidArgument());
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
  }
  auto ok = HnswParams::Parse({});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->m, 30);
  EXPECT_EQ(ok->ef_construction, 360);
  EXPECT_TRUE(reg.Create("HNSW", FloatSpec(), {{"M", " 16 "}, {"efConstruction", "100"}}).ok());
}

TEST(IndexRegistryTest, IvfParametersAreValidated) {
  auto& reg = IndexRegistry::Global();
  for (const char* bad : {"0", "65537", "-3"}) {
    auto r = reg.Create("IVF_FLAT", FloatSpec(), {{"nlist", bad}});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(std::string("nlist=") + bad +
                                        ": must be an integer in "
                                        "[1, 65536]"),
              std::string::npos)
        << r.status().message();
  }
}

TEST(IndexRegistryTest, SearchParametersAreValidated) {
  auto& reg = IndexRegistry::Global();
  auto hnsw = reg.Create("HNSW", FloatSpec(), {{"M", "8"}});
  ASSERT_TRUE(hnsw.ok());
  auto sp = (*hnsw)->ParseSearchParams({}, 10);
  ASSERT_TRUE(sp.ok());
  EXPECT_EQ(sp->ef, 10);  // default ef = k
  auto bad = (*hnsw)->ParseSearchParams({{"ef", "5"}}, 10);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ef=5: must be an integer in [10, "), std::string::npos)
      << bad.status().message();
  // Typed parameters are checked by Search too.
  std::vector<float> data(8 * 20, 1.0f);
  ASSERT_TRUE((*hnsw)->Build(data.data(), 20, nullptr).ok());
  std::vector<Neighbor> out;
  Status st = (*hnsw)->Search(data.data(), 10, nullptr, SearchParams{.ef = 5}, &out);
  EXPECT_TRUE(st.IsInvalidArgument());

  auto ivf = reg.Create("IVF_FLAT", FloatSpec(), {{"nlist", "16"}});
  ASSERT_TRUE(ivf.ok());
  auto nprobe = (*ivf)->ParseSearchParams({}, 10);
  ASSERT_TRUE(nprobe.ok());
  EXPECT_EQ(nprobe->nprobe, 8);
  auto too_many = (*ivf)->ParseSearchParams({{"nprobe", "17"}}, 10);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.status().message().find("nprobe=17: must be an integer in [1, 16]"),
            std::string::npos);
}

TEST(IndexRegistryTest, SpecIsValidated) {
  auto& reg = IndexRegistry::Global();
  auto bin = reg.Create("HNSW", {DataType::kBinaryVector, 64, MetricType::kHamming}, {});
  EXPECT_TRUE(bin.status().IsInvalidArgument());
  auto metric = reg.Create("FLAT", FloatSpec(8, MetricType::kHamming), {});
  EXPECT_TRUE(metric.status().IsInvalidArgument());
  EXPECT_NE(metric.status().message().find("HAMMING"), std::string::npos);
  auto dim = reg.Create("FLAT", FloatSpec(0), {});
  EXPECT_NE(dim.status().message().find("dim=0"), std::string::npos);
  auto bin_dim = reg.Create("BIN_FLAT", {DataType::kBinaryVector, 12, MetricType::kHamming}, {});
  EXPECT_TRUE(bin_dim.status().IsInvalidArgument());
  auto flat_bin = reg.Create("FLAT", {DataType::kBinaryVector, 64, MetricType::kHamming}, {});
  EXPECT_TRUE(flat_bin.status().IsInvalidArgument());
}

}  // namespace
}  // namespace elanus::index
