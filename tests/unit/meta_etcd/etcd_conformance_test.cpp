// meta/etcd: the MetaStore conformance suite against a real single-node etcd. Each test's
// directory becomes its key prefix, so reopening the same directory sees the same keys.
#include "etcd_meta_store.h"
#include "meta_conformance.h"
#include "shared_etcd.h"

namespace cairn::testing {
namespace {

Result<std::unique_ptr<MetaStore>> OpenEtcd(const std::string& dir) {
  auto endpoint = SharedEtcdEndpoint();
  if (!endpoint.ok()) return endpoint.status();
  meta::etcd::EtcdOptions options;
  options.endpoints = {endpoint.value()};
  options.prefix = "cairn-conformance" + dir + "/";
  options.page_size = 4;  // small pages, so that every scan of the suite crosses pages
  auto store = meta::etcd::EtcdMetaStore::Open(std::move(options));
  if (!store.ok()) return store.status();
  return std::unique_ptr<MetaStore>(std::move(store.value()));
}

INSTANTIATE_TEST_SUITE_P(Etcd, MetaConformanceTest, ::testing::Values(MetaEngine{"etcd", OpenEtcd}),
                         MetaEngineName);

}  // namespace
}  // namespace cairn::testing
