// meta/etcd: what only this engine has: configuration, the key prefix, etcd's transaction
// limit, pagination, and the failure rules (failover for what was not applied, "outcome
// unknown" for a write that may have been).
#include "etcd_meta_store.h"

#include <gtest/gtest.h>

#include <chrono>

#include "etcd_txn.h"
#include "fake_gateway.h"
#include "fake_host.h"
#include "shared_etcd.h"

namespace cairn::testing {
namespace {

using meta::etcd::EtcdMetaStore;
using meta::etcd::EtcdOptions;
using std::string_literals::operator""s;

std::vector<std::string> Keys(const std::vector<KeyValue>& kvs) {
  std::vector<std::string> out;
  for (const auto& kv : kvs) out.push_back(kv.key);
  return out;
}

class EtcdMetaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto endpoint = SharedEtcdEndpoint();
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
    endpoint_ = endpoint.value();
    prefix_ = UniquePrefix(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  std::unique_ptr<EtcdMetaStore> Open(const std::string& prefix, size_t page_size = 500) {
    EtcdOptions options;
    options.endpoints = {endpoint_};
    options.prefix = prefix;
    options.page_size = page_size;
    auto store = EtcdMetaStore::Open(std::move(options));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store.value()) : nullptr;
  }

  std::string endpoint_;
  std::string prefix_;
};

TEST_F(EtcdMetaStoreTest, CreateReadsItsConfigAndStoresUnderThePrefix) {
  FakeHost host("/nonexistent");
  host.arrays["endpoints"] = {endpoint_};
  host.strings["prefix"] = prefix_ + "cfg/";
  host.ints["timeout_ms"] = 3000;
  auto store = EtcdMetaStore::Create(host.Context());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Commit(Txn().Put("k", "v")).ok());
  ASSERT_FALSE(host.logs.empty());
  EXPECT_NE(host.logs[0].find(endpoint_), std::string::npos) << host.logs[0];

  auto raw = Open(prefix_);  // one level up: sees the configured prefix as part of the key
  ASSERT_NE(raw, nullptr);
  std::string value;
  ASSERT_TRUE(raw->Get("cfg/k", &value).ok());
  EXPECT_EQ(value, "v");
}

TEST_F(EtcdMetaStoreTest, CreateRefusesBadConfig) {
  FakeHost host("/nonexistent");
  EXPECT_EQ(EtcdMetaStore::Create(host.Context()).status().code(), CAIRN_INVALID_ARGUMENT)
      << "endpoints is required";
  host.arrays["endpoints"] = {"https://127.0.0.1:2379"};
  EXPECT_EQ(EtcdMetaStore::Create(host.Context()).status().code(), CAIRN_INVALID_ARGUMENT);
  host.arrays["endpoints"] = {"not a url at all"};
  EXPECT_EQ(EtcdMetaStore::Create(host.Context()).status().code(), CAIRN_INVALID_ARGUMENT);
  host.arrays["endpoints"] = {endpoint_};
  host.ints["timeout_ms"] = 0;
  EXPECT_EQ(EtcdMetaStore::Create(host.Context()).status().code(), CAIRN_INVALID_ARGUMENT);
}

TEST_F(EtcdMetaStoreTest, PrefixesIsolateClusters) {
  // "p/" ends where "p0" starts ('/' + 1 == '0'): a scan to the end of one must not reach it.
  auto a = Open(prefix_ + "p/");
  auto sibling = Open(prefix_ + "p0");
  auto longer = Open(prefix_ + "p/x");
  ASSERT_TRUE(a && sibling && longer);
  ASSERT_TRUE(a->Commit(Txn().Put("1", "a")).ok());
  ASSERT_TRUE(sibling->Commit(Txn().Put("1", "sibling")).ok());
  ASSERT_TRUE(longer->Commit(Txn().Put("", "longer")).ok());
  std::vector<KeyValue> out;
  ASSERT_TRUE(a->Scan("", "", 0, &out).ok());
  EXPECT_EQ(Keys(out), (std::vector<std::string>{"1", "x"}))
      << "a longer prefix is just keys inside the shorter one";
  out.clear();
  ASSERT_TRUE(sibling->Scan("", "", 0, &out).ok());
  EXPECT_EQ(Keys(out), (std::vector<std::string>{"1"}));
  std::string value;
  EXPECT_TRUE(sibling->Get("x", &value).IsNotFound());
}

TEST_F(EtcdMetaStoreTest, PrefixEndingInFfBytesScansToItsSuccessor) {
  auto ff = Open(prefix_ + "q\xff\xff"s);
  auto next = Open(prefix_ + "r");
  ASSERT_TRUE(ff && next);
  ASSERT_TRUE(ff->Commit(Txn().Put("\xff"s, "1").Put("\x00"s, "0")).ok());
  ASSERT_TRUE(next->Commit(Txn().Put("a", "other")).ok());
  std::vector<KeyValue> out;
  ASSERT_TRUE(ff->Scan("", "", 0, &out).ok());
  EXPECT_EQ(Keys(out), (std::vector<std::string>{"\x00"s, "\xff"s}));
}

