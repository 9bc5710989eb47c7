// The cluster part of the admin API (root only, under /_cairn/admin/cluster): the cluster map
// with each node's drives and health plus the rebalancer's progress, and adding, draining and
// removing nodes. See docs/operations.md for the contract.
#pragma once

#include <string>

#include "s3/s3_request.h"

namespace cairn {

S3Outcome HandleClusterAdmin(S3Request& req, const std::string& path, const std::string& method);

}  // namespace cairn
