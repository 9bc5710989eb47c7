// Services: what S3 handlers work with, wired once at startup. Thread-safe members only.
#pragma once

#include <map>
#include <string>

#include "cairn/authenticator.h"
#include "cairn/meta_store.h"
#include "config/config.h"
#include "data/data_path.h"

namespace cairn {

class Scrubber;
class RepairQueue;
class ClusterMap;
class Rebalancer;

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
  Authenticator& auth;
  std::map<std::string, WriteClass> classes;  // by storage class name
  Scrubber* scrubber = nullptr;               // set once the background workers exist
  RepairQueue* repair = nullptr;
  ClusterMap* cluster = nullptr;
  Rebalancer* rebalancer = nullptr;
};

}  // namespace cairn
