#include "local_shard_writer.h"

#include <filesystem>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "local_drive.h"
#include "posix_file.h"

namespace cairn::transport {

Result<std::unique_ptr<LocalShardWriter>> LocalShardWriter::Open(const LocalDrive& drive,
                                                                 const std::string& shard) {
  auto name = RandomHex(16);
  if (!name.ok()) return name.status();
  std::string tmp_path = drive.TmpDir() + "/" + *name + ".tmp";
  int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    Status st = ErrnoStatus(errno, "create", tmp_path);
    // The tmp directory vanishing means the drive did.
    if (st.IsNotFound()) return Status::Unavailable(st.message());
    return st;
  }
  return std::unique_ptr<LocalShardWriter>(
      new LocalShardWriter(fd, std::move(tmp_path), drive.ShardsDir(), shard));
}

LocalShardWriter::~LocalShardWriter() {
  if (!finished_) Discard();
}

void LocalShardWriter::Discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(tmp_path_.c_str());
  finished_ = true;
}

Status LocalShardWriter::Append(const uint8_t* data, size_t size) {
  if (finished_) return Status::InvalidArgument("append to a finished shard writer");
  if (!failed_.ok()) return failed_;
  failed_ = WriteAll(fd_, data, size, tmp_path_);
  return failed_;
}

Status LocalShardWriter::Commit() {
  if (finished_) return Status::InvalidArgument("commit of a finished shard writer");
  Status st = failed_.ok() ? Publish() : failed_;
  if (!st.ok()) {
    Discard();
    return st;
  }
  finished_ = true;
  return Status::Ok();
}

Status LocalShardWriter::Publish() {
  if (::fsync(fd_) != 0) return ErrnoStatus(errno, "fsync", tmp_path_);
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return ErrnoStatus(errno, "close", tmp_path_);

  // Parent directories of the shard, each made durable in its own parent when new.
  std::string dir = shards_dir_;
  for (size_t pos = shard_.find('/'); pos != std::string::npos; pos = shard_.find('/', pos + 1)) {
    dir = shards_dir_ + "/" + shard_.substr(0, pos);
    CAIRN_RETURN_IF_ERROR(MakeDirDurable(dir));
  }
  const std::string final_path = shards_dir_ + "/" + shard_;
  if (::rename(tmp_path_.c_str(), final_path.c_str()) != 0) {
    // Something that is not a shard (a directory) occupies the name: shard names are ours, so
    // it is debris; clear it and publish.
    if (errno != EISDIR && errno != ENOTEMPTY && errno != EEXIST) {
      return ErrnoStatus(errno, "rename into place", final_path);
    }
    std::error_code ec;
    std::filesystem::remove_all(final_path, ec);
    if (::rename(tmp_path_.c_str(), final_path.c_str()) != 0) {
      return ErrnoStatus(errno, "rename into place", final_path);
    }
  }
  return FsyncDir(dir);
}

}  // namespace cairn::transport
