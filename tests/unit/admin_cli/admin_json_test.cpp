#include "admin_cli/admin_json.h"

#include <gtest/gtest.h>

namespace cairn::admin_cli {
namespace {

TEST(AdminJson, ScrubStatus) {
  auto s = ParseScrubStatus(R"({"running": true, "bucket": "photos", "objects_total": 10,
      "objects_checked": 4, "shards_checked": 36, "shards_repaired": 2, "orphans_removed": 1,
      "bytes_verified": 123456789012, "unrecoverable": ["photos/a b.jpg", "photos/c"],
      "errors": ["drive d3: I/O error"], "started_ms": 1700000000000, "finished_ms": 0})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->running);
  EXPECT_EQ(s->bucket, "photos");
  EXPECT_EQ(s->objects_total, 10);
  EXPECT_EQ(s->objects_checked, 4);
  EXPECT_EQ(s->shards_checked, 36);
  EXPECT_EQ(s->shards_repaired, 2);
  EXPECT_EQ(s->orphans_removed, 1);
  EXPECT_EQ(s->bytes_verified, 123456789012);
  EXPECT_EQ(s->unrecoverable, (std::vector<std::string>{"photos/a b.jpg", "photos/c"}));
  EXPECT_EQ(s->errors, (std::vector<std::string>{"drive d3: I/O error"}));
  EXPECT_EQ(s->started_ms, 1700000000000);
  EXPECT_EQ(s->finished_ms, 0);
}

TEST(AdminJson, MissingFieldsAreZero) {
  auto s = ParseScrubStatus(R"({"running": false})");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->running);
  EXPECT_EQ(s->objects_checked, 0);
  EXPECT_TRUE(s->unrecoverable.empty());
  EXPECT_TRUE(ParseScrubStatus(R"({"unrecoverable": null})").ok());
}

TEST(AdminJson, MalformedIsAnErrorNotACrash) {
  for (const char* bad :
       {"", "not json", "[1,2]", R"({"running": "yes"})", R"({"objects_checked": "many"})",
        R"({"unrecoverable": 5})", R"({"running": true)"}) {
    auto s = ParseScrubStatus(bad);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.status().code(), CAIRN_CORRUPTION) << bad;
  }
  EXPECT_FALSE(ParseDrives(R"({"drives": 3})").ok());
  EXPECT_FALSE(ParseDrives(R"({"drives": [1]})").ok());
  EXPECT_FALSE(ParseDrives(R"({})").ok());
  EXPECT_FALSE(ParseRepairQueued(R"({})").ok());
}

TEST(AdminJson, Drives) {
  auto d = ParseDrives(R"({"drives": [
      {"id": "n1-d0", "node": "n1", "zone": "z1", "path": "/data/d0", "healthy": true,
       "total_bytes": 1000, "free_bytes": 250},
      {"id": 7, "node": "n2", "zone": "z2", "path": "/data/d7", "healthy": false,
       "total_bytes": 0, "free_bytes": 0}]})");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ((*d)[0].id, "n1-d0");
  EXPECT_EQ((*d)[0].path, "/data/d0");
  EXPECT_TRUE((*d)[0].healthy);
  EXPECT_EQ((*d)[0].free_bytes, 250);
  EXPECT_EQ((*d)[1].id, "7");
  EXPECT_FALSE((*d)[1].healthy);
  EXPECT_TRUE(ParseDrives(R"({"drives": []})")->empty());
}

TEST(AdminJson, RepairAndErrors) {
  EXPECT_EQ(ParseRepairQueued(R"({"queued": 12})").value(), 12);
  EXPECT_EQ(ParseErrorMessage(R"({"error": "a scrub is already running"})"),
            "a scrub is already running");
  EXPECT_EQ(ParseErrorMessage("<Error/>"), "");
  EXPECT_EQ(ParseErrorMessage(R"({"other": 1})"), "");
}

}  // namespace
}  // namespace cairn::admin_cli

namespace cairn::admin_cli {
namespace {

TEST(AdminJson, ClusterStatus) {
  auto s = ParseClusterStatus(R"({"clustered": true, "nodes": [
      {"name": "node-a0", "url": "http://h:1", "zone": "zone-a", "weight": 2.5,
       "state": "draining", "drives": [{"id": "d1", "healthy": true, "total_bytes": 100,
                                        "free_bytes": 40}]}],
      "rebalance": {"state": "running", "gateway": "gw", "records_total": 10,
                    "records_checked": 4, "shards_moved": 3, "bytes_moved": 3000,
                    "started_ms": 5}})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->clustered);
  ASSERT_EQ(s->nodes.size(), 1u);
  EXPECT_EQ(s->nodes[0].state, "draining");
  EXPECT_DOUBLE_EQ(s->nodes[0].weight, 2.5);
  ASSERT_EQ(s->nodes[0].drives.size(), 1u);
  EXPECT_EQ(s->nodes[0].drives[0].node, "node-a0");
  EXPECT_EQ(s->nodes[0].drives[0].free_bytes, 40);
  EXPECT_EQ(s->rebalance.state, "running");
  EXPECT_EQ(s->rebalance.records_checked, 4);
  EXPECT_EQ(s->rebalance.bytes_moved, 3000);
  EXPECT_FALSE(ParseClusterStatus(R"({"clustered": true})").ok());
  EXPECT_FALSE(ParseClusterStatus(R"({"nodes": [1]})").ok());
}

}  // namespace
}  // namespace cairn::admin_cli
