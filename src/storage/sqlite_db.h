// SqliteDb: the one SQLite connection behind the Lite (single-file) backend, shared by its
// MetaStore, Log and BlobStore. Opening it sets the pragmas, checks the file's integrity and
// creates the schema:
//   meta(key TEXT PRIMARY KEY, value BLOB)
//   log(lsn INTEGER PRIMARY KEY, data BLOB)
//   blobs(name TEXT PRIMARY KEY, data BLOB)
//   elanus_info(key TEXT PRIMARY KEY, value INTEGER)   -- 'log_floor': NextLsn survives truncation
// with PRAGMA application_id = 'ELNS' and user_version = format version.
//
// Thread-safety: the connection is not thread-safe by itself; every use must hold mu(). Statements
// from Prepare stay owned by the SqliteDb (cached); wrap each use in a StmtScope.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "elanus/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace elanus::storage {

class SqliteDb {
 public:
  // Corruption (naming path) if the file is not a SQLite database or fails PRAGMA quick_check;
  // InvalidArgument if it is another application's database.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, bool sync);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  std::mutex& mu() { return mu_; }
  const std::string& path() const { return path_; }

  // All below: mu() must be held.
  Status Exec(const char* sql);
  // A cached prepared statement (reset, no bindings).
  Result<sqlite3_stmt*> Prepare(const char* sql);
  // Steps stmt expecting SQLITE_DONE.
  Status StepDone(sqlite3_stmt* stmt, std::string_view what);
  // Runs body in BEGIN IMMEDIATE ... COMMIT, rolling back if body or the commit fails.
  template <typename Fn>
  Status Transaction(std::string_view what, Fn&& body) {
    ELANUS_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Status st = body();
    if (st.ok()) st = Exec("COMMIT");
    if (!st.ok()) {
      (void)Exec("ROLLBACK");
      return st.WithContext(what);
    }
    return st;
  }
  // The connection's last error as a Status (Corruption, ResourceExhausted or IOError).
  Status LastError(std::string_view what) const;

 private:
  SqliteDb(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  Status Init(bool sync);
  Result<std::string> QueryText(const char* sql);  // first column of the first row

  const std::string path_;
  std::mutex mu_;
  sqlite3* db_;                                      // guarded by mu_
  std::map<std::string, sqlite3_stmt*> statements_;  // guarded by mu_
};

// Resets a cached statement (ending its read, clearing bindings) when the scope ends.
class StmtScope {
 public:
  explicit StmtScope(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~StmtScope();
  StmtScope(const StmtScope&) = delete;
  StmtScope& operator=(const StmtScope&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

}  // namespace elanus::storage
