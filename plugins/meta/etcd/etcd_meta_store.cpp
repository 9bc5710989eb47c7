#include "etcd_meta_store.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>

#include "base64.h"
#include "etcd_txn.h"

namespace cairn::meta::etcd {
namespace {

constexpr int64_t kMaxTimeoutMs = 10 * 60 * 1000;

std::string Stringify(const Poco::JSON::Object& object) {
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

Status Malformed(const std::string& what) {
  return Status::IOError("etcd: unexpected answer: " + what);
}

// Appends the kvs of a range answer to *out (when out is not null) and returns how many.
Result<size_t> ParseKvs(const KeySpace& space, const Poco::JSON::Object& answer,
                        std::vector<KeyValue>* out, std::string* last_etcd_key) {
  Poco::JSON::Array::Ptr kvs = answer.getArray("kvs");
  if (kvs.isNull()) return size_t{0};
  for (size_t i = 0; i < kvs->size(); ++i) {
    Poco::JSON::Object::Ptr kv = kvs->getObject(static_cast<unsigned>(i));
    if (kv.isNull()) return Malformed("a kv is not an object");
    KeyValue item;
    std::string etcd_key;
    if (!Base64Decode(kv->optValue<std::string>("key", ""), &etcd_key) ||
        !Base64Decode(kv->optValue<std::string>("value", ""), &item.value)) {
      return Malformed("bad base64");
    }
    auto key = space.FromEtcd(etcd_key);
    if (!key) return Malformed("a key outside the prefix '" + space.prefix() + "'");
    item.key = std::move(*key);
    if (last_etcd_key != nullptr) *last_etcd_key = std::move(etcd_key);
    if (out != nullptr) out->push_back(std::move(item));
  }
  return kvs->size();
}

}  // namespace

Result<std::unique_ptr<EtcdMetaStore>> EtcdMetaStore::Open(EtcdOptions options) {
  if (options.page_size == 0) return Status::InvalidArgument("etcd: page size must be positive");
  auto client = EtcdClient::Create(options.endpoints, options.timeout);
  if (!client.ok()) return client.status();
  std::unique_ptr<EtcdMetaStore> store(new EtcdMetaStore(
      std::move(client.value()), KeySpace(std::move(options.prefix)), options.page_size));
  CAIRN_RETURN_IF_ERROR(store->Ping());
  return store;
}

Result<std::unique_ptr<EtcdMetaStore>> EtcdMetaStore::Create(const sdk::PluginContext& context) {
  EtcdOptions options;
  options.endpoints = context.GetStringArray("endpoints");
  if (options.endpoints.empty()) {
    return Status::InvalidArgument("etcd: `endpoints` must list at least one http://host:port");
  }
  if (auto prefix = context.GetString("prefix")) options.prefix = *prefix;
  if (auto timeout = context.GetInt("timeout_ms")) {
    if (*timeout <= 0 || *timeout > kMaxTimeoutMs) {
      return Status::InvalidArgument("etcd: `timeout_ms` must be in 1.." +
                                     std::to_string(kMaxTimeoutMs));
    }
    options.timeout = std::chrono::milliseconds(*timeout);
  }
  std::string list;
  for (const auto& ep : options.endpoints) list += (list.empty() ? "" : ", ") + ep;
  context.Log(CAIRN_LOG_INFO, "etcd metadata on [" + list + "], prefix '" + options.prefix + "'");
  return Open(std::move(options));
}

Status EtcdMetaStore::Ping() {
  auto answer = client_->Call("/v3/maintenance/status", "{}", Effect::kRead);
  if (answer.ok()) return Status::Ok();
  std::string list;
  for (size_t i = 0; i < client_->pool().size(); ++i) {
    list += (i ? ", " : "") + client_->pool().endpoint(i).url;
  }
  if (answer.status().code() != CAIRN_UNAVAILABLE) return answer.status();
  return Status::Unavailable("etcd: no endpoint of [" + list +
                             "] answers: " + answer.status().message());
}

Status EtcdMetaStore::Get(std::string_view key, std::string* value) {
  const std::string etcd_key = space_.ToEtcd(key);
  if (etcd_key.empty()) return Status::NotFound("etcd cannot store an empty key");
  Poco::JSON::Object request;
  request.set("key", Base64Encode(etcd_key));
  auto answer = client_->Call("/v3/kv/range", Stringify(request), Effect::kRead);
  if (!answer.ok()) return answer.status();
  try {
    std::vector<KeyValue> kvs;
    auto n = ParseKvs(space_, **answer, &kvs, nullptr);
    if (!n.ok()) return n.status();
    if (kvs.empty()) return Status::NotFound("no such key");
    if (kvs.size() != 1 || kvs[0].key != key) return Malformed("a range of one key");
    *value = std::move(kvs[0].value);
    return Status::Ok();
  } catch (const Poco::Exception& e) {
    return Malformed(e.displayText());
  }
}

Status EtcdMetaStore::Scan(std::string_view start, std::string_view end, size_t limit,
                           std::vector<KeyValue>* out) {
  if (!end.empty() && start >= end) return Status::Ok();  // string_view compares bytes unsigned
  std::string from = space_.RangeStart(start);
  const std::string range_end = Base64Encode(space_.RangeEnd(end));
  int64_t revision = 0;  // pinned by the first page
  size_t got = 0;
  while (limit == 0 || got < limit) {
    const size_t page = limit == 0 ? page_size_ : std::min(page_size_, limit - got);
    Poco::JSON::Object request;
    request.set("key", Base64Encode(from));
    request.set("range_end", range_end);
    request.set("limit", static_cast<Poco::Int64>(page));
    if (revision != 0) request.set("revision", std::to_string(revision));
    auto answer = client_->Call("/v3/kv/range", Stringify(request), Effect::kRead);
    if (!answer.ok()) {
      if (answer.status().message().find("compacted") != std::string::npos) {
        return Status::Unavailable("etcd: the scan's snapshot was compacted while it ran; retry");
      }
      return answer.status();
    }
    try {
      const Poco::JSON::Object& object = **answer;
      if (revision == 0) {
        Poco::JSON::Object::Ptr header = object.getObject("header");
        if (header.isNull()) return Malformed("no header");
        revision = header->getValue<Poco::Int64>("revision");
      }
      std::string last;
      auto n = ParseKvs(space_, object, out, &last);
      if (!n.ok()) return n.status();
      got += n.value();
      if (n.value() == 0 || !object.optValue<bool>("more", false)) break;
      from = last;
      from.push_back('\0');  // the next key after `last`
    } catch (const Poco::Exception& e) {
      return Malformed(e.displayText());
    }
  }
  return Status::Ok();
}

Status EtcdMetaStore::Commit(const Txn& txn) {
  if (txn.ops.empty() && txn.conditions.empty()) return Status::Ok();
  auto body = BuildTxnBody(space_, txn);
  if (!body.ok()) return body.status();
  auto answer = client_->Call("/v3/kv/txn", body.value(), Effect::kWrite);
  if (!answer.ok()) return answer.status();
  try {
    // Protobuf's JSON mapping omits false: a missing `succeeded` is a failed compare.
    if ((*answer)->optValue<bool>("succeeded", false)) return Status::Ok();
    return Status::Conflict("a transaction condition did not hold");
  } catch (const Poco::Exception& e) {
    // etcd answered, but not in a form we can read: we cannot claim either outcome.
    return Status::OutcomeUnknown("etcd: outcome unknown, unreadable txn answer: " +
                                  e.displayText());
  }
}

}  // namespace cairn::meta::etcd
