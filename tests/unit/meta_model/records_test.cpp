// Record encodings: every record type round-trips (awkward values and defaults alike), and
// Decode refuses with Corruption a wrong type byte, a wrong version and every truncation --
// except a truncation that is itself a complete record of an older layout of the same version
// (fields appended later read as defaults), which must then decode to exactly the original
// minus those appended fields.
#include "meta/records.h"

#include <gtest/gtest.h>

#include <string>

#include "record_testing.h"

namespace cairn {
namespace {

using testing::ExpectSame;
using testing::FullBucket;
using testing::FullObject;
using testing::FullPart;
using testing::FullUpload;

template <typename R>
void ExpectRoundTrip(const R& original) {
  std::string bytes = Encode(original);
  R decoded;
  Status st = Decode(bytes, &decoded);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ExpectSame(decoded, original);
  EXPECT_EQ(Encode(decoded), bytes);
}

TEST(RecordsTest, BucketRoundTrips) {
  ExpectRoundTrip(FullBucket());
  ExpectRoundTrip(BucketRecord{});
}

TEST(RecordsTest, ObjectRoundTrips) {
  ExpectRoundTrip(FullObject());
  ExpectRoundTrip(ObjectRecord{});
}

TEST(RecordsTest, UploadRoundTrips) {
  ExpectRoundTrip(FullUpload());
  ExpectRoundTrip(UploadRecord{});
}

TEST(RecordsTest, PartRoundTrips) {
  ExpectRoundTrip(FullPart());
  ExpectRoundTrip(PartRecord{});
}

TEST(RecordsTest, CompletedUploadRoundTripsAndVersion1Decodes) {
  CompletedUploadRecord c{"b", "k\xc3\xa9", "digest", "etag-2", "crc32", "AAAA==", 1700000000000,
                          "0005f1e2d3c4b5a6"};
  CompletedUploadRecord d;
  ASSERT_TRUE(Decode(Encode(c), &d).ok());
  EXPECT_EQ(d.version_id, c.version_id);
  EXPECT_EQ(d.etag, c.etag);
  EXPECT_EQ(d.completed_ms, c.completed_ms);
  // Version 1 had no version id: the same bytes without it, behind version byte 1.
  std::string v1 = Encode(CompletedUploadRecord{"b", "k", "d", "e", "", "", 5, ""});
  v1.pop_back();  // the empty version id's length byte
  v1[1] = 1;
  d.version_id = "stale";
  ASSERT_TRUE(Decode(v1, &d).ok());
  EXPECT_EQ(d.version_id, "");
  EXPECT_EQ(d.completed_ms, 5);
  std::string v3 = Encode(c);
  v3[1] = 3;
  EXPECT_FALSE(Decode(v3, &d).ok());
}

TEST(RecordsTest, AnObjectOfManyChunksRoundTrips) {
  // A 1 TiB object in 64 MiB chunks over 9 drives: 16384 chunks, still one record.
  ObjectRecord o;
  o.segments = {testing::SampleSegment("big", 16384)};
  o.size = o.segments[0].size;
  ExpectRoundTrip(o);
}

TEST(RecordsTest, DecodeReplacesWhatTheRecordHeld) {
  ObjectRecord o = FullObject();
  ObjectRecord small;
  small.etag = "e";
  small.segments = {testing::SampleSegment("s", 1)};
  ASSERT_TRUE(Decode(Encode(small), &o).ok());
  ExpectSame(o, small);
}

// The version 1 form of a record with empty appended fields: version byte 1, and without the
// fields later versions appended (objects: checksum algorithm, checksum, inline data, part
// checksum count, version id, version seq, delete marker, lock mode, retain-until, legal
// hold; parts: checksum algorithm and checksum; uploads: checksum algorithm and type, lock
// mode, retain-until, legal hold -- each empty or zero, one 0x00 byte).
std::string Version1(std::string bytes, size_t appended_fields) {
  bytes[1] = 1;
  return bytes.substr(0, bytes.size() - appended_fields);
}

template <typename R>
void ExpectEveryTruncationRefused(const R& original) {
  const std::string bytes = Encode(original);
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::string_view prefix = std::string_view(bytes).substr(0, n);
    R decoded;
    Status st = Decode(prefix, &decoded);
    EXPECT_EQ(st.code(), CAIRN_CORRUPTION) << "prefix of " << n << ": " << st.ToString();
  }
}

TEST(RecordsTest, EveryTruncationIsRefused) {
  ExpectEveryTruncationRefused(FullBucket());
  ExpectEveryTruncationRefused(BucketRecord{});
  ExpectEveryTruncationRefused(FullObject());
  ExpectEveryTruncationRefused(ObjectRecord{});
  ExpectEveryTruncationRefused(FullUpload());
  ExpectEveryTruncationRefused(UploadRecord{});
  ExpectEveryTruncationRefused(FullPart());
  ExpectEveryTruncationRefused(PartRecord{});
}

// A version 1 record (before the checksum fields) must read as if written today with those
// fields at their defaults, also when decoded into a record that held other values.
TEST(RecordsTest, DecodingAnOlderLayoutIntoAReusedRecordResetsTheAppendedFields) {
  {
    std::string older = Version1(Encode(ObjectRecord{}), 10);
    ASSERT_FALSE(older.empty());
    ObjectRecord reused = FullObject();
    ASSERT_TRUE(Decode(older, &reused).ok());
    ExpectSame(reused, ObjectRecord{});
  }
  {
    std::string older = Version1(Encode(UploadRecord{}), 5);
    ASSERT_FALSE(older.empty());
    UploadRecord reused = FullUpload();
    ASSERT_TRUE(Decode(older, &reused).ok());
    ExpectSame(reused, UploadRecord{});
  }
  {
    std::string older = Version1(Encode(PartRecord{}), 2);
    ASSERT_FALSE(older.empty());
    PartRecord reused = FullPart();
    ASSERT_TRUE(Decode(older, &reused).ok());
    ExpectSame(reused, PartRecord{});
  }
}

template <typename R>
void ExpectRefused(std::string_view bytes, const std::string& what) {
  R r;
  Status st = Decode(bytes, &r);
  EXPECT_EQ(st.code(), CAIRN_CORRUPTION) << what << ": " << st.ToString();
}

TEST(RecordsTest, RefusesAnotherRecordType) {
  const std::string bucket = Encode(FullBucket());
  const std::string object = Encode(FullObject());
  const std::string upload = Encode(FullUpload());
  const std::string part = Encode(FullPart());
  ExpectRefused<BucketRecord>(object, "object as bucket");
  ExpectRefused<BucketRecord>(upload, "upload as bucket");
  ExpectRefused<BucketRecord>(part, "part as bucket");
  ExpectRefused<ObjectRecord>(bucket, "bucket as object");
  ExpectRefused<ObjectRecord>(upload, "upload as object");
  ExpectRefused<ObjectRecord>(part, "part as object");
  ExpectRefused<UploadRecord>(bucket, "bucket as upload");
  ExpectRefused<UploadRecord>(object, "object as upload");
  ExpectRefused<UploadRecord>(part, "part as upload");
  ExpectRefused<PartRecord>(bucket, "bucket as part");
  ExpectRefused<PartRecord>(object, "object as part");
  ExpectRefused<PartRecord>(upload, "upload as part");
  for (int type = 0; type < 256; ++type) {
    std::string wrong = object;
    wrong[0] = static_cast<char>(type);
    if (wrong == object) continue;
    ExpectRefused<ObjectRecord>(wrong, "type byte " + std::to_string(type));
  }
}

TEST(RecordsTest, RefusesAnotherVersion) {
  for (int version = 0; version < 256; ++version) {
    if (version >= 1 && version <= 7) continue;  // the versions this build reads
    std::string what = "version " + std::to_string(version);
    std::string b = Encode(FullBucket());
    b[1] = static_cast<char>(version);
    ExpectRefused<BucketRecord>(b, what);
    std::string o = Encode(FullObject());
    o[1] = static_cast<char>(version);
    ExpectRefused<ObjectRecord>(o, what);
    std::string u = Encode(FullUpload());
    u[1] = static_cast<char>(version);
    ExpectRefused<UploadRecord>(u, what);
    std::string p = Encode(FullPart());
    p[1] = static_cast<char>(version);
    ExpectRefused<PartRecord>(p, what);
  }
}

TEST(RecordsTest, RefusalsSayWhy) {
  BucketRecord b;
  Status wrong_type = Decode(Encode(FullObject()), &b);
  EXPECT_NE(wrong_type.message().find("unknown metadata record format"), std::string::npos)
      << wrong_type.ToString();
  std::string bytes = Encode(FullBucket());
  Status truncated = Decode(std::string_view(bytes).substr(0, bytes.size() - 1), &b);
  EXPECT_NE(truncated.message().find("truncated"), std::string::npos) << truncated.ToString();
}

TEST(RecordsTest, HugeLengthsAndCountsAreRefusedWithoutAllocating) {
  // A string length of 2^63 with three bytes behind it.
  ExpectRefused<BucketRecord>(std::string("B\001\377\377\377\377\377\377\377\377\177abc", 14),
                              "huge string length");
  // 2^62 header pairs, then nothing.
  ObjectRecord o;
  o.etag = "e";
  std::string obj = Encode(o);
  // Layout: type, version, size (1 byte), etag (2 bytes), modified (1), owner (1),
  // storage_class (1 + 8), then the header count.
  const size_t headers_at = 2 + 1 + 2 + 1 + 1 + 9;
  ASSERT_EQ(obj[headers_at], '\0');
  std::string huge = obj.substr(0, headers_at) + "\x80\x80\x80\x80\x80\x80\x80\x80\x40";
  ExpectRefused<ObjectRecord>(huge, "huge pair count");
  // 2^62 segments, then nothing.
  ExpectRefused<ObjectRecord>(
      std::string("O\x01\x00\x00\x00\x00\x00\x00\x00\x00\x80\x80\x80\x80\x80\x80\x80\x80\x40", 19),
      "huge segment count");
  // A varint that never ends.
  ExpectRefused<PartRecord>(std::string("P\x01") + std::string(20, '\x80'), "endless varint");
}

TEST(RecordsTest, RefusesEmptyAndTinyInput) {
  ExpectRefused<BucketRecord>("", "empty");
  ExpectRefused<ObjectRecord>("O", "type only");
  ExpectRefused<UploadRecord>("U\x01", "header only");
  ExpectRefused<PartRecord>("P", "type only");
}

TEST(RecordsTest, DeferredFreeAndReadLeaseRoundTrip) {
  GarbageRecord g;
  g.due_ms = 1'800'000'000'123;
  g.segments = FullObject().segments;
  ASSERT_FALSE(g.segments.empty());
  GarbageRecord got;
  ASSERT_TRUE(Decode(Encode(g), &got).ok());
  EXPECT_EQ(got.due_ms, g.due_ms);
  ASSERT_EQ(got.segments.size(), g.segments.size());
  for (size_t i = 0; i < g.segments.size(); ++i) {
    ExpectSame(got.segments[i], g.segments[i], "segment " + std::to_string(i));
  }
  EXPECT_EQ(Encode(got), Encode(g));
  ReadLeaseRecord lease{1'800'000'000'456};
  ReadLeaseRecord lease_got;
  ASSERT_TRUE(Decode(Encode(lease), &lease_got).ok());
  EXPECT_EQ(lease_got.expires_ms, lease.expires_ms);
  // Each has only version 1, and neither decodes as the other.
  std::string v2 = Encode(lease);
  v2[1] = 2;
  EXPECT_EQ(Decode(v2, &lease_got).code(), CAIRN_CORRUPTION);
  EXPECT_EQ(Decode(Encode(lease), &got).code(), CAIRN_CORRUPTION);
  std::string truncated = Encode(g);
  truncated.pop_back();
  EXPECT_EQ(Decode(truncated, &got).code(), CAIRN_CORRUPTION);
}

}  // namespace
}  // namespace cairn
