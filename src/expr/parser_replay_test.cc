// g++ stand-in for the libFuzzer target: feeds ~10k random and mutated strings through Compile
// and checks that nothing crashes and every rejection is a clean InvalidArgument/NotSupported
// naming a position. Deterministic (fixed seed).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "expr/expr.h"
#include "expr/test_schemas.h"

namespace elanus::expr {
namespace {

std::vector<std::string> Seeds() {
  std::vector<std::string> seeds = {"age > 30",
                                    "18 <= age < 65",
                                    "name like \"Prod%\"",
                                    "meta[\"a\"][\"b\"][0] > 5",
                                    "id not in [1, 2, 3,]",
                                    "json_contains_all(meta[\"t\"], [\"a\", [1]])",
                                    "not (age in {l}) && flag || price * 2.5e3 >= 0x1F",
                                    "$meta[\"k\"] is not null",
                                    "array_length(tags) < 3 AND temps[1] % 2 == 1",
                                    "exists color and u8'\\u00e9\\x41\\101'"};
  for (const auto& e : std::filesystem::directory_iterator(ELANUS_EXPR_TESTDATA_DIR)) {
    std::ifstream in(e.path());
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#' || line[0] == '@' || line.rfind("=>", 0) == 0 ||
          line.rfind("params:", 0) == 0 || line.rfind("keys", 0) == 0 ||
          line.rfind("fields", 0) == 0) {
        continue;
      }
      seeds.push_back(line);
    }
  }
  return seeds;
}

const char* const kTokens[] = {"(",
                               ")",
                               "[",
                               "]",
                               "{",
                               "}",
                               "{a}",
                               "{l}",
                               "{zz}",
                               ",",
                               "and",
                               "or",
                               "not",
                               "in",
                               "like",
                               "is",
                               "null",
                               "exists",
                               "&&",
                               "||",
                               "!",
                               "==",
                               "!=",
                               "<",
                               "<=",
                               ">",
                               ">=",
                               "+",
                               "-",
                               "*",
                               "/",
                               "%",
                               "**",
                               "&",
                               "|",
                               "^",
                               "~",
                               "<<",
                               ">>",
                               "=~",
                               "=",
                               "age",
                               "price",
                               "name",
                               "meta",
                               "tags",
                               "temps",
                               "flag",
                               "vec",
                               "$meta",
                               "color",
                               "0",
                               "-1",
                               "9223372036854775808",
                               "1.5e9",
                               "0x",
                               "0b2",
                               "\"s\"",
                               "'\\u00e9'",
                               "\"\\",
                               "\"",
                               "'",
                               "json_contains(",
                               "array_length(",
                               "text_match(",
                               "\xC3",
                               "\xff",
                               "\n",
                               " ",
                               "TRUE",
                               "Not",
                               "[0]",
                               "[\"k\"]"};

TEST(ParserReplayTest, RandomAndMutatedInputsNeverCrash) {
  const CollectionSchema schema = testing::TestSchema();
  const TemplateParams params = {{"a", 1}, {"s", "x"}, {"l", Value::List{1, 2}}};
  std::vector<std::string> seeds = Seeds();
  std::mt19937_64 rng(20240611);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  int accepted = 0, rejected = 0;
  for (int iter = 0; iter < 10000; ++iter) {
    std::string s = seeds[pick(seeds.size())];
    int mutations = 1 + static_cast<int>(pick(4));
    for (int m = 0; m < mutations; ++m) {
      size_t at = s.empty() ? 0 : pick(s.size() + 1);
      switch (pick(6)) {
        case 0:  // flip a byte
          if (!s.empty()) s[pick(s.size())] = static_cast<char>(rng());
          break;
        case 1:  // insert a token
          s.insert(at, std::string(" ") + kTokens[pick(std::size(kTokens))] + " ");
          break;
        case 2:  // delete a range
          if (!s.empty()) s.erase(at > 0 ? at - 1 : 0, 1 + pick(4));
          break;
        case 3:  // splice with another seed
          s = s.substr(0, at) + seeds[pick(seeds.size())].substr(0, 1 + pick(20));
          break;
        case 4:  // random bytes
          for (size_t k = pick(8); k > 0; --k) s.insert(at, 1, static_cast<char>(rng()));
          break;
        default:  // truncate
          s.resize(at);
      }
    }
    auto plan = Compile(s, schema, params);
    if (plan.ok()) {
      ++accepted;
      EXPECT_FALSE((*plan)->ToString().empty());
    } else {
      ++rejected;
      const Status& st = plan.status();
      EXPECT_TRUE(st.code() == StatusCode::kInvalidArgument ||
                  st.code() == StatusCode::kNotSupported)
          << s << " -> " << st.ToString();
      EXPECT_EQ(st.message().rfind("line ", 0), 0u) << s << " -> " << st.ToString();
    }
  }
  std::printf("replay: %d accepted, %d rejected\n", accepted, rejected);
  EXPECT_GT(accepted, 100);
  EXPECT_GT(rejected, 1000);
}

}  // namespace
}  // namespace elanus::expr
