// A plugin whose entry point returns null. The loader must refuse it rather than dereference.
#include "cairn/abi.h"

extern "C" __attribute__((visibility("default"))) const cairn_plugin_info* cairn_plugin_entry(
    void) {
  return nullptr;
}
