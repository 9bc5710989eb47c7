#include "etcd_txn.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>
#include <unordered_map>

#include "base64.h"

namespace cairn::meta::etcd {
namespace {

Status TooLarge(const char* what, size_t count) {
  return Status::InvalidArgument("etcd: a transaction may have at most " +
                                 std::to_string(kMaxTxnOps) + " " + what +
                                 " (etcd --max-txn-ops); this one has " + std::to_string(count));
}

Result<Poco::JSON::Object::Ptr> Compare(const KeySpace& space, const TxnCondition& c) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
  out->set("key", Base64Encode(space.ToEtcd(c.key)));
  switch (c.kind) {
    case TxnCondition::kExists:
      out->set("target", "CREATE");
      out->set("result", "GREATER");
      out->set("create_revision", "0");
      return out;
    case TxnCondition::kNotExists:
      out->set("target", "CREATE");
      out->set("result", "EQUAL");
      out->set("create_revision", "0");
      return out;
    case TxnCondition::kValueEquals:
      out->set("target", "VALUE");
      out->set("result", "EQUAL");
      out->set("value", Base64Encode(c.value));
      return out;
  }
  return Status::InvalidArgument("etcd: unknown condition kind " +
                                 std::to_string(static_cast<int>(c.kind)));
}

Poco::JSON::Object::Ptr Operation(const KeySpace& space, const TxnOp& op) {
  Poco::JSON::Object::Ptr inner = new Poco::JSON::Object;
  inner->set("key", Base64Encode(space.ToEtcd(op.key)));
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
  if (op.kind == TxnOp::kPut) {
    inner->set("value", Base64Encode(op.value));
    out->set("request_put", inner);
  } else {
    out->set("request_delete_range", inner);
  }
  return out;
}

}  // namespace

Result<std::string> BuildTxnBody(const KeySpace& space, const Txn& txn) {
  if (txn.conditions.size() > kMaxTxnOps) return TooLarge("conditions", txn.conditions.size());
  Poco::JSON::Array::Ptr compare = new Poco::JSON::Array;
  for (const auto& c : txn.conditions) {
    auto cmp = Compare(space, c);
    if (!cmp.ok()) return cmp.status();
    compare->add(cmp.value());
  }

  // The last op on each key wins; keep the survivors in their original order.
  std::unordered_map<std::string_view, size_t> last;
  for (size_t i = 0; i < txn.ops.size(); ++i) {
    const TxnOp& op = txn.ops[i];
    if (op.kind != TxnOp::kPut && op.kind != TxnOp::kDelete) {
      return Status::InvalidArgument("etcd: unknown op kind " +
                                     std::to_string(static_cast<int>(op.kind)));
    }
    last[op.key] = i;
  }
  if (last.size() > kMaxTxnOps) return TooLarge("operations", last.size());
  Poco::JSON::Array::Ptr success = new Poco::JSON::Array;
  for (size_t i = 0; i < txn.ops.size(); ++i) {
    if (last[txn.ops[i].key] == i) success->add(Operation(space, txn.ops[i]));
  }

  Poco::JSON::Object body;
  body.set("compare", compare);
  body.set("success", success);
  std::ostringstream out;
  body.stringify(out);
  return out.str();
}

}  // namespace cairn::meta::etcd
