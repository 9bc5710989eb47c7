// LocalDrive: one drive directory of the local transport.
//
// Layout: <path>/cairn-drive.id (see drive_id.h), <path>/shards/<shard name> (committed shards),
// <path>/tmp/ (shards being written; emptied at startup, since anything left there is from a
// crash mid-write).
//
// Prepare never fails: a drive that cannot be set up is kept, reported unhealthy, and refuses
// every operation with Unavailable, so one bad disk does not stop the node.
// Thread-safety: immutable after Prepare (and Disable, called before the drive is shared).
#pragma once

#include <sys/types.h>
#include <time.h>

#include <memory>
#include <string>

#include "cairn/status.h"
#include "cairn/transport.h"

namespace cairn::transport {

// Below this much free space a drive counts as full (unhealthy for new shards).
inline constexpr uint64_t kFullBelowBytes = 1u << 20;

class LocalDrive {
 public:
  struct PrepareReport {
    size_t removed_temp_files = 0;
  };

  // Creates the directories and the id file as needed and removes leftover temp files.
  static std::unique_ptr<LocalDrive> Prepare(const std::string& path, PrepareReport* report);

  // Makes the drive refuse service, e.g. when its id duplicates another configured drive's.
  void Disable(std::string reason);

  const std::string& id() const { return id_; }
  const std::string& path() const { return path_; }
  // Why the drive is unusable; empty when it was prepared.
  const std::string& problem() const { return problem_; }

  // OK when the drive can serve now: it was prepared and its id file is still the one seen at
  // startup (the directory was not removed nor another disk mounted in its place). Cheap: one
  // stat() unless the id file was touched. Unavailable otherwise.
  Status CheckServing() const;

  // The drive's health and space for Drives(): the full check (directory present, id file
  // matching, writable) and statvfs.
  DriveInfo Info(const std::string& node, const std::string& zone) const;

  std::string ShardsDir() const { return path_ + "/shards"; }
  std::string TmpDir() const { return path_ + "/tmp"; }

 private:
  explicit LocalDrive(std::string path) : path_(std::move(path)) {}
  Status DoPrepare(PrepareReport* report);

  std::string path_;
  std::string id_;
  std::string problem_;
  // Identity of the id file seen at startup. ctime too, because a replaced file may reuse the
  // inode number of the one removed.
  dev_t id_dev_ = 0;
  ino_t id_ino_ = 0;
  struct timespec id_ctime_ = {};
};

}  // namespace cairn::transport
