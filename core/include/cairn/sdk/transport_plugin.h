// Plugin-side SDK for transports: write a class implementing cairn::Transport with
// `static Result<std::unique_ptr<T>> Create(const sdk::PluginContext&)`, then
//   CAIRN_TRANSPORT_PLUGIN(MyTransport, "name", "1.0.0", kConfigKeys, kConfigKeyCount)
#pragma once

#include <cstring>

#include "cairn/sdk/plugin_context.h"
#include "cairn/transport.h"

namespace cairn::sdk {

inline void CopyField(char* dst, size_t cap, const std::string& src) {
  size_t n = src.size() < cap - 1 ? src.size() : cap - 1;
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

inline ShardRef ToRef(const cairn_shard_ref* ref) {
  return ShardRef{ref->drive_id ? ref->drive_id : "", ref->shard ? ref->shard : ""};
}

inline void ToStat(const ShardStat& s, cairn_shard_stat* out) {
  CopyField(out->shard, sizeof(out->shard), s.shard);
  out->size = s.size;
  out->mtime_unix = s.mtime_unix;
}

// Hands drives to a host callback until it asks to stop.
inline void VisitDrives(const std::vector<DriveInfo>& drives, cairn_drive_fn fn, void* ctx) {
  for (const auto& d : drives) {
    cairn_drive_info info{};
    CopyField(info.id, sizeof(info.id), d.id);
    CopyField(info.node, sizeof(info.node), d.node);
    CopyField(info.zone, sizeof(info.zone), d.zone);
    CopyField(info.path, sizeof(info.path), d.path);
    info.healthy = d.healthy ? 1 : 0;
    info.total_bytes = d.total_bytes;
    info.free_bytes = d.free_bytes;
    if (fn(ctx, &info) != 0) break;
  }
}

template <typename T>
struct TransportGlue {
  static int32_t Drives(void* instance, cairn_drive_fn fn, void* ctx, cairn_error* err) noexcept {
    return Report(Guard([&]() -> Status {
                    std::vector<DriveInfo> drives;
                    CAIRN_RETURN_IF_ERROR(Impl<T>(instance).Drives(&drives));
                    VisitDrives(drives, fn, ctx);
                    return Status::Ok();
                  }),
                  err);
  }
  static void* WriterOpen(void* instance, const cairn_shard_ref* ref, cairn_error* err) noexcept {
    ShardWriter* out = nullptr;
    Report(Guard([&]() -> Status {
             auto w = Impl<T>(instance).OpenWriter(ToRef(ref));
             if (!w.ok()) return w.status();
             out = w.value().release();
             return Status::Ok();
           }),
           err);
    return out;
  }
  static int32_t WriterAppend(void* writer, cairn_bytes data, cairn_error* err) noexcept {
    return Report(Guard([&] {
                    return static_cast<ShardWriter*>(writer)->Append(data.data, data.size);
                  }),
                  err);
  }
  static int32_t WriterCommit(void* writer, cairn_error* err) noexcept {
    auto* w = static_cast<ShardWriter*>(writer);
    int32_t rc = Report(Guard([&] { return w->Commit(); }), err);
    WriterAbort(writer);
    return rc;
  }
  static void WriterAbort(void* writer) noexcept {
    try {
      delete static_cast<ShardWriter*>(writer);  // an uncommitted writer aborts in its destructor
    } catch (...) {
    }
  }
  static int32_t Read(void* instance, const cairn_shard_ref* ref, uint64_t offset, uint8_t* out,
                      uint64_t size, uint64_t* read_size, cairn_error* err) noexcept {
    return Report(Guard([&]() -> Status {
                    auto n = Impl<T>(instance).Read(ToRef(ref), offset, out, size);
                    if (!n.ok()) return n.status();
                    *read_size = n.value();
                    return Status::Ok();
                  }),
                  err);
  }
  static int32_t Remove(void* instance, const cairn_shard_ref* ref, cairn_error* err) noexcept {
    return Report(Guard([&] { return Impl<T>(instance).Remove(ToRef(ref)); }), err);
  }
  static int32_t List(void* instance, const cairn_shard_ref* prefix, cairn_shard_stat_fn fn,
                      void* ctx, cairn_error* err) noexcept {
    return Report(Guard([&]() -> Status {
                    std::vector<ShardStat> out;
                    CAIRN_RETURN_IF_ERROR(Impl<T>(instance).List(ToRef(prefix), &out));
                    for (const auto& s : out) {
                      cairn_shard_stat st{};
                      ToStat(s, &st);
                      if (fn(ctx, &st) != 0) break;
                    }
                    return Status::Ok();
                  }),
                  err);
  }
  static int32_t Stat(void* instance, const cairn_shard_ref* ref, cairn_shard_stat* out,
                      cairn_error* err) noexcept {
    return Report(Guard([&]() -> Status {
                    auto s = Impl<T>(instance).Stat(ToRef(ref));
                    if (!s.ok()) return s.status();
                    ToStat(s.value(), out);
                    return Status::Ok();
                  }),
                  err);
  }
  static int32_t Nodes(void* instance, cairn_node_fn fn, void* ctx, cairn_error* err) noexcept {
    return Report(Guard([&]() -> Status {
                    std::vector<NodeInfo> nodes;
                    CAIRN_RETURN_IF_ERROR(Impl<T>(instance).Nodes(&nodes));
                    for (const auto& n : nodes) {
                      cairn_node_info info{};
                      CopyField(info.url, sizeof(info.url), n.url);
                      CopyField(info.name, sizeof(info.name), n.name);
                      info.reachable = n.reachable ? 1 : 0;
                      if (fn(ctx, &info) != 0) break;
                    }
                    return Status::Ok();
                  }),
                  err);
  }
  static int32_t SetNodes(void* instance, const char* const* urls, size_t count,
                          cairn_error* err) noexcept {
    return Report(Guard([&]() -> Status {
                    std::vector<std::string> list;
                    for (size_t i = 0; i < count; ++i) list.emplace_back(urls[i] ? urls[i] : "");
                    return Impl<T>(instance).SetNodes(list);
                  }),
                  err);
  }
  static int32_t ProbeNode(void* instance, const char* url, cairn_drive_fn fn, void* ctx,
                           cairn_error* err) noexcept {
    return Report(Guard([&]() -> Status {
                    std::vector<DriveInfo> drives;
                    CAIRN_RETURN_IF_ERROR(Impl<T>(instance).ProbeNode(url ? url : "", &drives));
                    VisitDrives(drives, fn, ctx);
                    return Status::Ok();
                  }),
                  err);
  }
  static const cairn_transport_vtable* VTable() {
    static const cairn_transport_vtable vt = {
        sizeof(cairn_transport_vtable), &Drives, &WriterOpen, &WriterAppend, &WriterCommit,
        &WriterAbort, &Read, &Remove, &List, &Stat, &Nodes, &SetNodes, &ProbeNode};
    return &vt;
  }
};

}  // namespace cairn::sdk

#define CAIRN_TRANSPORT_PLUGIN(T, name_str, version_str, keys, key_count) \
  CAIRN_DEFINE_PLUGIN_ENTRY(T, name_str, "transport", version_str, keys, key_count, \
                            ::cairn::sdk::TransportGlue<T>::VTable())
