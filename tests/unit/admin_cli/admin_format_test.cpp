#include "admin_cli/admin_format.h"

#include <gtest/gtest.h>

namespace cairn::admin_cli {
namespace {

ScrubStatus Finished() {
  ScrubStatus s;
  s.objects_total = 2742;
  s.objects_checked = 2742;
  s.shards_checked = 24678;
  s.shards_repaired = 3;
  s.orphans_removed = 1;
  s.bytes_verified = 1288490189;
  s.started_ms = 1700000000000;
  s.finished_ms = 1700000012300;
  return s;
}

TEST(AdminFormat, HumanBytes) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1536), "1.50 KiB");
  EXPECT_EQ(HumanBytes(1288490189), "1.20 GiB");
  EXPECT_EQ(HumanBytes(50LL << 30), "50.0 GiB");
  EXPECT_EQ(HumanBytes(500LL << 40), "500 TiB");
}

TEST(AdminFormat, ProgressBar) {
  ScrubStatus s = Finished();
  s.running = true;
  s.objects_checked = 1234;
  EXPECT_EQ(ProgressBar(s, 20),
            "[#########...........]  45%  1234/2742 objects  3 repaired  1.20 GiB");
  s.objects_checked = 0;
  EXPECT_EQ(ProgressBar(s, 10).substr(0, 12), "[..........]");
  s.objects_checked = s.objects_total + 5;  // objects written during the pass
  EXPECT_EQ(ProgressBar(s, 10).substr(0, 18), "[##########] 100% ");
  s.objects_total = 0;  // still counting
  s.objects_checked = 17;
  s.unrecoverable = {"b/k"};
  EXPECT_EQ(ProgressBar(s, 10), "scrubbing: 17 objects  3 repaired  1.20 GiB  1 LOST");
}

TEST(AdminFormat, ProgressLine) {
  ScrubStatus s = Finished();
  s.objects_checked = 1234;
  EXPECT_EQ(ProgressLine(s),
            "scrub: 1234/2742 objects (45%), 3 shards repaired, 1.20 GiB verified");
  s.objects_total = 0;
  s.shards_repaired = 1;
  EXPECT_EQ(ProgressLine(s), "scrub: 1234 objects, 1 shard repaired, 1.20 GiB verified");
}

TEST(AdminFormat, SummaryOfACleanPass) {
  ScrubStatus s = Finished();
  EXPECT_TRUE(ScrubSucceeded(s));
  EXPECT_EQ(ScrubSummary(s),
            "scrub pass finished (all buckets) in 12.3 s\n"
            "  objects checked   2742 of 2742\n"
            "  shards checked    24678\n"
            "  shards repaired   3\n"
            "  orphans removed   1\n"
            "  bytes verified    1.20 GiB (1288490189 bytes)\n"
            "  unrecoverable     0\n"
            "OK: every object checked is intact\n");
}

TEST(AdminFormat, SummaryNamesWhatWasLost) {
  ScrubStatus s = Finished();
  s.bucket = "photos";
  s.unrecoverable = {"photos/2019/a.jpg", "photos/b.jpg"};
  EXPECT_FALSE(ScrubSucceeded(s));
  std::string text = ScrubSummary(s);
  EXPECT_NE(text.find("(bucket photos)"), std::string::npos);
  EXPECT_NE(text.find("  unrecoverable     2\n    photos/2019/a.jpg\n    photos/b.jpg\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("FAILED: 2 objects could not be repaired"), std::string::npos);

  ScrubStatus e = Finished();
  e.errors = {"drive d4 unreadable"};
  EXPECT_FALSE(ScrubSucceeded(e));
  EXPECT_NE(ScrubSummary(e).find("  errors            1\n    drive d4 unreadable\n"),
            std::string::npos);
  EXPECT_NE(ScrubSummary(e).find("FAILED: the pass reported errors"), std::string::npos);
}

TEST(AdminFormat, DrivesTable) {
  std::vector<DriveInfo> drives = {
      {"node1-d0", "node1", "zone-a", "/data/d0", true, 100LL << 30, 75LL << 30},
      {"node2-d11", "node2", "", "/data/d11", false, 0, 0},
  };
  EXPECT_EQ(DrivesTable(drives),
            "ID         NODE   ZONE    HEALTH   USED / TOTAL\n"
            "node1-d0   node1  zone-a  healthy  25.0 GiB / 100 GiB (25%)\n"
            "node2-d11  node2  -       FAILED   0 B / 0 B\n"
            "2 drives, 1 healthy\n");
}

}  // namespace
}  // namespace cairn::admin_cli
