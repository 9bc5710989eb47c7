#include "local_drive.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "drive_id.h"
#include "posix_file.h"

namespace cairn::transport {
namespace {

// An id for a drive whose own id cannot be read: stable for a given path so that it does not
// change from one Drives() call or restart to the next, and never a valid 32-hex-digit id.
std::string PlaceholderId(const std::string& path) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : path) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[40];
  std::snprintf(buf, sizeof(buf), "unavailable-%016llx", static_cast<unsigned long long>(h));
  return buf;
}

Result<size_t> RemoveTempFiles(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return ErrnoStatus(errno, "opendir", dir);
  size_t removed = 0;
  Status st;
  while (struct dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (::unlinkat(::dirfd(d), name.c_str(), 0) == 0) {
      ++removed;
    } else if (errno != ENOENT) {
      st = ErrnoStatus(errno, "remove leftover temp file", dir + "/" + name);
      break;
    }
  }
  ::closedir(d);
  CAIRN_RETURN_IF_ERROR(st);
  if (removed > 0) CAIRN_RETURN_IF_ERROR(FsyncDir(dir));
  return removed;
}

}  // namespace

std::unique_ptr<LocalDrive> LocalDrive::Prepare(const std::string& path, PrepareReport* report) {
  std::unique_ptr<LocalDrive> drive(new LocalDrive(path));
  Status st = drive->DoPrepare(report);
  if (!st.ok()) {
    drive->id_ = PlaceholderId(path);
    drive->problem_ = st.ToString();
  }
  return drive;
}

Status LocalDrive::DoPrepare(PrepareReport* report) {
  std::error_code ec;
  std::filesystem::create_directories(path_, ec);
  if (ec) return Status::Unavailable("create drive directory " + path_ + ": " + ec.message());
  auto id = ReadOrCreateDriveId(path_);
  if (!id.ok()) return id.status();
  CAIRN_RETURN_IF_ERROR(MakeDirDurable(ShardsDir()));
  CAIRN_RETURN_IF_ERROR(MakeDirDurable(TmpDir()));
  auto removed = RemoveTempFiles(TmpDir());
  if (!removed.ok()) return removed.status();
  if (report != nullptr) report->removed_temp_files = *removed;
  const std::string id_path = path_ + "/" + kDriveIdFile;
  struct stat st;
  if (::stat(id_path.c_str(), &st) != 0) return ErrnoStatus(errno, "stat", id_path);
  id_ = *id;
  id_dev_ = st.st_dev;
  id_ino_ = st.st_ino;
  id_ctime_ = st.st_ctim;
  return Status::Ok();
}

void LocalDrive::Disable(std::string reason) {
  if (problem_.empty()) problem_ = std::move(reason);
}

Status LocalDrive::CheckServing() const {
  if (!problem_.empty()) return Status::Unavailable("drive " + path_ + ": " + problem_);
  const std::string id_path = path_ + "/" + kDriveIdFile;
  struct stat st;
  if (::stat(id_path.c_str(), &st) != 0) {
    return Status::Unavailable("drive " + path_ +
                               " is missing: " + ErrnoStatus(errno, "stat", id_path).message());
  }
  if (st.st_dev == id_dev_ && st.st_ino == id_ino_ && st.st_ctim.tv_sec == id_ctime_.tv_sec &&
      st.st_ctim.tv_nsec == id_ctime_.tv_nsec) {
    return Status::Ok();
  }
  auto id = ReadDriveId(path_);
  if (!id.ok() || *id != id_) {
    return Status::Unavailable("drive " + path_ + " no longer holds drive id " + id_);
  }
  return Status::Ok();
}

DriveInfo LocalDrive::Info(const std::string& node, const std::string& zone) const {
  DriveInfo info;
  info.id = id_;
  info.node = node;
  info.zone = zone;
  info.path = path_;
  if (problem_.empty()) {
    auto id = ReadDriveId(path_);
    bool ours = id.ok() && *id == id_ && ::access(path_.c_str(), W_OK) == 0;
    if (ours) {
      // Our drive with its shards/ or tmp/ gone (wiped by an operator): recreate them empty so
      // that repair can rebuild onto it; mkdir fails harmlessly when they exist.
      ::mkdir(ShardsDir().c_str(), 0755);
      ::mkdir(TmpDir().c_str(), 0755);
    }
    info.healthy = ours && ::access(ShardsDir().c_str(), W_OK) == 0 &&
                   ::access(TmpDir().c_str(), W_OK) == 0;
  }
  struct statvfs vfs;
  if (::statvfs(path_.c_str(), &vfs) == 0) {
    info.total_bytes = static_cast<uint64_t>(vfs.f_blocks) * vfs.f_frsize;
    info.free_bytes = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    // A full drive is unhealthy for writing: placement sends new shards elsewhere. Its shards
    // stay readable (CheckServing does not look at space).
    if (info.free_bytes < kFullBelowBytes) info.healthy = false;
  }
  return info;
}

}  // namespace cairn::transport
