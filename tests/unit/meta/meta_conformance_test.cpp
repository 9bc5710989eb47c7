// The MetaStore conformance suite (see meta_conformance.h); engines instantiate it elsewhere.
#include "meta_conformance.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace cairn::testing {
namespace {

using std::string_literals::operator""s;

std::vector<std::string> Keys(const std::vector<KeyValue>& kvs) {
  std::vector<std::string> out;
  for (const auto& kv : kvs) out.push_back(kv.key);
  return out;
}

Status Put(MetaStore& store, const std::string& key, const std::string& value) {
  return store.Commit(Txn().Put(key, value));
}

std::vector<KeyValue> ScanAll(MetaStore& store) {
  std::vector<KeyValue> out;
  EXPECT_TRUE(store.Scan("", "", 0, &out).ok());
  return out;
}

TEST_P(MetaConformanceTest, GetOfAbsentKeyIsNotFound) {
  std::string value = "untouched";
  EXPECT_TRUE(store().Get("nope", &value).IsNotFound());
}

TEST_P(MetaConformanceTest, PutGetOverwriteDelete) {
  ASSERT_TRUE(Put(store(), "k", "v1").ok());
  std::string value;
  ASSERT_TRUE(store().Get("k", &value).ok());
  EXPECT_EQ(value, "v1");
  ASSERT_TRUE(Put(store(), "k", "v2").ok());
  ASSERT_TRUE(store().Get("k", &value).ok());
  EXPECT_EQ(value, "v2");
  ASSERT_TRUE(store().Commit(Txn().Delete("k")).ok());
  EXPECT_TRUE(store().Get("k", &value).IsNotFound());
  EXPECT_TRUE(store().Commit(Txn().Delete("k")).ok()) << "deleting an absent key is not an error";
}

TEST_P(MetaConformanceTest, BinaryKeysAndValuesRoundTrip) {
  const std::string key = "\x00\xff\x01 key\x00"s;
  const std::string value = "\x00\x00\xfe value \xff\x00"s;
  ASSERT_TRUE(Put(store(), key, value).ok());
  ASSERT_TRUE(Put(store(), "empty", "").ok());
  std::string got;
  ASSERT_TRUE(store().Get(key, &got).ok());
  EXPECT_EQ(got, value);
  got = "x";
  ASSERT_TRUE(store().Get("empty", &got).ok());
  EXPECT_EQ(got, "");
  EXPECT_TRUE(store().Get("\x00\xff\x01 key"s, &got).IsNotFound()) << "a prefix is another key";
}

TEST_P(MetaConformanceTest, KeysOrderBytewiseShorterFirst) {
  // memcmp order with unsigned bytes: 0x00 sorts first, 0xff last, a prefix before its
  // extensions (including an extension by 0x00).
  const std::vector<std::string> sorted = {"\x00"s,      "\x00\x00"s, "\x01"s,  "a"s,     "a\x00"s,
                                           "a\x00\x00"s, "a\x01"s,    "a\x7f"s, "a\x80"s, "a\xff"s,
                                           "ab"s,        "b"s,        "\x7f"s,  "\x80"s,  "\xff"s,
                                           "\xff\x00"s,  "\xff\xff"s};
  std::vector<std::string> expected = sorted;
  std::sort(expected.begin(), expected.end(), [](const std::string& a, const std::string& b) {
    int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
    return c != 0 ? c < 0 : a.size() < b.size();
  });
  // Insert in a scrambled order, several per transaction.
  Txn txn;
  for (size_t i = 0; i < expected.size(); ++i) {
    const std::string& k = expected[(i * 7) % expected.size()];
    txn.Put(k, "v" + k);
  }
  ASSERT_TRUE(store().Commit(txn).ok());
  auto all = ScanAll(store());
  EXPECT_EQ(Keys(all), expected);
  for (const auto& kv : all) EXPECT_EQ(kv.value, "v" + kv.key);
}

TEST_P(MetaConformanceTest, ScanBoundsAreHalfOpen) {
  for (const std::string& k : {"a"s, "b"s, "b\x00"s, "ba"s, "bb"s, "c"s, "d"s}) {
    ASSERT_TRUE(Put(store(), k, "x").ok());
  }
  std::vector<KeyValue> out;
  ASSERT_TRUE(store().Scan("b", "c", 0, &out).ok());
  EXPECT_EQ(Keys(out), (std::vector<std::string>{"b", "b\x00"s, "ba", "bb"}));

  out.clear();
  ASSERT_TRUE(store().Scan("b\x00"s, "bb", 0, &out).ok());
  EXPECT_EQ(Keys(out), (std::vector<std::string>{"b\x00"s, "ba"}));

  out.clear();
  ASSERT_TRUE(store().Scan("bz", "", 0, &out).ok());
  EXPECT_EQ(Keys(out), (std::vector<std::string>{"c", "d"})) << "empty end: unbounded";

  out.clear();
  ASSERT_TRUE(store().Scan("c", "c", 0, &out).ok());
  EXPECT_TRUE(out.empty()) << "start == end is empty";

  out.clear();
  ASSERT_TRUE(store().Scan("e", "", 0, &out).ok());
  EXPECT_TRUE(out.empty()) << "past the last key";

  out.clear();
  ASSERT_TRUE(store().Scan("\xff"s, "", 0, &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST_P(MetaConformanceTest, ScanLimitAndAppend) {
  for (char c = 'a'; c <= 'j'; ++c) ASSERT_TRUE(Put(store(), std::string(1, c), "x").ok());
  std::vector<KeyValue> out;
  ASSERT_TRUE(store().Scan("c", "", 3, &out).ok());
  EXPECT_EQ(Keys(out), (std::vector<std::string>{"c", "d", "e"}));
  ASSERT_TRUE(store().Scan("h", "z", 5, &out).ok());
  EXPECT_EQ(Keys(out), (std::vector<std::string>{"c", "d", "e", "h", "i", "j"}))
      << "Scan appends to out; the limit is larger than what is left";
  out.clear();
  ASSERT_TRUE(store().Scan("a", "c", 1, &out).ok());
  EXPECT_EQ(Keys(out), (std::vector<std::string>{"a"}));
  out.clear();
  ASSERT_TRUE(store().Scan("", "", 0, &out).ok());
  EXPECT_EQ(out.size(), 10u);
}

TEST_P(MetaConformanceTest, MultiOpTransactionIsAtomic) {
  ASSERT_TRUE(Put(store(), "old", "1").ok());
  ASSERT_TRUE(store().Commit(Txn().Put("x", "1").Put("y", "2").Delete("old")).ok());
  EXPECT_EQ(Keys(ScanAll(store())), (std::vector<std::string>{"x", "y"}));
}

TEST_P(MetaConformanceTest, ConditionExists) {
  EXPECT_TRUE(store().Commit(Txn().Require("k", TxnCondition::kExists).Put("a", "1")).IsConflict());
  EXPECT_TRUE(ScanAll(store()).empty());
  ASSERT_TRUE(Put(store(), "k", "v").ok());
  EXPECT_TRUE(store().Commit(Txn().Require("k", TxnCondition::kExists).Put("a", "1")).ok());
  std::string value;
  EXPECT_TRUE(store().Get("a", &value).ok());
}

TEST_P(MetaConformanceTest, ConditionNotExists) {
  ASSERT_TRUE(store().Commit(Txn().Require("k", TxnCondition::kNotExists).Put("k", "1")).ok());
  Status st = store().Commit(Txn().Require("k", TxnCondition::kNotExists).Put("k", "2"));
  EXPECT_EQ(st.code(), CAIRN_CONFLICT) << st.ToString();
  std::string value;
  ASSERT_TRUE(store().Get("k", &value).ok());
  EXPECT_EQ(value, "1");
}

TEST_P(MetaConformanceTest, ConditionValueEquals) {
  EXPECT_TRUE(
      store().Commit(Txn().Require("k", TxnCondition::kValueEquals, "").Put("k", "1")).IsConflict())
      << "an absent key does not equal the empty value";
  ASSERT_TRUE(Put(store(), "k", "v1").ok());
  EXPECT_TRUE(store()
                  .Commit(Txn().Require("k", TxnCondition::kValueEquals, "v").Put("k", "x"))
                  .IsConflict())
      << "a prefix of the value is not equal";
  EXPECT_TRUE(store()
                  .Commit(Txn().Require("k", TxnCondition::kValueEquals, "v1\x00"s).Put("k", "x"))
                  .IsConflict());
  ASSERT_TRUE(
      store().Commit(Txn().Require("k", TxnCondition::kValueEquals, "v1").Put("k", "v2")).ok());
  std::string value;
  ASSERT_TRUE(store().Get("k", &value).ok());
  EXPECT_EQ(value, "v2");
}

TEST_P(MetaConformanceTest, FailedConditionChangesNothing) {
  ASSERT_TRUE(store().Commit(Txn().Put("a", "1").Put("b", "2").Put("c", "3")).ok());
  const auto before = ScanAll(store());
  Txn txn;
  txn.Require("a", TxnCondition::kExists)
      .Require("b", TxnCondition::kValueEquals, "2")
      .Require("c", TxnCondition::kValueEquals, "wrong")  // the one that fails, last
      .Put("a", "changed")
      .Delete("b")
      .Put("new", "x");
  Status st = store().Commit(txn);
  EXPECT_EQ(st.code(), CAIRN_CONFLICT) << st.ToString();
  const auto after = ScanAll(store());
  ASSERT_EQ(Keys(after), Keys(before));
  for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].value, before[i].value);
}

TEST_P(MetaConformanceTest, ConcurrentConditionalIncrementsAreExact) {
  constexpr int kThreads = 8;
  constexpr int kIncrementsPerThread = 25;
  ASSERT_TRUE(store().Commit(Txn().Require("n", TxnCondition::kNotExists).Put("n", "0")).ok());
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrementsPerThread;) {
        std::string value;
        if (!store().Get("n", &value).ok()) {
          ++errors;
          return;
        }
        const std::string next = std::to_string(std::stoi(value) + 1);
        Status st =
            store().Commit(Txn().Require("n", TxnCondition::kValueEquals, value).Put("n", next));
        if (st.ok()) {
          ++i;
        } else if (!st.IsConflict()) {
          ++errors;
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  std::string value;
  ASSERT_TRUE(store().Get("n", &value).ok());
  EXPECT_EQ(value, std::to_string(kThreads * kIncrementsPerThread));
}

TEST_P(MetaConformanceTest, ReopenKeepsCommittedData) {
  ASSERT_TRUE(store().Commit(Txn().Put("a", "1").Put("b\x00"s, "\xff"s)).ok());
  ASSERT_TRUE(store().Commit(Txn().Delete("a").Put("c", "3")).ok());
  Reopen();
  auto all = ScanAll(store());
  ASSERT_EQ(Keys(all), (std::vector<std::string>{"b\x00"s, "c"}));
  EXPECT_EQ(all[0].value, "\xff"s);
  EXPECT_EQ(all[1].value, "3");
}

}  // namespace
}  // namespace cairn::testing
