// LocalShardWriter: streams one shard into <drive>/tmp/ and publishes it under
// <drive>/shards/<name> on Commit: fsync the file, create (and fsync) missing parent
// directories, rename into place, fsync the directory. Destroying an uncommitted writer
// removes its temp file. Thread-compatible: one thread at a time, as the interface says.
#pragma once

#include <memory>
#include <string>

#include "cairn/status.h"
#include "cairn/transport.h"

namespace cairn::transport {

class LocalDrive;

class LocalShardWriter final : public ShardWriter {
 public:
  // REQUIRES: `shard` is a valid shard name and the drive is serving. The writer keeps only
  // paths, not the drive, so it may outlive the transport.
  static Result<std::unique_ptr<LocalShardWriter>> Open(const LocalDrive& drive,
                                                        const std::string& shard);
  ~LocalShardWriter() override;

  Status Append(const uint8_t* data, size_t size) override;
  Status Commit() override;

 private:
  LocalShardWriter(int fd, std::string tmp_path, std::string shards_dir, std::string shard)
      : fd_(fd),
        tmp_path_(std::move(tmp_path)),
        shards_dir_(std::move(shards_dir)),
        shard_(std::move(shard)) {}

  Status Publish();
  // Closes and removes the temp file; the writer is finished.
  void Discard();

  int fd_;
  const std::string tmp_path_;
  const std::string shards_dir_;
  const std::string shard_;
  bool finished_ = false;
  // The first Append failure; a writer that lost bytes must never commit.
  Status failed_;
};

}  // namespace cairn::transport
