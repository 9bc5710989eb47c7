#include "objects/lifecycle_expiration.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

constexpr int64_t kDay = 86400000;
// 2012-12-20 10:30:00 UTC.
constexpr int64_t kModified = 1355999400000;
// 2012-12-23 00:00:00 UTC, a Sunday.
constexpr int64_t kDec23 = 1356220800000;

LifecycleRule ExpireRule(const std::string& id, int64_t days, const std::string& prefix = "") {
  LifecycleRule r;
  r.id = id;
  r.prefix = prefix;
  r.expiration_days = days;
  return r;
}

TEST(LifecycleRuleMatches, Prefix) {
  LifecycleRule r = ExpireRule("r", 1, "logs/");
  EXPECT_TRUE(RuleMatches(r, "logs/a", 0, {}));
  EXPECT_TRUE(RuleMatches(r, "logs/", 0, {}));
  EXPECT_FALSE(RuleMatches(r, "log", 0, {}));
  EXPECT_FALSE(RuleMatches(r, "x/logs/a", 0, {}));
  EXPECT_TRUE(RuleMatches(ExpireRule("r", 1, ""), "anything", 0, {}));
}

TEST(LifecycleRuleMatches, EveryTagMustMatch) {
  LifecycleRule r = ExpireRule("r", 1);
  r.tags = {{"key1", "tag1"}, {"key5", "tag6"}};
  EXPECT_FALSE(RuleMatches(r, "k", 0, {{"key1", "tag1"}, {"key5", "tag5"}}));
  EXPECT_TRUE(RuleMatches(r, "k", 0, {{"key5", "tag6"}, {"x", "y"}, {"key1", "tag1"}}));
  EXPECT_FALSE(RuleMatches(r, "k", 0, {{"key1", "tag1"}}));
  EXPECT_FALSE(RuleMatches(r, "k", 0, {}));
  r.tags = {{"empty", ""}};
  EXPECT_TRUE(RuleMatches(r, "k", 0, {{"empty", ""}}));
  EXPECT_FALSE(RuleMatches(r, "k", 0, {{"empty", "x"}}));
}

TEST(LifecycleRuleMatches, SizeBoundsAreStrict) {
  LifecycleRule r = ExpireRule("r", 1);
  r.size_greater_than = 2000;
  EXPECT_FALSE(RuleMatches(r, "k", 1000, {}));
  EXPECT_FALSE(RuleMatches(r, "k", 2000, {}));
  EXPECT_TRUE(RuleMatches(r, "k", 2001, {}));
  r.size_less_than = 3000;
  EXPECT_TRUE(RuleMatches(r, "k", 2999, {}));
  EXPECT_FALSE(RuleMatches(r, "k", 3000, {}));
  r.size_greater_than = -1;
  EXPECT_TRUE(RuleMatches(r, "k", 0, {}));
  r.size_greater_than = 0;
  EXPECT_FALSE(RuleMatches(r, "k", 0, {}));
  EXPECT_TRUE(RuleMatches(r, "k", 1, {}));
}

TEST(LifecycleExpirationDue, DaysRoundUpToTheNextMidnight) {
  // 10:30 on the 20th plus 2 days is 10:30 on the 22nd: due at midnight on the 23rd.
  EXPECT_EQ(ExpirationDueMs(ExpireRule("r", 2), kModified, 86400), kDec23);
  // Modified exactly at midnight: nothing to round.
  EXPECT_EQ(ExpirationDueMs(ExpireRule("r", 1), kDec23 - kDay, 86400), kDec23);
  EXPECT_EQ(ExpirationDueMs(ExpireRule("r", 1), kDec23 - kDay + 1, 86400), kDec23 + kDay);
}

TEST(LifecycleExpirationDue, ShortenedDaysAreNotRounded) {
  EXPECT_EQ(ExpirationDueMs(ExpireRule("r", 3), kModified, 10), kModified + 30000);
}

