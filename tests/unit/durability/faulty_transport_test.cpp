// The fault injector itself: each fault does what the durability tests rely on it doing.
#include "faulty_transport.h"

#include <gtest/gtest.h>

#include <string>

#include "transport/memory_transport.h"

namespace cairn::testing {
namespace {

const ShardRef kRef{"mem-0", "ab/abcd/c0.s0"};

Status Put(Transport& t, const ShardRef& ref, const std::string& bytes) {
  auto w = t.OpenWriter(ref);
  if (!w.ok()) return w.status();
  CAIRN_RETURN_IF_ERROR(
      w.value()->Append(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  return w.value()->Commit();
}

std::string Get(Transport& t, const ShardRef& ref) {
  std::string out(64, '\0');
  auto got = t.Read(ref, 0, reinterpret_cast<uint8_t*>(out.data()), out.size());
  EXPECT_TRUE(got.ok()) << got.status().ToString();
  out.resize(got.ok() ? got.value() : 0);
  return out;
}

TEST(FaultyTransport, FaultsOnStoredShards) {
  MemoryTransport memory(2);
  FaultyTransport faulty(memory);
  ASSERT_TRUE(Put(faulty, kRef, "0123456789").ok());

  ASSERT_TRUE(faulty.Truncate(kRef, 4).ok());
  EXPECT_EQ(Get(faulty, kRef), "0123");
  ASSERT_TRUE(faulty.FlipBit(kRef, 1, 0).ok());
  EXPECT_EQ(Get(faulty, kRef), "0023");  // '1' ^ 1 == '0'

  faulty.MakeUnreadable(kRef);
  uint8_t buf[4];
  EXPECT_EQ(faulty.Read(kRef, 0, buf, 4).status().code(), CAIRN_IO_ERROR);
  EXPECT_EQ(faulty.Stat(kRef).status().code(), CAIRN_IO_ERROR);
  EXPECT_TRUE(memory.Stat(kRef).ok()) << "the bytes are still there, only unreadable";
  ASSERT_TRUE(Put(faulty, kRef, "fresh").ok());
  EXPECT_EQ(Get(faulty, kRef), "fresh") << "a rewritten shard is readable again";

  ASSERT_TRUE(faulty.Drop(kRef).ok());
  EXPECT_TRUE(faulty.Stat(kRef).status().IsNotFound());
}

TEST(FaultyTransport, RefusedWritesPublishNothing) {
  MemoryTransport memory(2);
  FaultyTransport faulty(memory);
  using WF = FaultyTransport::WriteFault;

  faulty.RefuseWrites("mem-0", WF::kAtOpen, CAIRN_NO_SPACE);
  EXPECT_EQ(faulty.OpenWriter(kRef).status().code(), CAIRN_NO_SPACE);

  faulty.RefuseWrites("mem-0", WF::kAtAppend, CAIRN_UNAVAILABLE);
  EXPECT_EQ(Put(faulty, kRef, "x").code(), CAIRN_UNAVAILABLE);

  faulty.RefuseWrites("mem-0", WF::kAtCommit, CAIRN_NO_SPACE);
  EXPECT_EQ(Put(faulty, kRef, "x").code(), CAIRN_NO_SPACE);
  EXPECT_TRUE(memory.Stat(kRef).status().IsNotFound());

  // Only the named shards are refused; other drives are untouched.
  faulty.RefuseWrites("mem-0", WF::kAtOpen, CAIRN_NO_SPACE, "/c1.");
  EXPECT_TRUE(Put(faulty, kRef, "x").ok());
  EXPECT_EQ(Put(faulty, {"mem-0", "ab/abcd/c1.s0"}, "x").code(), CAIRN_NO_SPACE);
  EXPECT_TRUE(Put(faulty, {"mem-1", "ab/abcd/c1.s1"}, "x").ok());

  faulty.AcceptAllWrites();
  EXPECT_TRUE(Put(faulty, {"mem-0", "ab/abcd/c1.s0"}, "x").ok());
  EXPECT_TRUE(faulty.Remove(kRef).ok()) << "removing works on a full drive";
}

}  // namespace
}  // namespace cairn::testing
