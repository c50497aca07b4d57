// Hybrid search fusion: merges the ranked hit lists of several ANN searches into one ranking.
//
//   RRF       score = sum_i 1 / (k + rank_i), ranks from 1; k in (0, 16384), default 60.
//   Weighted  score = sum_i w_i * norm_i(s_i), one weight in [0, 1] per sub-search. With
//             norm_score: IP 0.5 + atan(s)/pi, COSINE (1 + s)/2, distances (L2, HAMMING,
//             JACCARD) 1 - 2 atan(d)/pi. Without it scores are summed raw, except that
//             distances still go through their formula when metrics are mixed; if every
//             sub-search is a distance, smaller fused scores rank first.
// Ties break on the smaller primary key; offset and limit apply after fusion. Pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "elanus/engine.h"

namespace elanus::server {

enum class RankStrategy { kRrf, kWeighted };

struct RankerParams {
  RankStrategy strategy = RankStrategy::kRrf;
  double k = 60;
  std::vector<double> weights;
  bool norm_score = true;
};

// `strategy` is "rrf" or "weighted" (empty: rrf); `params_json` the ranker's params object
// ({"k": 60} or {"weights": [..], "norm_score": true}). Checks k's range and each weight; the
// weight count is checked by FuseHits.
Result<RankerParams> ParseRanker(const std::string& strategy, const std::string& params_json);

// A fused hit: where its key and output row come from (the first sub-search that returned it).
struct FusedHit {
  size_t source = 0;  // index of the sub-search
  size_t row = 0;     // flat hit index in that sub-search's result
  float score = 0;
};

// Fuses `subs` (each with the same nq, hits best first) per query. `metrics[i]` is sub-search
// i's metric. Returns, per query, the hits ranked [offset, offset + limit).
Result<std::vector<std::vector<FusedHit>>> FuseHits(const RankerParams& ranker,
                                                    const std::vector<SearchResult>& subs,
                                                    const std::vector<MetricType>& metrics,
                                                    int64_t limit, int64_t offset);

}  // namespace elanus::server