TEST_F(EtcdMetaStoreTest, TransactionLimitIsEtcdsAndNamed) {
  auto store = Open(prefix_);
  ASSERT_NE(store, nullptr);
  Txn at_limit;
  for (size_t i = 0; i < meta::etcd::kMaxTxnOps; ++i) at_limit.Put("k" + std::to_string(i), "v");
  ASSERT_TRUE(store->Commit(at_limit).ok()) << "etcd's default --max-txn-ops is 128";
  Txn over;
  for (size_t i = 0; i <= meta::etcd::kMaxTxnOps; ++i) over.Put("o" + std::to_string(i), "v");
  Status st = store->Commit(over);
  EXPECT_EQ(st.code(), CAIRN_INVALID_ARGUMENT) << st.ToString();
  EXPECT_NE(st.message().find("128"), std::string::npos) << st.ToString();
  std::vector<KeyValue> out;
  ASSERT_TRUE(store->Scan("o", "p", 0, &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST_F(EtcdMetaStoreTest, SeveralOpsOnOneKeyApplyInOrder) {
  auto store = Open(prefix_);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Commit(Txn().Put("k", "1").Put("k", "2").Put("j", "x").Delete("j")).ok());
  std::string value;
  ASSERT_TRUE(store->Get("k", &value).ok());
  EXPECT_EQ(value, "2");
  EXPECT_TRUE(store->Get("j", &value).IsNotFound());
}

TEST_F(EtcdMetaStoreTest, ScansFollowPagesInOrder) {
  auto store = Open(prefix_, /*page_size=*/3);
  ASSERT_NE(store, nullptr);
  std::vector<std::string> expected;
  Txn txn;
  for (int i = 0; i < 50; ++i) {
    char key[8];
    std::snprintf(key, sizeof(key), "k%03d", i);
    expected.push_back(key);
    txn.Put(key, std::to_string(i));
  }
  ASSERT_TRUE(store->Commit(txn).ok());
  std::vector<KeyValue> out;
  ASSERT_TRUE(store->Scan("", "", 0, &out).ok());
  EXPECT_EQ(Keys(out), expected);
  out.clear();
  ASSERT_TRUE(store->Scan("k010", "k040", 20, &out).ok());
  ASSERT_EQ(out.size(), 20u);
  EXPECT_EQ(out.front().key, "k010");
  EXPECT_EQ(out.back().key, "k029");
  EXPECT_EQ(out.back().value, "29");
}

TEST_F(EtcdMetaStoreTest, OpenFailsWhenNoEndpointAnswers) {
  EtcdOptions options;
  options.endpoints = {"http://127.0.0.1:1", "http://127.0.0.1:9"};
  options.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  auto store = EtcdMetaStore::Open(std::move(options));
  ASSERT_EQ(store.status().code(), CAIRN_UNAVAILABLE) << store.status().ToString();
  EXPECT_NE(store.status().message().find("127.0.0.1:9"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(EtcdMetaStoreTest, FailsOverPastADeadEndpoint) {
  EtcdOptions options;
  options.endpoints = {"http://127.0.0.1:1", endpoint_};
  options.prefix = prefix_;
  auto store = EtcdMetaStore::Open(std::move(options));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Commit(Txn().Put("k", "v")).ok());
  std::string value;
  ASSERT_TRUE((*store)->Get("k", &value).ok());
}

// Opens a store whose first endpoint is the fake gateway and whose second is the real etcd.
std::unique_ptr<EtcdMetaStore> OpenBehind(const FakeGateway& fake, const std::string& endpoint,
                                          const std::string& prefix) {
  EtcdOptions options;
  options.endpoints = {fake.url(), endpoint};
  options.prefix = prefix;
  options.timeout = std::chrono::milliseconds(600);
  auto store = EtcdMetaStore::Open(std::move(options));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store.value()) : nullptr;
}

TEST_F(EtcdMetaStoreTest, CommitWithoutAnAnswerIsOutcomeUnknownNotRetried) {
  FakeGateway fake(FakeGateway::Mode::kHang);
  auto store = OpenBehind(fake, endpoint_, prefix_);
  ASSERT_NE(store, nullptr);
  Status st = store->Commit(Txn().Put("k", "v"));
  EXPECT_EQ(st.code(), CAIRN_OUTCOME_UNKNOWN) << st.ToString();
  EXPECT_NE(st.message().find("outcome unknown"), std::string::npos) << st.ToString();
  EXPECT_EQ(fake.kv_requests(), 1);
  std::string value;
  EXPECT_TRUE(store->Get("k", &value).IsNotFound())
      << "the commit must not have been retried on the real etcd";
}

TEST_F(EtcdMetaStoreTest, EtcdProposalTimeoutIsOutcomeUnknown) {
  FakeGateway fake(FakeGateway::Mode::kTimedOut);
  auto store = OpenBehind(fake, endpoint_, prefix_);
  ASSERT_NE(store, nullptr);
  Status st = store->Commit(Txn().Put("k", "v"));
  EXPECT_EQ(st.code(), CAIRN_OUTCOME_UNKNOWN) << st.ToString();
  EXPECT_NE(st.message().find("outcome unknown"), std::string::npos) << st.ToString();
  std::string value;
  EXPECT_TRUE(store->Get("k", &value).IsNotFound());
}

TEST_F(EtcdMetaStoreTest, NoLeaderIsRetriedOnTheNextEndpoint) {
  FakeGateway fake(FakeGateway::Mode::kNoLeader);
  auto store = OpenBehind(fake, endpoint_, prefix_);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Commit(Txn().Put("k", "v")).ok());
  EXPECT_EQ(fake.kv_requests(), 1) << "etcd refused before proposing: safe to send elsewhere";
  std::string value;
  ASSERT_TRUE(store->Get("k", &value).ok());
  EXPECT_EQ(value, "v");
}

TEST_F(EtcdMetaStoreTest, ReadsAreRetriedAfterAnUnansweredAttempt) {
  FakeGateway fake(FakeGateway::Mode::kHang);
  auto store = OpenBehind(fake, endpoint_, prefix_);
  ASSERT_NE(store, nullptr);
  std::string value;
  EXPECT_TRUE(store->Get("k", &value).IsNotFound()) << "answered by the real etcd";
  EXPECT_EQ(fake.kv_requests(), 1);
}

}  // namespace
}  // namespace cairn::testing
