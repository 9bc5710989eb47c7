#include "etcd_cluster.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace cairn::testing {
namespace {

constexpr const char* kDefaultEtcdBinary = "/usr/bin/etcd";
constexpr auto kStartupTimeout = std::chrono::seconds(20);

std::string EtcdBinary() {
  const char* env = std::getenv("CAIRN_ETCD_BIN");
  return env != nullptr && *env != '\0' ? env : kDefaultEtcdBinary;
}

// A port nobody listens on right now. The kernel does not hand out the same ephemeral port
// again at once, so the small race until etcd binds it is harmless in practice.
Result<int> FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::IOError("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return Status::IOError("bind to a free loopback port");
  }
  close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

// etcd's WAL fsyncs; on tmpfs those are free, which keeps the suite fast.
std::string MakeTempDir() {
  std::string base = ::testing::TempDir();
  if (access("/dev/shm", W_OK) == 0) base = "/dev/shm/";
  std::string pattern = base + "cairn-etcd-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

// One HTTP exchange with a member; empty on any failure.
std::string Http(const std::string& method, int port, const std::string& path,
                 const std::string& body) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(1, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::string out;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), out);
    return response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK ? out : "";
  } catch (const Poco::Exception&) {
    return "";
  }
}

std::string Tail(const std::string& path, size_t max_lines) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out;
  for (size_t i = lines.size() > max_lines ? lines.size() - max_lines : 0; i < lines.size(); ++i) {
    out += "    " + lines[i] + "\n";
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<EtcdCluster>> EtcdCluster::Start(int members) {
  const std::string binary = EtcdBinary();
  if (access(binary.c_str(), X_OK) != 0) {
    return Status::Unavailable(
        "etcd binary " + binary +
        " not found: install it (apt-get install etcd-server etcd-client, see script/bootstrap) "
        "or point CAIRN_ETCD_BIN at one");
  }
  std::unique_ptr<EtcdCluster> cluster(new EtcdCluster());
  cluster->dir_ = MakeTempDir();
  if (cluster->dir_.empty()) return Status::IOError("cannot create a temp dir for etcd");
  std::string initial_cluster;
  for (int i = 0; i < members; ++i) {
    Member m;
    m.name = "m" + std::to_string(i);
    auto client = FreePort();
    auto peer = FreePort();
    if (!client.ok() || !peer.ok()) return Status::IOError("no free loopback port");
    m.client_port = client.value();
    m.peer_port = peer.value();
    m.log_path = cluster->dir_ + "/" + m.name + ".log";
    initial_cluster += (i ? "," : "") + m.name + "=http://127.0.0.1:" + std::to_string(m.peer_port);
    cluster->members_.push_back(m);
  }
  const std::string token = "cairn-test-" + std::to_string(getpid()) + "-" +
                            std::filesystem::path(cluster->dir_).filename().string();
  for (auto& m : cluster->members_) {
    CAIRN_RETURN_IF_ERROR(cluster->Spawn(m, initial_cluster, token));
  }
  CAIRN_RETURN_IF_ERROR(cluster->WaitHealthy(kStartupTimeout));
  return cluster;
}

Status EtcdCluster::Spawn(Member& m, const std::string& initial_cluster, const std::string& token) {
  const std::string peer_url = "http://127.0.0.1:" + std::to_string(m.peer_port);
  // Short heartbeats and elections: a killed leader is replaced in about a second.
  std::vector<std::string> args = {EtcdBinary(),
                                   "--name=" + m.name,
                                   "--data-dir=" + dir_ + "/" + m.name,
                                   "--listen-client-urls=" + m.client_url(),
                                   "--advertise-client-urls=" + m.client_url(),
                                   "--listen-peer-urls=" + peer_url,
                                   "--initial-advertise-peer-urls=" + peer_url,
                                   "--initial-cluster=" + initial_cluster,
                                   "--initial-cluster-state=new",
                                   "--initial-cluster-token=" + token,
                                   "--heartbeat-interval=50",
                                   "--election-timeout=500"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return Status::IOError("fork");
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int fd = open(m.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  m.pid = pid;
  return Status::Ok();
}

Status EtcdCluster::WaitHealthy(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto& m : members_) {
    while (Http("GET", m.client_port, "/health", "").find("\"health\":\"true\"") ==
           std::string::npos) {
      int wstatus = 0;
      if (waitpid(m.pid, &wstatus, WNOHANG) == m.pid) {
        m.pid = -1;
        return Status::Unavailable("etcd member " + m.name + " exited during startup; log:\n" +
                                   Tail(m.log_path, 20));
      }
      if (std::chrono::steady_clock::now() > deadline) {
        return Status::Unavailable("etcd member " + m.name + " not healthy after " +
                                   std::to_string(timeout.count()) + " ms; logs:\n" + LogTails());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return Status::Ok();
}

EtcdCluster::~EtcdCluster() {
  for (size_t i = 0; i < members_.size(); ++i) Kill(static_cast<int>(i));
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::vector<std::string> EtcdCluster::Endpoints() const {
  std::vector<std::string> out;
  for (const auto& m : members_) out.push_back(m.client_url());
  return out;
}

Result<int> EtcdCluster::Leader() const {
  for (const auto& m : members_) {
    if (m.pid < 0) continue;
    const std::string text = Http("POST", m.client_port, "/v3/maintenance/status", "{}");
    if (text.empty()) continue;
    try {
      Poco::JSON::Parser parser;
      auto object = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
      const std::string leader = object->optValue<std::string>("leader", "");
      if (leader.empty() || leader == "0") continue;
      // The leader's id is known; find which member has it.
      for (size_t i = 0; i < members_.size(); ++i) {
        if (members_[i].pid < 0) continue;
        const std::string other =
            Http("POST", members_[i].client_port, "/v3/maintenance/status", "{}");
        if (other.empty()) continue;
        auto o = Poco::JSON::Parser().parse(other).extract<Poco::JSON::Object::Ptr>();
        if (o->getObject("header")->optValue<std::string>("member_id", "") == leader) {
          return static_cast<int>(i);
        }
      }
    } catch (const Poco::Exception& e) {
      return Status::IOError("unreadable status: " + e.displayText());
    }
  }
  return Status::Unavailable("no live member knows a leader");
}

void EtcdCluster::Kill(int member) {
  Member& m = members_[static_cast<size_t>(member)];
  if (m.pid < 0) return;
  kill(m.pid, SIGKILL);
  int wstatus = 0;
  waitpid(m.pid, &wstatus, 0);
  m.pid = -1;
}

std::string EtcdCluster::LogTails() const {
  std::string out;
  for (const auto& m : members_) out += "  " + m.name + ":\n" + Tail(m.log_path, 10);
  return out;
}

}  // namespace cairn::testing
