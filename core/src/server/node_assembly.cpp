#include "server/node_assembly.h"

#include <algorithm>
#include <filesystem>

#include "fault/faulty_stores.h"
#include "plugin/authenticator_proxy.h"
#include "plugin/codec_proxy.h"
#include "plugin/meta_store_proxy.h"
#include "plugin/transport_proxy.h"
#include "util/log.h"

namespace cairn {

NodeAssembly::~NodeAssembly() {
  // Stop taking requests first, then the workers, before anything they use goes away.
  if (server_) server_->Stop();
  if (lifecycle_) lifecycle_.reset();
  if (rebalancer_) rebalancer_.reset();
  if (scrubber_) scrubber_.reset();
  if (repair_) repair_.reset();
  if (deferred_free_) deferred_free_.reset();
  if (leases_) {
    data_->set_read_registry(nullptr);
    leases_.reset();
  }
}

Result<SecretRecord> NodeAssembly::LookupSecret(const std::string& access_key) const {
  if (access_key == root_.access_key) return SecretRecord{root_.secret_key, "root"};
  for (const auto& c : config_.credentials) {
    if (c.access_key == access_key) return SecretRecord{c.secret_key, c.user};
  }
  return Status::NotFound("unknown access key");
}

Result<std::unique_ptr<NodeAssembly>> NodeAssembly::Build(Config config, const RootCredential& root,
                                                          const std::string& plugin_dir) {
  std::unique_ptr<NodeAssembly> n(new NodeAssembly());
  n->config_ = std::move(config);
  n->root_ = root;
  Config& cfg = n->config_;

  std::error_code ec;
  std::filesystem::create_directories(cfg.server.data_dir, ec);
  if (ec) return Status::IOError("cannot create data directory " + cfg.server.data_dir + ": " + ec.message());
  cfg.server.data_dir = std::filesystem::absolute(cfg.server.data_dir).lexically_normal().string();

  CAIRN_RETURN_IF_ERROR(n->registry_.LoadDirectory(plugin_dir));
  for (const auto& dir : cfg.server.plugin_dirs) {
    CAIRN_RETURN_IF_ERROR(n->registry_.LoadDirectory(cfg.ResolvePath(dir)));
  }
  NodeAssembly* self = n.get();
  n->host_ = std::make_unique<HostServices>(
      cfg.server.data_dir, [self](const std::string& ak) { return self->LookupSecret(ak); });

  auto create = [&](const std::string& category,
                    const std::string& name) -> Result<std::unique_ptr<PluginInstance>> {
    auto plugin = n->registry_.Find(category, name);
    if (!plugin.ok()) {
      return Status::InvalidArgument(cfg.path + ": " + category + ": " + plugin.status().message());
    }
    return n->host_->Create(*plugin.value(), cfg.PluginTable(category, name), cfg.path);
  };
  auto meta = create("meta", cfg.meta_engine);
  if (!meta.ok()) return meta.status();
  n->meta_ = std::make_unique<MetaStoreProxy>(std::move(meta.value()));
  auto transport = create("transport", cfg.transport_engine);
  if (!transport.ok()) return transport.status();
  n->transport_ = std::make_unique<TransportProxy>(std::move(transport.value()));
  // Crash-recovery tests arm fault injection through the environment (fault/fault_points.h).
  auto faults = FaultPoints::FromEnvironment();
  if (!faults.ok()) return faults.status();
  if (faults.value()) {
    n->meta_ = std::make_unique<FaultyMetaStore>(std::move(n->meta_), faults.value());
    n->transport_ = std::make_unique<FaultyTransport>(std::move(n->transport_), faults.value());
  }
  // In a cluster the map in the metadata engine, not the config, says which nodes serve
  // shards. A map that cannot be read yet (seed nodes still starting) is retried by the
  // refresh; until then the transport keeps its configured nodes.
  n->cluster_ = std::make_unique<ClusterMap>(*n->meta_, *n->transport_);
  if (Status st = n->cluster_->Sync(); !st.ok()) LogWarn("cluster", st.ToString());
  n->mapped_ = std::make_unique<MappedTransport>(*n->transport_, *n->cluster_);
  auto auth = create("auth", cfg.auth_engine);
  if (!auth.ok()) return auth.status();
  n->auth_ = std::make_unique<AuthenticatorProxy>(std::move(auth.value()));

  // Every codec plugin is instantiated: objects name the codec that wrote them, which may not
  // be today's default.
  std::map<std::string, Codec*> by_stable_name;
  for (const auto& p : n->registry_.plugins()) {
    if (std::string(p->info->category) != "codec") continue;
    auto inst = create("codec", p->info->name);
    if (!inst.ok()) return inst.status();
    auto codec = std::make_unique<CodecProxy>(std::move(inst.value()));
    by_stable_name[codec->StableName()] = codec.get();
    n->codecs_[p->info->name] = std::move(codec);
  }
  // Each storage class names a loaded codec that accepts its k and m: checked now rather
  // than at the first PUT.
  std::map<std::string, WriteClass> classes;
  for (const auto& [name, sc] : cfg.storage.classes) {
    auto codec = n->codecs_.find(sc.codec);
    if (codec == n->codecs_.end()) {
      return Status::InvalidArgument(cfg.path + ": storage class " + name + ": no codec plugin named '" +
                                     sc.codec + "' is loaded");
    }
    auto probe = codec->second->Open(sc.data_shards, sc.parity_shards);
    if (!probe.ok()) {
      return Status::InvalidArgument(cfg.path + ": storage class " + name + ": codec " + sc.codec +
                                     " refuses k=" + std::to_string(sc.data_shards) + " m=" +
                                     std::to_string(sc.parity_shards) + ": " +
                                     probe.status().message());
    }
    classes[name] = WriteClass{codec->second->StableName(), static_cast<uint32_t>(sc.data_shards),
                               static_cast<uint32_t>(sc.parity_shards),
                               static_cast<uint32_t>(sc.Quorum())};
  }

  std::string script = cfg.ResolvePath(cfg.storage.placement_policy);
  policy::SandboxLimits limits;
  limits.memory_bytes = static_cast<size_t>(cfg.lua.memory_bytes);
  limits.instructions_per_call = cfg.lua.instructions_per_call;
  limits.allocation_bytes_per_call = static_cast<size_t>(cfg.lua.allocation_bytes_per_call);
  limits.milliseconds_per_call = cfg.lua.milliseconds_per_call;
  auto placement = policy::PlacementPolicy::Load(
      script, limits, [](const std::string& line) { LogInfo("policy/placement", line); });
  if (!placement.ok()) return placement.status();
  n->placement_ = std::move(placement.value());

  n->data_ = std::make_unique<DataPath>(*n->mapped_, by_stable_name, *n->placement_);
  n->data_->set_hedge_after(std::chrono::milliseconds(cfg.storage.hedge_after_ms));
  n->services_ = std::make_unique<Services>(
      Services{n->config_, *n->meta_, *n->data_, classes});
  n->repair_ = std::make_unique<RepairQueue>(*n->services_);
  n->leases_ = std::make_unique<ReadLeases>(
      *n->meta_, std::chrono::seconds(cfg.storage.free_delay_seconds));
  n->data_->set_read_registry(n->leases_.get());
  n->deferred_free_ = std::make_unique<DeferredFree>(*n->meta_, *n->data_);
  n->scrubber_ = std::make_unique<Scrubber>(*n->services_, *n->mapped_);
  n->rebalancer_ = std::make_unique<Rebalancer>(*n->services_, *n->cluster_, *n->placement_);
  auto lifecycle = LifecycleWorker::Create(*n->services_, limits);
  if (!lifecycle.ok()) return lifecycle.status();
  n->lifecycle_ = std::move(lifecycle.value());
  n->admin_ = std::make_unique<AdminServices>(AdminServices{*n->services_, *n->scrubber_,
                                                            *n->repair_, *n->cluster_,
                                                            *n->rebalancer_, *n->lifecycle_});

  std::vector<DriveInfo> drives;
  CAIRN_RETURN_IF_ERROR(n->mapped_->Drives(&drives));
  size_t healthy = 0;
  for (const auto& d : drives) healthy += d.healthy;
  std::string class_list;
  for (const auto& [name, wc] : classes) {
    class_list += (class_list.empty() ? "" : ", ") + name + " = " + wc.codec + " " +
                  std::to_string(wc.k) + "+" + std::to_string(wc.m) + " (write quorum " +
                  std::to_string(wc.quorum) + ")";
  }
  LogInfo("cairn", "storage: " + std::to_string(healthy) + " of " + std::to_string(drives.size()) +
                       " drives healthy; storage classes: " + class_list);
  return n;
}

Status NodeAssembly::Serve() {
  server_ = std::make_unique<S3Server>(*services_, *auth_, *admin_);
  CAIRN_RETURN_IF_ERROR(server_->Start());
  repair_->Start();
  leases_->Start();
  // Due frees wait at most a quarter of the delay (and at most 10 s) past their due time.
  deferred_free_->Start(std::clamp<std::chrono::milliseconds>(
      std::chrono::seconds(config_.storage.free_delay_seconds) / 4,
      std::chrono::milliseconds(100), std::chrono::seconds(10)));
  scrubber_->StartPeriodic();
  cluster_->OnChange([r = rebalancer_.get()] { r->Wake(Rebalancer::kSettleMs); });
  cluster_->StartRefresh(std::chrono::seconds(2));
  rebalancer_->Start();
  lifecycle_->Start();
  return Status::Ok();
}

}  // namespace cairn
