// MetaStore: the metadata boundary, an ordered key-value store with atomic conditional
// multi-key transactions and range scans. The S3 model (buckets, objects, uploads) is a key
// encoding in the core (core/src/meta/keys.h); an engine only has to be a good ordered KV.
//
// Keys and values are arbitrary bytes; keys order bytewise (memcmp, shorter first on a tie).
// All operations are linearizable. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cairn/abi.h"
#include "cairn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cairn_kv_condition_kind {
  CAIRN_KV_EXISTS = 0,        // the key must exist
  CAIRN_KV_NOT_EXISTS = 1,    // the key must not exist
  CAIRN_KV_VALUE_EQUALS = 2,  // the key must exist with exactly this value
} cairn_kv_condition_kind;

typedef enum cairn_kv_op_kind {
  CAIRN_KV_PUT = 0,
  CAIRN_KV_DELETE = 1,  // deleting an absent key is not an error
} cairn_kv_op_kind;

typedef struct cairn_kv_condition {
  cairn_bytes key;
  int32_t kind;  // cairn_kv_condition_kind
  cairn_bytes value;
} cairn_kv_condition;

typedef struct cairn_kv_op {
  cairn_bytes key;
  int32_t kind;  // cairn_kv_op_kind
  cairn_bytes value;
} cairn_kv_op;

// All conditions are checked and all ops applied atomically, or nothing is.
// Every engine accepts a transaction of up to CAIRN_KV_MAX_TXN_OPS conditions plus ops (etcd
// refuses more than 128 per transaction by default); the core never sends a larger one, and
// splits work that may be larger (an upload's 10,000 part keys) into transactions of this size.
#define CAIRN_KV_MAX_TXN_OPS 100
typedef struct cairn_kv_txn {
  const cairn_kv_condition* conditions;
  size_t condition_count;
  const cairn_kv_op* ops;
  size_t op_count;
} cairn_kv_txn;

// Called once per key-value pair of a scan, in key order. Non-zero stops the scan.
typedef int (*cairn_kv_fn)(void* ctx, cairn_bytes key, cairn_bytes value);

typedef struct cairn_meta_vtable {
  uint32_t struct_size;
  // Writes the value to sink and returns CAIRN_OK, or returns CAIRN_NOT_FOUND.
  int32_t (*get)(void* instance, cairn_bytes key, cairn_sink_fn sink, void* sink_ctx,
                 cairn_error* err);
  // Visits keys in [start, end) in order, at most `limit` of them (0: no limit). An empty end
  // means "to the end of the keyspace".
  int32_t (*scan)(void* instance, const cairn_bytes* range /* [2]: start, end */, uint64_t limit,
                  cairn_kv_fn fn, void* fn_ctx, cairn_error* err);
  // Returns CAIRN_CONFLICT (and changes nothing) when a condition does not hold, and
  // CAIRN_OUTCOME_UNKNOWN (ABI 1.3) when the transaction may or may not have been applied (a
  // timeout or a lost connection after it was sent, a failed durable commit). Any other
  // failure means nothing was written. The core acts on the difference: it frees the new data
  // of a write whose commit certainly failed, and keeps it when the outcome is unknown.
  int32_t (*commit)(void* instance, const cairn_kv_txn* txn, cairn_error* err);
} cairn_meta_vtable;

#ifdef __cplusplus
}

namespace cairn {

// The most conditions plus ops one transaction may hold on any engine (see cairn_kv_txn).
inline constexpr size_t kMaxTxnOps = CAIRN_KV_MAX_TXN_OPS;

struct KeyValue {
  std::string key;
  std::string value;
};

struct TxnCondition {
  enum Kind { kExists = CAIRN_KV_EXISTS, kNotExists = CAIRN_KV_NOT_EXISTS,
              kValueEquals = CAIRN_KV_VALUE_EQUALS };
  std::string key;
  Kind kind = kExists;
  std::string value;
};

struct TxnOp {
  enum Kind { kPut = CAIRN_KV_PUT, kDelete = CAIRN_KV_DELETE };
  std::string key;
  Kind kind = kPut;
  std::string value;
};

struct Txn {
  std::vector<TxnCondition> conditions;
  std::vector<TxnOp> ops;
  Txn& Require(std::string key, TxnCondition::Kind kind, std::string value = {}) {
    conditions.push_back({std::move(key), kind, std::move(value)});
    return *this;
  }
  Txn& Put(std::string key, std::string value) {
    ops.push_back({std::move(key), TxnOp::kPut, std::move(value)});
    return *this;
  }
  Txn& Delete(std::string key) {
    ops.push_back({std::move(key), TxnOp::kDelete, {}});
    return *this;
  }
};

class MetaStore {
 public:
  virtual ~MetaStore() = default;
  // NotFound when the key is absent.
  virtual Status Get(std::string_view key, std::string* value) = 0;
  // Appends the pairs with keys in [start, end) (end empty: unbounded), at most limit (0: all).
  virtual Status Scan(std::string_view start, std::string_view end, size_t limit,
                      std::vector<KeyValue>* out) = 0;
  // Conflict when a condition does not hold; then nothing was written. OutcomeUnknown when the
  // transaction may or may not have been applied; any other failure: nothing was written.
  virtual Status Commit(const Txn& txn) = 0;
};

}  // namespace cairn
#endif
