// Engine: the write path (log, then apply), reads, flush, compaction and the maintenance thread.
#include <chrono>
#include <cstdio>

#include "engine/engine_impl.h"
#include "engine/filter.h"
#include "engine/read_path.h"
#include "engine/wal_record.h"

namespace elanus {

using engine::Collection;

namespace {

uint64_t SteadyMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

Status CheckKeys(const CollectionSchema& schema, const PrimaryKeys& ids) {
  const FieldSchema* pk = schema.PrimaryKey();
  bool str = pk->type == DataType::kVarChar;
  if (str ? !ids.ints.empty() : !ids.strings.empty()) {
    return Status::InvalidArgument(std::string("primary key '") + pk->name + "' is " +
                                   DataTypeName(pk->type) + "; the given keys are " +
                                   (str ? "integers" : "strings"));
  }
  return Status::OK();
}

}  // namespace

Result<MutationResult> Engine::Impl::Write(const std::string& db, const std::string& coll_name,
                                           const std::string& partition,
                                           const std::vector<FieldColumn>& data, bool upsert) {
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(db, coll_name));
  const CollectionSchema& schema = coll->schema();
  const FieldSchema* pk = schema.PrimaryKey();
  // Upsert into an auto_id collection: the given keys are replaced by rows with new keys.
  std::vector<FieldColumn> input;
  const std::vector<FieldColumn>* cols = &data;
  PrimaryKeys replaced;
  if (upsert && pk->auto_id) {
    bool found = false;
    for (const FieldColumn& c : data) {
      if (c.name == pk->name) {
        found = true;
        if (pk->type == DataType::kInt64)
          replaced.ints = c.ints;
        else
          replaced.strings = c.strings;
      } else {
        input.push_back(c);
      }
    }
    if (!found) {
      return Status::InvalidArgument("upsert needs the primary key '" + pk->name +
                                     "' of the rows to replace");
    }
    cols = &input;
  }
  ELANUS_ASSIGN_OR_RETURN(types::NormalizedBatch batch,
                          types::NormalizeColumns(schema, *cols, [this] {
                            return static_cast<int64_t>(clock_.Now());
                          }));
  if (upsert && pk->auto_id && replaced.size() != batch.num_rows) {
    return Status::InvalidArgument("upsert: " + std::to_string(replaced.size()) +
                                   " primary keys for " + std::to_string(batch.num_rows) + " rows");
  }
  ELANUS_ASSIGN_OR_RETURN(std::vector<int64_t> parts, coll->RoutePartitions(batch, partition));
  MutationResult result;
  result.ids = coll->KeysOf(batch);
  result.count = batch.num_rows;
  bool seal = false;
  {
    std::lock_guard<std::mutex> w(coll->write_mu());
    uint64_t ts = clock_.Now();
    std::string rec;
    bool explicit_delete = upsert && pk->auto_id;
    engine::EncodeWalHeader(
        {explicit_delete ? engine::WalType::kUpsert : engine::WalType::kInsert, coll->id(), ts},
        &rec);
    if (explicit_delete) engine::EncodeKeys(replaced, &rec);
    engine::EncodeInsert(parts, batch, &rec);
    ELANUS_ASSIGN_OR_RETURN(storage::Lsn lsn, storage_.log->Append(rec));
    if (explicit_delete) coll->ApplyDelete(ts, -1, replaced, lsn);
    coll->ApplyInsert(ts, parts, batch, lsn);
    result.timestamp = ts;
    seal = coll->NeedsSeal(SteadyMs());
  }
  if (seal) {
    std::lock_guard<std::mutex> l(maint_mu_);
    wake_ = true;
    maint_cv_.notify_all();
  }
  return result;
}

Result<MutationResult> Engine::Impl::Delete(const std::string& db, const std::string& coll_name,
                                            const std::string& partition, const PrimaryKeys& ids) {
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(db, coll_name));
  ELANUS_RETURN_IF_ERROR(CheckKeys(coll->schema(), ids));
  int64_t pid = -1;
  if (!partition.empty()) {
    ELANUS_ASSIGN_OR_RETURN(pid, coll->PartitionId(partition));
  }
  MutationResult result;
  result.ids = ids;
  result.count = ids.size();
  std::lock_guard<std::mutex> w(coll->write_mu());
  uint64_t ts = clock_.Now();
  std::string rec;
  engine::EncodeWalHeader({engine::WalType::kDelete, coll->id(), ts}, &rec);
  rec.append(reinterpret_cast<const char*>(&pid), 8);
  engine::EncodeKeys(ids, &rec);
  ELANUS_ASSIGN_OR_RETURN(storage::Lsn lsn, storage_.log->Append(rec));
  coll->ApplyDelete(ts, pid, ids, lsn);
  result.timestamp = ts;
  return result;
}

Status Engine::Impl::TruncateLog() {
  storage::Lsn bound = storage_.log->NextLsn();
  std::vector<std::shared_ptr<Collection>> all;
  {
    std::shared_lock l(catalog_mu_);
    for (const auto& [id, c] : colls_) all.push_back(c);
  }
  for (const auto& c : all) bound = std::min(bound, c->TruncationBound());
  return storage_.log->Truncate(bound);
}

