// PlacementPolicy: load-time checks, validation of what a script returns, error mapping and
// concurrent use.
#include "policy/placement_policy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "test_cluster.h"

namespace cairn::policy {
namespace {

using testing::DefaultPlacementScript;
using testing::MakeDrives;

// Writes `source` to a fresh file in the test temp dir and returns its path.
std::string WriteScript(const std::string& name, const std::string& source) {
  std::string path =
      ::testing::TempDir() + "cairn_policy_" + std::to_string(getpid()) + "_" + name + ".lua";
  std::ofstream(path) << source;
  return path;
}

PlacementRequest Request(const std::string& key = "k") {
  PlacementRequest r;
  r.bucket = "b";
  r.key = key;
  r.k = 6;
  r.m = 3;
  return r;
}

// Loads a policy whose place() body is `body` (the drives' ids are in `ids`, healthy first).
std::unique_ptr<PlacementPolicy> PolicyWithBody(const std::string& name, const std::string& body,
                                                std::string* path) {
  *path = WriteScript(name,
                      "function place(object, chunk, cluster)\n"
                      "  local ids = {}\n"
                      "  for _, d in ipairs(cluster.drives) do ids[#ids + 1] = d.id end\n" +
                          body + "\nend\n");
  auto policy = PlacementPolicy::Load(*path);
  EXPECT_TRUE(policy.ok()) << policy.status().ToString();
  return policy.ok() ? std::move(policy.value()) : nullptr;
}

struct BadPolicy {
  const char* name;
  const char* body;
  const char* expected;  // a fragment of the error message
};

class BadPolicyTest : public ::testing::TestWithParam<BadPolicy> {};

TEST_P(BadPolicyTest, IsRefusedNamingTheScript) {
  std::string path;
  auto policy = PolicyWithBody(GetParam().name, GetParam().body, &path);
  ASSERT_NE(policy, nullptr);
  Result<std::vector<std::string>> placed = policy->Place(Request(), MakeDrives(1, 12));
  ASSERT_FALSE(placed.ok());
  EXPECT_EQ(placed.status().code(), CAIRN_INTERNAL);
  EXPECT_EQ(placed.status().message().rfind(path, 0), 0) << placed.status().message();
  EXPECT_NE(placed.status().message().find(GetParam().expected), std::string::npos)
      << placed.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Placement, BadPolicyTest,
    ::testing::Values(
        BadPolicy{"too_few", "  return {table.unpack(ids, 1, 8)}", "returned 8 drive ids"},
        BadPolicy{"too_many", "  return {table.unpack(ids, 1, 10)}", "returned 10 drive ids"},
        BadPolicy{"duplicate", "  ids[9] = ids[1]\n  return {table.unpack(ids, 1, 9)}",
                  "result[9] repeats drive id 'd01'"},
        BadPolicy{"unknown", "  ids[4] = 'nope'\n  return {table.unpack(ids, 1, 9)}",
                  "result[4] is an unknown drive id 'nope'"},
        BadPolicy{"not_string", "  ids[2] = 7\n  return {table.unpack(ids, 1, 9)}",
                  "result[2] is a number"},
        BadPolicy{"not_table", "  return 'd01'", "must return an array of drive ids, got string"},
        BadPolicy{"nothing", "  return", "got nil"},
        BadPolicy{"map", "  return {first = 'd01'}", "table with string keys"},
        BadPolicy{"runtime", "  return ids.x.y", ":4: attempt to index a nil value"},
        BadPolicy{"spin", "  while true do end", ":4: instruction limit exceeded"}),
    [](const ::testing::TestParamInfo<BadPolicy>& info) { return info.param.name; });

TEST(PlacementPolicyTest, UnhealthyChoiceIsRefused) {
  std::string path;
  auto policy = PolicyWithBody("unhealthy", "  return {table.unpack(ids, 1, 9)}", &path);
  ASSERT_NE(policy, nullptr);
  std::vector<DriveInfo> drives = MakeDrives(1, 12);
  drives[4].healthy = false;
  Result<std::vector<std::string>> placed = policy->Place(Request(), drives);
  ASSERT_FALSE(placed.ok());
  EXPECT_EQ(placed.status().message(),
            path + ": place() result[5] is drive 'd05', which is not healthy");
}

TEST(PlacementPolicyTest, ShortAnswerWithTooFewHealthyDrivesIsUnavailable) {
  std::string path;
  auto policy = PolicyWithBody(
      "short",
      "  local healthy = {}\n"
      "  for _, d in ipairs(cluster.drives) do if d.healthy then healthy[#healthy + 1] = d.id end "
      "end\n"
      "  return healthy",
      &path);
  ASSERT_NE(policy, nullptr);
  std::vector<DriveInfo> drives = MakeDrives(1, 9);
  drives[0].healthy = false;
  Result<std::vector<std::string>> placed = policy->Place(Request(), drives);
  ASSERT_FALSE(placed.ok());
  EXPECT_EQ(placed.status().code(), CAIRN_UNAVAILABLE);
  EXPECT_EQ(placed.status().message(), "not enough healthy drives: need 9, have 8");
}

TEST(PlacementPolicyTest, BrokenScriptsFailAtLoad) {
  auto missing = PlacementPolicy::Load("/nonexistent/placement.lua");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());

