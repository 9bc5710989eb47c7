// The exported entry point of transport_http.so and the configuration keys it accepts.
#include <memory>

#include "cairn/sdk/transport_plugin.h"
#include "http_transport.h"

namespace {

const cairn_config_key kConfigKeys[] = {
    {"nodes", CAIRN_CONFIG_STRING_ARRAY, 1,
     "base URLs of the storage nodes (cairn node), e.g. [\"http://10.0.0.5:9100\"]"},
    {"cluster_secret", CAIRN_CONFIG_STRING, 1,
     "the secret shared with the nodes; every request is signed with it"},
    {"timeout_ms", CAIRN_CONFIG_INT, 0, "socket send/receive timeout per request (10000)"},
    {"connect_timeout_ms", CAIRN_CONFIG_INT, 0, "connection timeout (2000)"},
    {"retries", CAIRN_CONFIG_INT, 0, "retries of a call after a node failure (2)"},
    {"breaker_failures", CAIRN_CONFIG_INT, 0,
     "consecutive failures after which a node's circuit opens (5)"},
    {"breaker_open_ms", CAIRN_CONFIG_INT, 0,
     "how long an open circuit fails calls fast before one probe (5000)"},
    {"drives_cache_ms", CAIRN_CONFIG_INT, 0, "how long a node's drive list is reused (1000)"},
    {"spool_dir", CAIRN_CONFIG_STRING, 0,
     "where shards larger than spool_memory_bytes wait for their PUT; relative to the data "
     "directory (spool/transport-http)"},
    {"spool_memory_bytes", CAIRN_CONFIG_INT, 0,
     "bytes of a shard held in memory before it spills to spool_dir (1048576)"},
};

}  // namespace

CAIRN_TRANSPORT_PLUGIN(cairn::transport::HttpTransport, "http", "1.0.0", kConfigKeys,
                       sizeof(kConfigKeys) / sizeof(kConfigKeys[0]))