TEST(LifecycleExpirationDue, DateAndAbsent) {
  LifecycleRule r;
  r.expiration_date_ms = kDec23;
  EXPECT_EQ(ExpirationDueMs(r, kModified, 86400), kDec23);
  EXPECT_EQ(ExpirationDueMs(LifecycleRule{}, kModified, 86400), -1);
  LifecycleRule dm;
  dm.expired_object_delete_marker = true;
  EXPECT_EQ(ExpirationDueMs(dm, kModified, 86400), -1);
}

TEST(LifecycleExpirationHeader, S3sFormat) {
  EXPECT_EQ(ExpirationHeader({ExpireRule("picture-deletion-rule", 2)}, "a.jpg", 10, {}, kModified,
                             86400),
            "expiry-date=\"Sun, 23 Dec 2012 00:00:00 GMT\", rule-id=\"picture-deletion-rule\"");
}

TEST(LifecycleExpirationHeader, EarliestEnabledMatchingRuleWins) {
  LifecycleRules rules = {ExpireRule("late", 10), ExpireRule("other-prefix", 1, "x/"),
                          ExpireRule("disabled", 1), ExpireRule("soon", 2),
                          ExpireRule("soon-too", 2)};
  rules[2].enabled = false;
  LifecycleRule dated;
  dated.id = "dated";
  dated.expiration_date_ms = kDec23 + 5 * kDay;
  rules.push_back(dated);
  EXPECT_EQ(ExpirationHeader(rules, "k", 1, {}, kModified, 86400),
            "expiry-date=\"Sun, 23 Dec 2012 00:00:00 GMT\", rule-id=\"soon\"");
  LifecycleRule earlier_date = dated;
  earlier_date.id = "earlier";
  earlier_date.expiration_date_ms = kDec23 - kDay;
  rules.push_back(earlier_date);
  EXPECT_EQ(ExpirationHeader(rules, "k", 1, {}, kModified, 86400),
            "expiry-date=\"Sat, 22 Dec 2012 00:00:00 GMT\", rule-id=\"earlier\"");
}

TEST(LifecycleExpirationHeader, NoneWithoutAMatchingExpiration) {
  LifecycleRule tagged = ExpireRule("t", 1);
  tagged.tags = {{"key2", "tag1"}};
  LifecycleRule noncurrent;
  noncurrent.id = "nc";
  noncurrent.noncurrent_days = 1;
  LifecycleRule dm;
  dm.id = "dm";
  dm.expired_object_delete_marker = true;
  EXPECT_EQ(ExpirationHeader({tagged, noncurrent, dm}, "k", 1, {{"key1", "tag1"}}, kModified,
                             86400),
            "");
  EXPECT_EQ(ExpirationHeader({}, "k", 1, {}, kModified, 86400), "");
  EXPECT_NE(ExpirationHeader({tagged}, "k", 1, {{"key2", "tag1"}}, kModified, 86400), "");
}

TEST(LifecycleExpirationHeader, ShortenedDay) {
  // 10 s days: 3 days after 10:30:00 is 10:30:30, not rounded.
  EXPECT_EQ(ExpirationHeader({ExpireRule("r", 3)}, "k", 1, {}, kModified, 10),
            "expiry-date=\"Thu, 20 Dec 2012 10:30:30 GMT\", rule-id=\"r\"");
}

TEST(LifecycleExpirationHeader, RuleIdIsMadeSafeForAHeader) {
  std::string id = std::string("a \"b\"\\c\r\nd\x01") + "\xc3\xa9" + "%";
  std::string h = ExpirationHeader({ExpireRule(id, 2)}, "k", 1, {}, kModified, 86400);
  EXPECT_EQ(h, "expiry-date=\"Sun, 23 Dec 2012 00:00:00 GMT\", "
               "rule-id=\"a %22b%22%5Cc%0D%0Ad%01%C3%A9%\"");
  for (char c : h) {
    unsigned char u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 && u < 0x7f) << static_cast<int>(u);
  }
  // Spaces stay spaces, as in S3's answers.
  EXPECT_NE(ExpirationHeader({ExpireRule("Delete after 14 days", 14)}, "k", 1, {}, kModified,
                             86400)
                .find("rule-id=\"Delete after 14 days\""),
            std::string::npos);
}

}  // namespace
}  // namespace cairn