Status Engine::Impl::Flush(const std::string& db, const std::string& coll_name) {
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(db, coll_name));
  ELANUS_RETURN_IF_ERROR(coll->Flush());
  WakeIndexBuilder();
  return TruncateLog();
}

Result<std::vector<CompactionPlan>> Engine::Impl::Compact(const std::string& db,
                                                          const std::string& coll_name,
                                                          const CompactOptions& options) {
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(db, coll_name));
  std::vector<CompactionPlan> plans;
  ELANUS_RETURN_IF_ERROR(coll->Compact(options, &plans, pool_.get()));
  WakeIndexBuilder();
  ELANUS_RETURN_IF_ERROR(TruncateLog());
  return plans;
}

Status Engine::Impl::CreateIndex(const std::string& db, const std::string& coll_name,
                                 const IndexParams& params) {
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(db, coll_name));
  ELANUS_RETURN_IF_ERROR(coll->AddIndex(params));
  WakeIndexBuilder();
  return Status::OK();
}

Status Engine::Impl::DropIndex(const std::string& db, const std::string& coll_name,
                               const std::string& name) {
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(db, coll_name));
  return coll->RemoveIndex(name);
}

Status Engine::Impl::WaitForIndexes(const std::string& db, const std::string& coll_name) {
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(db, coll_name));
  WakeIndexBuilder();
  for (;;) {
    bool done = true;
    for (const IndexInfo& info : coll->DescribeIndexes()) {
      if (!info.fail_reason.empty()) {
        return Status::Internal("building index '" + info.params.index_name +
                                "' failed: " + info.fail_reason);
      }
      done &= info.finished;
    }
    if (done) return Status::OK();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void Engine::Impl::WakeIndexBuilder() {
  std::lock_guard<std::mutex> l(build_mu_);
  build_wake_ = true;
  build_cv_.notify_all();
}

void Engine::Impl::IndexBuildLoop() {
  std::unique_lock<std::mutex> l(build_mu_);
  while (!build_stop_) {
    build_cv_.wait_for(l, std::chrono::seconds(1), [this] { return build_stop_ || build_wake_; });
    if (build_stop_) break;
    build_wake_ = false;
    l.unlock();
    std::vector<std::shared_ptr<Collection>> all;
    {
      std::shared_lock cl(catalog_mu_);
      for (const auto& [id, c] : colls_) all.push_back(c);
    }
    for (const auto& c : all) {
      for (const auto& [seg, def] : c->PendingIndexBuilds()) {
        {
          std::lock_guard<std::mutex> stop(build_mu_);
          if (build_stop_) return;
        }
        Status st = c->BuildIndex(seg, def, pool_.get());
        if (!st.ok()) {
          std::fprintf(stderr, "elanus: building index '%s' of collection %lld failed: %s\n",
                       def.name.c_str(), static_cast<long long>(c->id()), st.ToString().c_str());
        }
      }
      bool compact;
      {
        std::lock_guard<std::mutex> g(build_mu_);
        if (build_stop_) return;
        compact = compact_wanted_.erase(c->id()) > 0;
      }
      // After the pending builds, so the sources are indexed while the outputs are built.
      if (compact && c->sealed_segments() > options_.compact_min_segments) {
        Status st = c->Compact({}, nullptr, pool_.get());
        if (!st.ok()) {
          std::fprintf(stderr, "elanus: background compaction of collection %lld failed: %s\n",
                       static_cast<long long>(c->id()), st.ToString().c_str());
        }
      }
    }
    l.lock();
  }
}

void Engine::Impl::MaintenanceLoop() {
  std::unique_lock<std::mutex> l(maint_mu_);
  while (!stop_) {
    maint_cv_.wait_for(l, std::chrono::seconds(1), [this] { return stop_ || wake_; });
    if (stop_) break;
    wake_ = false;
    l.unlock();
    std::vector<std::shared_ptr<Collection>> all;
    {
      std::shared_lock cl(catalog_mu_);
      for (const auto& [id, c] : colls_) all.push_back(c);
    }
    bool flushed = false;
    for (const auto& c : all) {
      bool seal;
      {
        std::lock_guard<std::mutex> w(c->write_mu());
        seal = c->NeedsSeal(SteadyMs());
      }
      if (!seal) continue;
      Status st = c->Flush();
      if (!st.ok()) {
        std::fprintf(stderr, "elanus: background flush of collection %lld failed: %s\n",
                     static_cast<long long>(c->id()), st.ToString().c_str());
        continue;
      }
      flushed = true;
      if (options_.compact_min_segments > 0 &&
          c->sealed_segments() > options_.compact_min_segments) {
        std::lock_guard<std::mutex> g(build_mu_);
        compact_wanted_.insert(c->id());
      }
      WakeIndexBuilder();
    }
    if (flushed) {
      Status st = TruncateLog();
      if (!st.ok())
        std::fprintf(stderr, "elanus: log truncation failed: %s\n", st.ToString().c_str());
    }
    l.lock();
  }
}

Result<uint64_t> Engine::Impl::ReadTs(Collection& c, uint64_t requested) {
  if (requested == 0) return c.applied_ts();
  if (c.applied_ts() < requested) {
    // A write with a timestamp below `requested` may be in flight: wait for it to be applied.
    std::lock_guard<std::mutex> w(c.write_mu());
  }
  return requested;
}

Result<Engine::Impl::ReadContext> Engine::Impl::PrepareRead(
    engine::Collection& coll, const std::string& filter, const std::string& filter_params,
    const std::vector<std::string>& partitions, uint64_t snapshot_ts) {
  ReadContext ctx;
  ELANUS_ASSIGN_OR_RETURN(auto plan, engine::CompileFilter(coll.schema(), filter, filter_params));
  ELANUS_ASSIGN_OR_RETURN(ctx.ts, ReadTs(coll, snapshot_ts));
  bool none = false;
  auto parts = engine::PrunePartitions(coll, plan.get(), partitions, &none);
  if (!none) {
    ELANUS_ASSIGN_OR_RETURN(ctx.rs, coll.Read(parts));
  }
  // The cache key determines the plan: collection, schema (never altered in place), filter text
  // and its template parameters.
  std::string key = std::to_string(coll.id()) + '\0' + filter + '\0' + filter_params;
  ELANUS_ASSIGN_OR_RETURN(
      ctx.bits, engine::EvaluateFilter(plan.get(), coll.schema(), ctx.rs, pool_.get(),
                                       filter_cache_.enabled() ? &filter_cache_ : nullptr, key));
  ctx.filtered = plan != nullptr;
  return ctx;
}

Result<SearchResult> Engine::Impl::Search(const SearchRequest& in) {
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(in.db, in.collection));
  SearchRequest by_ids;
  if (in.query_ids) {
    by_ids = in;
    ELANUS_RETURN_IF_ERROR(FillQueriesFromIds(coll->schema(), &by_ids));
  }
  const SearchRequest& req = in.query_ids ? by_ids : in;
  engine::PreparedSearch prep;
  ELANUS_RETURN_IF_ERROR(engine::PrepareSearch(coll->schema(), coll->index_defs(), req, &prep));
  ELANUS_ASSIGN_OR_RETURN(ReadContext ctx, PrepareRead(*coll, req.filter, req.filter_params,
                                                       req.partitions, req.snapshot_ts));
  const engine::FilterBits* bits = ctx.filtered ? &ctx.bits : nullptr;
  if (!req.group_by_field.empty()) {
    return engine::ExecuteGroupedSearch(coll->schema(), coll->index_defs(), req, ctx.rs, bits,
                                        ctx.ts, pool_.get());
  }
  return engine::ExecuteSearch(coll->schema(), req, prep, ctx.rs, bits, ctx.ts, pool_.get());
}

