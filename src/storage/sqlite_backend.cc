// OpenSingleFile: the Lite backend. MetaStore, Log and BlobStore as tables of one SQLite file
// (see sqlite_db.h), sharing one connection. Each Commit, Put and Delete is one transaction; log
// appends are group-committed, one transaction per batch. A sidecar "<path>.lock" (Env::LockFile)
// keeps other processes out for the bundle's lifetime.
//
// Thread-safety: all three stores are thread-safe; they serialize on the connection's mutex.
#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "storage/blob_name.h"
#include "storage/group_commit.h"
#include "storage/sqlite_db.h"
#include "storage/storage.h"

namespace elanus::storage {
namespace {

// Binds bytes as a BLOB (never NULL, even when empty) or TEXT.
int BindBlob(sqlite3_stmt* stmt, int index, std::string_view v) {
  return sqlite3_bind_blob64(stmt, index, v.empty() ? "" : v.data(), v.size(), SQLITE_TRANSIENT);
}
int BindText(sqlite3_stmt* stmt, int index, std::string_view v) {
  return sqlite3_bind_text64(stmt, index, v.empty() ? "" : v.data(), v.size(), SQLITE_TRANSIENT,
                             SQLITE_UTF8);
}
std::string ColumnBytes(sqlite3_stmt* stmt, int col) {
  const void* p = sqlite3_column_blob(stmt, col);
  const int n = sqlite3_column_bytes(stmt, col);
  return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), n);
}
bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

class SqliteMetaStore final : public MetaStore {
 public:
  explicit SqliteMetaStore(std::shared_ptr<SqliteDb> db) : db_(std::move(db)) {}

  Result<std::optional<std::string>> Get(const std::string& key) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    ELANUS_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                            db_->Prepare("SELECT value FROM meta WHERE key = ?1"));
    StmtScope scope(stmt);
    BindText(stmt, 1, key);
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) return std::optional<std::string>(ColumnBytes(stmt, 0));
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    return db_->LastError("reading meta key");
  }

  Result<std::vector<std::pair<std::string, std::string>>> Scan(
      const std::string& prefix) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    ELANUS_ASSIGN_OR_RETURN(
        sqlite3_stmt * stmt,
        db_->Prepare("SELECT key, value FROM meta WHERE key >= ?1 ORDER BY key"));
    StmtScope scope(stmt);
    BindText(stmt, 1, prefix);
    std::vector<std::pair<std::string, std::string>> out;
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return db_->LastError("scanning meta");
      std::string key = ColumnBytes(stmt, 0);
      if (!StartsWith(key, prefix)) break;  // keys sort bytewise, so the matches are contiguous
      out.emplace_back(std::move(key), ColumnBytes(stmt, 1));
    }
    return out;
  }

  Status Commit(const std::vector<MetaOp>& ops) override {
    if (ops.empty()) return Status::OK();
    std::lock_guard<std::mutex> lock(db_->mu());
    return db_->Transaction("committing meta", [&]() -> Status {
      for (const MetaOp& op : ops) {
        const char* sql = op.value ? "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)"
                                   : "DELETE FROM meta WHERE key = ?1";
        ELANUS_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, db_->Prepare(sql));
        StmtScope scope(stmt);
        BindText(stmt, 1, op.key);
        if (op.value) BindBlob(stmt, 2, *op.value);
        ELANUS_RETURN_IF_ERROR(db_->StepDone(stmt, "writing meta key"));
      }
      return Status::OK();
    });
  }

 private:
  const std::shared_ptr<SqliteDb> db_;
};

