// A plugin built for a future, incompatible ABI (major 99). The loader must refuse it before
// reading anything past the version fields, naming both versions.
#include "cairn/abi.h"

extern "C" __attribute__((visibility("default"))) const cairn_plugin_info* cairn_plugin_entry(
    void) {
  // Only the version fields are meaningful: a major-99 struct may look like anything after them.
  static const cairn_plugin_info info = {.abi_major = 99,
                                         .abi_minor = 7,
                                         .struct_size = sizeof(cairn_plugin_info),
                                         .name = "future",
                                         .category = "codec",
                                         .version = "99.7.0",
                                         .config_keys = nullptr,
                                         .config_key_count = 0,
                                         .create = nullptr,
                                         .destroy = nullptr,
                                         .vtable = nullptr};
  return &info;
}
