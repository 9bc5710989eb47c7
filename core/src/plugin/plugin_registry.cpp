#include "plugin/plugin_registry.h"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>

namespace cairn {
namespace {

bool KnownCategory(const std::string& c) {
  return c == "codec" || c == "meta" || c == "auth" || c == "transport";
}

std::string Version(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace

Status PluginRegistry::LoadDirectory(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::NotFound("plugin directory not found: " + dir);
  }
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".so") {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) CAIRN_RETURN_IF_ERROR(LoadFile(f));
  return Status::Ok();
}

Status PluginRegistry::LoadFile(const std::string& path) {
  std::error_code fec;
  if (!std::filesystem::exists(path, fec)) return Status::NotFound("plugin file not found: " + path);
  auto plugin = std::make_unique<LoadedPlugin>();
  plugin->path = path;
  boost::system::error_code ec;
  // RTLD_LOCAL keeps one plugin's symbols from resolving another's; RTLD_NOW surfaces missing
  // symbols here rather than at the first call.
  plugin->library.load(path, ec,
                       boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (ec) return Status::InvalidArgument("cannot load plugin " + path + ": " + ec.message());
  if (!plugin->library.has(CAIRN_PLUGIN_ENTRY_SYMBOL)) {
    return Status::InvalidArgument("refusing plugin " + path + ": it does not export " +
                                   CAIRN_PLUGIN_ENTRY_SYMBOL + " (not a Cairn plugin)");
  }
  auto entry = plugin->library.get<const cairn_plugin_info*()>(CAIRN_PLUGIN_ENTRY_SYMBOL);
  const cairn_plugin_info* info = entry();
  if (info == nullptr) {
    return Status::InvalidArgument("refusing plugin " + path + ": its entry point returned null");
  }
  if (info->abi_major != CAIRN_ABI_MAJOR) {
    return Status::InvalidArgument(
        "refusing plugin " + path + ": it was built for plugin ABI " +
        Version(info->abi_major, info->abi_minor) + " but this cairn speaks ABI " +
        Version(CAIRN_ABI_MAJOR, CAIRN_ABI_MINOR) + "; rebuild it against this version");
  }
  // Only fields up to `vtable` are read; a struct from an older minor must still hold them.
  if (info->struct_size < sizeof(cairn_plugin_info) || info->name == nullptr ||
      info->category == nullptr || info->create == nullptr || info->destroy == nullptr ||
      info->vtable == nullptr) {
    return Status::InvalidArgument("refusing plugin " + path +
                                   ": its plugin info is incomplete (struct_size " +
                                   std::to_string(info->struct_size) + ")");
  }
  std::string category = info->category;
  std::string name = info->name;
  if (!KnownCategory(category)) {
    return Status::InvalidArgument("refusing plugin " + path + ": unknown category '" + category +
                                   "' (expected codec, meta, auth or transport)");
  }
  for (const auto& p : plugins_) {
    if (category == p->info->category && name == p->info->name) {
      return Status::InvalidArgument("refusing plugin " + path + ": " + p->path +
                                     " already provides the " + category + " plugin '" + name +
                                     "'");
    }
  }
  plugin->info = info;
  // Pin the accepted library for the life of the process: instances, vtables and strings it
  // handed out may outlive the registry (boost's shared_library would dlclose on destruction).
  dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
  plugins_.push_back(std::move(plugin));
  return Status::Ok();
}

Result<const LoadedPlugin*> PluginRegistry::Find(const std::string& category,
                                                 const std::string& name) const {
  std::string available;
  for (const auto& p : plugins_) {
    if (p->info->category == category && p->info->name == name) return p.get();
  }
  for (const auto& p : plugins_) {
    if (p->info->name == name) {
      return Status::InvalidArgument("plugin '" + name + "' (" + p->path + ") is a " +
                                     p->info->category + " plugin, not a " + category + " plugin");
    }
    if (p->info->category == category) available += std::string(available.empty() ? "" : ", ") + p->info->name;
  }
  return Status::NotFound("no " + category + " plugin named '" + name + "' is loaded (" +
                          (available.empty() ? "none of that category" : "available: " + available) +
                          ")");
}

}  // namespace cairn
