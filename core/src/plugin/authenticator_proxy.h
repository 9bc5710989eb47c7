// The core's view of an auth plugin: cairn::Authenticator through cairn_auth_vtable.
#pragma once

#include <memory>

#include "cairn/authenticator.h"
#include "plugin/host_services.h"

namespace cairn {

class AuthenticatorProxy : public Authenticator {
 public:
  explicit AuthenticatorProxy(std::unique_ptr<PluginInstance> instance)
      : instance_(std::move(instance)), vt_(instance_->vtable<cairn_auth_vtable>()) {}
  Result<AuthResult> Authenticate(const HttpRequestView& request) override;

 private:
  std::unique_ptr<PluginInstance> instance_;
  const cairn_auth_vtable& vt_;
};

}  // namespace cairn