class SqliteLog final : public Log {
 public:
  static Result<std::unique_ptr<SqliteLog>> Open(std::shared_ptr<SqliteDb> db) {
    Lsn next = 1;
    {
      std::lock_guard<std::mutex> lock(db->mu());
      ELANUS_ASSIGN_OR_RETURN(
          sqlite3_stmt * stmt,
          db->Prepare("SELECT max(coalesce((SELECT max(lsn) FROM log), 0) + 1, coalesce("
                      "(SELECT value FROM elanus_info WHERE key = 'log_floor'), 1))"));
      StmtScope scope(stmt);
      if (sqlite3_step(stmt) != SQLITE_ROW) return db->LastError("reading the next LSN");
      next = static_cast<Lsn>(sqlite3_column_int64(stmt, 0));
    }
    return std::make_unique<SqliteLog>(std::move(db), next);
  }

  SqliteLog(std::shared_ptr<SqliteDb> db, Lsn next)
      : db_(std::move(db)), committer_(next, [this](Lsn first, const auto& records) {
          return WriteBatch(first, records);
        }) {}

  Result<Lsn> Append(std::string_view record) override { return committer_.Append(record); }

  Status Replay(Lsn from, const std::function<Status(Lsn, std::string_view)>& fn) override {
    // Read in chunks and call fn without the connection lock, so fn may use the other stores.
    constexpr int kChunkRows = 256;
    const Lsn end = NextLsn();
    std::vector<std::pair<Lsn, std::string>> chunk;
    for (Lsn cursor = from; cursor < end;) {
      chunk.clear();
      {
        std::lock_guard<std::mutex> lock(db_->mu());
        ELANUS_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                                db_->Prepare("SELECT lsn, data FROM log WHERE lsn >= ?1 AND "
                                             "lsn < ?2 ORDER BY lsn LIMIT ?3"));
        StmtScope scope(stmt);
        sqlite3_bind_int64(stmt, 1, static_cast<sqlite3_int64>(cursor));
        sqlite3_bind_int64(stmt, 2, static_cast<sqlite3_int64>(end));
        sqlite3_bind_int(stmt, 3, kChunkRows);
        for (;;) {
          const int rc = sqlite3_step(stmt);
          if (rc == SQLITE_DONE) break;
          if (rc != SQLITE_ROW) return db_->LastError("replaying the log");
          chunk.emplace_back(static_cast<Lsn>(sqlite3_column_int64(stmt, 0)), ColumnBytes(stmt, 1));
        }
      }
      if (chunk.empty()) break;
      for (const auto& [lsn, data] : chunk) ELANUS_RETURN_IF_ERROR(fn(lsn, data));
      cursor = chunk.back().first + 1;
    }
    return Status::OK();
  }

  Status Truncate(Lsn upto) override {
    // Remember how far LSNs have gone, in case every row is deleted.
    const Lsn floor = std::min(upto, NextLsn());
    std::lock_guard<std::mutex> lock(db_->mu());
    return db_->Transaction("truncating the log", [&]() -> Status {
      ELANUS_ASSIGN_OR_RETURN(sqlite3_stmt * del, db_->Prepare("DELETE FROM log WHERE lsn < ?1"));
      StmtScope del_scope(del);
      sqlite3_bind_int64(del, 1, static_cast<sqlite3_int64>(upto));
      ELANUS_RETURN_IF_ERROR(db_->StepDone(del, "deleting log records"));
      ELANUS_ASSIGN_OR_RETURN(
          sqlite3_stmt * put,
          db_->Prepare("INSERT INTO elanus_info(key, value) VALUES('log_floor', ?1) "
                       "ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)"));
      StmtScope put_scope(put);
      sqlite3_bind_int64(put, 1, static_cast<sqlite3_int64>(floor));
      return db_->StepDone(put, "recording the log floor");
    });
  }

  Lsn NextLsn() const override { return committer_.NextLsn(); }

 private:
  Status WriteBatch(Lsn first, const std::vector<std::string_view>& records) {
    std::lock_guard<std::mutex> lock(db_->mu());
    return db_->Transaction("appending to the log", [&]() -> Status {
      ELANUS_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                              db_->Prepare("INSERT INTO log(lsn, data) VALUES(?1, ?2)"));
      for (size_t i = 0; i < records.size(); ++i) {
        StmtScope scope(stmt);
        sqlite3_bind_int64(stmt, 1, static_cast<sqlite3_int64>(first + i));
        BindBlob(stmt, 2, records[i]);
        ELANUS_RETURN_IF_ERROR(db_->StepDone(stmt, "inserting a log record"));
      }
      return Status::OK();
    });
  }

  const std::shared_ptr<SqliteDb> db_;
  GroupCommitter committer_;
};

