// ReadRegistry: how reads of an object version tell whoever frees replaced data that they are
// still under way. An overwrite or a delete does not free the replaced version's shards at
// once (durability/deferred_free.h): a GET that loaded the old record before the change may
// still be reading them. A read that outlasts the delay must hold them with a lease, and only
// the registry knows how; the data path stays free of metadata (data_path.h).
//
// ScopedRead is how readers use it: constructed when a read of an object's stored bytes
// begins (after its record was loaded), destroyed when it ends. An inline object has no shards
// and registers nothing. Begin/End must stay cheap: every GET calls them.
// Implementations are thread-safe.
#pragma once

#include <cstdint>

#include "meta/records.h"

namespace cairn {

class ReadRegistry {
 public:
  virtual ~ReadRegistry() = default;
  // A read of `object`'s segments begins. REQUIRES: object.segments is not empty. Returns the
  // token to pass to End.
  virtual uint64_t Begin(const ObjectRecord& object) = 0;
  // The read that Begin returned `token` for has ended (done, failed or abandoned).
  virtual void End(uint64_t token) = 0;
};

// Registers a read for its scope. `registry` may be null (nothing to tell). Not copyable.
class ScopedRead {
 public:
  ScopedRead(ReadRegistry* registry, const ObjectRecord& object)
      : registry_(object.segments.empty() ? nullptr : registry),
        token_(registry_ != nullptr ? registry_->Begin(object) : 0) {}
  ~ScopedRead() {
    if (registry_ != nullptr) registry_->End(token_);
  }
  ScopedRead(const ScopedRead&) = delete;
  ScopedRead& operator=(const ScopedRead&) = delete;

 private:
  ReadRegistry* registry_;
  uint64_t token_;
};

}  // namespace cairn
