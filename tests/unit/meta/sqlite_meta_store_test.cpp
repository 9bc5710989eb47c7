// meta/sqlite: the conformance suite, plus what only this engine has (format marker, WAL
// durability settings, config path resolution).
#include "sqlite_meta_store.h"

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "fake_host.h"
#include "meta_conformance.h"

namespace cairn::testing {
namespace {

using meta::SqliteMetaStore;

Result<std::unique_ptr<MetaStore>> OpenSqlite(const std::string& dir) {
  auto store = SqliteMetaStore::Open(dir + "/meta/cairn.sqlite");
  if (!store.ok()) return store.status();
  return std::unique_ptr<MetaStore>(std::move(store.value()));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, MetaConformanceTest,
                         ::testing::Values(MetaEngine{"sqlite", OpenSqlite}), MetaEngineName);

// Runs one statement on a separate connection, as an operator's tool would.
std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  int rc = sqlite3_step(stmt);
  EXPECT_TRUE(rc == SQLITE_ROW || rc == SQLITE_DONE) << sqlite3_errmsg(db);
  if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST(SqliteMetaStoreTest, CreatesWalStoreWithFormatMarker) {
  ScopedTempDir dir;
  const std::string path = dir.Sub("a/b/store.sqlite");
  {
    auto store = SqliteMetaStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Commit(Txn().Put("k", "v")).ok());
  }
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawQuery(path, "SELECT value FROM meta WHERE name = 'format'"), "cairn-meta-sqlite/1");
  EXPECT_EQ(RawQuery(path, "SELECT typeof(key) FROM kv"), "blob");
}

TEST(SqliteMetaStoreTest, RefusesUnknownFormat) {
  ScopedTempDir dir;
  const std::string path = dir.Sub("store.sqlite");
  ASSERT_TRUE(SqliteMetaStore::Open(path).ok());
  RawQuery(path, "UPDATE meta SET value = 'cairn-meta-sqlite/2' WHERE name = 'format'");
  auto store = SqliteMetaStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_NE(store.status().message().find("cairn-meta-sqlite/2"), std::string::npos)
      << store.status().ToString();
}

TEST(SqliteMetaStoreTest, RefusesForeignDatabase) {
  ScopedTempDir dir;
  const std::string path = dir.Sub("other.sqlite");
  RawQuery(path, "CREATE TABLE users(id INTEGER)");
  auto store = SqliteMetaStore::Open(path);
  EXPECT_EQ(store.status().code(), CAIRN_CORRUPTION) << store.status().ToString();
}

TEST(SqliteMetaStoreTest, RefusesAFileThatIsNotSqlite) {
  ScopedTempDir dir;
  const std::string path = dir.Sub("garbage.sqlite");
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not a database, but it is long enough to have a header.........", f);
    std::fclose(f);
  }
  auto store = SqliteMetaStore::Open(path);
  EXPECT_FALSE(store.ok());
}

TEST(SqliteMetaStoreTest, CreateResolvesPathAgainstDataDir) {
  ScopedTempDir dir;
  {
    FakeHost host(dir.path());
    auto store = SqliteMetaStore::Create(host.Context());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
  }
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("meta/cairn.sqlite")));
  {
    FakeHost host(dir.path());
    host.strings["path"] = "elsewhere/x.db";
    ASSERT_TRUE(SqliteMetaStore::Create(host.Context()).ok());
  }
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("elsewhere/x.db")));
  {
    FakeHost host("/nonexistent-data-dir");
    host.strings["path"] = dir.Sub("abs/y.db");
    ASSERT_TRUE(SqliteMetaStore::Create(host.Context()).ok());
  }
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("abs/y.db")));
}

TEST(SqliteMetaStoreTest, UnknownKindsAreInvalidArgument) {
  ScopedTempDir dir;
  auto store = SqliteMetaStore::Open(dir.Sub("s.sqlite"));
  ASSERT_TRUE(store.ok());
  Txn txn;
  txn.Require("k", static_cast<TxnCondition::Kind>(42));
  EXPECT_EQ((*store)->Commit(txn).code(), CAIRN_INVALID_ARGUMENT);
  Txn ops;
  ops.ops.push_back({"k", static_cast<TxnOp::Kind>(7), "v"});
  EXPECT_EQ((*store)->Commit(ops).code(), CAIRN_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace cairn::testing

namespace cairn::testing {
namespace {

// Group commit: concurrent transactions share SQLite transactions, yet each keeps its own
// outcome. Racing creators of one key: exactly one wins and the rest conflict, without taking
// the unrelated writes of their group down with them.
TEST(SqliteMetaStoreTest, GroupCommitKeepsEachTransactionsOutcome) {
  ScopedTempDir dir;
  auto store = SqliteMetaStore::Open(dir.path() + "/meta.sqlite");
  ASSERT_TRUE(store.ok());
  constexpr int kThreads = 32;
  std::atomic<int> won{0}, conflicted{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Txn race;
      race.Require("shared", TxnCondition::kNotExists).Put("shared", std::to_string(i));
      Status st = store.value()->Commit(race);
      (st.ok() ? won : st.IsConflict() ? conflicted : other)++;
      Txn own;
      own.Put("own/" + std::to_string(i), "v");
      if (!store.value()->Commit(own).ok()) other++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflicted.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  std::vector<KeyValue> own;
  ASSERT_TRUE(store.value()->Scan("own/", "own0", 0, &own).ok());
  EXPECT_EQ(own.size(), static_cast<size_t>(kThreads));
}

}  // namespace
}  // namespace cairn::testing