class OwnedBlob final : public Blob {
 public:
  explicit OwnedBlob(std::string data) : data_(std::move(data)) {}
  std::string_view data() const override { return data_; }

 private:
  std::string data_;
};

class SqliteBlobStore final : public BlobStore {
 public:
  explicit SqliteBlobStore(std::shared_ptr<SqliteDb> db) : db_(std::move(db)) {}

  Status Put(const std::string& name, std::string_view data) override {
    ELANUS_RETURN_IF_ERROR(ValidateBlobName(name));
    std::lock_guard<std::mutex> lock(db_->mu());
    return db_->Transaction("putting blob " + name, [&]() -> Status {
      ELANUS_ASSIGN_OR_RETURN(
          sqlite3_stmt * stmt,
          db_->Prepare("INSERT OR REPLACE INTO blobs(name, data) VALUES(?1, ?2)"));
      StmtScope scope(stmt);
      BindText(stmt, 1, name);
      if (BindBlob(stmt, 2, data) != SQLITE_OK) return db_->LastError("binding blob data");
      return db_->StepDone(stmt, "writing blob");
    });
  }

  Result<std::unique_ptr<Blob>> Get(const std::string& name) override {
    ELANUS_RETURN_IF_ERROR(ValidateBlobName(name));
    std::lock_guard<std::mutex> lock(db_->mu());
    ELANUS_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                            db_->Prepare("SELECT data FROM blobs WHERE name = ?1"));
    StmtScope scope(stmt);
    BindText(stmt, 1, name);
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return Status::NotFound("blob " + name + " not found");
    if (rc != SQLITE_ROW) return db_->LastError("reading blob " + name);
    return std::unique_ptr<Blob>(std::make_unique<OwnedBlob>(ColumnBytes(stmt, 0)));
  }

  Status Delete(const std::string& name) override {
    ELANUS_RETURN_IF_ERROR(ValidateBlobName(name));
    std::lock_guard<std::mutex> lock(db_->mu());
    ELANUS_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, db_->Prepare("DELETE FROM blobs WHERE name = ?1"));
    StmtScope scope(stmt);
    BindText(stmt, 1, name);
    return db_->StepDone(stmt, "deleting blob " + name);
  }

  Result<std::vector<std::string>> List(const std::string& prefix) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    ELANUS_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                            db_->Prepare("SELECT name FROM blobs WHERE name >= ?1 ORDER BY name"));
    StmtScope scope(stmt);
    BindText(stmt, 1, prefix);
    std::vector<std::string> out;
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return db_->LastError("listing blobs");
      std::string name = ColumnBytes(stmt, 0);
      if (!StartsWith(name, prefix)) break;
      out.push_back(std::move(name));
    }
    return out;
  }

 private:
  const std::shared_ptr<SqliteDb> db_;
};

}  // namespace

Result<Storage> OpenSingleFile(const std::string& path, const LogOptions& options) {
  if (path.empty()) return Status::InvalidArgument("single-file path must not be empty");
  Storage storage;
  ELANUS_ASSIGN_OR_RETURN(storage.lock, Env::Default()->LockFile(path + ".lock"));
  ELANUS_ASSIGN_OR_RETURN(std::shared_ptr<SqliteDb> db, SqliteDb::Open(path, options.sync));
  ELANUS_ASSIGN_OR_RETURN(storage.log, SqliteLog::Open(db));
  storage.meta = std::make_unique<SqliteMetaStore>(db);
  storage.blobs = std::make_unique<SqliteBlobStore>(db);
  storage.mmap_blobs = false;
  return storage;
}

}  // namespace elanus::storage
