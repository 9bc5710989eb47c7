// The deferred free of replaced object versions and the read leases that hold it off, on the
// in-memory metadata store and a real DataPath: an entry frees its shards only once due, and
// not while a read holds an unexpired lease; a read writes no metadata until it has gone on
// for half the delay, then keeps a lease until it ends; a read that outlasts the delay while
// its object is replaced and the free falls due still returns every old byte.
#include "durability/deferred_free.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "data/object_source.h"
#include "durability/read_leases.h"
#include "durability_harness.h"
#include "meta/keys.h"
#include "meta/memory_meta_store.h"

namespace cairn::testing {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kDelay{10'000};
constexpr int64_t kWall = 1'800'000'000'000;  // "now" on the wall clock

class DeferredFreeTest : public ::testing::Test {
 protected:
  DeferredFreeTest() : free_(meta_, h_.data()), leases_(meta_, kDelay) {}

  // An object of `size` bytes in `segments` segments (like a multipart upload).
  ObjectRecord Store(const std::string& key, const std::string& bytes, size_t segments = 1) {
    ObjectRecord o;
    o.size = bytes.size();
    const size_t per = bytes.size() / segments;
    for (size_t i = 0; i < segments; ++i) {
      const size_t n = i + 1 == segments ? bytes.size() - i * per : per;
      auto seg = h_.Write(key, bytes.substr(i * per, n));
      EXPECT_TRUE(seg.ok()) << seg.status().ToString();
      o.segments.push_back(std::move(seg.value()));
    }
    return o;
  }

  size_t ShardsOf(const ObjectRecord& o) {
    size_t n = 0;
    for (const auto& s : o.segments) n += h_.ShardsOf(s.data_id);
    return n;
  }

  std::vector<std::string> Keys(std::string_view prefix) {
    std::vector<KeyValue> rows;
    EXPECT_TRUE(meta_.Scan(prefix, keys::PrefixEnd(prefix), 0, &rows).ok());
    std::vector<std::string> out;
    for (const auto& kv : rows) out.push_back(kv.key);
    return out;
  }

  void ScheduleFree(const ObjectRecord& o, int64_t due_ms) {
    Txn txn;
    DeferredFree::Schedule(txn, o.segments, due_ms);
    ASSERT_TRUE(meta_.Commit(txn).ok());
  }

  DeferredFree::PassReport Pass(int64_t now_ms) {
    auto r = free_.RunOnce(now_ms);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : DeferredFree::PassReport{};
  }

