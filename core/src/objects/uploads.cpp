#include "objects/uploads.h"

#include "meta/keys.h"
#include "meta/records.h"
#include "util/log.h"

namespace cairn {

void DeletePartKeys(Services& svc, const std::vector<KeyValue>& parts) {
  for (size_t i = 0; i < parts.size(); i += kMaxTxnOps) {
    Txn txn;
    for (size_t j = i; j < parts.size() && j < i + kMaxTxnOps; ++j) txn.Delete(parts[j].key);
    Status st = svc.meta.Commit(txn);
    if (!st.ok()) {
      LogWarn("s3", "part keys of a finished upload stay until the next scrub pass: " +
                        st.ToString());
      return;
    }
  }
}

Status AbortUpload(Services& svc, const std::string& upload_key, const std::string& upload_raw) {
  const std::string upload_id = upload_key.substr(upload_key.find('\0') + 1);
  std::vector<KeyValue> parts;
  std::string prefix = keys::PartPrefix(upload_id);
  CAIRN_RETURN_IF_ERROR(svc.meta.Scan(prefix, keys::PrefixEnd(prefix), 0, &parts));
  Txn txn;
  txn.Require(upload_key, TxnCondition::kValueEquals, upload_raw);
  txn.Delete(upload_key);
  CAIRN_RETURN_IF_ERROR(svc.meta.Commit(txn));
  DeletePartKeys(svc, parts);
  // At once, not deferred: nothing reads the parts of an upload in progress.
  for (const auto& kv : parts) {
    PartRecord p;
    if (Decode(kv.value, &p).ok()) svc.data.Delete(p.segment);
  }
  return Status::Ok();
}

}  // namespace cairn
