#include "local_transport.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "local_drive.h"
#include "local_shard_writer.h"
#include "posix_file.h"
#include "shard_name.h"

namespace cairn::transport {
namespace {

ShardStat ToShardStat(std::string name, const struct stat& st) {
  return ShardStat{std::move(name), static_cast<uint64_t>(st.st_size),
                   static_cast<int64_t>(st.st_mtim.tv_sec)};
}

// Appends the regular files under root/rel (recursively) whose names relative to root start
// with prefix. Symlinks and other special files are not shards and are skipped.
Status Walk(const std::string& root, const std::string& rel, const std::string& prefix,
            std::vector<ShardStat>* out) {
  const std::string dir = rel.empty() ? root : root + "/" + rel;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::Ok();  // nothing under the prefix
    return ErrnoStatus(errno, "opendir", dir);
  }
  Status result;
  while (struct dirent* e = ::readdir(d)) {
    const std::string entry = e->d_name;
    if (entry == "." || entry == "..") continue;
    const std::string name = rel.empty() ? entry : rel + "/" + entry;
    struct stat st;
    if (::fstatat(::dirfd(d), entry.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // removed while we walked
      result = ErrnoStatus(errno, "stat", dir + "/" + entry);
      break;
    }
    if (S_ISDIR(st.st_mode)) {
      // Descend only where names with the prefix can be: the prefix and the directory's path
      // must agree on their common length.
      const std::string as_dir = name + "/";
      const size_t n = std::min(as_dir.size(), prefix.size());
      if (as_dir.compare(0, n, prefix, 0, n) != 0) continue;
      result = Walk(root, name, prefix, out);
      if (!result.ok()) break;
    } else if (S_ISREG(st.st_mode) && name.compare(0, prefix.size(), prefix) == 0) {
      out->push_back(ToShardStat(name, st));
    }
  }
  ::closedir(d);
  return result;
}

}  // namespace

Result<std::unique_ptr<LocalTransport>> LocalTransport::Create(const sdk::PluginContext& context) {
  LocalTransportOptions options;
  for (const std::string& drive : context.GetStringArray("drives")) {
    std::filesystem::path p(drive);
    if (p.is_relative()) p = std::filesystem::path(context.DataDir()) / p;
    options.drives.push_back(p.lexically_normal().string());
  }
  options.node = context.GetString("node").value_or(options.node);
  options.zone = context.GetString("zone").value_or(options.zone);
  // The context outlives the instance (see sdk/plugin_context.h), so capturing it is safe.
  options.log = [&context](cairn_log_level level, const std::string& message) {
    context.Log(level, message);
  };
  return Open(std::move(options));
}

Result<std::unique_ptr<LocalTransport>> LocalTransport::Open(LocalTransportOptions options) {
  if (options.drives.empty()) {
    return Status::InvalidArgument("transport/local: `drives` must list at least one directory");
  }
  return std::unique_ptr<LocalTransport>(new LocalTransport(std::move(options)));
}

LocalTransport::LocalTransport(LocalTransportOptions options) : options_(std::move(options)) {
  auto log = [this](cairn_log_level level, const std::string& message) {
    if (options_.log) options_.log(level, message);
  };
  for (const std::string& path : options_.drives) {
    LocalDrive::PrepareReport report;
    auto drive = LocalDrive::Prepare(path, &report);
    if (drive->problem().empty() && by_id_.count(drive->id()) != 0) {
      drive->Disable("drive id " + drive->id() + " is already served by " +
                     by_id_[drive->id()]->path());
    }
    if (!drive->problem().empty()) {
      log(CAIRN_LOG_WARN, "drive " + path + " is unavailable: " + drive->problem());
    } else if (report.removed_temp_files > 0) {
      log(CAIRN_LOG_INFO, "drive " + path + ": removed " +
                              std::to_string(report.removed_temp_files) +
                              " temp files left by an interrupted write");
    }
    by_id_.emplace(drive->id(), drive.get());  // a duplicate keeps the first drive's entry
    drives_.push_back(std::move(drive));
  }
}

LocalTransport::~LocalTransport() = default;

Result<const LocalDrive*> LocalTransport::ServingDrive(const std::string& drive_id) const {
  auto it = by_id_.find(drive_id);
  if (it == by_id_.end()) {
    return Status::NotFound("node " + options_.node + " has no drive '" + drive_id + "'");
  }
  CAIRN_RETURN_IF_ERROR(it->second->CheckServing());
  return it->second;
}

Result<const LocalDrive*> LocalTransport::Resolve(const ShardRef& ref) const {
  CAIRN_RETURN_IF_ERROR(ValidateShardName(ref.shard));
  return ServingDrive(ref.drive_id);
}

Status LocalTransport::Drives(std::vector<DriveInfo>* out) {
  for (const auto& drive : drives_) out->push_back(drive->Info(options_.node, options_.zone));
  return Status::Ok();
}

Result<std::unique_ptr<ShardWriter>> LocalTransport::OpenWriter(const ShardRef& ref) {
  auto drive = Resolve(ref);
  if (!drive.ok()) return drive.status();
  auto writer = LocalShardWriter::Open(**drive, ref.shard);
  if (!writer.ok()) return writer.status();
  return std::unique_ptr<ShardWriter>(std::move(writer.value()));
}

Result<uint64_t> LocalTransport::Read(const ShardRef& ref, uint64_t offset, uint8_t* out,
                                      uint64_t size) {
  auto drive = Resolve(ref);
  if (!drive.ok()) return drive.status();
  const std::string path = (*drive)->ShardsDir() + "/" + ref.shard;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound("no shard " + path);
    return ErrnoStatus(errno, "open", path);
  }
  struct stat st;
  Status status;
  uint64_t read = 0;
  if (::fstat(fd, &st) != 0) {
    status = ErrnoStatus(errno, "stat", path);
  } else if (!S_ISREG(st.st_mode)) {
    status = Status::NotFound("no shard " + path + " (a directory of shards)");
  } else {
    status = PreadAll(fd, offset, out, size, path, &read);
  }
  ::close(fd);
  if (!status.ok()) return status;
  return read;
}

