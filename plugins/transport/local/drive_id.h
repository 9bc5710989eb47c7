// The drive id file: <drive>/cairn-drive.id holds "cairn-drive/1\n<32 hex digits>\n", a random
// 128-bit id written once, on first use. The id travels with the disk, so a drive keeps its
// identity when the configuration lists drives in another order or at another path.
// Thread-safe (no shared state); concurrent creators agree on one id (link() is atomic).
#pragma once

#include <string>

#include "cairn/status.h"

namespace cairn::transport {

inline constexpr char kDriveIdFile[] = "cairn-drive.id";
inline constexpr char kDriveIdFormat[] = "cairn-drive/1";

// Reads the id of the drive at `dir`. NotFound when there is no id file; Corruption when it is
// not in the format above.
Result<std::string> ReadDriveId(const std::string& dir);

// Reads the id, creating the id file durably first when there is none.
Result<std::string> ReadOrCreateDriveId(const std::string& dir);

}  // namespace cairn::transport
