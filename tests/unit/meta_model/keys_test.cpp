// Key encoding properties the S3 semantics rely on: the families never interleave, a bucket's
// objects are exactly one range and sort like S3 lists them (UTF-8 bytewise), similar bucket
// names never share a keyspace, uploads of a key are contiguous and before longer keys, part
// numbers sort numerically, and PrefixEnd bounds every key of its prefix.
#include "meta/keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace cairn {
namespace {

// Bytewise (unsigned) comparison, the order every engine's ordered KV uses.
bool Less(const std::string& a, const std::string& b) {
  int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  return c != 0 ? c < 0 : a.size() < b.size();
}

bool InRange(const std::string& k, const std::string& begin, const std::string& end) {
  return !Less(k, begin) && (end.empty() || Less(k, end));
}

// Valid S3 bucket names chosen to sit next to each other in byte order ('-' and '.' sort just
// below '/', digits just above).
const std::vector<std::string> kBuckets = {"a", "a-b", "a.b", "a0", "ab", "a-", "b", "aa", "a1b"};

// Object keys including the edges of S3's key space: empty-looking paths, '/', DEL, multi-byte
// UTF-8 up to U+10FFFF, and keys that extend one another.
// clang-format off
const std::vector<std::string> kObjectKeys = {
    "a", "a/", "a/b", "a0", "a-", "A", "Z", "b", "/", "//", "\x01", "\x7f", "caf\xc3\xa9",
    "\xe6\x97\xa5\xe6\x9c\xac", "\xf4\x8f\xbf\xbf", "photos/2024/01/img.jpg", "photos/2024/1",
    std::string(1024, 'k')};
// clang-format on

TEST(KeysTest, Layout) {
  EXPECT_EQ(keys::Bucket("photos"), "b/photos");
  EXPECT_EQ(keys::Bucket("photos").rfind(keys::kBucketPrefix, 0), 0u);
  EXPECT_EQ(keys::Object("photos", "a/b.jpg"), "o/photos/a/b.jpg");
  EXPECT_EQ(keys::ObjectPrefix("photos"), "o/photos/");
  EXPECT_EQ(keys::Upload("photos", "k", "id1"), std::string("u/photos/k\0id1", 14));
  EXPECT_EQ(keys::UploadPrefix("photos"), "u/photos/");
  EXPECT_EQ(keys::Part("id1", 7), "p/id1/00007");
  EXPECT_EQ(keys::Part("id1", 10000), "p/id1/10000");
  EXPECT_EQ(keys::PartPrefix("id1"), "p/id1/");
}

TEST(KeysTest, FamiliesNeverInterleave) {
  struct Family {
    std::string prefix;
    std::vector<std::string> keys;
  };
  std::vector<Family> families = {{"b/", {}}, {"o/", {}}, {"u/", {}}, {"p/", {}}};
  for (const auto& b : kBuckets) {
    families[0].keys.push_back(keys::Bucket(b));
    for (const auto& k : kObjectKeys) {
      families[1].keys.push_back(keys::Object(b, k));
      families[2].keys.push_back(keys::Upload(b, k, "upload-" + b));
    }
    families[3].keys.push_back(keys::Part("upload-" + b, 1));
  }
  for (const auto& f : families) {
    for (const auto& other : families) {
      for (const auto& k : other.keys) {
        EXPECT_EQ(InRange(k, f.prefix, keys::PrefixEnd(f.prefix)), &f == &other)
            << "family " << f.prefix << " key " << k;
      }
    }
  }
}

TEST(KeysTest, ABucketsObjectsAreExactlyItsRange) {
  for (const auto& bucket : kBuckets) {
    const std::string begin = keys::ObjectPrefix(bucket);
    const std::string end = keys::PrefixEnd(begin);
    for (const auto& other : kBuckets) {
      for (const auto& k : kObjectKeys) {
        EXPECT_EQ(InRange(keys::Object(other, k), begin, end), other == bucket)
            << "bucket " << bucket << " holds " << other << "/" << k;
      }
      // Nor do the other families of the same bucket fall in its object range.
      EXPECT_FALSE(InRange(keys::Bucket(other), begin, end));
      EXPECT_FALSE(InRange(keys::Upload(other, "a", "id"), begin, end));
    }
  }
}

TEST(KeysTest, SimilarBucketNamesNeverShareAKeyspace) {
  for (const auto& a : kBuckets) {
    for (const auto& b : kBuckets) {
      if (a == b) continue;
      for (const auto& prefix_of : {keys::ObjectPrefix, keys::UploadPrefix}) {
        std::string pa = prefix_of(a), pb = prefix_of(b);
        // Two prefix ranges are disjoint iff neither prefix starts with the other.
        EXPECT_NE(pa.rfind(pb, 0), 0u) << a << " vs " << b;
        EXPECT_FALSE(InRange(pb, pa, keys::PrefixEnd(pa))) << a << " vs " << b;
      }
    }
  }
  const std::string a = keys::ObjectPrefix("a");
  EXPECT_FALSE(InRange(keys::Object("a-b", "x"), a, keys::PrefixEnd(a)));
  EXPECT_FALSE(InRange(keys::Object("a", "-b/x"), keys::ObjectPrefix("a-b"),
                       keys::PrefixEnd(keys::ObjectPrefix("a-b"))));
}

TEST(KeysTest, ObjectsSortLikeAnS3Listing) {
  // S3 lists keys in UTF-8 binary order: uppercase before lowercase, '/' before digits, every
  // multi-byte character after ASCII.
  // clang-format off
  const std::vector<std::string> listing = {
      "\x01", "/", "//", "A", "Z", "a", "a-", "a/", "a/b", "a0", "b", "caf\xc3\xa9",
      "photos/2024/01/img.jpg", "photos/2024/1", "\x7f", "\xe6\x97\xa5\xe6\x9c\xac",
      "\xf4\x8f\xbf\xbf"};
  // clang-format on
  std::vector<std::string> encoded;
  for (const auto& k : listing) encoded.push_back(keys::Object("bucket", k));
  EXPECT_TRUE(std::is_sorted(encoded.begin(), encoded.end(), Less));
  for (const auto& a : kObjectKeys) {
    for (const auto& b : kObjectKeys) {
      EXPECT_EQ(Less(keys::Object("a", a), keys::Object("a", b)), Less(a, b)) << a << " " << b;
    }
  }
}

TEST(KeysTest, UploadsOfAKeyAreContiguousAndBeforeLongerKeys) {
  const std::string b = "bucket";
  std::vector<std::string> ids = {"", "0", "id-1", "id-2", "zzzz", "\xff\xff"};
  for (const auto& id : ids) {
    for (const auto& longer : {"a0", "a/", "a-", "a\x01", "aa"}) {
      for (const auto& other_id : ids) {
        EXPECT_TRUE(Less(keys::Upload(b, "a", id), keys::Upload(b, longer, other_id)))
            << longer << " " << id << " " << other_id;
      }
    }
    // And after every upload of a shorter key it extends.
    EXPECT_TRUE(Less(keys::Upload(b, "", "zzzz"), keys::Upload(b, "a", id)));
  }
  // Within one key, uploads order by id.
  for (size_t i = 1; i < ids.size(); ++i) {
    EXPECT_TRUE(Less(keys::Upload(b, "a", ids[i - 1]), keys::Upload(b, "a", ids[i])));
  }
  // Every upload lies in its bucket's upload range.
  const std::string begin = keys::UploadPrefix(b);
  for (const auto& k : kObjectKeys) {
    EXPECT_TRUE(InRange(keys::Upload(b, k, "id"), begin, keys::PrefixEnd(begin))) << k;
  }
}

TEST(KeysTest, PartNumbersSortNumerically) {
  const std::string id = "2b7e1516";
  const std::string begin = keys::PartPrefix(id);
  const std::string end = keys::PrefixEnd(begin);
  std::string previous = keys::Part(id, 0);
  for (uint32_t n = 1; n <= 10000; ++n) {
    std::string k = keys::Part(id, n);
    ASSERT_TRUE(Less(previous, k)) << n;
    ASSERT_TRUE(InRange(k, begin, end)) << n;
    previous = std::move(k);
  }
  // An upload id that extends another never falls in its part range.
  EXPECT_FALSE(InRange(keys::Part(id + "0", 1), begin, end));
  EXPECT_FALSE(InRange(keys::Part(id + "-", 1), begin, end));
}

TEST(KeysTest, PrefixEnd) {
  EXPECT_EQ(keys::PrefixEnd("abc"), "abd");
  EXPECT_EQ(keys::PrefixEnd("o/a/"), "o/a0");
  EXPECT_EQ(keys::PrefixEnd("a\xfe"), "a\xff");
  EXPECT_EQ(keys::PrefixEnd("a\xff"), "b");
  EXPECT_EQ(keys::PrefixEnd("a\xff\xff\xff"), "b");
  EXPECT_EQ(keys::PrefixEnd(std::string("a\0", 2)), std::string("a\x01", 2));
  EXPECT_EQ(keys::PrefixEnd("\x7f"), "\x80");
  // No key is greater than every key starting with 0xff...: unbounded.
  EXPECT_EQ(keys::PrefixEnd("\xff"), "");
  EXPECT_EQ(keys::PrefixEnd("\xff\xff"), "");
  EXPECT_EQ(keys::PrefixEnd(""), "");
}

TEST(KeysTest, PrefixEndBoundsEveryKeyOfItsPrefix) {
  const std::vector<std::string> prefixes = {
      "o/", "o/a/", "a\xff", "a\xff\xff", "\xff", std::string("x\0", 2), "z\x7f"};
  const std::vector<std::string> suffixes = {"",    std::string(1, '\0'),    "\xff", "\xff\xff\xff",
                                             "zzz", std::string(300, '\xff')};
  for (const auto& p : prefixes) {
    std::string end = keys::PrefixEnd(p);
    for (const auto& s : suffixes) EXPECT_TRUE(InRange(p + s, p, end)) << p << " + " << s;
    if (!end.empty()) {
      EXPECT_TRUE(Less(p, end));
      // The end itself and the keys after it do not start with the prefix.
      EXPECT_NE(end.rfind(p, 0), 0u);
    }
  }
}

TEST(KeysTest, DeferredFreesOrderByDueTimeAndNameTheirDataId) {
  const std::string id = "0123456789abcdef0123456789abcdef";
  EXPECT_EQ(keys::Garbage(0x1234, id), "g/0000000000001234/" + id);
  EXPECT_EQ(keys::GarbageDataId(keys::Garbage(0x1234, id)), id);
  EXPECT_EQ(keys::GarbageDataId("g/short/x"), "");
  EXPECT_EQ(keys::GarbageDataId("o/b/k"), "");
  // Due by `now` is exactly [g/, GarbageDueEnd(now)), whatever the data ids.
  const int64_t now = 1'800'000'000'000;
  for (int64_t due : {int64_t{0}, now - 1000, now - 1, now}) {
    EXPECT_TRUE(InRange(keys::Garbage(due, "ff" + id), "g/", keys::GarbageDueEnd(now))) << due;
  }
  for (int64_t due : {now + 1, now + 1000, int64_t{1} << 50}) {
    EXPECT_FALSE(InRange(keys::Garbage(due, "00" + id), "g/", keys::GarbageDueEnd(now))) << due;
    EXPECT_TRUE(InRange(keys::Garbage(due, "00" + id), "g/", keys::PrefixEnd("g/"))) << due;
  }
}

TEST(KeysTest, ReadLeasesOfAVersionAreOneRange) {
  const std::string id = "0123456789abcdef0123456789abcdef";
  const std::string lease = keys::ReadLease(id, "r1");
  EXPECT_EQ(lease, "r/" + id + "/r1");
  EXPECT_EQ(keys::ReadLeaseDataId(lease), id);
  EXPECT_EQ(keys::ReadLeaseDataId("r/noslash"), "");
  const std::string prefix = keys::ReadLeasePrefix(id);
  EXPECT_TRUE(InRange(lease, prefix, keys::PrefixEnd(prefix)));
  // A data id that extends another one is not in its range.
  EXPECT_FALSE(InRange(keys::ReadLease(id + "0", "r1"), prefix, keys::PrefixEnd(prefix)));
}

}  // namespace
}  // namespace cairn
