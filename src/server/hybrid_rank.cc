#include "server/hybrid_rank.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace elanus::server {
namespace {

constexpr double kPi = 3.14159265358979323846;

bool IsDistance(MetricType m) {
  return m == MetricType::kL2 || m == MetricType::kHamming || m == MetricType::kJaccard;
}

double Normalize(MetricType m, double s) {
  if (m == MetricType::kCosine) return (1 + s) / 2;
  if (IsDistance(m)) return 1 - 2 * std::atan(s) / kPi;
  return 0.5 + std::atan(s) / kPi;  // IP (and anything unbounded above)
}

// A primary key of either type; ints order before strings (a collection has one type anyway).
struct Key {
  bool is_string = false;
  int64_t i = 0;
  std::string s;
  bool operator<(const Key& o) const {
    if (is_string != o.is_string) return !is_string;
    return is_string ? s < o.s : i < o.i;
  }
};

Key KeyAt(const PrimaryKeys& ids, size_t row) {
  Key k;
  if (!ids.strings.empty()) {
    k.is_string = true;
    k.s = ids.strings[row];
  } else {
    k.i = ids.ints[row];
  }
  return k;
}

}  // namespace

Result<RankerParams> ParseRanker(const std::string& strategy, const std::string& params_json) {
  RankerParams r;
  nlohmann::json p = nlohmann::json::object();
  if (!params_json.empty()) {
    p = nlohmann::json::parse(params_json, nullptr, false);
    if (!p.is_object()) {
      return Status::InvalidArgument("ranker params '" + params_json + "' is not a JSON object");
    }
  }
  std::string s = strategy;
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  if (s.empty() || s == "rrf") {
    r.strategy = RankStrategy::kRrf;
    if (p.contains("k")) {
      if (!p["k"].is_number()) return Status::InvalidArgument("rrf ranker: k must be a number");
      r.k = p["k"].get<double>();
    }
    if (!(r.k > 0 && r.k < 16384)) {
      return Status::InvalidArgument("rrf ranker: k = " + std::to_string(r.k) +
                                     " is out of range (0, 16384)");
    }
    return r;
  }
  if (s != "weighted") {
    return Status::InvalidArgument("ranker strategy '" + strategy +
                                   "' is not supported: expected rrf or weighted");
  }
  r.strategy = RankStrategy::kWeighted;
  if (!p.contains("weights") || !p["weights"].is_array())
    return Status::InvalidArgument("weighted ranker: params.weights must be a list of numbers");
  for (const auto& w : p["weights"]) {
    if (!w.is_number())
      return Status::InvalidArgument("weighted ranker: weight " + w.dump() + " is not a number");
    double v = w.get<double>();
    if (!(v >= 0 && v <= 1)) {
      return Status::InvalidArgument("weighted ranker: weight " + w.dump() +
                                     " is out of range [0, 1]");
    }
    r.weights.push_back(v);
  }
  if (p.contains("norm_score")) {
    if (!p["norm_score"].is_boolean())
      return Status::InvalidArgument("weighted ranker: norm_score must be true or false");
    r.norm_score = p["norm_score"].get<bool>();
  }
  return r;
}

Result<std::vector<std::vector<FusedHit>>> FuseHits(const RankerParams& ranker,
                                                    const std::vector<SearchResult>& subs,
                                                    const std::vector<MetricType>& metrics,
                                                    int64_t limit, int64_t offset) {
  if (subs.empty()) return Status::InvalidArgument("hybrid search needs at least one request");
  if (ranker.strategy == RankStrategy::kWeighted && ranker.weights.size() != subs.size()) {
    return Status::InvalidArgument("weighted ranker: " + std::to_string(ranker.weights.size()) +
                                   " weights for " + std::to_string(subs.size()) +
                                   " search requests; give one weight per request");
  }
  size_t nq = subs[0].nq;
  for (const SearchResult& s : subs) {
    if (s.nq != nq)
      return Status::InvalidArgument("hybrid search requests must have the same number of queries");
  }
  bool all_distance = true, any_distance = false;
  for (MetricType m : metrics) {
    all_distance &= IsDistance(m);
    any_distance |= IsDistance(m);
  }
  // Raw weighted distances rank ascending; everything else descending.
  bool ascending = ranker.strategy == RankStrategy::kWeighted && !ranker.norm_score && all_distance;

  std::vector<std::vector<FusedHit>> out(nq);
  std::vector<size_t> starts(subs.size(), 0);
  for (size_t q = 0; q < nq; ++q) {
    std::map<Key, FusedHit> fused;
    std::map<Key, double> scores;
    for (size_t i = 0; i < subs.size(); ++i) {
      const SearchResult& s = subs[i];
      size_t n = q < s.topks.size() ? static_cast<size_t>(s.topks[q]) : 0;
      for (size_t j = 0; j < n; ++j) {
        size_t row = starts[i] + j;
        Key key = KeyAt(s.ids, row);
        double contribution;
        if (ranker.strategy == RankStrategy::kRrf) {
          contribution = 1.0 / (ranker.k + static_cast<double>(j + 1));
        } else {
          double v = s.scores[row];
          bool norm =
              ranker.norm_score || (any_distance && !all_distance && IsDistance(metrics[i]));
          contribution = ranker.weights[i] * (norm ? Normalize(metrics[i], v) : v);
        }
        scores[key] += contribution;
        fused.emplace(key, FusedHit{i, row, 0});
      }
      starts[i] += n;
    }
    std::vector<std::pair<Key, FusedHit>> ranked;
    ranked.reserve(fused.size());
    for (auto& [key, hit] : fused) {
      hit.score = static_cast<float>(scores[key]);
      ranked.emplace_back(key, hit);
    }
    // `ranked` is in key order already, so a stable sort by score breaks ties on the smaller key.
    std::stable_sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
      return ascending ? a.second.score < b.second.score : a.second.score > b.second.score;
    });
    size_t from = std::min(ranked.size(), static_cast<size_t>(std::max<int64_t>(offset, 0)));
    size_t to = std::min(ranked.size(), from + static_cast<size_t>(std::max<int64_t>(limit, 0)));
    for (size_t r = from; r < to; ++r) out[q].push_back(ranked[r].second);
  }
  return out;
}

}  // namespace elanus::server
