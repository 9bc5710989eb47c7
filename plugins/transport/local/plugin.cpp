// The exported entry point of transport_local.so and the configuration keys it accepts.
#include <memory>

#include "cairn/sdk/transport_plugin.h"
#include "local_transport.h"

namespace {

const cairn_config_key kConfigKeys[] = {
    {"drives", CAIRN_CONFIG_STRING_ARRAY, 1,
     "drive directories, one per disk; relative to the data directory; created when missing"},
    {"node", CAIRN_CONFIG_STRING, 0, "the node name reported for these drives (default local)"},
    {"zone", CAIRN_CONFIG_STRING, 0, "the failure zone of this node (default zone-a)"},
};

}  // namespace

CAIRN_TRANSPORT_PLUGIN(cairn::transport::LocalTransport, "local", "1.0.0", kConfigKeys,
                       sizeof(kConfigKeys) / sizeof(kConfigKeys[0]))
