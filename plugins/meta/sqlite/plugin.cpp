// The exported entry point of meta_sqlite.so and the configuration keys it accepts.
#include <memory>

#include "cairn/sdk/meta_plugin.h"
#include "sqlite_meta_store.h"

namespace {

const cairn_config_key kConfigKeys[] = {
    {"path", CAIRN_CONFIG_STRING, 0,
     "the SQLite file; relative to the data directory (default meta/cairn.sqlite)"},
};

}  // namespace

CAIRN_META_PLUGIN(cairn::meta::SqliteMetaStore, "sqlite", "1.0.0", kConfigKeys,
                  sizeof(kConfigKeys) / sizeof(kConfigKeys[0]))
