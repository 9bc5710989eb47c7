// SandboxPool: a bounded set of LuaSandboxes running the same script, so that concurrent
// callers each get a lua_State of their own.
//
// Why a pool and not one state behind a mutex: placement runs for every chunk of every PUT, and
// one state would serialize all writers on one core. A pool of up to `max_sandboxes` states
// (created lazily, so an idle server holds one) runs them in parallel, and bounds memory at
// max_sandboxes x SandboxLimits::memory_bytes.
//
// The script is read once, when the pool is created, so every sandbox runs the same text even
// if the file changes on disk. A sandbox whose call failed is discarded rather than reused: the
// failed call may have left the script's globals half-updated. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cairn/status.h"
#include "policy/lua_sandbox.h"

namespace cairn::policy {

class SandboxPool {
 public:
  // Loads the script once to check it (syntax, top-level errors, and that every function in
  // `required_functions` is defined), so a broken policy fails here, at startup.
  // REQUIRES: max_sandboxes >= 1.
  static Result<std::unique_ptr<SandboxPool>> Create(const std::string& script_path,
                                                     const SandboxOptions& options,
                                                     size_t max_sandboxes,
                                                     std::vector<std::string> required_functions);

  // Exclusive use of one sandbox; gives it back to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    LuaSandbox& sandbox() { return *sandbox_; }
    // Drops the sandbox instead of returning it (call after a failed call).
    void Discard() { discard_ = true; }

   private:
    friend class SandboxPool;
    Lease(SandboxPool* pool, std::unique_ptr<LuaSandbox> sandbox)
        : pool_(pool), sandbox_(std::move(sandbox)) {}
    SandboxPool* pool_;
    std::unique_ptr<LuaSandbox> sandbox_;
    bool discard_ = false;
  };

  // Waits while all max_sandboxes are leased. Fails only when a new sandbox cannot be created.
  Result<Lease> Acquire();

  const std::string& script_path() const { return script_path_; }

 private:
  SandboxPool(std::string script_path, std::string source, const SandboxOptions& options,
              size_t max_sandboxes, std::vector<std::string> required_functions);
  Result<std::unique_ptr<LuaSandbox>> NewSandbox();
  void Release(std::unique_ptr<LuaSandbox> sandbox, bool discard);

  const std::string script_path_;
  const std::string source_;
  const SandboxOptions options_;
  const size_t max_sandboxes_;
  const std::vector<std::string> required_functions_;

  std::mutex mu_;  // guards idle_ and live_
  std::condition_variable released_;
  std::vector<std::unique_ptr<LuaSandbox>> idle_;
  size_t live_ = 0;  // sandboxes idle, leased, or being created
};

}  // namespace cairn::policy
