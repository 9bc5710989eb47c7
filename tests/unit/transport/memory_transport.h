// MemoryTransport: a header-only in-memory cairn::Transport for tests of the core. Drives are
// maps of shard name to bytes; SetHealthy() turns a drive into a failed one (reported
// unhealthy, every operation Unavailable), which makes degraded-read and repair tests easy.
// It enforces the same shard-name rules as transport/local.
//
// Thread-safety: thread-safe (one mutex); a writer is used by one thread at a time and
// publishes on Commit only.
#pragma once

#include <algorithm>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/transport.h"

namespace cairn::testing {

class MemoryTransport final : public Transport {
 public:
  // Drives are named "mem-0" .. "mem-<n-1>".
  explicit MemoryTransport(size_t drive_count = 3, std::string node = "mem-node",
                           std::string zone = "zone-a", uint64_t capacity = uint64_t{1} << 30)
      : state_(std::make_shared<State>()) {
    for (size_t i = 0; i < drive_count; ++i) {
      Drive d;
      d.info.id = "mem-" + std::to_string(i);
      d.info.node = node;
      d.info.zone = zone;
      d.info.path = "memory:" + d.info.id;
      d.info.healthy = true;
      d.info.total_bytes = capacity;
      state_->drives.emplace(d.info.id, std::move(d));
      state_->order.push_back("mem-" + std::to_string(i));
    }
  }

  // Fault injection: an unhealthy drive refuses everything with Unavailable.
  void SetHealthy(const std::string& drive_id, bool healthy) {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->drives.find(drive_id);
    if (it != state_->drives.end()) it->second.info.healthy = healthy;
  }

  Status Drives(std::vector<DriveInfo>* out) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    for (const auto& id : state_->order) {
      const Drive& d = state_->drives.at(id);
      DriveInfo info = d.info;
      uint64_t used = 0;
      for (const auto& [name, shard] : d.shards) used += shard.bytes.size();
      info.free_bytes = used >= info.total_bytes ? 0 : info.total_bytes - used;
      out->push_back(info);
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<ShardWriter>> OpenWriter(const ShardRef& ref) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto drive = Serving(ref, /*check_name=*/true);
    if (!drive.ok()) return drive.status();
    return std::unique_ptr<ShardWriter>(new Writer(state_, ref));
  }

  Result<uint64_t> Read(const ShardRef& ref, uint64_t offset, uint8_t* out,
                        uint64_t size) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto drive = Serving(ref, true);
    if (!drive.ok()) return drive.status();
    auto it = (*drive)->shards.find(ref.shard);
    if (it == (*drive)->shards.end()) return Status::NotFound("no shard " + ref.shard);
    const std::string& bytes = it->second.bytes;
    if (offset >= bytes.size()) return uint64_t{0};
    const uint64_t n = std::min<uint64_t>(size, bytes.size() - offset);
    std::copy(bytes.data() + offset, bytes.data() + offset + n, out);
    return n;
  }

  Status Remove(const ShardRef& ref) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto drive = Serving(ref, true);
    if (!drive.ok()) return drive.status();
    if ((*drive)->shards.erase(ref.shard) == 0) return Status::NotFound("no shard " + ref.shard);
    return Status::Ok();
  }

  Status List(const ShardRef& prefix, std::vector<ShardStat>* out) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    CAIRN_RETURN_IF_ERROR(CheckPrefix(prefix.shard));
    auto drive = Serving(prefix, false);
    if (!drive.ok()) return drive.status();
    for (auto it = (*drive)->shards.lower_bound(prefix.shard); it != (*drive)->shards.end(); ++it) {
      if (it->first.compare(0, prefix.shard.size(), prefix.shard) != 0) break;
      out->push_back(ShardStat{it->first, it->second.bytes.size(), it->second.mtime});
    }
    return Status::Ok();
  }

  Result<ShardStat> Stat(const ShardRef& ref) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto drive = Serving(ref, true);
    if (!drive.ok()) return drive.status();
    auto it = (*drive)->shards.find(ref.shard);
    if (it == (*drive)->shards.end()) return Status::NotFound("no shard " + ref.shard);
    return ShardStat{ref.shard, it->second.bytes.size(), it->second.mtime};
  }

  // The rules of transport/local's shard_name.h, restated so this header stands alone.
  static Status CheckName(std::string_view name) {
    if (name.empty()) return Status::InvalidArgument("empty shard name");
    CAIRN_RETURN_IF_ERROR(CheckPrefix(name));
    size_t start = 0;
    while (start <= name.size()) {
      size_t end = name.find('/', start);
      if (end == std::string_view::npos) end = name.size();
      std::string_view segment = name.substr(start, end - start);
      if (segment.empty() || segment == ".") {
        return Status::InvalidArgument("bad segment in shard name " + std::string(name));
      }
      start = end + 1;
    }
    return Status::Ok();
  }
  static Status CheckPrefix(std::string_view name) {
    if (name.size() > 200) return Status::InvalidArgument("shard name longer than 200 bytes");
    for (char c : name) {
      const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' || c == '_' ||
                      c == '/' || c == '-';
      if (!ok) return Status::InvalidArgument("bad character in shard name " + std::string(name));
    }
    if (!name.empty() && name.front() == '/') return Status::InvalidArgument("leading '/'");
    if (name.find("..") != std::string_view::npos) return Status::InvalidArgument("'..'");
    return Status::Ok();
  }

 private:
  struct Shard {
    std::string bytes;
    int64_t mtime = 0;
  };
  struct Drive {
    DriveInfo info;
    std::map<std::string, Shard> shards;
  };
  struct State {
    std::mutex mu;
    std::map<std::string, Drive> drives;
    std::vector<std::string> order;
  };

  class Writer final : public ShardWriter {
   public:
    Writer(std::shared_ptr<State> state, ShardRef ref)
        : state_(std::move(state)), ref_(std::move(ref)) {}
    Status Append(const uint8_t* data, size_t size) override {
      if (done_) return Status::InvalidArgument("append to a finished writer");
      bytes_.append(reinterpret_cast<const char*>(data), size);
      return Status::Ok();
    }
    Status Commit() override {
      if (done_) return Status::InvalidArgument("commit of a finished writer");
      done_ = true;
      std::lock_guard<std::mutex> lock(state_->mu);
      Drive& d = state_->drives.at(ref_.drive_id);
      if (!d.info.healthy) return Status::Unavailable("drive " + ref_.drive_id + " failed");
      d.shards[ref_.shard] = Shard{std::move(bytes_), static_cast<int64_t>(std::time(nullptr))};
      return Status::Ok();
    }

   private:
    std::shared_ptr<State> state_;
    ShardRef ref_;
    std::string bytes_;
    bool done_ = false;
  };

  // REQUIRES: state_->mu held.
  Result<Drive*> Serving(const ShardRef& ref, bool check_name) {
    if (check_name) CAIRN_RETURN_IF_ERROR(CheckName(ref.shard));
    auto it = state_->drives.find(ref.drive_id);
    if (it == state_->drives.end()) return Status::NotFound("no drive " + ref.drive_id);
    if (!it->second.info.healthy) return Status::Unavailable("drive " + ref.drive_id + " failed");
    return &it->second;
  }

  std::shared_ptr<State> state_;
};

}  // namespace cairn::testing