  DurabilityHarness h_;
  MemoryMetaStore meta_;
  DeferredFree free_;
  ReadLeases leases_;
  std::mt19937_64 rng_{17};
};

TEST_F(DeferredFreeTest, ScheduleAddsOneEntryPerVersionAndNothingForInlineObjects) {
  ObjectRecord o = Store("k", RandomBytes(rng_, 3 * kChunkSize / 2), 3);
  Txn txn;
  DeferredFree::Schedule(txn, o.segments, kWall);
  DeferredFree::Schedule(txn, {}, kWall);  // an inline object
  ASSERT_EQ(txn.ops.size(), 1u);
  EXPECT_EQ(txn.ops[0].key, keys::Garbage(kWall, o.segments[0].data_id));
  GarbageRecord g;
  ASSERT_TRUE(Decode(txn.ops[0].value, &g).ok());
  EXPECT_EQ(g.due_ms, kWall);
  ASSERT_EQ(g.segments.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(g.segments[i].data_id, o.segments[i].data_id);
}

TEST_F(DeferredFreeTest, FreesOnlyWhatIsDue) {
  ObjectRecord early = Store("early", RandomBytes(rng_, kChunkSize + 5), 2);
  ObjectRecord late = Store("late", RandomBytes(rng_, 1000));
  const size_t early_shards = ShardsOf(early), late_shards = ShardsOf(late);
  ASSERT_GT(early_shards, 0u);
  ScheduleFree(early, kWall + 1000);
  ScheduleFree(late, kWall + 5000);

  auto r = Pass(kWall + 999);
  EXPECT_EQ(r.freed, 0u);
  EXPECT_EQ(ShardsOf(early), early_shards);
  r = Pass(kWall + 1000);
  EXPECT_EQ(r.freed, 1u);
  EXPECT_EQ(ShardsOf(early), 0u) << "every segment of the version is freed";
  EXPECT_EQ(ShardsOf(late), late_shards);
  EXPECT_EQ(Keys("g/"),
            std::vector<std::string>{keys::Garbage(kWall + 5000, late.segments[0].data_id)});
  r = Pass(kWall + 5000);
  EXPECT_EQ(r.freed, 1u);
  EXPECT_EQ(h_.AllShards(), 0u);
  EXPECT_TRUE(Keys("g/").empty());
  EXPECT_EQ(Pass(kWall + 9000).freed, 0u) << "a freed entry is gone";
}

TEST_F(DeferredFreeTest, AnUnexpiredLeasePostponesTheFreeAndExpiredLeasesGo) {
  ObjectRecord o = Store("k", RandomBytes(rng_, 3000));
  const size_t shards = ShardsOf(o);
  ScheduleFree(o, kWall);
  const std::string lease = keys::ReadLease(o.segments[0].data_id, "reader");
  ASSERT_TRUE(meta_.Commit(Txn().Put(lease, Encode(ReadLeaseRecord{kWall + 2000}))).ok());
  // Another reader's lease, expired long ago (its gateway died).
  const std::string stale = keys::ReadLease("0123456789abcdef0123456789abcdef", "gone");
  ASSERT_TRUE(meta_.Commit(Txn().Put(stale, Encode(ReadLeaseRecord{kWall - 1}))).ok());

  auto r = Pass(kWall + 1999);
  EXPECT_EQ(r.postponed, 1u);
  EXPECT_EQ(r.freed, 0u);
  EXPECT_EQ(r.leases_removed, 1u);
  EXPECT_EQ(ShardsOf(o), shards);
  EXPECT_EQ(Keys("r/"), std::vector<std::string>{lease});

  r = Pass(kWall + 2000);
  EXPECT_EQ(r.freed, 1u);
  EXPECT_EQ(r.leases_removed, 1u);
  EXPECT_EQ(ShardsOf(o), 0u);
  EXPECT_TRUE(Keys("r/").empty());
  EXPECT_TRUE(Keys("g/").empty());
}

TEST_F(DeferredFreeTest, AShortReadWritesNothingALongOneHoldsALeaseUntilItEnds) {
  ObjectRecord o = Store("k", RandomBytes(rng_, 3000));
  const auto before = ReadLeases::Clock::now();
  const uint64_t token = leases_.Begin(o);
  const auto start = ReadLeases::Clock::now();
  EXPECT_EQ(leases_.reads(), 1u);
  leases_.RenewDue(before + kDelay / 2 - milliseconds(1), kWall);
  EXPECT_TRUE(Keys("r/").empty()) << "no metadata write before half the delay";

  leases_.RenewDue(start + kDelay / 2, kWall);
  auto held = Keys(keys::ReadLeasePrefix(o.segments[0].data_id));
  ASSERT_EQ(held.size(), 1u);
  std::string raw;
  ASSERT_TRUE(meta_.Get(held[0], &raw).ok());
  ReadLeaseRecord lease;
  ASSERT_TRUE(Decode(raw, &lease).ok());
  EXPECT_EQ(lease.expires_ms, kWall + kDelay.count());

  // Renewed every half delay, not at every tick.
  leases_.RenewDue(start + kDelay / 2 + milliseconds(10), kWall + 10);
  ASSERT_TRUE(meta_.Get(held[0], &raw).ok());
  ASSERT_TRUE(Decode(raw, &lease).ok());
  EXPECT_EQ(lease.expires_ms, kWall + kDelay.count());
  leases_.RenewDue(start + kDelay, kWall + kDelay.count() / 2);
  ASSERT_TRUE(meta_.Get(held[0], &raw).ok());
  ASSERT_TRUE(Decode(raw, &lease).ok());
  EXPECT_EQ(lease.expires_ms, kWall + kDelay.count() * 3 / 2);
  EXPECT_EQ(Keys("r/").size(), 1u) << "one lease key per read, renewed in place";

  leases_.End(token);
  EXPECT_EQ(leases_.reads(), 0u);
  EXPECT_TRUE(Keys("r/").empty());

  const uint64_t short_read = leases_.Begin(o);
  leases_.End(short_read);
  leases_.RenewDue(start + 10 * kDelay, kWall);
  EXPECT_TRUE(Keys("r/").empty());
}

TEST_F(DeferredFreeTest, ReadsRegisterThroughTheDataPathExceptInlineObjects) {
  h_.data().set_read_registry(&leases_);
  const std::string bytes = RandomBytes(rng_, 2 * kStripeData + 17);
  ObjectRecord o = Store("k", bytes);
  size_t seen_during = 0;
  std::string got;
  Status st = ReadObjectRange(
      h_.data(), o, 0, o.size,
      [&](const uint8_t* d, size_t n) {
        seen_during = std::max(seen_during, leases_.reads());
        got.append(reinterpret_cast<const char*>(d), n);
        return Status::Ok();
      },
      "k");
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(got, bytes);
  EXPECT_EQ(seen_during, 1u);
  EXPECT_EQ(leases_.reads(), 0u);

  ObjectRecord small;
  small.inline_data = "tiny";
  small.size = 4;
  st = ReadObjectRange(
      h_.data(), small, 0, 4,
      [&](const uint8_t*, size_t) {
        seen_during = leases_.reads() + 100;
        return Status::Ok();
      },
      "small");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(seen_during, 100u) << "an inline object has no shards to hold";
  {
    ObjectSource source(h_.data(), o, 0, o.size, "k");
    EXPECT_EQ(leases_.reads(), 1u) << "a copy is a read for as long as its source lives";
  }
  EXPECT_EQ(leases_.reads(), 0u);
  h_.data().set_read_registry(nullptr);
}

// The defect this machinery fixes: a GET that loaded the old record keeps reading while the
// key is overwritten and the old version's free falls due; it must return the old bytes whole.
TEST_F(DeferredFreeTest, AReadLongerThanTheDelayOutlivesAnOverwriteAndItsFree) {
  h_.data().set_read_registry(&leases_);
  const std::string old_bytes = RandomBytes(rng_, 2 * kChunkSize + kStripeData + 1);
  ObjectRecord old = Store("k", old_bytes, 2);
  const size_t shards = ShardsOf(old);
  bool overwritten = false;
  std::string got;
  Status st = ReadObjectRange(
      h_.data(), old, 0, old.size,
      [&](const uint8_t* d, size_t n) {
        if (!overwritten) {
          overwritten = true;
          // The read has gone on for half the delay: its lease is written...
          leases_.RenewDue(ReadLeases::Clock::now() + kDelay / 2, kWall);
          // ...then the overwrite commits, and its free falls due while the read goes on.
          ScheduleFree(old, kWall + kDelay.count() / 4);
          auto r = Pass(kWall + kDelay.count() / 2);
          EXPECT_EQ(r.postponed, 1u);
          EXPECT_EQ(r.freed, 0u);
        }
        got.append(reinterpret_cast<const char*>(d), n);
        return Status::Ok();
      },
      "k");
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(got == old_bytes) << "the read returned other bytes than the old version's";
  EXPECT_EQ(ShardsOf(old), shards);
  EXPECT_TRUE(Keys("r/").empty()) << "the read deleted its lease when it ended";
  EXPECT_EQ(Pass(kWall + kDelay.count() / 2).freed, 1u);
  EXPECT_EQ(ShardsOf(old), 0u);
  h_.data().set_read_registry(nullptr);
}

}  // namespace
}  // namespace cairn::testing
