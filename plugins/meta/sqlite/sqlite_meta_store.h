// SqliteMetaStore: the embedded metadata engine, a cairn::MetaStore on one SQLite file.
//
// Durability: WAL journal with synchronous=FULL, so a Commit that returned OK survives a power
// loss. Keys and values live in `kv(key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID`;
// SQLite compares BLOBs with memcmp (shorter first on a tie), exactly the order MetaStore
// promises. A `meta` table records the format name kSqliteMetaFormat, checked on every open.
//
// Thread-safety: thread-safe. One connection with cached prepared statements, serialized by a
// mutex. That is simple and enough for one node (SQLite has a single writer anyway); if reads
// under write load become the bottleneck, add a small pool of read-only WAL connections.
//
// Group commit: concurrent Commit calls share one SQLite transaction and so one fsync. The
// first caller becomes the leader and applies every queued transaction in arrival order, each
// inside its own SAVEPOINT (a failed condition rolls back only that one), then commits them
// together; nobody is told OK before that commit is durable. A failed COMMIT fails the whole
// group with OutcomeUnknown (the WAL may hold it); failures before it fail definitely.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/meta_store.h"
#include "cairn/sdk/plugin_context.h"
#include "sqlite_statement.h"

namespace cairn::meta {

inline constexpr char kSqliteMetaFormat[] = "cairn-meta-sqlite/1";
// Where the store lives when the config names no `path`; relative to the data directory.
inline constexpr char kSqliteDefaultPath[] = "meta/cairn.sqlite";

class SqliteMetaStore final : public MetaStore {
 public:
  // Reads the config key `path` (default kSqliteDefaultPath, relative to DataDir()).
  static Result<std::unique_ptr<SqliteMetaStore>> Create(const sdk::PluginContext& context);
  // Opens or creates the store at `path`, creating missing parent directories. Refuses a file
  // that is not a Cairn store or has another format name.
  static Result<std::unique_ptr<SqliteMetaStore>> Open(const std::string& path);

  ~SqliteMetaStore() override = default;

  Status Get(std::string_view key, std::string* value) override;
  Status Scan(std::string_view start, std::string_view end, size_t limit,
              std::vector<KeyValue>* out) override;
  Status Commit(const Txn& txn) override;

 private:
  struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };

  explicit SqliteMetaStore(std::unique_ptr<sqlite3, DbCloser> db) : db_(std::move(db)) {}

  Status PrepareStatements();
  // REQUIRES: mu_ held.
  Status LookupLocked(std::string_view key, std::string* value, bool* found);
  Status ApplyLocked(const Txn& txn);
  Status StepDone(SqliteStatement& stmt, std::string_view what);
  Status Exec(const char* sql);

  // A Commit waiting for the group it joins.
  struct Pending {
    const Txn* txn;
    Status status;
    bool done = false;
  };
  // Applies and commits the queued transactions as one SQLite transaction. REQUIRES: mu_ held.
  void CommitGroupLocked(std::vector<Pending*>& group);

  std::mutex queue_mu_;  // guards queue_ and leader_; taken before mu_, never after
  std::condition_variable queue_cv_;
  std::deque<Pending*> queue_;
  bool leader_ = false;

  std::mutex mu_;
  // Declared first so that the statements below are finalized before the connection closes.
  std::unique_ptr<sqlite3, DbCloser> db_;
  SqliteStatement get_;
  SqliteStatement scan_from_;
  SqliteStatement scan_range_;
  SqliteStatement put_;
  SqliteStatement delete_;
  SqliteStatement begin_;
  SqliteStatement commit_;
  SqliteStatement rollback_;
};

}  // namespace cairn::meta
