#include "drive_id.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "posix_file.h"

namespace cairn::transport {
namespace {

constexpr size_t kIdBytes = 16;
// Large enough for the format line and the id; a longer file is not ours.
constexpr size_t kMaxIdFileBytes = 128;

bool IsHex(const std::string& s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<std::string> ReadDriveId(const std::string& dir) {
  const std::string path = dir + "/" + kDriveIdFile;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  uint8_t buf[kMaxIdFileBytes + 1];
  uint64_t n = 0;
  Status st = PreadAll(fd, 0, buf, sizeof(buf), path, &n);
  ::close(fd);
  CAIRN_RETURN_IF_ERROR(st);
  const std::string text(reinterpret_cast<const char*>(buf), n);
  const std::string header = std::string(kDriveIdFormat) + "\n";
  if (text.size() != header.size() + 2 * kIdBytes + 1 ||
      text.compare(0, header.size(), header) != 0 || text.back() != '\n') {
    return Status::Corruption(path + ": not a " + kDriveIdFormat + " id file");
  }
  std::string id = text.substr(header.size(), 2 * kIdBytes);
  if (!IsHex(id)) return Status::Corruption(path + ": the id is not lowercase hex");
  return id;
}

Result<std::string> ReadOrCreateDriveId(const std::string& dir) {
  auto existing = ReadDriveId(dir);
  if (existing.ok() || !existing.status().IsNotFound()) return existing;

  auto id = RandomHex(kIdBytes);
  if (!id.ok()) return id.status();
  auto suffix = RandomHex(8);
  if (!suffix.ok()) return suffix.status();
  const std::string final_path = dir + "/" + kDriveIdFile;
  const std::string tmp_path = final_path + ".tmp-" + *suffix;
  const std::string content = std::string(kDriveIdFormat) + "\n" + *id + "\n";

  int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "create", tmp_path);
  Status st =
      WriteAll(fd, reinterpret_cast<const uint8_t*>(content.data()), content.size(), tmp_path);
  if (st.ok() && ::fsync(fd) != 0) st = ErrnoStatus(errno, "fsync", tmp_path);
  if (::close(fd) != 0 && st.ok()) st = ErrnoStatus(errno, "close", tmp_path);
  // link() rather than rename(): it refuses to replace an id file another process created in
  // the meantime, so the drive never changes identity under a running server.
  if (st.ok() && ::link(tmp_path.c_str(), final_path.c_str()) != 0 && errno != EEXIST) {
    st = ErrnoStatus(errno, "link", final_path);
  }
  ::unlink(tmp_path.c_str());
  CAIRN_RETURN_IF_ERROR(st);
  CAIRN_RETURN_IF_ERROR(FsyncDir(dir));
  return ReadDriveId(dir);
}

}  // namespace cairn::transport
