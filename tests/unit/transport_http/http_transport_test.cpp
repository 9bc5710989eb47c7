// transport/http against an in-process storage node: the conformance suite, then what only a
// remote transport has (authentication, body limits, cut uploads, the circuit breaker).
#include "http_transport.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>

#include "node_protocol/cluster_protocol.h"
#include "plugin/host_services.h"
#include "plugin/plugin_registry.h"
#include "plugin/transport_proxy.h"
#include "test_node.h"
#include "transport_conformance.h"

namespace cairn::testing {
namespace {

namespace fs = std::filesystem;
using transport::HttpTransport;
using transport::HttpTransportOptions;

HttpTransportOptions ClientOptions(const std::string& url, const std::string& spool_dir) {
  HttpTransportOptions o;
  o.nodes = {url};
  o.cluster_secret = "test-cluster-secret";
  o.spool_dir = spool_dir;
  o.spool_memory_bytes = 4096;  // most test shards spill to the spool file
  o.drives_cache_ms = 0;        // tests change drives and expect to see it at once
  o.timeout_ms = 5000;
  return o;
}

std::unique_ptr<Transport> OpenClient(HttpTransportOptions options) {
  auto t = HttpTransport::Open(std::move(options));
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  if (!t.ok()) return nullptr;
  return std::move(t.value());
}

// A transport that owns the node it talks to, so that the conformance suite's Reopen restarts
// both (destroying the client first).
class NodeBackedTransport final : public Transport {
 public:
  NodeBackedTransport(std::unique_ptr<TestNode> node, std::unique_ptr<Transport> client)
      : node_(std::move(node)), client_(std::move(client)) {}
  Status Drives(std::vector<DriveInfo>* out) override { return client_->Drives(out); }
  Result<std::unique_ptr<ShardWriter>> OpenWriter(const ShardRef& ref) override {
    return client_->OpenWriter(ref);
  }
  Result<uint64_t> Read(const ShardRef& ref, uint64_t offset, uint8_t* out,
                        uint64_t size) override {
    return client_->Read(ref, offset, out, size);
  }
  Status Remove(const ShardRef& ref) override { return client_->Remove(ref); }
  Status List(const ShardRef& prefix, std::vector<ShardStat>* out) override {
    return client_->List(prefix, out);
  }
  Result<ShardStat> Stat(const ShardRef& ref) override { return client_->Stat(ref); }

