#include "shard_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace cairn::transport {
namespace {

constexpr size_t kPiece = 1 << 20;

Status Errno(const std::string& what) {
  const int e = errno;
  return e == ENOSPC ? Status::NoSpace(what + ": " + strerror(e))
                     : Status::IOError(what + ": " + strerror(e));
}

}  // namespace

ShardSpool::~ShardSpool() {
  if (fd_ >= 0) ::close(fd_);
}

Status ShardSpool::SpillToFile() {
  std::string pattern = dir_ + "/shard-XXXXXX";
  fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd_ < 0) return Errno("cannot create a spool file in " + dir_);
  ::unlink(pattern.c_str());
  std::string held;
  held.swap(memory_);  // frees the memory once written out
  const size_t keep = size_;
  size_ = 0;
  return Append(reinterpret_cast<const uint8_t*>(held.data()), keep);
}

Status ShardSpool::Append(const uint8_t* data, size_t size) {
  if (fd_ < 0) {
    if (memory_.size() + size <= memory_limit_) {
      memory_.append(reinterpret_cast<const char*>(data), size);
      size_ += size;
      return Status::Ok();
    }
    CAIRN_RETURN_IF_ERROR(SpillToFile());
  }
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd_, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot write the spool file");
    done += static_cast<size_t>(n);
  }
  size_ += size;
  return Status::Ok();
}

Status ShardSpool::WriteTo(std::ostream& out) const {
  if (fd_ < 0) {
    out.write(memory_.data(), static_cast<std::streamsize>(memory_.size()));
    return Status::Ok();
  }
  std::vector<char> buffer(static_cast<size_t>(std::min<uint64_t>(size_, kPiece)));
  uint64_t at = 0;
  while (at < size_ && out.good()) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(size_ - at, buffer.size()));
    const ssize_t n = ::pread(fd_, buffer.data(), want, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("cannot read the spool file");
    out.write(buffer.data(), n);
    at += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

}  // namespace cairn::transport
