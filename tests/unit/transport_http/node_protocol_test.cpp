// The node's wire protocol (signing, error mapping, encoding), its routes and its config file.
#include <gtest/gtest.h>

#include "node/node_config.h"
#include "node/node_target.h"
#include "node_protocol/cluster_protocol.h"

namespace cairn::cluster {
namespace {

TEST(ClusterProtocolTest, SignatureCoversEveryPart) {
  const std::string sig = SignRequest("k", "PUT", "/shards/d/a", "100", "5");
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_TRUE(VerifyRequest("k", "PUT", "/shards/d/a", "100", "5", sig, 100).ok());
  EXPECT_FALSE(VerifyRequest("x", "PUT", "/shards/d/a", "100", "5", sig, 100).ok());
  EXPECT_FALSE(VerifyRequest("k", "GET", "/shards/d/a", "100", "5", sig, 100).ok());
  EXPECT_FALSE(VerifyRequest("k", "PUT", "/shards/d/b", "100", "5", sig, 100).ok());
  EXPECT_FALSE(VerifyRequest("k", "PUT", "/shards/d/a", "101", "5", sig, 100).ok());
  EXPECT_FALSE(VerifyRequest("k", "PUT", "/shards/d/a", "100", "6", sig, 100).ok());
  EXPECT_FALSE(VerifyRequest("k", "PUT", "/shards/d/a", "100", "5", sig.substr(1), 100).ok());
  EXPECT_TRUE(VerifyRequest("k", "PUT", "/shards/d/a", "100", "5", sig, 400).ok());
  Status skewed = VerifyRequest("k", "PUT", "/shards/d/a", "100", "5", sig, 401);
  EXPECT_EQ(skewed.code(), CAIRN_ACCESS_DENIED);
  EXPECT_EQ(skewed.s3_code(), "RequestTimeTooSkewed");
  EXPECT_EQ(VerifyRequest("k", "GET", "/", "", "", "", 0).s3_code(), "MissingSecurityHeader");
  EXPECT_EQ(VerifyRequest("k", "GET", "/", "1x", "", "ab", 1).code(), CAIRN_ACCESS_DENIED);
}

TEST(ClusterProtocolTest, ErrorsRoundTripThroughHttp) {
  for (cairn_code code :
       {CAIRN_NOT_FOUND, CAIRN_CONFLICT, CAIRN_CORRUPTION, CAIRN_IO_ERROR, CAIRN_INVALID_ARGUMENT,
        CAIRN_UNAVAILABLE, CAIRN_NO_SPACE, CAIRN_ACCESS_DENIED, CAIRN_INTERNAL}) {
    Status st = StatusOfResponse(HttpStatusOf(code), std::to_string(code), "why");
    EXPECT_EQ(st.code(), code);
    EXPECT_EQ(st.message(), "why");
  }
  EXPECT_EQ(StatusOfResponse(401, "", "").code(), CAIRN_ACCESS_DENIED);
  EXPECT_EQ(StatusOfResponse(404, "", "").code(), CAIRN_NOT_FOUND);
  EXPECT_EQ(StatusOfResponse(413, "", "").code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(StatusOfResponse(502, "", "").code(), CAIRN_IO_ERROR);
  EXPECT_EQ(StatusOfResponse(500, "77", "").code(), CAIRN_IO_ERROR) << "unknown code: by HTTP";
}

TEST(ClusterProtocolTest, PercentEncoding) {
  EXPECT_EQ(PercentEncode("ab/c.d_e-f~", true), "ab/c.d_e-f~");
  EXPECT_EQ(PercentEncode("ab/c", false), "ab%2fc");
  EXPECT_EQ(PercentEncode(std::string("a b\0?%", 6), true), "a%20b%00%3f%25");
  EXPECT_EQ(*PercentDecode("a%20b%00%3f%25"), std::string("a b\0?%", 6));
  EXPECT_FALSE(PercentDecode("%2").has_value());
  EXPECT_FALSE(PercentDecode("%zz").has_value());
}

}  // namespace
}  // namespace cairn::cluster

namespace cairn {
namespace {

TEST(NodeTargetTest, Routes) {
  auto t = ParseNodeTarget("/shards/d1/ab/cd-e");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, NodeTarget::Kind::kShard);
  EXPECT_EQ(t->drive, "d1");
  EXPECT_EQ(t->shard, "ab/cd-e");
  t = ParseNodeTarget("/shards/d1/?prefix=ab%2F");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, NodeTarget::Kind::kList);
  EXPECT_EQ(t->prefix, "ab/");
  EXPECT_EQ(ParseNodeTarget("/drives")->kind, NodeTarget::Kind::kDrives);
  EXPECT_EQ(ParseNodeTarget("/health")->kind, NodeTarget::Kind::kHealth);
  EXPECT_TRUE(ParseNodeTarget("/other").status().IsNotFound());
  EXPECT_EQ(ParseNodeTarget("/shards/d1").status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(ParseNodeTarget("/shards//a").status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(ParseNodeTarget("/shards/d/%zz").status().code(), CAIRN_INVALID_ARGUMENT);
}

TEST(NodeConfigTest, ParsesAndRefuses) {
  auto c = ParseNodeConfig(
      "[node]\nlisten = \"0.0.0.0:9100\"\nname = \"n1\"\ncluster_secret = \"s\"\n"
      "max_body_bytes = 1024\n[transport]\nengine = \"local\"\n[transport.local]\n"
      "drives = [\"d0\"]\n",
      "/etc/cairn/node.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen, "0.0.0.0:9100");
  EXPECT_EQ(c->max_body_bytes, 1024);
  ASSERT_NE(c->TransportTable(), nullptr);
  EXPECT_TRUE(CheckNodeConfig(c.value()).ok());

  auto unknown = ParseNodeConfig("[node]\ncluster_secret = \"s\"\nport = 1\n", "n.toml");
  EXPECT_EQ(unknown.status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_NE(unknown.status().message().find("n.toml:3:"), std::string::npos)
      << unknown.status().message();
  EXPECT_FALSE(ParseNodeConfig("[node]\n[server]\nlisten = \"x\"\n", "n.toml").ok());
  EXPECT_FALSE(ParseNodeConfig("[transport.local]\ndrives = []\n", "n.toml").ok()) << "no [node]";
  EXPECT_FALSE(ParseNodeConfig("[node]\nmax_body_bytes = 0\n", "n.toml").ok());

  auto no_secret = ParseNodeConfig("[node]\nname = \"n\"\n", "n.toml");
  ASSERT_TRUE(no_secret.ok());
  EXPECT_EQ(CheckNodeConfig(no_secret.value()).code(), CAIRN_INVALID_ARGUMENT);
  auto no_name = ParseNodeConfig("[node]\ncluster_secret = \"s\"\n", "n.toml");
  ASSERT_TRUE(no_name.ok());
  ASSERT_TRUE(CheckNodeConfig(no_name.value()).ok());
  EXPECT_FALSE(no_name->name.empty()) << "the host name";
}

}  // namespace
}  // namespace cairn
