// A plugin declaring config keys: "endpoint" (a string, required), "retries" (an integer), and
// the optional "verbose" (a boolean) and "zones" (an array of strings), so HostServices::Create
// validation can be tested for every type. Its stable name echoes what it read through the
// host's config readers, so a test can see the plugin's view of its config.
#include <string>

#include "cairn/sdk/codec_plugin.h"
#include "stub_codec.h"

namespace {

constexpr cairn_config_key kKeys[] = {
    {"endpoint", CAIRN_CONFIG_STRING, 1, "where the backing service listens"},
    {"retries", CAIRN_CONFIG_INT, 0, "attempts before giving up"},
    {"verbose", CAIRN_CONFIG_BOOL, 0, "log every call"},
    {"zones", CAIRN_CONFIG_STRING_ARRAY, 0, "zones to use"},
};

class Keyed : public cairn::testing::StubCodec {
 public:
  explicit Keyed(std::string echo) : StubCodec(std::move(echo)) {}
  static cairn::Result<std::unique_ptr<Keyed>> Create(const cairn::sdk::PluginContext& ctx) {
    std::string echo = "endpoint=" + ctx.GetString("endpoint").value_or("<none>");
    auto retries = ctx.GetInt("retries");
    echo += " retries=" + (retries ? std::to_string(*retries) : std::string("<none>"));
    auto verbose = ctx.GetBool("verbose");
    echo += " verbose=" + std::string(verbose ? (*verbose ? "true" : "false") : "<none>");
    echo += " zones=";
    for (const auto& z : ctx.GetStringArray("zones")) echo += z + ";";
    return std::make_unique<Keyed>(echo);
  }
};

}  // namespace

CAIRN_CODEC_PLUGIN(Keyed, "keyed", "1.0.0", kKeys, sizeof(kKeys) / sizeof(kKeys[0]))
