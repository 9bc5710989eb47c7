// The `cairn` host table every policy script sees: the few services a policy needs from the
// host and cannot build safely itself.
//
//   cairn.hash(s) -> integer in [0, 2^53): a stable 64-bit hash of the string's bytes (FNV-1a,
//                    then the MurmurHash3 finalizer for avalanche), masked to 53 bits so that it
//                    is exact as a Lua integer and as a double.
//   cairn.log(msg) -> nothing: one line to the host's log, prefixed with the script name.
//
// The hash is part of the on-disk contract: placements computed with it are recorded in object
// manifests, and changing it would move every object. Thread-safe (PolicyHash is pure).
#pragma once

#include <cstdint>
#include <string_view>

struct lua_State;

namespace cairn::policy {

inline constexpr uint64_t kPolicyHashMask = (uint64_t{1} << 53) - 1;

// The value cairn.hash returns for `data`.
uint64_t PolicyHash(std::string_view data);

// Where cairn.log lines go. Must not throw. Owned by the caller and must outlive the state.
struct HostLibContext {
  void (*log)(void* ctx, std::string_view message) = nullptr;
  void* ctx = nullptr;
};

// Creates the global `cairn` table in L. REQUIRES: called in protected mode (it allocates).
void OpenHostLib(lua_State* L, const HostLibContext* context);

}  // namespace cairn::policy