 private:
  std::unique_ptr<TestNode> node_;
  std::unique_ptr<Transport> client_;
};

std::unique_ptr<Transport> OpenNodeBacked(const std::string& dir) {
  TestNodeOptions options;
  options.data_dir = dir;
  auto node = std::make_unique<TestNode>(options);
  Status st = node->Start();
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return nullptr;
  auto client = OpenClient(ClientOptions(node->url(), dir + "/spool"));
  if (client == nullptr) return nullptr;
  return std::make_unique<NodeBackedTransport>(std::move(node), std::move(client));
}

INSTANTIATE_TEST_SUITE_P(Http, TransportConformanceTest,
                         ::testing::Values(TransportEngine{
                             "http", OpenNodeBacked,
                             [](Transport&, const std::string& dir, size_t index) {
                               fs::remove_all(dir + "/d" + std::to_string(index));
                             },
                             /*persistent=*/true}),
                         TransportEngineName);
INSTANTIATE_TEST_SUITE_P(Http, PersistentTransportConformanceTest,
                         ::testing::Values(TransportEngine{
                             "http", OpenNodeBacked,
                             [](Transport&, const std::string& dir, size_t index) {
                               fs::remove_all(dir + "/d" + std::to_string(index));
                             },
                             /*persistent=*/true}),
                         TransportEngineName);

Status Write(Transport& t, const ShardRef& ref, const std::string& bytes) {
  auto w = t.OpenWriter(ref);
  if (!w.ok()) return w.status();
  CAIRN_RETURN_IF_ERROR((*w)->Append(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  return (*w)->Commit();
}

std::vector<DriveInfo> DrivesOf(Transport& t) {
  std::vector<DriveInfo> drives;
  EXPECT_TRUE(t.Drives(&drives).ok());
  return drives;
}

std::string ReadAll(Transport& t, const ShardRef& ref) {
  std::string out(1 << 20, '\0');
  auto n = t.Read(ref, 0, reinterpret_cast<uint8_t*>(out.data()), out.size());
  if (!n.ok()) return "<" + n.status().ToString() + ">";
  out.resize(*n);
  return out;
}

// A node and a client for it, with the drives already seen.
class HttpTransportTest : public ::testing::Test {
 protected:
  void StartNode(TestNodeOptions options = {}) {
    options.data_dir = dir_.Sub("node");
    node_ = std::make_unique<TestNode>(options);
    Status st = node_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  void OpenTransport(HttpTransportOptions options) {
    client_ = OpenClient(std::move(options));
    ASSERT_NE(client_, nullptr);
    drives_ = DrivesOf(*client_);
  }
  HttpTransportOptions Options() const { return ClientOptions(node_->url(), dir_.Sub("spool")); }

  // A request signed by hand: `skew` seconds off the clock, `secret` as given.
  int RawStatus(const std::string& method, const std::string& target, const std::string& secret,
                int64_t skew = 0, bool sign = true) {
    Poco::Net::HTTPClientSession session("127.0.0.1", node_->port());
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    const std::string date = std::to_string(static_cast<int64_t>(std::time(nullptr)) + skew);
    if (sign) {
      request.set(cluster::kDateHeader, date);
      request.set(cluster::kSignatureHeader,
                  cluster::SignRequest(secret, method, target, date, ""));
    }
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string ignored(std::istreambuf_iterator<char>(in), {});
    return response.getStatus();
  }

  ScopedTempDir dir_;
  std::unique_ptr<TestNode> node_;
  std::unique_ptr<Transport> client_;
  std::vector<DriveInfo> drives_;
};

TEST_F(HttpTransportTest, DrivesCarryTheNodesNameAndZone) {
  StartNode();
  OpenTransport(Options());
  ASSERT_EQ(drives_.size(), 2u);
  for (const auto& d : drives_) {
    EXPECT_EQ(d.node, "node-a");
    EXPECT_EQ(d.zone, "zone-b");
    EXPECT_EQ(d.path, dir_.Sub("node/d") + d.path.substr(d.path.size() - 1));
  }
}

TEST_F(HttpTransportTest, NodesFollowTheSetTheCoreGives) {
  StartNode();
  OpenTransport(Options());
  std::vector<NodeInfo> nodes;
  ASSERT_TRUE(client_->Nodes(&nodes).ok());
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].url, node_->url());
  EXPECT_EQ(nodes[0].name, "node-a");
  EXPECT_TRUE(nodes[0].reachable);

  std::vector<DriveInfo> probed;
  ASSERT_TRUE(client_->ProbeNode(node_->url(), &probed).ok());
  EXPECT_EQ(probed.size(), 2u);
  EXPECT_EQ(client_->ProbeNode("http://127.0.0.1:1", &probed).code(), CAIRN_UNAVAILABLE);

  EXPECT_EQ(client_->SetNodes({"ftp://x"}).code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(client_->SetNodes({}).code(), CAIRN_INVALID_ARGUMENT);
  ASSERT_TRUE(client_->SetNodes({"http://127.0.0.1:1"}).ok());
  std::vector<DriveInfo> drives;
  ASSERT_TRUE(client_->Drives(&drives).ok());
  EXPECT_TRUE(drives.empty()) << "the node left the set, and with it its drives";
  ASSERT_TRUE(client_->SetNodes({node_->url()}).ok());
  drives.clear();
  ASSERT_TRUE(client_->Drives(&drives).ok());
  EXPECT_EQ(drives.size(), 2u);
}

TEST_F(HttpTransportTest, BadSecretIsRefused) {
  StartNode();
  EXPECT_EQ(RawStatus("GET", "/drives", "test-cluster-secret"), 200);
  EXPECT_EQ(RawStatus("GET", "/drives", "wrong-secret"), 401);
  EXPECT_EQ(RawStatus("GET", "/drives", "", 0, /*sign=*/false), 401);
  EXPECT_EQ(RawStatus("GET", "/drives", "test-cluster-secret", -400), 401) << "stale date";
  EXPECT_EQ(RawStatus("GET", "/drives", "test-cluster-secret", 400), 401) << "future date";
  EXPECT_EQ(RawStatus("GET", "/drives", "test-cluster-secret", -200), 200) << "within 5 min";
  // Liveness is for load balancers and supervisors: no secret needed, nothing revealed.
  EXPECT_EQ(RawStatus("GET", "/health", "", 0, /*sign=*/false), 200);
  EXPECT_EQ(RawStatus("GET", "/health?x=1", "", 0, /*sign=*/false), 401);

  // Through the transport: the node's 401 is AccessDenied, an answer (not a node failure).
  HttpTransportOptions good = Options();
  OpenTransport(good);
  const std::string drive = drives_[0].id;
  ASSERT_TRUE(Write(*client_, {drive, "a/b"}, "payload").ok());

  transport::NodeClientOptions bad;
  bad.url = node_->url();
  bad.cluster_secret = "wrong-secret";
  bad.retries = 2;
  bad.breaker.failures = 1;
  auto client = transport::NodeClient::Create(bad);
  ASSERT_TRUE(client.ok());
  for (int i = 0; i < 3; ++i) {
    Status st =
        (*client)->Call({"GET", "/drives", "", nullptr},
                        [](const Poco::Net::HTTPResponse&, std::istream&) { return Status::Ok(); });
    EXPECT_EQ(st.code(), CAIRN_ACCESS_DENIED) << st.ToString();
  }
  EXPECT_TRUE((*client)->Healthy()) << "a refusal is an answer: the breaker stays closed";

  HttpTransportOptions wrong = Options();
  wrong.cluster_secret = "wrong-secret";
  auto impostor = OpenClient(wrong);
  EXPECT_TRUE(DrivesOf(*impostor).empty()) << "no drives are learnt with a wrong secret";
  EXPECT_EQ(ReadAll(*client_, {drive, "a/b"}), "payload");
}

TEST_F(HttpTransportTest, BodyLimitRefusesLargerShards) {
  TestNodeOptions options;
  options.max_body_bytes = 64 << 10;
  StartNode(options);
  OpenTransport(Options());
  const std::string drive = drives_[0].id;
  Status st = Write(*client_, {drive, "big"}, std::string((64 << 10) + 1, 'x'));
  EXPECT_EQ(st.code(), CAIRN_INVALID_ARGUMENT) << st.ToString();
  EXPECT_NE(st.message().find("max_body_bytes"), std::string::npos) << st.message();
  EXPECT_TRUE(client_->Stat({drive, "big"}).status().IsNotFound());
  ASSERT_TRUE(Write(*client_, {drive, "fits"}, std::string(64 << 10, 'y')).ok());
  EXPECT_EQ(ReadAll(*client_, {drive, "fits"}).size(), 64u << 10);
}

TEST_F(HttpTransportTest, CutUploadIsNeverCommitted) {
  StartNode();
  OpenTransport(Options());
  const std::string drive = drives_[0].id;
  const std::string target = "/shards/" + drive + "/cut/shard";
  const std::string date = std::to_string(static_cast<int64_t>(std::time(nullptr)));
  {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", node_->port()));
    const std::string head =
        "PUT " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n" +
        cluster::kDateHeader + ": " + date + "\r\n" + cluster::kSignatureHeader + ": " +
        cluster::SignRequest("test-cluster-secret", "PUT", target, date, "1000") + "\r\n\r\n";
    socket.sendBytes(head.data(), static_cast<int>(head.size()));
    const std::string half(500, 'z');
    socket.sendBytes(half.data(), static_cast<int>(half.size()));
    socket.close();  // the gateway died mid-upload
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(client_->Stat({drive, "cut/shard"}).status().IsNotFound());
  std::vector<ShardStat> all;
  ASSERT_TRUE(client_->List({drive, ""}, &all).ok());
  EXPECT_TRUE(all.empty());
  EXPECT_TRUE(fs::is_empty(dir_.Sub("node/d0/tmp"))) << "the node aborted its writer";
}

TEST_F(HttpTransportTest, BreakerOpensOnADeadNodeAndClosesWhenItReturns) {
  StartNode();
  HttpTransportOptions options = Options();
  options.retries = 1;
  options.breaker_failures = 3;
  options.breaker_open_ms = 500;
  options.connect_timeout_ms = 500;
  OpenTransport(options);
  const ShardRef ref{drives_[0].id, "s/1"};
  ASSERT_TRUE(Write(*client_, ref, "alive").ok());

  node_->Stop();
  // Two attempts per call: the second call opens the circuit.
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(client_->Stat(ref).status().code(), CAIRN_UNAVAILABLE);
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) {
    auto st = client_->Stat(ref).status();
    ASSERT_EQ(st.code(), CAIRN_UNAVAILABLE);
    EXPECT_NE(st.message().find("circuit open"), std::string::npos) << st.message();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100))
      << "an open circuit fails fast";
  EXPECT_EQ(client_->OpenWriter({drives_[1].id, "t"}).status().code(), CAIRN_UNAVAILABLE);
  auto drives = DrivesOf(*client_);
  ASSERT_EQ(drives.size(), 2u) << "a dead node's drives stay in the report";
  for (const auto& d : drives) EXPECT_FALSE(d.healthy) << d.id;

  ASSERT_TRUE(node_->Start().ok());  // back, on the same port
  EXPECT_EQ(client_->Stat(ref).status().code(), CAIRN_UNAVAILABLE) << "still open";
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  auto stat = client_->Stat(ref);  // the half-open probe
  ASSERT_TRUE(stat.ok()) << stat.status().ToString();
  EXPECT_EQ(stat->size, 5u);
  for (const auto& d : DrivesOf(*client_)) EXPECT_TRUE(d.healthy) << d.id;
  EXPECT_TRUE(Write(*client_, {drives_[1].id, "t"}, "again").ok());
}

TEST_F(HttpTransportTest, UnreachableNodeDoesNotFailOpen) {
  HttpTransportOptions o = ClientOptions("http://127.0.0.1:1", dir_.Sub("spool"));
  o.connect_timeout_ms = 200;
  o.retries = 0;
  auto t = OpenClient(o);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(DrivesOf(*t).empty());
  EXPECT_TRUE(t->OpenWriter({"d", "a"}).status().IsNotFound());
}

TEST_F(HttpTransportTest, LoadsAsAPluginFromTheGatewaysConfig) {
  StartNode();
  PluginRegistry registry;
  ASSERT_TRUE(registry.LoadFile(std::string(CAIRN_TEST_PLUGIN_DIR) + "/transport_http.so").ok());
  auto plugin = registry.Find("transport", "http");
  ASSERT_TRUE(plugin.ok());
  auto document = toml::parse("[transport.http]\nnodes = [\"" + node_->url() +
                              "\"]\ncluster_secret = \"test-cluster-secret\"\n"
                              "retries = 1\nspool_dir = \"spool\"\n");
  HostServices host(dir_.path(), [](const std::string&) {
    return Result<SecretRecord>(Status::NotFound("none"));
  });
  auto instance =
      host.Create(*plugin.value(), document["transport"]["http"].as_table(), "cairn.toml");
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  TransportProxy proxy(std::move(instance.value()));
  auto drives = DrivesOf(proxy);
  ASSERT_EQ(drives.size(), 2u);
  ASSERT_TRUE(Write(proxy, {drives[1].id, "via/plugin"}, std::string(5000, 'p')).ok());
  EXPECT_EQ(ReadAll(proxy, {drives[1].id, "via/plugin"}), std::string(5000, 'p'));
  EXPECT_TRUE(fs::is_directory(dir_.Sub("spool"))) << "relative to the data directory";

  auto unknown = toml::parse("[t]\nnodes = [\"http://x:1\"]\ncluster_secret = \"s\"\nnode = 1\n");
  EXPECT_FALSE(host.Create(*plugin.value(), unknown["t"].as_table(), "cairn.toml").ok());
  auto missing = toml::parse("[t]\nnodes = [\"http://x:1\"]\n");
  EXPECT_FALSE(host.Create(*plugin.value(), missing["t"].as_table(), "cairn.toml").ok());
}

TEST(HttpTransportConfigTest, BadOptionsAreRefused) {
  ScopedTempDir dir;
  HttpTransportOptions o = ClientOptions("https://node:9100", dir.Sub("spool"));
  EXPECT_EQ(HttpTransport::Open(o).status().code(), CAIRN_INVALID_ARGUMENT) << "https";
  o.nodes = {"http://node:9100/prefix"};
  EXPECT_EQ(HttpTransport::Open(o).status().code(), CAIRN_INVALID_ARGUMENT) << "a path";
  o.nodes = {};
  EXPECT_EQ(HttpTransport::Open(o).status().code(), CAIRN_INVALID_ARGUMENT) << "no nodes";
  o.nodes = {"http://node:9100/"};
  o.cluster_secret = "";
  EXPECT_EQ(HttpTransport::Open(o).status().code(), CAIRN_INVALID_ARGUMENT) << "no secret";
  o.cluster_secret = "s";
  o.retries = -1;
  EXPECT_EQ(HttpTransport::Open(o).status().code(), CAIRN_INVALID_ARGUMENT) << "retries";
  o.retries = 2;
  EXPECT_TRUE(HttpTransport::Open(o).ok());
}

}  // namespace
}  // namespace cairn::testing
