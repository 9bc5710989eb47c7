#include "posix_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace cairn::transport {

Status ErrnoStatus(int err, std::string_view op, const std::string& path) {
  std::string msg = std::string(op) + " " + path + ": " + std::strerror(err);
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return Status::NoSpace(msg);
    case EROFS:
    case EACCES:
    case EPERM:
      return Status::Unavailable(msg);
    case ENOENT:
      return Status::NotFound(msg);
    default:
      return Status::IOError(msg);
  }
}

Status WriteAll(int fd, const uint8_t* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write", path);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status PreadAll(int fd, uint64_t offset, uint8_t* out, uint64_t size, const std::string& path,
                uint64_t* read) {
  uint64_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read", path);
    }
    if (n == 0) break;  // end of file
    done += static_cast<uint64_t>(n);
  }
  *read = done;
  return Status::Ok();
}

Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open directory", dir);
  Status st;
  if (::fsync(fd) != 0) st = ErrnoStatus(errno, "fsync directory", dir);
  ::close(fd);
  return st;
}

Status MakeDirDurable(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0) {
    size_t slash = dir.find_last_of('/');
    return FsyncDir(slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash));
  }
  if (errno != EEXIST) return ErrnoStatus(errno, "mkdir", dir);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return ErrnoStatus(errno, "stat", dir);
  if (!S_ISDIR(st.st_mode)) return Status::IOError(dir + " exists and is not a directory");
  return Status::Ok();
}

Result<std::string> RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  size_t done = 0;
  while (done < bytes) {
    ssize_t n = ::getrandom(raw.data() + done, bytes - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "getrandom", "");
    }
    done += static_cast<size_t>(n);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace cairn::transport
