// Services: what S3 handlers work with, wired once at startup. Thread-safe members only.
#pragma once

#include <string>

#include "cairn/authenticator.h"
#include "cairn/meta_store.h"
#include "config/config.h"
#include "data/data_path.h"

namespace cairn {

struct Services {
  const Config& config;
  MetaStore& meta;
  DataPath& data;
  Authenticator& auth;
  std::string codec;  // the stable name of the configured codec, for new writes
};

}  // namespace cairn
