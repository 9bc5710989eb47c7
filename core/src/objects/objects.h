// Loading, publishing and deleting objects: each change is one metadata transaction that
// requires what it read unchanged (optimistic concurrency; a conflict re-reads and retries),
// so concurrent writers to a key through any number of gateways yield one linear history.
// Failures carry their S3 code (NoSuchBucket, NoSuchKey, PreconditionFailed, SlowDown...).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "meta/records.h"
#include "objects/conditions.h"
#include "objects/services.h"

namespace cairn {

// The current object; NoSuchKey (or NoSuchBucket) when there is none or it is a delete
// marker (objects/versions.h loads any version, delete markers included).
Result<ObjectRecord> LoadObject(Services& svc, const std::string& bucket, const std::string& key);

// How a new object version is published, beyond the record itself.
struct Publication {
  // Data ids of segments written without every shard: they enter the repair queue in the
  // same transaction.
  std::vector<std::string> repair;
  // If-Match / If-None-Match: must hold for the object the write replaces, in that same
  // transaction; when it does not, nothing is published.
  WriteCondition condition;
  // More conditions and ops for the same transaction (CompleteMultipartUpload: the upload
  // must still exist, and goes). When a commit conflicts and one of these conditions no
  // longer holds, PublishObject returns Conflict instead of retrying.
  Txn also;
  // The record's segments belong to something that outlives a failure (an upload's parts):
  // never delete them.
  bool keep_data_on_failure = false;
  // Adds to the transaction what depends on the published record (its version id), after
  // PublishObject set it; called again on every retry.
  std::function<void(const ObjectRecord& published, Txn& txn)> finish;
};

// Publishes `record` as the current version of the key in one metadata transaction that also
// requires the bucket to be unchanged. What it supersedes is kept as a noncurrent version or
// freed, as the bucket's versioning says (SupersedeCurrent, objects/versions.h); a freed
// version's shards go through the deferred free (FreeReplaced). The record's version fields
// are set here: on success `record` is what was published (its version_id included).
// On a definite failure the new record's shards are deleted (nothing references them); when
// the commit's outcome is unknown they are kept, since the record may have been published:
// the scrubber's orphan collection removes them if it was not.
Status PublishObject(Services& svc, const std::string& bucket, const std::string& key,
                     ObjectRecord& record, const Publication& how = {});

// Checks a conditional write against the current object before any data is written, so a
// write that must fail fails before its body is read (the publishing transaction checks again).
Status PrecheckWriteCondition(Services& svc, const std::string& bucket, const std::string& key,
                              const WriteCondition& condition);

// What a delete did, for the response headers.
struct DeleteOutcome {
  bool delete_marker = false;  // a delete marker was created, or the deleted version was one
  std::string version_id;      // its version id ("" in an unversioned bucket)
};

// DeleteObject without a version id. In an unversioned bucket the current object goes (an
// absent key is not an error in S3); in a versioned one a delete marker becomes the current
// version (SupersedeCurrent says what happens to the one it supersedes). A condition is
// checked against the current object, which the transaction then requires unchanged.
Status DeleteObject(Services& svc, const std::string& bucket, const std::string& key,
                    const DeleteCondition& condition, DeleteOutcome* outcome);

// Deletes one version for good ("null" or an id); deleting the current version makes the
// newest noncurrent one current. A version that does not exist is not an error. A condition
// is checked against that version, and so is its object lock (objects/object_lock.h:
// AccessDenied while locked; `bypass_governance` lifts GOVERNANCE retention).
Status DeleteObjectVersion(Services& svc, const std::string& bucket, const std::string& key,
                           const std::string& version_id, const DeleteCondition& condition,
                           bool bypass_governance, DeleteOutcome* outcome);

// Adds to `txn` -- the transaction that replaces or deletes the object version `replaced` --
// the deferred free of its shards (durability/deferred_free.h): they are removed
// storage.free_delay_seconds from now, when no GET that loaded the old record can still be
// reading them (longer GETs hold them with read leases). Nothing for an inline object.
void FreeReplaced(const Services& svc, Txn& txn, const ObjectRecord& replaced);

}  // namespace cairn
