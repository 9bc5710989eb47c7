// SqliteStatement: an owned, reusable prepared statement, plus the mapping of SQLite result
// codes to cairn::Status. Thread-compatible: the owner serializes use (SqliteMetaStore's mutex).
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "cairn/status.h"

namespace cairn::meta {

// Maps a SQLite result code to a Status naming what was being done.
Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

class SqliteStatement {
 public:
  SqliteStatement() = default;
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  Status Prepare(sqlite3* db, const char* sql);

  // Resets the statement and clears its bindings, ready for the next use.
  void Reset();
  // Binds bytes as a BLOB (never NULL, even when empty: the kv table compares BLOBs with memcmp
  // and refuses NULL values). The bytes must outlive the statement's next Step.
  Status BindBlob(int index, std::string_view bytes);
  Status BindInt(int index, int64_t value);
  // Returns SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();
  // The BLOB or TEXT of a column of the current row; empty for NULL or a zero-length value.
  std::string_view Column(int index);

  sqlite3_stmt* get() { return stmt_; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace cairn::meta
