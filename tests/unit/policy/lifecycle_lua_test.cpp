// The default lifecycle policy, scripts/lua/lifecycle.lua (the S3 rules as AWS applies them),
// and what LifecyclePolicy refuses of a script's answer.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include <unistd.h>

#include "policy/lifecycle_policy.h"

namespace cairn::policy {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kDayMs = kDay * 1000;
// 2026-01-01T00:00:00Z
constexpr int64_t kEpoch = 1767225600000;

const std::set<std::string> kClasses = {"STANDARD", "COLD"};

std::string ScriptPath() { return std::string(CAIRN_SOURCE_DIR) + "/scripts/lua/lifecycle.lua"; }

std::unique_ptr<LifecyclePolicy> Load(const std::string& path, SandboxLimits limits = {}) {
  auto p = LifecyclePolicy::Load(path, limits);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(p.value()) : nullptr;
}

LifecycleRule Rule(const std::string& id) {
  LifecycleRule r;
  r.id = id;
  return r;
}

LifecycleFacts Version(const std::string& key, int64_t created_ms, bool current = true) {
  LifecycleFacts f;
  f.bucket = "b";
  f.key = key;
  f.kind = "version";
  f.version_id = "null";
  f.current = current;
  f.size = 100;
  f.storage_class = "STANDARD";
  f.created_ms = created_ms;
  return f;
}

class LifecycleLuaTest : public ::testing::Test {
 protected:
  void SetUp() override { policy_ = Load(ScriptPath()); }
  LifecycleDecision Decide(const LifecycleRules& rules, const LifecycleFacts& o, int64_t now_ms,
                           int64_t day = kDay) {
    auto d = policy_->Evaluate(rules, o, now_ms, day, kClasses);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? d.value() : LifecycleDecision{};
  }
  std::unique_ptr<LifecyclePolicy> policy_;
};

TEST_F(LifecycleLuaTest, ExpirationDaysRoundUpToMidnight) {
  LifecycleRule r = Rule("exp");
  r.expiration_days = 1;
  const int64_t created = kEpoch + 10 * 3600 * 1000;  // 10:00 on day 0
  // Due at midnight after day 1 ends: 2 days after the epoch.
  LifecycleDecision early = Decide({r}, Version("a", created), kEpoch + kDayMs + 11 * 3600000);
  EXPECT_EQ(early.action, "");
  EXPECT_EQ(early.next_ms, kEpoch + 2 * kDayMs);
  LifecycleDecision due = Decide({r}, Version("a", created), kEpoch + 2 * kDayMs);
  EXPECT_EQ(due.action, "expire");
  EXPECT_EQ(due.rule, "exp");
}

TEST_F(LifecycleLuaTest, ShortDayIsNotRounded) {
  LifecycleRule r = Rule("exp");
  r.expiration_days = 2;
  LifecycleDecision d = Decide({r}, Version("a", 1'000'500), 1'000'500, /*day=*/10);
  EXPECT_EQ(d.action, "");
  EXPECT_EQ(d.next_ms, 1'020'500);
  EXPECT_EQ(Decide({r}, Version("a", 1'000'500), 1'020'500, 10).action, "expire");
}

TEST_F(LifecycleLuaTest, FiltersPrefixTagsAndSize) {
  LifecycleRule r = Rule("f");
  r.expiration_days = 1;
  r.prefix = "logs/";
  r.tags = {{"tier", "cold"}};
  r.size_greater_than = 10;
  r.size_less_than = 1000;
  LifecycleFacts o = Version("logs/x", kEpoch);
  o.tags = {{"tier", "cold"}, {"other", "1"}};
  const int64_t later = kEpoch + 10 * kDayMs;
  EXPECT_EQ(Decide({r}, o, later).action, "expire");
  LifecycleFacts wrong_prefix = o;
  wrong_prefix.key = "data/x";
  EXPECT_EQ(Decide({r}, wrong_prefix, later).action, "");
  EXPECT_EQ(Decide({r}, wrong_prefix, later).next_ms, -1);
  LifecycleFacts wrong_tag = o;
  wrong_tag.tags = {{"tier", "hot"}};
  EXPECT_EQ(Decide({r}, wrong_tag, later).action, "");
  LifecycleFacts too_big = o;
  too_big.size = 1000;
  EXPECT_EQ(Decide({r}, too_big, later).action, "");
  LifecycleRule disabled = r;
  disabled.enabled = false;
  EXPECT_EQ(Decide({disabled}, o, later).action, "");
}

TEST_F(LifecycleLuaTest, ExpirationDate) {
  LifecycleRule r = Rule("d");
  r.expiration_date_ms = kEpoch + 5 * kDayMs;
  EXPECT_EQ(Decide({r}, Version("a", kEpoch), kEpoch).next_ms, kEpoch + 5 * kDayMs);
  EXPECT_EQ(Decide({r}, Version("a", kEpoch), kEpoch + 5 * kDayMs).action, "expire");
}

TEST_F(LifecycleLuaTest, NoncurrentExpirationKeepsNewerVersions) {
  LifecycleRule r = Rule("nc");
  r.noncurrent_days = 1;
  r.newer_noncurrent_versions = 2;
  LifecycleFacts o = Version("a", kEpoch, /*current=*/false);
  o.noncurrent_since_ms = kEpoch + kDayMs;
  o.newer_noncurrent = 1;  // only one newer noncurrent version: kept
  EXPECT_EQ(Decide({r}, o, kEpoch + 10 * kDayMs).action, "");
  o.newer_noncurrent = 2;
  EXPECT_EQ(Decide({r}, o, kEpoch + kDayMs + 1000).next_ms, kEpoch + 2 * kDayMs);
  EXPECT_EQ(Decide({r}, o, kEpoch + 2 * kDayMs).action, "delete");
  // A current version is not noncurrent.
  EXPECT_EQ(Decide({r}, Version("a", kEpoch), kEpoch + 10 * kDayMs).action, "");
}

TEST_F(LifecycleLuaTest, ExpiredDeleteMarker) {
  LifecycleRule r = Rule("dm");
  r.expired_object_delete_marker = true;
  LifecycleFacts marker = Version("a", kEpoch);
  marker.kind = "delete_marker";
  marker.only_version = false;
  EXPECT_EQ(Decide({r}, marker, kEpoch + kDayMs).action, "");
  marker.only_version = true;
  EXPECT_EQ(Decide({r}, marker, kEpoch + kDayMs).action, "delete");
  // Expiration Days removes an expired marker once it is that old.
  LifecycleRule days = Rule("days");
  days.expiration_days = 2;
  EXPECT_EQ(Decide({days}, marker, kEpoch + kDayMs).next_ms, kEpoch + 2 * kDayMs);
  EXPECT_EQ(Decide({days}, marker, kEpoch + 2 * kDayMs).action, "delete");
  marker.only_version = false;
  EXPECT_EQ(Decide({days}, marker, kEpoch + 3 * kDayMs).action, "");
}

TEST_F(LifecycleLuaTest, AbortIncompleteUpload) {
  LifecycleRule r = Rule("mpu");
  r.prefix = "big/";
  r.abort_upload_days = 2;
  LifecycleFacts u = Version("big/file", kEpoch);
  u.kind = "upload";
  u.version_id = "upload-id";
  EXPECT_EQ(Decide({r}, u, kEpoch + kDayMs).next_ms, kEpoch + 2 * kDayMs);
  EXPECT_EQ(Decide({r}, u, kEpoch + 2 * kDayMs).action, "abort");
}

TEST_F(LifecycleLuaTest, TransitionsPickTheLatestDueAndExpiryWins) {
  LifecycleRule r = Rule("t");
  r.transitions = {{1, 0, -1, -1, "COLD"}};
  LifecycleFacts o = Version("a", kEpoch);
  LifecycleDecision d = Decide({r}, o, kEpoch + kDayMs);
  EXPECT_EQ(d.action, "transition");
  EXPECT_EQ(d.storage_class, "COLD");
  o.storage_class = "COLD";  // done: nothing more
  EXPECT_EQ(Decide({r}, o, kEpoch + kDayMs).action, "");
  r.expiration_days = 1;
  EXPECT_EQ(Decide({r}, Version("a", kEpoch), kEpoch + kDayMs).action, "expire");
}

class ScriptFile {
 public:
  explicit ScriptFile(const std::string& text) {
    char name[] = "/tmp/lifecycle_test_XXXXXX";
    int fd = mkstemp(name);
    close(fd);
    path_ = name;
    std::ofstream(path_) << text;
  }
  ~ScriptFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(LifecyclePolicyTest, RefusesAnswersThatDoNotFit) {
  const LifecycleFacts current = Version("a", kEpoch);
  LifecycleFacts noncurrent = Version("a", kEpoch, false);
  auto answer = [&](const std::string& lua, const LifecycleFacts& o) {
    ScriptFile f("function evaluate(rules, object, now) return " + lua + " end\n");
    auto p = Load(f.path());
    return p->Evaluate({}, o, kEpoch, kDay, kClasses);
  };
  EXPECT_TRUE(answer("nil", current).ok());
  EXPECT_TRUE(answer("{action = 'expire'}", current).ok());
  EXPECT_FALSE(answer("{action = 'expire'}", noncurrent).ok());
  EXPECT_FALSE(answer("{action = 'abort'}", current).ok());
  EXPECT_FALSE(answer("{action = 'explode'}", current).ok());
  EXPECT_FALSE(answer("{action = 'transition', storage_class = 'NOPE'}", current).ok());
  EXPECT_FALSE(answer("{action = 'transition', storage_class = 'STANDARD'}", current).ok());
  EXPECT_TRUE(answer("{action = 'transition', storage_class = 'COLD'}", current).ok());
  EXPECT_FALSE(answer("{next = 'tomorrow'}", current).ok());
  EXPECT_FALSE(answer("42", current).ok());
  auto next = answer("{next = now.time + 1.5}", current);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->next_ms, kEpoch + 1500);
}

TEST(LifecyclePolicyTest, ALoopingPolicyIsStoppedAndTheNextCallWorks) {
  ScriptFile f(
      "function evaluate(rules, object, now)\n"
      "  if object.key == 'loop' then while true do end end\n"
      "  return {action = 'expire'}\n"
      "end\n");
  SandboxLimits limits;
  limits.milliseconds_per_call = 100;
  auto p = Load(f.path(), limits);
  auto looped = p->Evaluate({}, Version("loop", kEpoch), kEpoch, kDay, kClasses);
  ASSERT_FALSE(looped.ok());
  EXPECT_NE(looped.status().message().find("limit exceeded"), std::string::npos)
      << looped.status().message();
  auto fine = p->Evaluate({}, Version("fine", kEpoch), kEpoch, kDay, kClasses);
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_EQ(fine->action, "expire");
}

TEST(LifecyclePolicyTest, AMissingEvaluateFunctionStopsLoading) {
  ScriptFile f("function place() end\n");
  EXPECT_FALSE(LifecyclePolicy::Load(f.path(), {}).ok());
}

}  // namespace
}  // namespace cairn::policy
