// The MetaStore conformance suite: every metadata engine must pass it. An engine joins by
// instantiating the suite with a MetaEngine in its own test file:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, MetaConformanceTest,
//                            ::testing::Values(MetaEngine{"sqlite", OpenSqlite}),
//                            MetaEngineName);
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "cairn/meta_store.h"
#include "temp_dir.h"

namespace cairn::testing {

struct MetaEngine {
  std::string name;
  // Opens the engine whose state lives under `dir` (empty on the first call). Opening the same
  // dir again, after the previous instance is destroyed, must show everything committed.
  std::function<Result<std::unique_ptr<MetaStore>>(const std::string& dir)> open;
};

inline std::string MetaEngineName(const ::testing::TestParamInfo<MetaEngine>& info) {
  return info.param.name;
}

class MetaConformanceTest : public ::testing::TestWithParam<MetaEngine> {
 protected:
  void SetUp() override { Reopen(); }

  // Destroys the store and opens it again over the same directory.
  void Reopen() {
    store_.reset();
    auto opened = GetParam().open(dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened.value());
  }

  MetaStore& store() { return *store_; }

  ScopedTempDir dir_;
  std::unique_ptr<MetaStore> store_;
};

}  // namespace cairn::testing
