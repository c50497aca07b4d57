#include "storage/sqlite_db.h"

#include <sqlite3.h>

#include <cstdio>
#include <utility>

namespace elanus::storage {
namespace {

constexpr int kApplicationId = 0x454C4E53;  // "ELNS"
constexpr int kFormatVersion = 1;

constexpr const char* kSchema = R"sql(
  CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB);
  CREATE TABLE IF NOT EXISTS log(lsn INTEGER PRIMARY KEY, data BLOB);
  CREATE TABLE IF NOT EXISTS blobs(name TEXT PRIMARY KEY, data BLOB);
  CREATE TABLE IF NOT EXISTS elanus_info(key TEXT PRIMARY KEY, value INTEGER);
)sql";

Status StatusFromCode(int code, const std::string& path, std::string_view what,
                      const char* message) {
  std::string msg = path + ": " + std::string(what) + ": " + (message ? message : "unknown error");
  switch (code & 0xFF) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(std::move(msg));
    case SQLITE_FULL:
    case SQLITE_TOOBIG:
    case SQLITE_NOMEM:
      return Status::ResourceExhausted(std::move(msg));
    default:
      return Status::IOError(std::move(msg));
  }
}

}  // namespace

StmtScope::~StmtScope() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, bool sync) {
  sqlite3* handle = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &handle,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status st = StatusFromCode(rc, path, "open", handle ? sqlite3_errmsg(handle) : nullptr);
    sqlite3_close(handle);  // a no-op for null
    return st;
  }
  sqlite3_extended_result_codes(handle, 1);
  std::unique_ptr<SqliteDb> db(new SqliteDb(path, handle));
  std::lock_guard<std::mutex> lock(db->mu_);
  ELANUS_RETURN_IF_ERROR(db->Init(sync));
  return db;
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status SqliteDb::Init(bool sync) {
  // Any statement touching the file reports a non-database file as SQLITE_NOTADB.
  ELANUS_ASSIGN_OR_RETURN(const std::string mode, QueryText("PRAGMA journal_mode=WAL"));
  if (mode != "wal")
    return Status::IOError(path_ + ": could not enable WAL mode (got " + mode + ")");
  ELANUS_RETURN_IF_ERROR(Exec(sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF"));

  // Reads every page once: O(file size) at open, the price of reporting damage up front.
  ELANUS_ASSIGN_OR_RETURN(const std::string check, QueryText("PRAGMA quick_check"));
  if (check != "ok") return Status::Corruption(path_ + ": integrity check failed: " + check);

  ELANUS_ASSIGN_OR_RETURN(const std::string app_id, QueryText("PRAGMA application_id"));
  ELANUS_ASSIGN_OR_RETURN(const std::string version, QueryText("PRAGMA user_version"));
  ELANUS_ASSIGN_OR_RETURN(const std::string tables,
                          QueryText("SELECT count(*) FROM sqlite_schema"));
  if (app_id == "0" && tables == "0") {  // a new, empty database: make it ours
    char pragmas[128];
    std::snprintf(pragmas, sizeof(pragmas), "PRAGMA application_id=%d; PRAGMA user_version=%d;",
                  kApplicationId, kFormatVersion);
    return Transaction("creating the schema", [&]() -> Status {
      ELANUS_RETURN_IF_ERROR(Exec(pragmas));
      return Exec(kSchema);
    });
  }
  if (app_id != std::to_string(kApplicationId)) {
    return Status::InvalidArgument(path_ + " is a SQLite database but not an Elanus file " +
                                   "(application_id " + app_id + ")");
  }
  if (version != std::to_string(kFormatVersion)) {
    return Status::NotSupported(path_ + ": Lite format version " + version + " (this build reads " +
                                std::to_string(kFormatVersion) + ")");
  }
  return Exec(kSchema);  // no-op unless a table was dropped by hand
}

Status SqliteDb::Exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::OK();
  Status st = StatusFromCode(rc, path_, sql, err ? err : sqlite3_errmsg(db_));
  sqlite3_free(err);
  return st;
}

Result<sqlite3_stmt*> SqliteDb::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return StatusFromCode(rc, path_, sql, sqlite3_errmsg(db_));
  statements_.emplace(sql, stmt);
  return stmt;
}

Status SqliteDb::StepDone(sqlite3_stmt* stmt, std::string_view what) {
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE) return Status::OK();
  return StatusFromCode(rc, path_, what, sqlite3_errmsg(db_));
}

Status SqliteDb::LastError(std::string_view what) const {
  return StatusFromCode(sqlite3_extended_errcode(db_), path_, what, sqlite3_errmsg(db_));
}

Result<std::string> SqliteDb::QueryText(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return StatusFromCode(rc, path_, sql, sqlite3_errmsg(db_));
  rc = sqlite3_step(stmt);
  std::string out;
  if (rc == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    if (text) out.assign(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, 0));
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  }
  Status st = rc == SQLITE_OK ? Status::OK() : StatusFromCode(rc, path_, sql, sqlite3_errmsg(db_));
  sqlite3_finalize(stmt);
  if (!st.ok()) return st;
  return out;
}

}  // namespace elanus::storage
