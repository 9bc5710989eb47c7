// What every cairn command reads from its process environment.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace cairn {

// The environment variable's value, or `def` when it is unset or empty.
inline std::string EnvOr(const char* name, const std::string& def) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? v : def;
}

// The directory of the running binary (its default plugin directory is plugins/ beside it).
inline std::string ExecutableDir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "." : exe.parent_path().string();
}

}  // namespace cairn
