// Sample records for the encoding tests: one with every field set to something awkward
// (unicode and binary header values, embedded NULs, extreme integers, many chunks), one with
// every field left at its default; and field-by-field comparisons that name what differs.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "meta/records.h"

namespace cairn::testing {

inline Segment SampleSegment(const std::string& data_id, int chunks) {
  Segment s;
  s.data_id = data_id;
  s.codec = "isal-rs/1";
  s.k = 6;
  s.m = 3;
  s.block_size = 1 << 20;
  s.chunk_size = 64ull << 20;
  for (int i = 0; i < chunks; ++i) {
    ChunkLayout c;
    c.size = (i + 1 == chunks) ? 12345 : s.chunk_size;
    for (uint32_t d = 0; d < s.k + s.m; ++d) {
      c.drives.push_back("node-" + std::to_string(d % 3) + "/drive" + std::to_string(d));
    }
    s.size += c.size;
    s.chunks.push_back(std::move(c));
  }
  return s;
}

inline Pairs AwkwardHeaders() {
  return {{"content-type", "text/plain; charset=utf-8"},
          {"content-disposition", "attachment; filename=\"r\xc3\xa9sum\xc3\xa9 \xe6\x97\xa5.pdf\""},
          {"x-amz-meta-binary", std::string("\0\x01\x80\xfe\xff", 5)},
          {"x-amz-meta-empty", ""},
          {"x-amz-meta-\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
          {"content-type", "duplicate names are kept in order"}};
}

inline ObjectRecord FullObject() {
  ObjectRecord o;
  o.size = std::numeric_limits<uint64_t>::max();
  o.etag = "9b2cf535f27731c974343645a3985328-3";
  o.modified_ms = -1;  // before the epoch: negative values must survive
  o.owner = "owner \xe2\x9c\x93";
  o.storage_class = "REDUCED_REDUNDANCY";
  o.headers = AwkwardHeaders();
  o.tags = {{"project", "cairn"}, {"\xc3\xa9t\xc3\xa9", ""}, {"", "empty key"}};
  o.parts_count = std::numeric_limits<uint32_t>::max();
  o.segments = {SampleSegment("d0", 4), SampleSegment(std::string("d\0\xff", 3), 1), Segment{}};
  o.checksum_algorithm = "crc32c";
  o.checksum = "yZRlqg==-3";
  o.inline_data = std::string("inline\0bytes\xff", 13);
  o.part_checksums = {"AAAAAA==", "", "yZRlqg=="};
  o.version_id = "00063f1a2b3c4d5e";
  o.version_seq = std::numeric_limits<uint64_t>::max();
  o.delete_marker = true;
  o.lock = ObjectLock{"GOVERNANCE", std::numeric_limits<int64_t>::max(), true};
  return o;
}

inline BucketRecord FullBucket() {
  BucketRecord b{"owner-\xe6\x97\xa5", std::numeric_limits<int64_t>::min(), "eu-west-3",
                 {{"team", "storage"}}, "Enabled", true, "COMPLIANCE", 7, 3};
  LifecycleRule rule;
  rule.id = "r\xc3\xa9gle 1";
  rule.enabled = false;
  rule.filter_form = "and";
  rule.prefix = "logs/";
  rule.tags = {{"a", "1"}, {"b", ""}};
  rule.size_greater_than = 0;
  rule.size_less_than = std::numeric_limits<int64_t>::max();
  rule.expiration_days = 30;
  rule.expiration_date_ms = 1700006400000;
  rule.expired_object_delete_marker = true;
  rule.noncurrent_days = 1;
  rule.newer_noncurrent_versions = 100;
  rule.abort_upload_days = 7;
  rule.transitions = {{0, 0, -1, -1, "COLD"}, {-1, 1800000000000, -1, -1, "ARCHIVE"}};
  rule.noncurrent_transitions = {{-1, 0, 5, 2, "COLD"}};
  b.lifecycle = {rule, LifecycleRule{}};
  b.lifecycle_set_ms = 1700000000123;
  return b;
}

inline UploadRecord FullUpload() {
  UploadRecord u;
  u.key = std::string("dir/caf\xc3\xa9\x01/\x7f", 12);
  u.owner = "alice";
  u.initiated_ms = std::numeric_limits<int64_t>::max();
  u.storage_class = "GLACIER";
  u.headers = AwkwardHeaders();
  u.tags = {{"k", "v"}};
  u.checksum_algorithm = "sha256";
  u.checksum_type = "COMPOSITE";
  u.lock = ObjectLock{"COMPLIANCE", -5, false};
  return u;
}

inline PartRecord FullPart() {
  PartRecord p;
  p.number = 10000;
  p.etag = "5d41402abc4b2a76b9719d911017c592";
  p.modified_ms = 1700000000123;
  p.segment = SampleSegment("part-data", 3);
  p.checksum_algorithm = "sha1";
  p.checksum = "qvTGHdzF6KLavt4PO0gs2a6pQ00=";
  return p;
}

inline void ExpectSame(const Segment& a, const Segment& b, const std::string& where) {
  EXPECT_EQ(a.data_id, b.data_id) << where;
  EXPECT_EQ(a.size, b.size) << where;
  EXPECT_EQ(a.codec, b.codec) << where;
  EXPECT_EQ(a.k, b.k) << where;
  EXPECT_EQ(a.m, b.m) << where;
  EXPECT_EQ(a.block_size, b.block_size) << where;
  EXPECT_EQ(a.chunk_size, b.chunk_size) << where;
  ASSERT_EQ(a.chunks.size(), b.chunks.size()) << where;
  for (size_t i = 0; i < a.chunks.size(); ++i) {
    EXPECT_EQ(a.chunks[i].size, b.chunks[i].size) << where << " chunk " << i;
    EXPECT_EQ(a.chunks[i].drives, b.chunks[i].drives) << where << " chunk " << i;
  }
}

inline void ExpectSame(const BucketRecord& a, const BucketRecord& b) {
  EXPECT_EQ(a.owner, b.owner);
  EXPECT_EQ(a.created_ms, b.created_ms);
  EXPECT_EQ(a.region, b.region);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.versioning, b.versioning);
  EXPECT_EQ(a.object_lock, b.object_lock);
  EXPECT_EQ(a.default_retention_mode, b.default_retention_mode);
  EXPECT_EQ(a.default_retention_days, b.default_retention_days);
  EXPECT_EQ(a.default_retention_years, b.default_retention_years);
  ASSERT_EQ(a.lifecycle.size(), b.lifecycle.size());
  for (size_t i = 0; i < a.lifecycle.size(); ++i) {
    const LifecycleRule &x = a.lifecycle[i], &y = b.lifecycle[i];
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.enabled, y.enabled);
    EXPECT_EQ(x.filter_form, y.filter_form);
    EXPECT_EQ(x.prefix, y.prefix);
    EXPECT_EQ(x.tags, y.tags);
    EXPECT_EQ(x.size_greater_than, y.size_greater_than);
    EXPECT_EQ(x.size_less_than, y.size_less_than);
    EXPECT_EQ(x.expiration_days, y.expiration_days);
    EXPECT_EQ(x.expiration_date_ms, y.expiration_date_ms);
    EXPECT_EQ(x.expired_object_delete_marker, y.expired_object_delete_marker);
    EXPECT_EQ(x.noncurrent_days, y.noncurrent_days);
    EXPECT_EQ(x.newer_noncurrent_versions, y.newer_noncurrent_versions);
    EXPECT_EQ(x.abort_upload_days, y.abort_upload_days);
    auto same = [](const std::vector<LifecycleTransition>& p,
                   const std::vector<LifecycleTransition>& q) {
      if (p.size() != q.size()) return false;
      for (size_t j = 0; j < p.size(); ++j) {
        if (p[j].days != q[j].days || p[j].date_ms != q[j].date_ms ||
            p[j].noncurrent_days != q[j].noncurrent_days ||
            p[j].newer_noncurrent_versions != q[j].newer_noncurrent_versions ||
            p[j].storage_class != q[j].storage_class) {
          return false;
        }
      }
      return true;
    };
    EXPECT_TRUE(same(x.transitions, y.transitions)) << "rule " << i;
    EXPECT_TRUE(same(x.noncurrent_transitions, y.noncurrent_transitions)) << "rule " << i;
  }
  EXPECT_EQ(a.lifecycle_set_ms, b.lifecycle_set_ms);
}

