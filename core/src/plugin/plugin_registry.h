// PluginRegistry: loads plugin shared libraries with Boost.DLL and finds them by category and
// name. Loading checks, before trusting anything, that the file exports cairn_plugin_entry, that
// its ABI major matches ours, that its category is one we know and that no other plugin
// already has its name; every refusal names the file. Libraries are never unloaded while the
// process runs (an instance or a function pointer may outlive any bookkeeping).
// Not thread-safe while loading; read-only and thread-safe afterwards.
#pragma once

#include <boost/dll/shared_library.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cairn/abi.h"
#include "cairn/status.h"

namespace cairn {

struct LoadedPlugin {
  std::string path;
  const cairn_plugin_info* info = nullptr;
  boost::dll::shared_library library;
};

class PluginRegistry {
 public:
  // Loads every "*.so" file directly in `dir`, in name order.
  Status LoadDirectory(const std::string& dir);
  Status LoadFile(const std::string& path);
  // The plugin of `category` named `name`; NotFound names what is loaded instead.
  Result<const LoadedPlugin*> Find(const std::string& category, const std::string& name) const;
  const std::vector<std::unique_ptr<LoadedPlugin>>& plugins() const { return plugins_; }

 private:
  std::vector<std::unique_ptr<LoadedPlugin>> plugins_;
};

}  // namespace cairn
