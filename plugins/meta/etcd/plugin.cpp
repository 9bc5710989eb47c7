// The exported entry point of meta_etcd.so and the configuration keys it accepts.
#include <memory>

#include "cairn/sdk/meta_plugin.h"
#include "etcd_meta_store.h"

namespace {

const cairn_config_key kConfigKeys[] = {
    {"endpoints", CAIRN_CONFIG_STRING_ARRAY, 1,
     "etcd client URLs, e.g. [\"http://10.0.0.1:2379\", \"http://10.0.0.2:2379\"]; tried in turn"},
    {"prefix", CAIRN_CONFIG_STRING, 0,
     "every key is stored under this prefix, so clusters can share one etcd (default \"cairn/\")"},
    {"timeout_ms", CAIRN_CONFIG_INT, 0,
     "time for one metadata operation, failover across endpoints included (default 5000)"},
};

}  // namespace

CAIRN_META_PLUGIN(cairn::meta::etcd::EtcdMetaStore, "etcd", "1.0.0", kConfigKeys,
                  sizeof(kConfigKeys) / sizeof(kConfigKeys[0]))
