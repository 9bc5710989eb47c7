#include "cluster/node_record.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(NodeRecord, RoundTrip) {
  NodeRecord r;
  r.name = "node-a0";
  r.url = "http://10.0.0.5:9100";
  r.zone = "zone \"a\"";
  r.weight = 2.5;
  r.state = kNodeDraining;
  r.added_ms = 1700000000123;
  r.drives = {"d1", "d2"};
  NodeRecord back;
  ASSERT_TRUE(Decode(Encode(r), &back).ok());
  EXPECT_EQ(back.name, r.name);
  EXPECT_EQ(back.url, r.url);
  EXPECT_EQ(back.zone, r.zone);
  EXPECT_DOUBLE_EQ(back.weight, 2.5);
  EXPECT_EQ(back.state, kNodeDraining);
  EXPECT_EQ(back.added_ms, r.added_ms);
  EXPECT_EQ(back.drives, r.drives);
}

TEST(NodeRecord, RefusesWhatIsNotARecord) {
  NodeRecord r;
  EXPECT_TRUE(Decode("not json", &r).code() == CAIRN_CORRUPTION);
  EXPECT_TRUE(Decode("[1,2]", &r).code() == CAIRN_CORRUPTION);
  EXPECT_TRUE(Decode(R"({"url":"http://x:1"})", &r).code() == CAIRN_CORRUPTION);
  EXPECT_TRUE(Decode(R"({"name":"n","url":""})", &r).code() == CAIRN_CORRUPTION);
  EXPECT_TRUE(Decode(R"({"name":"n","url":"http://x:1","state":"gone"})", &r).code() == CAIRN_CORRUPTION);
  EXPECT_TRUE(Decode(R"({"name":"n","url":"http://x:1"})", &r).ok());
  EXPECT_EQ(r.state, kNodeActive);
  EXPECT_DOUBLE_EQ(r.weight, 1.0);
}

}  // namespace
}  // namespace cairn
