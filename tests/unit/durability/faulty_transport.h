// FaultyTransport: a cairn::Transport decorator for durability tests. It forwards to an inner
// transport (normally testing::MemoryTransport) and injects the faults drives really have:
// - on stored shards: Drop (gone), Truncate (short file), FlipBit (silent corruption) change
//   the bytes held by the inner transport; MakeUnreadable makes Read and Stat of one shard fail
//   with IOError (bad sectors) until the shard is written again;
// - on writes, per drive: RefuseWrites makes OpenWriter (kAtOpen), Append (kAtAppend) or Commit
//   (kAtCommit) fail with NoSpace (a full drive) or Unavailable (a dead one), for every shard or
//   only those whose name contains a given string (e.g. "/c1." for chunk 1 and later faults);
//   Remove keeps working, as unlink does on a full file system.
// - on reads, per drive: SlowReads delays every Read of the drive (a slow disk or node).
// It also counts the writers it opened, so a test can tell whether a repair wrote anything.
//
// Thread-safety: thread-safe (one mutex for the fault tables); the inner transport must be
// thread-safe too. The data path commits shards from several threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cairn/transport.h"

namespace cairn::testing {

class FaultyTransport final : public Transport {
 public:
  enum class WriteFault { kAtOpen, kAtAppend, kAtCommit };

  // `inner` must outlive this transport.
  explicit FaultyTransport(Transport& inner) : inner_(inner) {}

  // --- Faults on stored shards (they change what the inner transport holds). ---

  Status Drop(const ShardRef& ref) { return inner_.Remove(ref); }

  // Keeps the first `size` bytes of the shard.
  Status Truncate(const ShardRef& ref, uint64_t size) {
    auto bytes = Load(ref);
    if (!bytes.ok()) return bytes.status();
    if (size < bytes->size()) bytes->resize(size);
    return Store(ref, *bytes);
  }

  // Flips one bit of byte `offset` (taken modulo the shard's size).
  Status FlipBit(const ShardRef& ref, uint64_t offset, int bit = 0) {
    auto bytes = Load(ref);
    if (!bytes.ok()) return bytes.status();
    if (bytes->empty()) return Status::InvalidArgument("empty shard " + ref.shard);
    (*bytes)[offset % bytes->size()] ^= static_cast<char>(1 << (bit & 7));
    return Store(ref, *bytes);
  }

  void MakeUnreadable(const ShardRef& ref) {
    std::lock_guard<std::mutex> lock(mu_);
    unreadable_.insert(Key(ref));
  }

  // --- Faults on reads, per drive. ---

  void SlowReads(const std::string& drive_id, std::chrono::milliseconds delay) {
    std::lock_guard<std::mutex> lock(mu_);
    slow_[drive_id] = delay;
  }

  // --- Faults on writes, per drive. ---

  // `code` is CAIRN_NO_SPACE (ENOSPC) or CAIRN_UNAVAILABLE (the drive is gone).
  // `only_shards_containing` empty: every shard.
  void RefuseWrites(const std::string& drive_id, WriteFault where, cairn_code code,
                    std::string only_shards_containing = "") {
    std::lock_guard<std::mutex> lock(mu_);
    refused_[drive_id] = {where, code, std::move(only_shards_containing)};
  }
  void AcceptWrites(const std::string& drive_id) {
    std::lock_guard<std::mutex> lock(mu_);
    refused_.erase(drive_id);
  }
  void AcceptAllWrites() {
    std::lock_guard<std::mutex> lock(mu_);
    refused_.clear();
  }

  // Writers opened successfully so far (each is one shard write attempt).
  uint64_t writers_opened() const { return writers_opened_.load(); }

  // --- Transport ---

  Status Drives(std::vector<DriveInfo>* out) override { return inner_.Drives(out); }

  Result<std::unique_ptr<ShardWriter>> OpenWriter(const ShardRef& ref) override {
    auto fault = WriteFaultOf(ref);
    if (fault && fault->where == WriteFault::kAtOpen) return Refusal(ref, fault->code);
    auto inner = inner_.OpenWriter(ref);
    if (!inner.ok()) return inner.status();
    ++writers_opened_;
    return std::unique_ptr<ShardWriter>(new Writer(*this, ref, std::move(inner.value())));
  }

