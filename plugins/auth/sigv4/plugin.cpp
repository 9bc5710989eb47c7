// The auth/sigv4 plugin: configuration keys and the exported entry point. The work is done by
// S3Authenticator (SigV4, and SigV2 unless turned off; cairn_auth_sigv4_impl); this file only
// wires it to the host.
#include "cairn/sdk/auth_plugin.h"
#include "s3_authenticator.h"

namespace cairn::sigv4 {
namespace {

const cairn_config_key kConfigKeys[] = {
    {"max_clock_skew_seconds", CAIRN_CONFIG_INT, 0,
     "How far a request's X-Amz-Date may be from the server clock, in seconds (default 900)."},
    {"region", CAIRN_CONFIG_STRING, 0,
     "This server's region (default us-east-1). Requests signed for any region are accepted."},
    {"allow_sigv2", CAIRN_CONFIG_BOOL, 0,
     "Accept AWS Signature Version 2 (header and presigned URLs) besides SigV4 (default true)."},
};

}  // namespace

class SigV4Plugin : public Authenticator {
 public:
  static Result<std::unique_ptr<SigV4Plugin>> Create(const sdk::PluginContext& context) {
    SigV4Settings settings;
    if (auto skew = context.GetInt("max_clock_skew_seconds")) {
      if (*skew < 0) return Status::InvalidArgument("max_clock_skew_seconds must be >= 0");
      settings.max_clock_skew_seconds = *skew;
    }
    if (auto region = context.GetString("region")) settings.region = *region;
    bool allow_sigv2 = context.GetBool("allow_sigv2").value_or(true);
    // The context outlives the instance (see sdk::Instance), so the lookup may hold it.
    const sdk::PluginContext* ctx = &context;
    CredentialLookup lookup = [ctx](const std::string& access_key) -> Result<Credential> {
      auto found = ctx->LookupSecret(access_key);
      if (!found.ok()) return found.status();
      return Credential{std::move(found.value().secret), std::move(found.value().user_id)};
    };
    return std::make_unique<SigV4Plugin>(std::move(settings), allow_sigv2, std::move(lookup));
  }

  SigV4Plugin(SigV4Settings settings, bool allow_sigv2, CredentialLookup lookup)
      : impl_(std::move(settings), allow_sigv2, std::move(lookup)) {}

  Result<AuthResult> Authenticate(const HttpRequestView& request) override {
    return impl_.Authenticate(request);
  }

 private:
  S3Authenticator impl_;
};

}  // namespace cairn::sigv4

CAIRN_AUTH_PLUGIN(cairn::sigv4::SigV4Plugin, "sigv4", "1.0.0", cairn::sigv4::kConfigKeys,
                  sizeof(cairn::sigv4::kConfigKeys) / sizeof(cairn::sigv4::kConfigKeys[0]))
