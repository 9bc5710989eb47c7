#include "objects/write_params.h"

namespace cairn {

Result<WriteParams> NewWriteParams(const Services& svc, const std::string& bucket,
                                   const std::string& key, const std::string& storage_class,
                                   uint64_t size_hint) {
  auto it = svc.classes.find(storage_class);
  if (it == svc.classes.end()) {
    std::string known;
    for (const auto& [name, _] : svc.classes) known += (known.empty() ? "" : ", ") + name;
    return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidStorageClass",
                      "The storage class you specified is not valid (this server defines " +
                          known + ")");
  }
  const StorageConfig& cfg = svc.config.storage;
  WriteParams p;
  p.bucket = bucket;
  p.key = key;
  p.storage_class = storage_class;
  p.expected_size = size_hint;
  p.codec = it->second.codec;
  p.k = it->second.k;
  p.m = it->second.m;
  p.quorum = it->second.quorum;
  p.block_size = static_cast<uint32_t>(cfg.block_size);
  p.chunk_size = static_cast<uint64_t>(cfg.chunk_size);
  return p;
}

}  // namespace cairn
