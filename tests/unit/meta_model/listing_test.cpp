// Listing with prefixes, delimiters, markers and paging, against an in-memory ordered store,
// compared with a straightforward model of S3's rules.
#include "meta/listing.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "../meta/memory_meta_store.h"
#include "meta/keys.h"

namespace cairn {
namespace {

class ListingTest : public ::testing::Test {
 protected:
  void Put(const std::string& bucket, const std::string& key) {
    ObjectRecord rec;
    rec.size = key.size();
    Txn txn;
    txn.Put(keys::Object(bucket, key), Encode(rec));
    ASSERT_TRUE(store_.Commit(txn).ok());
  }
  // Lists one page; returns keys and prefixes in one sequence, prefixes marked with "P:".
  std::vector<std::string> Page(ListRequest r, Listing* listing = nullptr) {
    Listing l;
    EXPECT_TRUE(ListObjectKeys(store_, r, &l).ok());
    std::vector<std::string> out;
    for (const auto& [k, _] : l.objects) out.push_back(k);
    for (const auto& p : l.prefixes) out.push_back("P:" + p);
    // Objects and prefixes come back separately; S3 clients see them merged in key order.
    auto name = [](const std::string& e) { return e.rfind("P:", 0) == 0 ? e.substr(2) : e; };
    std::sort(out.begin(), out.end(),
              [&](const std::string& a, const std::string& b) { return name(a) < name(b); });
    if (listing != nullptr) *listing = l;
    return out;
  }
  // Every entry of a full listing, following `last` across pages of `page_size`.
  std::vector<std::string> All(ListRequest r, size_t page_size) {
    std::vector<std::string> all;
    r.max_keys = page_size;
    for (int guard = 0; guard < 10000; ++guard) {
      Listing l;
      auto page = Page(r, &l);
      all.insert(all.end(), page.begin(), page.end());
      if (!l.truncated) return all;
      EXPECT_FALSE(l.last.empty());
      r.after = l.last;
    }
    ADD_FAILURE() << "paging did not end";
    return all;
  }
  testing::MemoryMetaStore store_;
};

TEST_F(ListingTest, PrefixDelimiterAndCommonPrefixes) {
  for (const char* k : {"a", "b/1", "b/2", "b/c/3", "bb", "c/", "c/x", "d"}) Put("bk", k);
  Put("bk2", "b/other-bucket");
  EXPECT_EQ(Page({"bk", "", "/", "", 1000}),
            (std::vector<std::string>{"a", "P:b/", "bb", "P:c/", "d"}));
  EXPECT_EQ(Page({"bk", "b/", "/", "", 1000}),
            (std::vector<std::string>{"b/1", "b/2", "P:b/c/"}));
  EXPECT_EQ(Page({"bk", "b", "", "", 1000}),
            (std::vector<std::string>{"b/1", "b/2", "b/c/3", "bb"}));
  EXPECT_EQ(Page({"bk", "c/", "/", "", 1000}), (std::vector<std::string>{"c/", "c/x"}));
  EXPECT_EQ(Page({"bk", "zzz", "/", "", 1000}), std::vector<std::string>{});
}

TEST_F(ListingTest, MarkerThatIsACommonPrefixSkipsEverythingUnderIt) {
  for (const char* k : {"a/1", "a/2", "b/1", "c"}) Put("bk", k);
  EXPECT_EQ(Page({"bk", "", "/", "a/", 1000}), (std::vector<std::string>{"P:b/", "c"}));
  EXPECT_EQ(Page({"bk", "", "", "a/", 1000}), (std::vector<std::string>{"a/1", "a/2", "b/1", "c"}));
  EXPECT_EQ(Page({"bk", "", "", "a/1", 1000}), (std::vector<std::string>{"a/2", "b/1", "c"}));
}

TEST_F(ListingTest, MaxKeysCountsPrefixesAndTruncates) {
  for (const char* k : {"a/1", "a/2", "b", "c/1", "d"}) Put("bk", k);
  Listing l;
  EXPECT_EQ(Page({"bk", "", "/", "", 2}, &l), (std::vector<std::string>{"P:a/", "b"}));
  EXPECT_TRUE(l.truncated);
  EXPECT_EQ(l.last, "b");
  EXPECT_EQ(Page({"bk", "", "/", "", 5}, &l).size(), 4u);
  EXPECT_FALSE(l.truncated);
  EXPECT_EQ(Page({"bk", "", "/", "", 0}, &l), std::vector<std::string>{});
}

// Random keys, random prefixes and delimiters, small scan batches and pages: paging through a
// listing yields exactly what a model of S3's rules says, each entry once.
TEST_F(ListingTest, PagingMatchesTheModel) {
  std::mt19937 rng(7);
  const std::string alphabet = "ab/-\xc3\xa9";
  std::set<std::string> keys;
  for (int i = 0; i < 300; ++i) {
    std::string k;
    int len = 1 + rng() % 6;
    for (int j = 0; j < len; ++j) k.push_back(alphabet[rng() % alphabet.size()]);
    keys.insert(k);
  }
  for (const auto& k : keys) Put("bk", k);
  for (const std::string prefix : {"", "a", "a/", "b-"}) {
    for (const std::string delim : {"", "/", "-", "ab"}) {
      std::vector<std::string> model;
      std::set<std::string> seen_prefixes;
      for (const auto& k : keys) {
        if (k.rfind(prefix, 0) != 0) continue;
        size_t pos = delim.empty() ? std::string::npos : k.find(delim, prefix.size());
        if (pos == std::string::npos) {
          model.push_back(k);
        } else if (seen_prefixes.insert(k.substr(0, pos + delim.size())).second) {
          model.push_back("P:" + k.substr(0, pos + delim.size()));
        }
      }
      for (size_t page : {1, 3, 1000}) {
        ListRequest r{"bk", prefix, delim, "", page, 4};
        EXPECT_EQ(All(r, page), model) << "prefix '" << prefix << "' delimiter '" << delim
                                       << "' page " << page;
      }
    }
  }
}

}  // namespace
}  // namespace cairn
