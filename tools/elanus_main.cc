// The `elanus` command line. Until the server lands, `elanus demo` exercises the engine through
// the public C++ API: create a collection in a data directory, insert vectors, search, print.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "elanus/engine.h"
#ifdef ELANUS_HAVE_SERVER
#include "server/serve.h"
#endif

namespace {

int Fail(const elanus::Status& st, const char* what) {
  std::fprintf(stderr, "elanus: %s: %s\n", what, st.ToString().c_str());
  return 1;
}

int Demo(const std::string& dir, int rows, int dim) {
  using namespace elanus;
  EngineOptions opts;
  opts.path = dir;
  auto engine = Engine::Open(opts);
  if (!engine.ok()) return Fail(engine.status(), "opening the data directory");
  Engine& e = **engine;

  const std::string name = "demo";
  auto has = e.HasCollection(kDefaultDatabase, name);
  if (!has.ok()) return Fail(has.status(), "has_collection");
  if (!*has) {
    CollectionSchema schema;
    schema.name = name;
    FieldSchema id{.name = "id", .type = DataType::kInt64, .is_primary_key = true};
    FieldSchema vec{.name = "vector", .type = DataType::kFloatVector, .dim = dim};
    FieldSchema color{.name = "color", .type = DataType::kVarChar, .max_length = 16};
    schema.fields = {id, vec, color};
    Status st = e.CreateCollection(kDefaultDatabase, schema);
    if (!st.ok()) return Fail(st, "create_collection");
    std::printf("created collection '%s' (dim %d) in %s\n", name.c_str(), dim, dir.c_str());
  }
  auto stats = e.GetCollectionStats(kDefaultDatabase, name);
  if (!stats.ok()) return Fail(stats.status(), "stats");
  int64_t base = static_cast<int64_t>(stats->row_count);
  std::printf("rows before insert: %lld\n", static_cast<long long>(base));

  std::mt19937 rng(42);
  std::normal_distribution<float> nd;
  const char* colors[] = {"red", "green", "blue"};
  auto t0 = std::chrono::steady_clock::now();
  const int batch = 1000;
  for (int start = 0; start < rows; start += batch) {
    int n = std::min(batch, rows - start);
    FieldColumn id{.name = "id", .type = DataType::kInt64};
    FieldColumn vec{.name = "vector", .type = DataType::kFloatVector, .dim = dim};
    FieldColumn color{.name = "color", .type = DataType::kVarChar};
    for (int i = 0; i < n; ++i) {
      id.ints.push_back(base + start + i);
      for (int d = 0; d < dim; ++d) vec.floats.push_back(nd(rng));
      color.strings.push_back(colors[(start + i) % 3]);
    }
    auto r = e.Insert(kDefaultDatabase, name, "", {id, vec, color});
    if (!r.ok()) return Fail(r.status(), "insert");
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("inserted %d rows in %.2f s (%.0f rows/s, each batch of %d fsynced)\n", rows, secs,
              rows / secs, batch);

  SearchRequest req;
  req.collection = name;
  req.queries = FieldColumn{.type = DataType::kFloatVector, .dim = dim};
  for (int d = 0; d < dim; ++d) req.queries.floats.push_back(nd(rng));
  req.metric = MetricType::kL2;
  req.limit = 5;
  req.output_fields = {"color"};
  auto res = e.Search(req);
  if (!res.ok()) return Fail(res.status(), "search");
  std::printf("top-%lld by L2 for a random query:\n", static_cast<long long>(res->topks[0]));
  for (int64_t k = 0; k < res->topks[0]; ++k) {
    std::printf("  id=%-8lld distance=%.4f color=%s\n", static_cast<long long>(res->ids.ints[k]),
                res->scores[k], res->fields[0].strings[k].c_str());
  }
  QueryRequest q;
  q.collection = name;
  q.output_fields = {"count(*)"};
  auto count = e.Query(q);
  if (!count.ok()) return Fail(count.status(), "count");
  std::printf("count(*) = %lld\n", static_cast<long long>(count->fields[0].ints[0]));
  Status st = e.Flush(kDefaultDatabase, name);
  if (!st.ok()) return Fail(st, "flush");
  std::printf("flushed to sealed segments; run again to see the data persist\n");
  return 0;
}

void Usage() {
  std::fprintf(stderr,
               "usage: elanus demo [--data-dir DIR] [--rows N] [--dim D]\n"
               "       elanus serve [--port P] [--data-dir DIR] ...  (see elanus serve --help)\n"
               "  demo   create a collection in DIR (default ./elanus-data), insert N vectors\n"
               "         (default 10000, dim 128), run a search and a count, flush\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    Usage();
    return 2;
  }
  std::string cmd = argv[1];
#ifdef ELANUS_HAVE_SERVER
  if (cmd == "serve") return elanus::server::RunServe(argc - 1, argv + 1);
#endif
  std::string dir = "./elanus-data";
  int rows = 10000, dim = 128;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--data-dir")
      dir = next();
    else if (a == "--rows")
      rows = std::atoi(next());
    else if (a == "--dim")
      dim = std::atoi(next());
    else {
      Usage();
      return 2;
    }
  }
  if (cmd == "demo") return Demo(dir, rows, dim);
  Usage();
  return 2;
}
