// Test-only helpers for the evaluator tests: turns JSON rows into a NormalizedBatch the way the
// engine ingests them, and exposes it as ChunkViews split at given row offsets.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/bitset.h"
#include "expr/eval_reference.h"
#include "expr/evaluator.h"
#include "types/batch.h"
#include "types/column.h"

namespace elanus::expr::testing {

class ColumnarRows {
 public:
  // Builds the batch from `rows` (a JSON array of row objects). `splits`: chunk boundaries,
  // strictly increasing, inside (0, rows); chunks are [0, s0), [s0, s1), ..., [sk, rows).
  ColumnarRows(const CollectionSchema& schema, const nlohmann::json& rows,
               std::vector<size_t> splits)
      : schema_(schema), rows_(rows) {
    auto cols = types::RowsToColumns(schema, rows.dump());
    EXPECT_TRUE(cols.ok()) << cols.status().ToString();
    if (!cols.ok()) return;
    auto batch = types::NormalizeColumns(schema, *cols, [] { return int64_t{0}; });
    EXPECT_TRUE(batch.ok()) << batch.status().ToString();
    if (!batch.ok()) return;
    batch_ = std::move(batch).value();
    views_.resize(batch_.columns.size());
    for (size_t c = 0; c < batch_.columns.size(); ++c) {
      for (const std::string& s : batch_.columns[c].var) views_[c].push_back(s);
    }
    size_t begin = 0;
    splits.push_back(batch_.num_rows);
    for (size_t end : splits) {
      types::ChunkView chunk;
      chunk.row_begin = begin;
      chunk.rows = end - begin;
      for (size_t c = 0; c < schema.fields.size(); ++c) {
        const types::NormColumn& nc = batch_.columns[c];
        types::ColumnView v;
        size_t width = FixedWidth(schema.fields[c].type, schema.fields[c].dim);
        if (!nc.fixed.empty()) {
          v.fixed = reinterpret_cast<const uint8_t*>(nc.fixed.data()) + begin * width;
        }
        if (!views_[c].empty()) v.var = views_[c].data() + begin;
        if (!nc.valid.empty()) v.valid = nc.valid.data() + begin;
        chunk.columns.push_back(v);
      }
      chunks_.push_back(std::move(chunk));
      begin = end;
    }
  }

  size_t num_rows() const { return batch_.num_rows; }
  const std::vector<types::ChunkView>& chunks() const { return chunks_; }
  int64_t Id(size_t row) const { return rows_[row]["id"].get<int64_t>(); }

  // Row indices matched by the evaluator (over all chunks).
  std::vector<size_t> Evaluate(const Plan& plan) const {
    auto eval = Evaluator::Create(plan, schema_);
    EXPECT_TRUE(eval.ok()) << eval.status().ToString();
    if (!eval.ok()) return {};
    // Pad the bitset so that chunks never touch bits past their end.
    Bitset bits(num_rows() + 70);
    for (const auto& c : chunks_) {
      Status st = (*eval)->Evaluate(c, &bits);
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    std::vector<size_t> out;
    for (size_t i = 0; i < bits.size(); ++i) {
      if (bits.test(i)) out.push_back(i);
    }
    return out;
  }

  // Row indices matched by the reference interpreter.
  std::vector<size_t> Reference(const Plan& plan) const {
    std::vector<size_t> out;
    for (size_t i = 0; i < rows_.size(); ++i) {
      if (ReferenceEval(plan, schema_, rows_[i]) == Truth::kTrue) out.push_back(i);
    }
    return out;
  }

 private:
  const CollectionSchema& schema_;
  nlohmann::json rows_;
  types::NormalizedBatch batch_;
  std::vector<std::vector<std::string_view>> views_;
  std::vector<types::ChunkView> chunks_;
};

}  // namespace elanus::expr::testing
