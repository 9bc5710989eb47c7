// Transport: the shard storage boundary. Puts, reads (by byte range), deletes, lists and stats
// shard files on the drives a transport serves, and reports each drive's health.
//
// A shard is named by the core (e.g. "ab/ab12.../c0.s3"); names are opaque to the transport
// apart from being safe relative file names ([0-9a-z._/-], no "..", no leading '/').
// A shard becomes visible only when its writer commits, atomically and durably (for local
// drives: temp file, fsync, rename, directory fsync). Thread-safe; a writer is used by one
// thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/abi.h"
#include "cairn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cairn_drive_info {
  char id[64];     // stable across restarts and reordering (stored on the drive itself)
  char node[64];   // the node serving the drive
  char zone[64];
  char path[512];  // for operators' eyes only
  int32_t healthy;  // 1 when readable and writable
  uint64_t total_bytes;
  uint64_t free_bytes;
} cairn_drive_info;

typedef struct cairn_shard_ref {
  const char* drive_id;
  const char* shard;
} cairn_shard_ref;

typedef struct cairn_shard_stat {
  char shard[256];
  uint64_t size;
  int64_t mtime_unix;
} cairn_shard_stat;

// A storage node a transport reaches (ABI 1.2).
typedef struct cairn_node_info {
  char url[256];   // how the transport reaches it, e.g. "http://10.0.0.5:9100"
  char name[64];   // the name the node reports for itself; empty until it has answered once
  int32_t reachable;
} cairn_node_info;

typedef int (*cairn_drive_fn)(void* ctx, const cairn_drive_info* drive);
typedef int (*cairn_shard_stat_fn)(void* ctx, const cairn_shard_stat* stat);
typedef int (*cairn_node_fn)(void* ctx, const cairn_node_info* node);

typedef struct cairn_transport_vtable {
  uint32_t struct_size;
  // Visits every drive with its current health and space.
  int32_t (*drives)(void* instance, cairn_drive_fn fn, void* fn_ctx, cairn_error* err);
  // Starts a shard write; returns a writer or NULL and *err.
  void* (*writer_open)(void* instance, const cairn_shard_ref* ref, cairn_error* err);
  int32_t (*writer_append)(void* writer, cairn_bytes data, cairn_error* err);
  // Makes the shard durable and visible; the writer is freed whatever the outcome.
  int32_t (*writer_commit)(void* writer, cairn_error* err);
  // Discards an uncommitted shard and frees the writer.
  void (*writer_abort)(void* writer);
  // Reads up to `size` bytes at `offset` into out; *read_size is what was read (short only at
  // the end of the shard). CAIRN_NOT_FOUND when the shard does not exist.
  int32_t (*read)(void* instance, const cairn_shard_ref* ref, uint64_t offset, uint8_t* out,
                  uint64_t size, uint64_t* read_size, cairn_error* err);
  // Deleting an absent shard returns CAIRN_NOT_FOUND.
  int32_t (*remove)(void* instance, const cairn_shard_ref* ref, cairn_error* err);
  // Visits the shards of a drive whose names start with `prefix`.
  int32_t (*list)(void* instance, const cairn_shard_ref* prefix, cairn_shard_stat_fn fn,
                  void* fn_ctx, cairn_error* err);
  int32_t (*stat)(void* instance, const cairn_shard_ref* ref, cairn_shard_stat* out,
                  cairn_error* err);

  // ABI 1.2: storage nodes. The core keeps the cluster map (which nodes belong to the
  // cluster) in the metadata engine and tells every gateway's transport; a transport without
  // nodes (local drives) answers CAIRN_INVALID_ARGUMENT. Absent when struct_size is smaller.
  //
  // Visits the nodes the transport currently reaches.
  int32_t (*nodes)(void* instance, cairn_node_fn fn, void* fn_ctx, cairn_error* err);
  // Replaces the set of nodes reached; drives of nodes no longer in the set disappear.
  int32_t (*set_nodes)(void* instance, const char* const* urls, size_t count, cairn_error* err);
  // Visits the drives the node at `url` reports, whether or not it is in the set (so an
  // operator can check a node before adding it). CAIRN_UNAVAILABLE when it does not answer.
  int32_t (*probe_node)(void* instance, const char* url, cairn_drive_fn fn, void* fn_ctx,
                        cairn_error* err);
} cairn_transport_vtable;

#ifdef __cplusplus
}

namespace cairn {

struct DriveInfo {
  std::string id;
  std::string node;
  std::string zone;
  std::string path;
  bool healthy = false;
  uint64_t total_bytes = 0;
  uint64_t free_bytes = 0;
  // Set by the core from the cluster map, never by a transport: a drive of a draining node
  // takes no new shards, and `weight` is its node's placement weight.
  bool draining = false;
  double weight = 1.0;

  // May take new shards.
  bool writable() const { return healthy && !draining; }
};

struct NodeInfo {
  std::string url;
  std::string name;
  bool reachable = false;
};

struct ShardRef {
  std::string drive_id;
  std::string shard;
};

struct ShardStat {
  std::string shard;
  uint64_t size = 0;
  int64_t mtime_unix = 0;
};

// Streams one shard to a drive. Destroying an uncommitted writer aborts it.
class ShardWriter {
 public:
  virtual ~ShardWriter() = default;
  virtual Status Append(const uint8_t* data, size_t size) = 0;
  // Durable and visible after OK. REQUIRES: called at most once.
  virtual Status Commit() = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual Status Drives(std::vector<DriveInfo>* out) = 0;
  virtual Result<std::unique_ptr<ShardWriter>> OpenWriter(const ShardRef& ref) = 0;
  // Returns the number of bytes read into out (fewer than size only at the end of the shard).
  virtual Result<uint64_t> Read(const ShardRef& ref, uint64_t offset, uint8_t* out,
                                uint64_t size) = 0;
  virtual Status Remove(const ShardRef& ref) = 0;
  // ref.shard is the name prefix.
  virtual Status List(const ShardRef& prefix, std::vector<ShardStat>* out) = 0;
  virtual Result<ShardStat> Stat(const ShardRef& ref) = 0;

  // Storage nodes (see the vtable). Transports without nodes keep these defaults.
  virtual Status Nodes(std::vector<NodeInfo>* /*out*/) { return NoNodes(); }
  virtual Status SetNodes(const std::vector<std::string>& /*urls*/) { return NoNodes(); }
  virtual Status ProbeNode(const std::string& /*url*/, std::vector<DriveInfo>* /*out*/) {
    return NoNodes();
  }

 protected:
  static Status NoNodes() {
    return Status::InvalidArgument("this transport serves local drives; it has no storage nodes");
  }
};

}  // namespace cairn
#endif
