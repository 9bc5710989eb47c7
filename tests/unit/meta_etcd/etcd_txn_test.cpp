// meta/etcd: the Txn -> etcd JSON translation, checked without an etcd.
#include "etcd_txn.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "base64.h"

namespace cairn::meta::etcd {
namespace {

Poco::JSON::Object::Ptr Parse(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string Decoded(const std::string& b64) {
  std::string out;
  EXPECT_TRUE(Base64Decode(b64, &out));
  return out;
}

TEST(EtcdTxnTest, ConditionsBecomeCompares) {
  KeySpace space("p/");
  Txn txn;
  txn.Require("a", TxnCondition::kExists)
      .Require("b", TxnCondition::kNotExists)
      .Require("c", TxnCondition::kValueEquals, std::string("v\0", 2));
  auto body = BuildTxnBody(space, txn);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  auto compare = Parse(body.value())->getArray("compare");
  ASSERT_EQ(compare->size(), 3u);
  auto a = compare->getObject(0);
  EXPECT_EQ(Decoded(a->getValue<std::string>("key")), "p/a");
  EXPECT_EQ(a->getValue<std::string>("target"), "CREATE");
  EXPECT_EQ(a->getValue<std::string>("result"), "GREATER");
  EXPECT_EQ(a->getValue<std::string>("create_revision"), "0");
  auto b = compare->getObject(1);
  EXPECT_EQ(b->getValue<std::string>("target"), "CREATE");
  EXPECT_EQ(b->getValue<std::string>("result"), "EQUAL");
  EXPECT_EQ(b->getValue<std::string>("create_revision"), "0");
  auto c = compare->getObject(2);
  EXPECT_EQ(c->getValue<std::string>("target"), "VALUE");
  EXPECT_EQ(Decoded(c->getValue<std::string>("value")), std::string("v\0", 2));
}

TEST(EtcdTxnTest, LastOpOnAKeyWins) {
  KeySpace space("");
  Txn txn;
  txn.Put("k", "1").Put("j", "x").Delete("k").Put("k", "2").Delete("j");
  auto body = BuildTxnBody(space, txn);
  ASSERT_TRUE(body.ok());
  auto success = Parse(body.value())->getArray("success");
  ASSERT_EQ(success->size(), 2u);
  auto put = success->getObject(0)->getObject("request_put");
  ASSERT_FALSE(put.isNull());
  EXPECT_EQ(Decoded(put->getValue<std::string>("key")), "k");
  EXPECT_EQ(Decoded(put->getValue<std::string>("value")), "2");
  auto del = success->getObject(1)->getObject("request_delete_range");
  ASSERT_FALSE(del.isNull());
  EXPECT_EQ(Decoded(del->getValue<std::string>("key")), "j");
  EXPECT_FALSE(del->has("range_end")) << "a single key, never a range";
}

TEST(EtcdTxnTest, RefusesMoreThanTheEtcdLimitNamingIt) {
  KeySpace space("p/");
  Txn at_limit;
  for (size_t i = 0; i < kMaxTxnOps; ++i) at_limit.Put("k" + std::to_string(i), "v");
  EXPECT_TRUE(BuildTxnBody(space, at_limit).ok());
  Txn same_key;
  for (size_t i = 0; i < 3 * kMaxTxnOps; ++i) same_key.Put("k", std::to_string(i));
  EXPECT_TRUE(BuildTxnBody(space, same_key).ok()) << "collapsed into one op";

  Txn over = at_limit;
  over.Delete("one-more");
  auto body = BuildTxnBody(space, over);
  ASSERT_EQ(body.status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_NE(body.status().message().find("128"), std::string::npos) << body.status().ToString();
  EXPECT_NE(body.status().message().find("max-txn-ops"), std::string::npos);

  Txn conditions;
  for (size_t i = 0; i <= kMaxTxnOps; ++i) {
    conditions.Require("c" + std::to_string(i), TxnCondition::kExists);
  }
  EXPECT_EQ(BuildTxnBody(space, conditions).status().code(), CAIRN_INVALID_ARGUMENT);
}

TEST(EtcdTxnTest, UnknownKindsAreInvalidArgument) {
  KeySpace space("p/");
  Txn txn;
  txn.Require("k", static_cast<TxnCondition::Kind>(42));
  EXPECT_EQ(BuildTxnBody(space, txn).status().code(), CAIRN_INVALID_ARGUMENT);
  Txn ops;
  ops.ops.push_back({"k", static_cast<TxnOp::Kind>(7), "v"});
  EXPECT_EQ(BuildTxnBody(space, ops).status().code(), CAIRN_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace cairn::meta::etcd
