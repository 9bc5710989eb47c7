#include "plugin/meta_store_proxy.h"

namespace cairn {
namespace {

cairn_bytes Bytes(std::string_view s) {
  return cairn_bytes{reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

int AppendSink(void* ctx, const uint8_t* data, size_t size) {
  static_cast<std::string*>(ctx)->append(reinterpret_cast<const char*>(data), size);
  return 0;
}

int CollectPair(void* ctx, cairn_bytes key, cairn_bytes value) {
  static_cast<std::vector<KeyValue>*>(ctx)->push_back(
      {std::string(reinterpret_cast<const char*>(key.data), key.size),
       std::string(reinterpret_cast<const char*>(value.data), value.size)});
  return 0;
}

}  // namespace

Status MetaStoreProxy::Get(std::string_view key, std::string* value) {
  cairn_error err{};
  value->clear();
  return Status::FromError(vt_.get(instance_->get(), Bytes(key), &AppendSink, value, &err), err);
}

Status MetaStoreProxy::Scan(std::string_view start, std::string_view end, size_t limit,
                            std::vector<KeyValue>* out) {
  cairn_error err{};
  cairn_bytes range[2] = {Bytes(start), Bytes(end)};
  return Status::FromError(vt_.scan(instance_->get(), range, limit, &CollectPair, out, &err), err);
}

Status MetaStoreProxy::Commit(const Txn& txn) {
  std::vector<cairn_kv_condition> conds;
  std::vector<cairn_kv_op> ops;
  for (const auto& c : txn.conditions) {
    conds.push_back({Bytes(c.key), static_cast<int32_t>(c.kind), Bytes(c.value)});
  }
  for (const auto& o : txn.ops) {
    ops.push_back({Bytes(o.key), static_cast<int32_t>(o.kind), Bytes(o.value)});
  }
  cairn_kv_txn t{conds.data(), conds.size(), ops.data(), ops.size()};
  cairn_error err{};
  Status st = Status::FromError(vt_.commit(instance_->get(), &t, &err), err);
  // An engine built before ABI 1.3 cannot report an unknown outcome: it said "unavailable" or
  // "I/O error" for a timeout after sending too. Such failures may have been applied.
  const uint32_t minor = instance_->plugin().info->abi_minor;
  if (minor < 3 && (st.code() == CAIRN_UNAVAILABLE || st.code() == CAIRN_IO_ERROR ||
                    st.code() == CAIRN_INTERNAL)) {
    return Status::OutcomeUnknown(st.ToString() + " (an engine of ABI 1." +
                                  std::to_string(minor) + " cannot tell whether it was applied)");
  }
  return st;
}

}  // namespace cairn