  Result<uint64_t> Read(const ShardRef& ref, uint64_t offset, uint8_t* out,
                        uint64_t size) override {
    if (IsUnreadable(ref)) return Status::IOError("read " + ref.shard + ": Input/output error");
    std::chrono::milliseconds delay{0};
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = slow_.find(ref.drive_id); it != slow_.end()) delay = it->second;
    }
    std::this_thread::sleep_for(delay);
    return inner_.Read(ref, offset, out, size);
  }

  Status Remove(const ShardRef& ref) override {
    Status st = inner_.Remove(ref);
    if (st.ok()) Forget(ref);
    return st;
  }

  Status List(const ShardRef& prefix, std::vector<ShardStat>* out) override {
    return inner_.List(prefix, out);
  }

  Result<ShardStat> Stat(const ShardRef& ref) override {
    if (IsUnreadable(ref)) return Status::IOError("stat " + ref.shard + ": Input/output error");
    return inner_.Stat(ref);
  }

 private:
  struct Fault {
    WriteFault where;
    cairn_code code;
    std::string only_shards_containing;
  };

  class Writer final : public ShardWriter {
   public:
    Writer(FaultyTransport& owner, ShardRef ref, std::unique_ptr<ShardWriter> inner)
        : owner_(owner), ref_(std::move(ref)), inner_(std::move(inner)) {}
    Status Append(const uint8_t* data, size_t size) override {
      auto fault = owner_.WriteFaultOf(ref_);
      if (fault && fault->where == WriteFault::kAtAppend) return Refusal(ref_, fault->code);
      return inner_->Append(data, size);
    }
    Status Commit() override {
      auto fault = owner_.WriteFaultOf(ref_);
      if (fault && fault->where == WriteFault::kAtCommit) {
        inner_.reset();  // a failed commit frees the writer and publishes nothing
        return Refusal(ref_, fault->code);
      }
      Status st = inner_->Commit();
      if (st.ok()) owner_.Forget(ref_);  // a fresh file: the bad sectors are gone
      return st;
    }

   private:
    FaultyTransport& owner_;
    ShardRef ref_;
    std::unique_ptr<ShardWriter> inner_;
  };

  static std::string Key(const ShardRef& ref) { return ref.drive_id + "\n" + ref.shard; }

  static Status Refusal(const ShardRef& ref, cairn_code code) {
    std::string what = "drive " + ref.drive_id + ", shard " + ref.shard;
    if (code == CAIRN_NO_SPACE) return Status::NoSpace(what + ": No space left on device");
    return Status::Unavailable(what + ": drive refuses writes");
  }

  std::optional<Fault> WriteFaultOf(const ShardRef& ref) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = refused_.find(ref.drive_id);
    if (it == refused_.end()) return std::nullopt;
    if (ref.shard.find(it->second.only_shards_containing) == std::string::npos) return std::nullopt;
    return it->second;
  }
  bool IsUnreadable(const ShardRef& ref) {
    std::lock_guard<std::mutex> lock(mu_);
    return unreadable_.count(Key(ref)) != 0;
  }
  void Forget(const ShardRef& ref) {
    std::lock_guard<std::mutex> lock(mu_);
    unreadable_.erase(Key(ref));
  }

  // The whole shard as the inner transport holds it.
  Result<std::string> Load(const ShardRef& ref) {
    auto stat = inner_.Stat(ref);
    if (!stat.ok()) return stat.status();
    std::string bytes(stat->size, '\0');
    auto got = inner_.Read(ref, 0, reinterpret_cast<uint8_t*>(bytes.data()), bytes.size());
    if (!got.ok()) return got.status();
    bytes.resize(got.value());
    return bytes;
  }
  // Replaces the shard through the inner transport, bypassing the write faults.
  Status Store(const ShardRef& ref, const std::string& bytes) {
    auto w = inner_.OpenWriter(ref);
    if (!w.ok()) return w.status();
    CAIRN_RETURN_IF_ERROR(
        w.value()->Append(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    return w.value()->Commit();
  }

  Transport& inner_;
  std::mutex mu_;
  std::map<std::string, Fault> refused_;  // by drive id
  std::set<std::string> unreadable_;      // Key(ref)
  std::map<std::string, std::chrono::milliseconds> slow_;  // by drive id
  std::atomic<uint64_t> writers_opened_{0};
};

}  // namespace cairn::testing