  std::string path = WriteScript("syntax", "function place(o, c, cl)\n  return {\nend\n");
  auto syntax = PlacementPolicy::Load(path);
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(syntax.status().message().rfind(path + ":3:", 0), 0) << syntax.status().message();

  path = WriteScript("no_place", "function placement() end\n");
  auto no_place = PlacementPolicy::Load(path);
  ASSERT_FALSE(no_place.ok());
  EXPECT_EQ(no_place.status().message(), path + ": the policy defines no global function 'place'");

  path = WriteScript("top_level", "local x = nil\nx.y = 1\nfunction place() end\n");
  auto top_level = PlacementPolicy::Load(path);
  ASSERT_FALSE(top_level.ok());
  EXPECT_EQ(top_level.status().message().rfind(path + ":2:", 0), 0) << top_level.status().message();
}

TEST(PlacementPolicyTest, RejectsBadCodes) {
  auto policy = PlacementPolicy::Load(DefaultPlacementScript());
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  PlacementRequest r = Request();
  r.k = 0;
  EXPECT_EQ(policy.value()->Place(r, MakeDrives(1, 9)).status().code(), CAIRN_INVALID_ARGUMENT);
}

TEST(PlacementPolicyTest, RecoversAfterAFailedCall) {
  std::string path;
  auto policy = PolicyWithBody("flaky",
                               "  if object.key == 'bad' then error('refused ' .. object.key) end\n"
                               "  return {table.unpack(ids, 1, 9)}",
                               &path);
  ASSERT_NE(policy, nullptr);
  std::vector<DriveInfo> drives = MakeDrives(1, 9);
  Result<std::vector<std::string>> bad = policy->Place(Request("bad"), drives);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), path + ":4: refused bad");
  EXPECT_TRUE(policy->Place(Request("good"), drives).ok());
}

TEST(PlacementPolicyTest, ConcurrentCallersAgree) {
  auto loaded = PlacementPolicy::Load(DefaultPlacementScript(), {}, nullptr, 4);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  PlacementPolicy& policy = *loaded.value();
  std::vector<DriveInfo> drives = MakeDrives(3, 4);
  constexpr int kKeys = 400;
  std::vector<std::vector<std::string>> expected(kKeys);
  for (int i = 0; i < kKeys; ++i) {
    expected[i] = policy.Place(Request(std::to_string(i)), drives).value();
  }
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kKeys; ++i) {
        auto placed = policy.Place(Request(std::to_string(i)), drives);
        if (!placed.ok() || placed.value() != expected[i]) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (int t = 0; t < 8; ++t) {
    EXPECT_EQ(mismatches[t], 0) << "thread " << t;
  }
}

}  // namespace
}  // namespace cairn::policy
