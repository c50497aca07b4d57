// Test-only generator of random rows and random filters over testing::TestSchema(), shared by
// the evaluator's randomized test and the scalar-index equivalence test.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace elanus::expr::testing {

using Json = nlohmann::json;

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Coin(int percent = 50) { return Int(1, 100) <= percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Int(0, static_cast<int>(v.size()) - 1))];
  }

  // ---- data ----
  Json Str() { return Pick<std::string>({"a", "ab", "abc", "b", "ba", "", "a%", "é", "x_y", "A"}); }
  Json Scalar() {
    switch (Int(0, 5)) {
      case 0:
        return Int(-3, 3);
      case 1:
        return Int(-6, 6) * 0.5;
      case 2:
        return Str();
      case 3:
        return Coin();
      case 4:
        return nullptr;
      default:
        return Int(0, 1) ? Json(int64_t{9007199254740993}) : Json(9007199254740992.0);
    }
  }
  Json JsonValue(int depth) {
    int k = depth > 1 ? 0 : Int(0, 9);
    if (k <= 5) return Scalar();
    if (k <= 8) {
      Json a = Json::array();
      for (int i = Int(0, 3); i > 0; --i) a.push_back(depth > 0 ? Scalar() : JsonValue(depth + 1));
      return a;
    }
    Json o = Json::object();
    for (const char* key : {"a", "b", "arr"}) {
      if (Coin(60)) o[key] = JsonValue(depth + 1);
    }
    return o;
  }
  Json Row(int id) {
    Json r;
    r["id"] = id;
    if (Coin(85)) r["age"] = Int(-2, 40);
    r["price"] = Int(-8, 8) * 0.25 + (Coin(20) ? 0.1 : 0);
    r["score"] = Int(-8, 8) * 0.5;
    if (Coin(85)) r["name"] = Str();
    r["flag"] = Coin();
    Json tags = Json::array(), temps = Json::array(), bools = Json::array();
    for (int i = Int(0, 4); i > 0; --i) tags.push_back(Str());
    for (int i = Int(0, 4); i > 0; --i) temps.push_back(Int(-3, 5));
    for (int i = Int(0, 3); i > 0; --i) bools.push_back(Coin());
    r["tags"] = tags;
    r["temps"] = temps;
    r["bools"] = bools;
    Json meta = Json::object();
    for (const char* key : {"a", "b", "arr", "s"}) {
      if (Coin(70)) meta[key] = JsonValue(0);
    }
    r["meta"] = meta;
    r["i8"] = Int(-128, 127);
    r["i16"] = Int(-5, 5);
    r["i64"] = Coin(10) ? Json(int64_t{9223372036854775807}) : Json(Int(-20, 20));
    r["vec"] = {0.5, 0.5, 0.5, 0.5};
    if (Coin(60)) r["color"] = Pick<std::string>({"red", "blue", "a"});
    if (Coin(50)) r["k"] = Scalar();
    return r;
  }

  // ---- filters ----
  std::string IntLit() { return std::to_string(Int(-4, 6)); }
  std::string NumLit() { return Coin() ? IntLit() : std::to_string(Int(-8, 8) * 0.25); }
  std::string StrLit() { return Json(Str()).dump(); }
  std::string AnyLit() {
    switch (Int(0, 3)) {
      case 0:
        return IntLit();
      case 1:
        return NumLit();
      case 2:
        return StrLit();
      default:
        return Coin() ? "true" : "false";
    }
  }
  std::string Op() { return Pick<std::string>({"==", "!=", "<", "<=", ">", ">="}); }
  std::string JsonPath() {
    return Pick<std::string>({"meta[\"a\"]", "meta[\"b\"]", "meta[\"a\"][\"a\"]",
                              "meta[\"arr\"][0]", "meta[\"arr\"][1]", "meta[\"s\"]", "k",
                              "$meta[\"k\"]", "meta[\"a\"][\"arr\"][0]", "meta[\"b\"][0]"});
  }
  std::string List(const std::function<std::string()>& lit) {
    std::string s = "[";
    for (int i = Int(1, 4); i > 0; --i) s += lit() + (i > 1 ? ", " : "");
    return s + "]";
  }
  std::string LikePattern() {
    return Json(Pick<std::string>(
                    {"a%", "%b", "%a%", "a_", "_", "%", "a\\\\%", "%_b%", "é", "_%", "a%b%", ""}))
        .dump();
  }

  std::string Leaf() {
    switch (Int(0, 17)) {
      case 0:
        return Pick<std::string>({"age", "i8", "i16", "i64", "id"}) + " " + Op() + " " + IntLit();
      case 1:
        return Pick<std::string>({"price", "score"}) + " " + Op() + " " + NumLit();
      case 2: {
        std::string lo = IntLit(), hi = IntLit();
        return lo + Pick<std::string>({" < ", " <= "}) + Pick<std::string>({"age", "i16", "i64"}) +
               Pick<std::string>({" < ", " <= "}) + hi;
      }
      case 3:
        return NumLit() + Pick<std::string>({" > ", " >= "}) +
               Pick<std::string>({"price", "score"}) + Pick<std::string>({" > ", " >= "}) +
               NumLit();
      case 4:
        return Pick<std::string>({"age", "i8", "i64", "temps[0]", "temps[2]"}) +
               (Coin() ? " in " : " not in ") + List([this] { return IntLit(); });
      case 5:
        return Pick<std::string>({"name", "tags[0]", "tags[1]"}) + (Coin() ? " in " : " not in ") +
               List([this] { return StrLit(); });
      case 6:
        return Pick<std::string>({"name", "tags[1]", "meta[\"a\"]", "k"}) + " like " +
               LikePattern();
      case 7:
        return Pick<std::string>({"name", "tags[0]"}) + " " + Op() + " " + StrLit();
      case 8:
        return JsonPath() + " " + Op() + " " + AnyLit();
      case 9:
        return JsonPath() + (Coin() ? " in " : " not in ") + List([this] { return AnyLit(); });
      case 10:
        return Pick<std::string>({"age", "name", "meta[\"a\"]", "color", "tags", "meta"}) +
               (Coin() ? " is null" : " is not null");
      case 11:
        return "exists " + JsonPath();
      case 12: {
        std::string fn = Pick<std::string>(
            {"array_contains", "json_contains", "array_contains_all", "array_contains_any"});
        bool one = fn == "array_contains" || fn == "json_contains";
        switch (Int(0, 2)) {
          case 0:
            return fn + "(temps, " + (one ? IntLit() : List([this] { return IntLit(); })) + ")";
          case 1:
            return fn + "(tags, " + (one ? StrLit() : List([this] { return StrLit(); })) + ")";
          default:
            return fn + "(" + Pick<std::string>({"meta[\"arr\"]", "meta[\"a\"]", "k"}) + ", " +
                   (one ? AnyLit() : List([this] { return AnyLit(); })) + ")";
        }
      }
      case 13:
        return "array_length(" + Pick<std::string>({"tags", "temps", "bools", "meta[\"arr\"]"}) +
               ") " + Op() + " " + std::to_string(Int(0, 4));
      case 14: {
        std::string op = Pick<std::string>({"+", "-", "*", "/", "%"});
        std::string k = std::to_string(Int(1, 4) * (Coin() ? 1 : -1));
        return Pick<std::string>({"age", "i8", "i64", "temps[1]", "meta[\"a\"]"}) + " " + op + " " +
               k + " " + Op() + " " + IntLit();
      }
      case 15: {
        std::string op = Pick<std::string>({"+", "-", "*", "/"});
        return Pick<std::string>({"price", "score", "meta[\"b\"]"}) + " " + op + " " +
               std::to_string(Int(1, 4) * 0.5) + " " + Op() + " " + NumLit();
      }
      case 16:
        return Pick<std::string>({"age", "i8", "i16", "i64", "price"}) + " " + Op() + " " +
               Pick<std::string>({"score", "age", "i16", "price", "i64"});
      default:
        return Pick<std::string>(
            {"flag", "bools[0]", "bools[1]", "flag == false", "bools[0] != true", "true", "false"});
    }
  }

  std::string Expr(int depth) {
    if (depth >= 3 || Coin(35)) return Leaf();
    switch (Int(0, 2)) {
      case 0:
        return "(" + Expr(depth + 1) + " and " + Expr(depth + 1) + ")";
      case 1:
        return "(" + Expr(depth + 1) + " or " + Expr(depth + 1) + ")";
      default:
        return "not (" + Expr(depth + 1) + ")";
    }
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace elanus::expr::testing