Result<QueryResult> Engine::Impl::Query(const QueryRequest& req) {
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(req.db, req.collection));
  if (req.ids) ELANUS_RETURN_IF_ERROR(CheckKeys(coll->schema(), *req.ids));
  ELANUS_ASSIGN_OR_RETURN(ReadContext ctx, PrepareRead(*coll, req.filter, req.filter_params,
                                                       req.partitions, req.snapshot_ts));
  return engine::ExecuteQuery(coll->schema(), req, ctx.rs, ctx.filtered ? &ctx.bits : nullptr,
                              ctx.ts);
}

Result<FilterExplain> Engine::Impl::ExplainFilter(const QueryRequest& req) {
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(req.db, req.collection));
  ELANUS_ASSIGN_OR_RETURN(auto plan,
                          engine::CompileFilter(coll->schema(), req.filter, req.filter_params));
  bool none = false;
  auto parts = engine::PrunePartitions(*coll, plan.get(), req.partitions, &none);
  engine::ReadSet rs;
  if (!none) {
    ELANUS_ASSIGN_OR_RETURN(rs, coll->Read(parts));
  }
  return engine::EstimateFilter(plan.get(), coll->schema(), rs);
}

Result<MutationResult> Engine::Impl::DeleteByFilter(const std::string& db,
                                                    const std::string& coll_name,
                                                    const std::string& partition,
                                                    const std::string& filter,
                                                    const std::string& params) {
  ELANUS_ASSIGN_OR_RETURN(auto coll, Find(db, coll_name));
  if (filter.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::InvalidArgument("delete needs a filter expression or primary keys");
  }
  // Resolve the matching keys at the newest applied timestamp, then delete them by key.
  QueryRequest q;
  q.db = db;
  q.collection = coll_name;
  q.filter = filter;
  q.filter_params = params;
  if (!partition.empty()) q.partitions = {partition};
  ELANUS_ASSIGN_OR_RETURN(QueryResult r, Query(q));
  PrimaryKeys keys;
  keys.ints = std::move(r.fields[0].ints);
  keys.strings = std::move(r.fields[0].strings);
  if (keys.size() == 0) {
    MutationResult none;
    none.timestamp = coll->applied_ts();
    return none;
  }
  return Delete(db, coll_name, partition, keys);
}

}  // namespace elanus
