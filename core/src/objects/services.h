// Services: what the object model works with -- the configuration, the metadata engine, the
// data path and the storage classes -- built complete at startup (server/node_assembly.cpp).
// The S3 handlers, the background workers (durability/, cluster/) and the admin API all reach
// objects through it. Thread-safe members only.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "cairn/meta_store.h"
#include "config/config.h"
#include "data/data_path.h"

namespace cairn {

// How new objects of one storage class are written (resolved from the configuration).
struct WriteClass {
  std::string codec;  // stable codec name, e.g. "isal-rs/1"
  uint32_t k = 0;
  uint32_t m = 0;
  uint32_t quorum = 0;
};

struct Services {
  const Config& config;
  MetaStore& meta;
  DataPath& data;
  std::map<std::string, WriteClass> classes;  // by storage class name
};

}  // namespace cairn
