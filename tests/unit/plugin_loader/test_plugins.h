// Where the deliberately broken test plugins of this directory are built (one directory per
// case, see CMakeLists.txt), and a scoped temporary directory for tests that assemble their own
// plugin directories from them.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace cairn::testing {

inline std::string PluginCaseDir(const std::string& test_case) {
  return std::string(TEST_PLUGIN_DIR) + "/" + test_case;
}

// The file <case>/<name>.so.
inline std::string PluginFile(const std::string& test_case, const std::string& name) {
  return PluginCaseDir(test_case) + "/" + name + ".so";
}

// A fresh directory under the GoogleTest temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "cairn-plugin-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp " << pattern;
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace cairn::testing
