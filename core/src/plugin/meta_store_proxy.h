// The core's view of a metadata engine plugin: cairn::MetaStore through cairn_meta_vtable.
#pragma once

#include <memory>

#include "cairn/meta_store.h"
#include "plugin/host_services.h"

namespace cairn {

class MetaStoreProxy : public MetaStore {
 public:
  explicit MetaStoreProxy(std::unique_ptr<PluginInstance> instance)
      : instance_(std::move(instance)), vt_(instance_->vtable<cairn_meta_vtable>()) {}
  Status Get(std::string_view key, std::string* value) override;
  Status Scan(std::string_view start, std::string_view end, size_t limit,
              std::vector<KeyValue>* out) override;
  Status Commit(const Txn& txn) override;

 private:
  std::unique_ptr<PluginInstance> instance_;
  const cairn_meta_vtable& vt_;
};

}  // namespace cairn
