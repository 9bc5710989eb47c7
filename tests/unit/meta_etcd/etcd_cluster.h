// EtcdCluster: real etcd processes (the /usr/bin/etcd binary, or $CAIRN_ETCD_BIN) on free
// loopback ports with a temporary data directory, for tests. One member is a single-node etcd;
// three make a Raft cluster whose leader a test can find and kill. Every process is killed
// when the cluster is destroyed (and by the kernel if the test process dies: PDEATHSIG).
// Not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cairn/status.h"

namespace cairn::testing {

class EtcdCluster {
 public:
  // Starts `members` processes and waits until every one reports healthy (a leader exists).
  // Fails with a message naming the binary, or quoting the log of a member that did not come up.
  static Result<std::unique_ptr<EtcdCluster>> Start(int members);
  ~EtcdCluster();
  EtcdCluster(const EtcdCluster&) = delete;
  EtcdCluster& operator=(const EtcdCluster&) = delete;

  // Client URLs, e.g. "http://127.0.0.1:41234", in member order (killed members included).
  std::vector<std::string> Endpoints() const;
  // The member that is leader according to the first live member that answers, or an error.
  Result<int> Leader() const;
  // SIGKILLs a member and reaps it.
  void Kill(int member);
  // The last lines of every member's log, for failure messages.
  std::string LogTails() const;

 private:
  struct Member {
    std::string name;
    int client_port = 0;
    int peer_port = 0;
    std::string log_path;
    pid_t pid = -1;
    std::string client_url() const { return "http://127.0.0.1:" + std::to_string(client_port); }
  };

  EtcdCluster() = default;
  Status Spawn(Member& member, const std::string& initial_cluster, const std::string& token);
  Status WaitHealthy(std::chrono::milliseconds timeout);

  std::string dir_;
  std::vector<Member> members_;
};

}  // namespace cairn::testing
