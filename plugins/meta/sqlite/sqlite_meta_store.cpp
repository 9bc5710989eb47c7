#include "sqlite_meta_store.h"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <system_error>

namespace cairn::meta {
namespace {

// How long a statement waits for a lock held by another process (e.g. an admin tool) before
// failing with Unavailable.
constexpr int kBusyTimeoutMs = 5000;

Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string what = std::string(sql) + (err != nullptr ? std::string(" (") + err + ")" : "");
  sqlite3_free(err);
  return SqliteStatus(db, rc, what);
}

// Returns the first column of the first row of `sql`, or nullopt when there is no row.
Result<std::optional<std::string>> QueryOne(sqlite3* db, const char* sql) {
  SqliteStatement stmt;
  CAIRN_RETURN_IF_ERROR(stmt.Prepare(db, sql));
  int rc = stmt.Step();
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return SqliteStatus(db, rc, sql);
  return std::optional<std::string>(std::string(stmt.Column(0)));
}

Status SetUpConnection(sqlite3* db) {
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  auto mode = QueryOne(db, "PRAGMA journal_mode=WAL");
  if (!mode.ok()) return mode.status();
  if (!mode->has_value() || **mode != "wal") {
    return Status::IOError("cannot switch the journal to WAL mode");
  }
  // FULL also syncs the WAL on every commit: an acknowledged commit survives power loss.
  return Exec(db, "PRAGMA synchronous=FULL");
}

// Creates the schema in an empty database, or checks the format marker of an existing one.
Status CheckOrCreateFormat(sqlite3* db, const std::string& path) {
  CAIRN_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
  auto check = [&]() -> Status {
    auto has_meta =
        QueryOne(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'");
    if (!has_meta.ok()) return has_meta.status();
    if (has_meta->value_or("0") != "0") {
      auto format = QueryOne(db, "SELECT value FROM meta WHERE name = 'format'");
      if (!format.ok()) return format.status();
      if (!format->has_value()) {
        return Status::Corruption(path + ": the meta table has no format marker");
      }
      if (**format != kSqliteMetaFormat) {
        return Status::InvalidArgument(path + ": unknown metadata format '" + **format +
                                       "' (this build reads " + kSqliteMetaFormat + ")");
      }
      return Status::Ok();
    }
    auto tables = QueryOne(db, "SELECT count(*) FROM sqlite_schema");
    if (!tables.ok()) return tables.status();
    if (tables->value_or("0") != "0") {
      return Status::Corruption(path + ": not a Cairn metadata store (no format marker)");
    }
    CAIRN_RETURN_IF_ERROR(Exec(db,
                               "CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
                               "CREATE TABLE kv(key BLOB PRIMARY KEY, value BLOB NOT NULL) "
                               "WITHOUT ROWID;"));
    return Exec(db, (std::string("INSERT INTO meta(name, value) VALUES('format', '") +
                     kSqliteMetaFormat + "')")
                        .c_str());
  };
  Status st = check();
  if (!st.ok()) {
    Exec(db, "ROLLBACK");
    return st;
  }
  return Exec(db, "COMMIT");
}

bool ValidTxn(const Txn& txn) {
  for (const auto& c : txn.conditions) {
    if (c.kind != TxnCondition::kExists && c.kind != TxnCondition::kNotExists &&
        c.kind != TxnCondition::kValueEquals) {
      return false;
    }
  }
  for (const auto& op : txn.ops) {
    if (op.kind != TxnOp::kPut && op.kind != TxnOp::kDelete) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<SqliteMetaStore>> SqliteMetaStore::Create(
    const sdk::PluginContext& context) {
  std::filesystem::path path(context.GetString("path").value_or(kSqliteDefaultPath));
  if (path.empty()) return Status::InvalidArgument("meta/sqlite: `path` is empty");
  if (path.is_relative()) path = std::filesystem::path(context.DataDir()) / path;
  return Open(path.string());
}

Result<std::unique_ptr<SqliteMetaStore>> SqliteMetaStore::Open(const std::string& path) {
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    if (ec) return Status::IOError("cannot create " + parent.string() + ": " + ec.message());
  }
  sqlite3* raw = nullptr;
  // NOMUTEX: this class serializes every use of the connection with its own mutex.
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  if (rc != SQLITE_OK) return SqliteStatus(raw, rc, "open " + path);
  Status st = SetUpConnection(db.get());
  if (st.ok()) st = CheckOrCreateFormat(db.get(), path);
  if (!st.ok()) return st;
  std::unique_ptr<SqliteMetaStore> store(new SqliteMetaStore(std::move(db)));
  CAIRN_RETURN_IF_ERROR(store->PrepareStatements());
  return store;
}

Status SqliteMetaStore::PrepareStatements() {
  sqlite3* db = db_.get();
  CAIRN_RETURN_IF_ERROR(get_.Prepare(db, "SELECT value FROM kv WHERE key = ?1"));
  CAIRN_RETURN_IF_ERROR(
      scan_from_.Prepare(db, "SELECT key, value FROM kv WHERE key >= ?1 ORDER BY key LIMIT ?2"));
  CAIRN_RETURN_IF_ERROR(scan_range_.Prepare(
      db, "SELECT key, value FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key LIMIT ?3"));
  CAIRN_RETURN_IF_ERROR(put_.Prepare(db,
                                     "INSERT INTO kv(key, value) VALUES(?1, ?2) "
                                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
  CAIRN_RETURN_IF_ERROR(delete_.Prepare(db, "DELETE FROM kv WHERE key = ?1"));
  CAIRN_RETURN_IF_ERROR(begin_.Prepare(db, "BEGIN IMMEDIATE"));
  CAIRN_RETURN_IF_ERROR(commit_.Prepare(db, "COMMIT"));
  return rollback_.Prepare(db, "ROLLBACK");
}

Status SqliteMetaStore::StepDone(SqliteStatement& stmt, std::string_view what) {
  int rc = stmt.Step();
  stmt.Reset();
  if (rc != SQLITE_DONE) return SqliteStatus(db_.get(), rc, what);
  return Status::Ok();
}

Status SqliteMetaStore::LookupLocked(std::string_view key, std::string* value, bool* found) {
  get_.Reset();
  CAIRN_RETURN_IF_ERROR(get_.BindBlob(1, key));
  int rc = get_.Step();
  *found = rc == SQLITE_ROW;
  if (*found && value != nullptr) value->assign(get_.Column(0));
  get_.Reset();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqliteStatus(db_.get(), rc, "get");
  return Status::Ok();
}

Status SqliteMetaStore::Get(std::string_view key, std::string* value) {
  std::lock_guard<std::mutex> lock(mu_);
  bool found = false;
  CAIRN_RETURN_IF_ERROR(LookupLocked(key, value, &found));
  if (!found) return Status::NotFound("no such key");
  return Status::Ok();
}

Status SqliteMetaStore::Scan(std::string_view start, std::string_view end, size_t limit,
                             std::vector<KeyValue>* out) {
  // SQLite reads a negative LIMIT as "no limit".
  const int64_t sql_limit =
      limit == 0 || limit > static_cast<size_t>(std::numeric_limits<int64_t>::max())
          ? -1
          : static_cast<int64_t>(limit);
  std::lock_guard<std::mutex> lock(mu_);
  SqliteStatement& stmt = end.empty() ? scan_from_ : scan_range_;
  stmt.Reset();
  CAIRN_RETURN_IF_ERROR(stmt.BindBlob(1, start));
  if (end.empty()) {
    CAIRN_RETURN_IF_ERROR(stmt.BindInt(2, sql_limit));
  } else {
    CAIRN_RETURN_IF_ERROR(stmt.BindBlob(2, end));
    CAIRN_RETURN_IF_ERROR(stmt.BindInt(3, sql_limit));
  }
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    out->push_back(KeyValue{std::string(stmt.Column(0)), std::string(stmt.Column(1))});
  }
  stmt.Reset();
  if (rc != SQLITE_DONE) return SqliteStatus(db_.get(), rc, "scan");
  return Status::Ok();
}

Status SqliteMetaStore::ApplyLocked(const Txn& txn) {
  for (const auto& c : txn.conditions) {
    std::string value;
    bool found = false;
    CAIRN_RETURN_IF_ERROR(LookupLocked(c.key, &value, &found));
    const bool holds = c.kind == TxnCondition::kExists      ? found
                       : c.kind == TxnCondition::kNotExists ? !found
                                                            : found && value == c.value;
    if (!holds) return Status::Conflict("transaction condition does not hold");
  }
  for (const auto& op : txn.ops) {
    SqliteStatement& stmt = op.kind == TxnOp::kPut ? put_ : delete_;
    stmt.Reset();
    CAIRN_RETURN_IF_ERROR(stmt.BindBlob(1, op.key));
    if (op.kind == TxnOp::kPut) CAIRN_RETURN_IF_ERROR(stmt.BindBlob(2, op.value));
    CAIRN_RETURN_IF_ERROR(StepDone(stmt, op.kind == TxnOp::kPut ? "put" : "delete"));
  }
  return Status::Ok();
}

Status SqliteMetaStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::IOError(std::string("sqlite ") + sql + ": " + msg);
  }
  return Status::Ok();
}

void SqliteMetaStore::CommitGroupLocked(std::vector<Pending*>& group) {
  Status st = StepDone(begin_, "begin");
  if (st.ok()) {
    for (Pending* p : group) {
      st = Exec("SAVEPOINT txn");
      if (!st.ok()) break;
      p->status = ApplyLocked(*p->txn);
      // A failed transaction is undone alone; the others of the group go on.
      st = p->status.ok() ? Exec("RELEASE txn") : Exec("ROLLBACK TO txn");
      if (st.ok() && !p->status.ok()) st = Exec("RELEASE txn");
      if (!st.ok()) break;
    }
  }
  bool committing = false;
  if (st.ok()) {
    committing = true;
    st = StepDone(commit_, "commit");
  }
  if (!st.ok()) {
    if (!sqlite3_get_autocommit(db_.get())) StepDone(rollback_, "rollback");
    // Before COMMIT nothing of the group was written. A failed COMMIT (an fsync error, say)
    // may have left the group's commit frame in the WAL, to be replayed at the next open: its
    // outcome is unknown, and callers must not act as if it certainly failed.
    if (committing) {
      st = Status::OutcomeUnknown("sqlite: the commit failed and may still be durable: " +
                                  st.ToString());
    }
    for (Pending* p : group) p->status = st;
  }
}

Status SqliteMetaStore::Commit(const Txn& txn) {
  if (!ValidTxn(txn)) return Status::InvalidArgument("unknown condition or op kind");
  Pending me{&txn, Status::Ok()};
  std::unique_lock<std::mutex> q(queue_mu_);
  queue_.push_back(&me);
  // Wait until a leader has committed us, or until there is no leader and we become it.
  queue_cv_.wait(q, [&] { return me.done || !leader_; });
  if (me.done) return me.status;
  leader_ = true;
  while (!queue_.empty()) {
    std::vector<Pending*> group(queue_.begin(), queue_.end());
    queue_.clear();
    q.unlock();
    {
      std::lock_guard<std::mutex> lock(mu_);
      CommitGroupLocked(group);
    }
    q.lock();
    for (Pending* p : group) p->done = true;
    queue_cv_.notify_all();
  }
  leader_ = false;
  queue_cv_.notify_all();
  return me.status;
}

}  // namespace cairn::meta