Status LocalTransport::Remove(const ShardRef& ref) {
  auto drive = Resolve(ref);
  if (!drive.ok()) return drive.status();
  const std::string path = (*drive)->ShardsDir() + "/" + ref.shard;
  if (::unlink(path.c_str()) != 0) {
    // EISDIR: the name is a directory of shards, not a shard.
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) {
      return Status::NotFound("no shard " + path);
    }
    return ErrnoStatus(errno, "remove", path);
  }
  // Not fsyncing the directory: a removal lost in a crash leaves an orphan shard, which the
  // scrubber collects; it never makes data visible that should not be.
  // The shard's own directory (one per data id) goes with its last shard; rmdir refuses while
  // other shards remain, which is the common case and not an error. The fan-out level
  // ("ab/") is kept: it is shared by many data ids.
  std::string::size_type slash = ref.shard.rfind('/');
  if (slash != std::string::npos && ref.shard.find('/') != slash) {
    ::rmdir(((*drive)->ShardsDir() + "/" + ref.shard.substr(0, slash)).c_str());
  }
  return Status::Ok();
}

Status LocalTransport::List(const ShardRef& prefix, std::vector<ShardStat>* out) {
  CAIRN_RETURN_IF_ERROR(ValidateShardPrefix(prefix.shard));
  auto drive = ServingDrive(prefix.drive_id);
  if (!drive.ok()) return drive.status();
  std::vector<ShardStat> found;
  CAIRN_RETURN_IF_ERROR(Walk((*drive)->ShardsDir(), "", prefix.shard, &found));
  std::sort(found.begin(), found.end(),
            [](const ShardStat& a, const ShardStat& b) { return a.shard < b.shard; });
  out->insert(out->end(), std::make_move_iterator(found.begin()),
              std::make_move_iterator(found.end()));
  return Status::Ok();
}

Result<ShardStat> LocalTransport::Stat(const ShardRef& ref) {
  auto drive = Resolve(ref);
  if (!drive.ok()) return drive.status();
  const std::string path = (*drive)->ShardsDir() + "/" + ref.shard;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound("no shard " + path);
    return ErrnoStatus(errno, "stat", path);
  }
  if (!S_ISREG(st.st_mode)) return Status::NotFound("no shard " + path);
  return ToShardStat(ref.shard, st);
}

}  // namespace cairn::transport
