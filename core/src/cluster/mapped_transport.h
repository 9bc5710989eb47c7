// MappedTransport: the transport as the data path should see it in a cluster -- every call goes
// to the real transport, and the drive report carries the cluster map's view (a draining
// node's drives take no new shards; node weights feed placement). A shard call that finds
// nothing is retried once if the map, read again, names nodes this gateway did not know: a
// record may already point at a node another gateway added a moment ago. Thread-safe.
#pragma once

#include "cairn/transport.h"
#include "cluster/cluster_map.h"

namespace cairn {

class MappedTransport final : public Transport {
 public:
  MappedTransport(Transport& inner, ClusterMap& map) : inner_(inner), map_(map) {}

  Status Drives(std::vector<DriveInfo>* out) override {
    CAIRN_RETURN_IF_ERROR(inner_.Drives(out));
    map_.Annotate(out);
    return Status::Ok();
  }
  Result<std::unique_ptr<ShardWriter>> OpenWriter(const ShardRef& ref) override {
    return Retried([&] { return inner_.OpenWriter(ref); });
  }
  Result<uint64_t> Read(const ShardRef& ref, uint64_t offset, uint8_t* out,
                        uint64_t size) override {
    return Retried([&] { return inner_.Read(ref, offset, out, size); });
  }
  Status Remove(const ShardRef& ref) override {
    return Retried([&] { return inner_.Remove(ref); });
  }
  Status List(const ShardRef& prefix, std::vector<ShardStat>* out) override {
    return inner_.List(prefix, out);
  }
  Result<ShardStat> Stat(const ShardRef& ref) override {
    return Retried([&] { return inner_.Stat(ref); });
  }
  Status Nodes(std::vector<NodeInfo>* out) override { return inner_.Nodes(out); }
  Status SetNodes(const std::vector<std::string>& urls) override { return inner_.SetNodes(urls); }
  Status ProbeNode(const std::string& url, std::vector<DriveInfo>* out) override {
    return inner_.ProbeNode(url, out);
  }

 private:
  template <typename Call>
  auto Retried(Call&& call) -> decltype(call()) {
    auto result = call();
    if (Failed(result).IsNotFound() && map_.Resync()) return call();
    return result;
  }
  static Status Failed(const Status& s) { return s; }
  template <typename T>
  static Status Failed(const Result<T>& r) {
    return r.ok() ? Status::Ok() : r.status();
  }

  Transport& inner_;
  ClusterMap& map_;
};

}  // namespace cairn
