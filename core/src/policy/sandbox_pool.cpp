#include "policy/sandbox_pool.h"

#include <utility>

namespace cairn::policy {

Result<std::unique_ptr<SandboxPool>> SandboxPool::Create(
    const std::string& script_path, const SandboxOptions& options, size_t max_sandboxes,
    std::vector<std::string> required_functions) {
  Result<std::string> source = LuaSandbox::ReadScript(script_path);
  if (!source.ok()) {
    return source.status();
  }
  std::unique_ptr<SandboxPool> pool(new SandboxPool(script_path, std::move(source.value()), options,
                                                    max_sandboxes < 1 ? 1 : max_sandboxes,
                                                    std::move(required_functions)));
  // The first sandbox checks the script and then waits in the pool for the first caller.
  Result<std::unique_ptr<LuaSandbox>> first = pool->NewSandbox();
  if (!first.ok()) {
    return first.status();
  }
  pool->idle_.push_back(std::move(first.value()));
  pool->live_ = 1;
  return pool;
}

SandboxPool::SandboxPool(std::string script_path, std::string source, const SandboxOptions& options,
                         size_t max_sandboxes, std::vector<std::string> required_functions)
    : script_path_(std::move(script_path)),
      source_(std::move(source)),
      options_(options),
      max_sandboxes_(max_sandboxes),
      required_functions_(std::move(required_functions)) {}

Result<std::unique_ptr<LuaSandbox>> SandboxPool::NewSandbox() {
  Result<std::unique_ptr<LuaSandbox>> sandbox =
      LuaSandbox::LoadSource(script_path_, source_, options_);
  if (!sandbox.ok()) {
    return sandbox.status();
  }
  for (const std::string& name : required_functions_) {
    CAIRN_RETURN_IF_ERROR(sandbox.value()->RequireFunction(name));
  }
  return sandbox;
}

Result<SandboxPool::Lease> SandboxPool::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    released_.wait(lock, [this] { return !idle_.empty() || live_ < max_sandboxes_; });
    if (!idle_.empty()) {
      std::unique_ptr<LuaSandbox> sandbox = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(sandbox));
    }
    ++live_;  // reserve the slot, then build the state without holding the lock
  }
  Result<std::unique_ptr<LuaSandbox>> sandbox = NewSandbox();
  if (!sandbox.ok()) {
    Release(nullptr, true);
    return sandbox.status();
  }
  return Lease(this, std::move(sandbox.value()));
}

void SandboxPool::Release(std::unique_ptr<LuaSandbox> sandbox, bool discard) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (discard || sandbox == nullptr) {
      --live_;
    } else {
      idle_.push_back(std::move(sandbox));
    }
  }
  released_.notify_one();
  // A discarded sandbox is destroyed here, outside the lock (closing runs finalizers).
}

SandboxPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), sandbox_(std::move(other.sandbox_)), discard_(other.discard_) {
  other.pool_ = nullptr;
}

SandboxPool::Lease::~Lease() {
  if (pool_ != nullptr) {
    pool_->Release(std::move(sandbox_), discard_);
  }
}

}  // namespace cairn::policy