inline void ExpectSame(const ObjectRecord& a, const ObjectRecord& b) {
  EXPECT_EQ(a.size, b.size);
  EXPECT_EQ(a.etag, b.etag);
  EXPECT_EQ(a.modified_ms, b.modified_ms);
  EXPECT_EQ(a.owner, b.owner);
  EXPECT_EQ(a.storage_class, b.storage_class);
  EXPECT_EQ(a.headers, b.headers);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.parts_count, b.parts_count);
  ASSERT_EQ(a.segments.size(), b.segments.size());
  for (size_t i = 0; i < a.segments.size(); ++i) {
    ExpectSame(a.segments[i], b.segments[i], "segment " + std::to_string(i));
  }
  EXPECT_EQ(a.checksum_algorithm, b.checksum_algorithm);
  EXPECT_EQ(a.checksum, b.checksum);
  EXPECT_EQ(a.inline_data, b.inline_data);
  EXPECT_EQ(a.part_checksums, b.part_checksums);
  EXPECT_EQ(a.version_id, b.version_id);
  EXPECT_EQ(a.version_seq, b.version_seq);
  EXPECT_EQ(a.delete_marker, b.delete_marker);
  EXPECT_EQ(a.lock.mode, b.lock.mode);
  EXPECT_EQ(a.lock.retain_until_ms, b.lock.retain_until_ms);
  EXPECT_EQ(a.lock.legal_hold, b.lock.legal_hold);
}

inline void ExpectSame(const UploadRecord& a, const UploadRecord& b) {
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.owner, b.owner);
  EXPECT_EQ(a.initiated_ms, b.initiated_ms);
  EXPECT_EQ(a.storage_class, b.storage_class);
  EXPECT_EQ(a.headers, b.headers);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.checksum_algorithm, b.checksum_algorithm);
  EXPECT_EQ(a.checksum_type, b.checksum_type);
  EXPECT_EQ(a.lock.mode, b.lock.mode);
  EXPECT_EQ(a.lock.retain_until_ms, b.lock.retain_until_ms);
  EXPECT_EQ(a.lock.legal_hold, b.lock.legal_hold);
}

inline void ExpectSame(const PartRecord& a, const PartRecord& b) {
  EXPECT_EQ(a.number, b.number);
  EXPECT_EQ(a.etag, b.etag);
  EXPECT_EQ(a.modified_ms, b.modified_ms);
  ExpectSame(a.segment, b.segment, "segment");
  EXPECT_EQ(a.checksum_algorithm, b.checksum_algorithm);
  EXPECT_EQ(a.checksum, b.checksum);
}

}  // namespace cairn::testing
