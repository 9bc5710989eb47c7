// Translates a cairn::Txn into the body of one etcd Txn request (POST /v3/kv/txn):
//   compare = the conditions, success = the puts and deletes, failure = nothing,
// so that `succeeded: false` means "a condition did not hold and nothing was written".
//
// Conditions, in etcd's terms (a missing key compares as create_revision 0, and a VALUE
// compare on a missing key always fails, which is what "absent is not equal to empty" needs):
//   EXISTS        CREATE GREATER 0
//   NOT_EXISTS    CREATE EQUAL 0
//   VALUE_EQUALS  VALUE EQUAL v
// Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "cairn/meta_store.h"
#include "key_space.h"

namespace cairn::meta::etcd {

// etcd refuses a Txn with more than --max-txn-ops compares or operations (128 by default);
// Cairn refuses it first, with a message that names the limit, rather than send it.
constexpr size_t kMaxTxnOps = 128;

// The JSON body, or INVALID_ARGUMENT for an unknown condition or op kind, or a transaction
// beyond kMaxTxnOps. etcd refuses two operations on one key in a Txn ("duplicate key"), so ops
// on the same key are first collapsed into the last one, which is what applying them in order
// would leave; the limit counts the ops that remain.
Result<std::string> BuildTxnBody(const KeySpace& space, const Txn& txn);

}  // namespace cairn::meta::etcd
