// A plugin whose info struct is incomplete (no create function and a short struct_size), as an
// older or careless build might produce. The loader must refuse it instead of calling through
// a null pointer later.
#include "cairn/abi.h"

extern "C" __attribute__((visibility("default"))) const cairn_plugin_info* cairn_plugin_entry(
    void) {
  static const cairn_plugin_info info = {.abi_major = CAIRN_ABI_MAJOR,
                                         .abi_minor = CAIRN_ABI_MINOR,
                                         .struct_size = 12,
                                         .name = "half",
                                         .category = "codec",
                                         .version = "0.1.0",
                                         .config_keys = nullptr,
                                         .config_key_count = 0,
                                         .create = nullptr,
                                         .destroy = nullptr,
                                         .vtable = nullptr};
  return &info;
}
