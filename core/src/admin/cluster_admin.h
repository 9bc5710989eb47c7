// The cluster part of the admin API (root only, under /_cairn/admin/cluster): the cluster map
// with each node's drives and health plus the rebalancer's progress, and adding, draining and
// removing nodes. See docs/operations.md for the contract.
#pragma once

#include <string>

#include "admin/admin_api.h"

namespace cairn {

Status HandleClusterAdmin(AdminRequest& req, const std::string& path, const std::string& method);

}  // namespace cairn
