#include "plugin/transport_proxy.h"

#include <cstddef>

namespace cairn {
namespace {

cairn_shard_ref CRef(const ShardRef& ref) { return {ref.drive_id.c_str(), ref.shard.c_str()}; }

class WriterProxy : public ShardWriter {
 public:
  WriterProxy(const cairn_transport_vtable& vt, void* writer) : vt_(vt), writer_(writer) {}
  ~WriterProxy() override {
    if (writer_ != nullptr) vt_.writer_abort(writer_);
  }
  Status Append(const uint8_t* data, size_t size) override {
    cairn_error err{};
    return Status::FromError(vt_.writer_append(writer_, cairn_bytes{data, size}, &err), err);
  }
  Status Commit() override {
    cairn_error err{};
    void* w = writer_;
    writer_ = nullptr;  // commit frees the writer whatever the outcome
    return Status::FromError(vt_.writer_commit(w, &err), err);
  }

 private:
  const cairn_transport_vtable& vt_;
  void* writer_;
};

int CollectDrive(void* ctx, const cairn_drive_info* d) {
  static_cast<std::vector<DriveInfo>*>(ctx)->push_back(
      {d->id, d->node, d->zone, d->path, d->healthy != 0, d->total_bytes, d->free_bytes});
  return 0;
}

int CollectNode(void* ctx, const cairn_node_info* n) {
  static_cast<std::vector<NodeInfo>*>(ctx)->push_back({n->url, n->name, n->reachable != 0});
  return 0;
}

int CollectStat(void* ctx, const cairn_shard_stat* s) {
  static_cast<std::vector<ShardStat>*>(ctx)->push_back({s->shard, s->size, s->mtime_unix});
  return 0;
}

}  // namespace

Status TransportProxy::Drives(std::vector<DriveInfo>* out) {
  cairn_error err{};
  return Status::FromError(vt_.drives(instance_->get(), &CollectDrive, out, &err), err);
}

Result<std::unique_ptr<ShardWriter>> TransportProxy::OpenWriter(const ShardRef& ref) {
  cairn_error err{};
  cairn_shard_ref r = CRef(ref);
  void* w = vt_.writer_open(instance_->get(), &r, &err);
  if (w == nullptr) return Status::FromError(err.code ? err.code : CAIRN_INTERNAL, err);
  return std::unique_ptr<ShardWriter>(new WriterProxy(vt_, w));
}

Result<uint64_t> TransportProxy::Read(const ShardRef& ref, uint64_t offset, uint8_t* out,
                                      uint64_t size) {
  cairn_error err{};
  cairn_shard_ref r = CRef(ref);
  uint64_t n = 0;
  Status st = Status::FromError(vt_.read(instance_->get(), &r, offset, out, size, &n, &err), err);
  if (!st.ok()) return st;
  return n;
}

Status TransportProxy::Remove(const ShardRef& ref) {
  cairn_error err{};
  cairn_shard_ref r = CRef(ref);
  return Status::FromError(vt_.remove(instance_->get(), &r, &err), err);
}

Status TransportProxy::List(const ShardRef& prefix, std::vector<ShardStat>* out) {
  cairn_error err{};
  cairn_shard_ref r = CRef(prefix);
  return Status::FromError(vt_.list(instance_->get(), &r, &CollectStat, out, &err), err);
}

Result<ShardStat> TransportProxy::Stat(const ShardRef& ref) {
  cairn_error err{};
  cairn_shard_ref r = CRef(ref);
  cairn_shard_stat s{};
  Status st = Status::FromError(vt_.stat(instance_->get(), &r, &s, &err), err);
  if (!st.ok()) return st;
  return ShardStat{s.shard, s.size, s.mtime_unix};
}

bool TransportProxy::HasNodes() const {
  return vt_.struct_size >= offsetof(cairn_transport_vtable, probe_node) + sizeof(vt_.probe_node);
}

Status TransportProxy::Nodes(std::vector<NodeInfo>* out) {
  if (!HasNodes()) return Transport::Nodes(out);
  cairn_error err{};
  return Status::FromError(vt_.nodes(instance_->get(), &CollectNode, out, &err), err);
}

Status TransportProxy::SetNodes(const std::vector<std::string>& urls) {
  if (!HasNodes()) return Transport::SetNodes(urls);
  std::vector<const char*> list;
  for (const auto& u : urls) list.push_back(u.c_str());
  cairn_error err{};
  return Status::FromError(vt_.set_nodes(instance_->get(), list.data(), list.size(), &err), err);
}

Status TransportProxy::ProbeNode(const std::string& url, std::vector<DriveInfo>* out) {
  if (!HasNodes()) return Transport::ProbeNode(url, out);
  cairn_error err{};
  return Status::FromError(vt_.probe_node(instance_->get(), url.c_str(), &CollectDrive, out, &err),
                           err);
}

}  // namespace cairn
