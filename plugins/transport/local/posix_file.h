// Small POSIX helpers of the local transport: errno to Status, full writes and reads that
// survive EINTR and short transfers, directory fsync, random ids. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/status.h"

namespace cairn::transport {

// ENOSPC/EDQUOT -> NoSpace; EROFS/EACCES/EPERM -> Unavailable (the drive refuses writes: retry
// elsewhere); ENOENT -> NotFound; anything else (EIO...) -> IOError. The message names the
// operation and the path.
Status ErrnoStatus(int err, std::string_view op, const std::string& path);

// Writes all of data, retrying on EINTR and short writes. `path` is for messages.
Status WriteAll(int fd, const uint8_t* data, size_t size, const std::string& path);

// Reads up to size bytes at offset; fewer only at end of file. Sets *read.
Status PreadAll(int fd, uint64_t offset, uint8_t* out, uint64_t size, const std::string& path,
                uint64_t* read);

// fsyncs a directory, making the names created, renamed or removed in it durable.
Status FsyncDir(const std::string& dir);

// Creates `dir` if missing; when it was created, fsyncs its parent so that the new entry is
// durable. OK if it already exists as a directory.
Status MakeDirDurable(const std::string& dir);

// 2*bytes lowercase hex characters from the kernel's CSPRNG.
Result<std::string> RandomHex(size_t bytes);

}  // namespace cairn::transport
