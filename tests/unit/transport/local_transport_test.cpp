// transport/local: the conformance suite, plus what only local drives have (id files, temp
// file cleanup, on-disk layout, health of drive directories, configuration).
#include "local_transport.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <map>

#include "drive_id.h"
#include "fake_host.h"
#include "shard_name.h"
#include "transport_conformance.h"

namespace cairn::testing {
namespace {

namespace fs = std::filesystem;
using transport::LocalTransport;
using transport::LocalTransportOptions;

std::unique_ptr<Transport> OpenLocal(const std::vector<std::string>& drives) {
  LocalTransportOptions options;
  options.drives = drives;
  auto t = LocalTransport::Open(std::move(options));
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  if (!t.ok()) return nullptr;
  return std::move(t.value());
}

std::vector<std::string> ThreeDrives(const std::string& dir) {
  return {dir + "/d0", dir + "/d1", dir + "/d2"};
}

INSTANTIATE_TEST_SUITE_P(Local, TransportConformanceTest,
                         ::testing::Values(TransportEngine{
                             "local",
                             [](const std::string& dir) { return OpenLocal(ThreeDrives(dir)); },
                             [](Transport&, const std::string& dir, size_t index) {
                               fs::remove_all(dir + "/d" +
                                              std::to_string(index));  // the disk is gone
                             },
                             /*persistent=*/true}),
                         TransportEngineName);
INSTANTIATE_TEST_SUITE_P(Local, PersistentTransportConformanceTest,
                         ::testing::Values(TransportEngine{
                             "local",
                             [](const std::string& dir) { return OpenLocal(ThreeDrives(dir)); },
                             [](Transport&, const std::string& dir, size_t index) {
                               fs::remove_all(dir + "/d" +
                                              std::to_string(index));  // the disk is gone
                             },
                             /*persistent=*/true}),
                         TransportEngineName);

std::map<std::string, std::string> IdsByPath(Transport& t) {
  std::vector<DriveInfo> drives;
  EXPECT_TRUE(t.Drives(&drives).ok());
  std::map<std::string, std::string> out;
  for (const auto& d : drives) out[d.path] = d.id;
  return out;
}

std::vector<DriveInfo> DrivesOf(Transport& t) {
  std::vector<DriveInfo> drives;
  EXPECT_TRUE(t.Drives(&drives).ok());
  return drives;
}

std::string FileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

size_t CountEntries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

Status Write(Transport& t, const ShardRef& ref, const std::string& bytes) {
  auto w = t.OpenWriter(ref);
  if (!w.ok()) return w.status();
  CAIRN_RETURN_IF_ERROR((*w)->Append(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  return (*w)->Commit();
}

TEST(LocalTransportTest, IdFileFormat) {
  ScopedTempDir dir;
  auto t = OpenLocal({dir.Sub("d0")});
  const std::string text = FileText(dir.Sub("d0/cairn-drive.id"));
  ASSERT_EQ(text.size(), std::string("cairn-drive/1\n").size() + 33);
  EXPECT_EQ(text.substr(0, 14), "cairn-drive/1\n");
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(DrivesOf(*t)[0].id, text.substr(14, 32));
  EXPECT_TRUE(fs::is_directory(dir.Sub("d0/shards")));
  EXPECT_TRUE(fs::is_directory(dir.Sub("d0/tmp")));
}

TEST(LocalTransportTest, DriveIdsFollowTheDiskNotTheConfigOrder) {
  ScopedTempDir dir;
  std::map<std::string, std::string> first;
  {
    auto t = OpenLocal(ThreeDrives(dir.path()));
    first = IdsByPath(*t);
  }
  ASSERT_EQ(first.size(), 3u);
  {
    auto t = OpenLocal({dir.Sub("d2"), dir.Sub("d0"), dir.Sub("d1")});
    EXPECT_EQ(IdsByPath(*t), first);
    EXPECT_EQ(DrivesOf(*t)[0].path, dir.Sub("d2")) << "Drives() follows the config order";
  }
  // A disk mounted at another path keeps its id.
  fs::rename(dir.Sub("d1"), dir.Sub("moved"));
  auto t = OpenLocal({dir.Sub("moved")});
  EXPECT_EQ(DrivesOf(*t)[0].id, first[dir.Sub("d1")]);
}

TEST(LocalTransportTest, ShardsLiveUnderShardsDir) {
  ScopedTempDir dir;
  auto t = OpenLocal({dir.Sub("d0")});
  const std::string id = DrivesOf(*t)[0].id;
  ASSERT_TRUE(Write(*t, {id, "ab/ab12-c0-s3"}, "payload").ok());
  EXPECT_EQ(FileText(dir.Sub("d0/shards/ab/ab12-c0-s3")), "payload");
  EXPECT_EQ(CountEntries(dir.Sub("d0/tmp")), 0u);
}

TEST(LocalTransportTest, UncommittedWriterRemovesItsTempFile) {
  ScopedTempDir dir;
  auto t = OpenLocal({dir.Sub("d0")});
  const std::string id = DrivesOf(*t)[0].id;
  {
    auto w = t->OpenWriter({id, "a/b"});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append(reinterpret_cast<const uint8_t*>("xyz"), 3).ok());
    EXPECT_EQ(CountEntries(dir.Sub("d0/tmp")), 1u);
    t.reset();  // a writer may outlive its transport
  }
  EXPECT_EQ(CountEntries(dir.Sub("d0/tmp")), 0u);
  EXPECT_FALSE(fs::exists(dir.Sub("d0/shards/a/b")));
}

TEST(LocalTransportTest, LeftoverTempFilesAreRemovedAtStart) {
  ScopedTempDir dir;
  std::string id;
  {
    auto t = OpenLocal({dir.Sub("d0")});
    id = DrivesOf(*t)[0].id;
    ASSERT_TRUE(Write(*t, {id, "kept"}, "committed").ok());
  }
  // What a crash mid-write leaves behind.
  std::ofstream(dir.Sub("d0/tmp/0123abcd.tmp")) << "partial";
  std::ofstream(dir.Sub("d0/tmp/other.tmp")) << "partial";
  ASSERT_EQ(CountEntries(dir.Sub("d0/tmp")), 2u);
  LocalTransportOptions options;
  options.drives = {dir.Sub("d0")};
  std::vector<std::string> logs;
  options.log = [&](cairn_log_level, const std::string& m) { logs.push_back(m); };
  auto t = LocalTransport::Open(std::move(options));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(CountEntries(dir.Sub("d0/tmp")), 0u);
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_NE(logs[0].find("removed 2 temp files"), std::string::npos) << logs[0];
  std::string out(20, '\0');
  auto n = (*t)->Read({id, "kept"}, 0, reinterpret_cast<uint8_t*>(out.data()), out.size());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(out.substr(0, *n), "committed");
}

TEST(LocalTransportTest, ReplacedIdFileMakesTheDriveUnavailable) {
  ScopedTempDir dir;
  auto t = OpenLocal({dir.Sub("d0")});
  const std::string id = DrivesOf(*t)[0].id;
  ASSERT_TRUE(Write(*t, {id, "s"}, "x").ok());
  // Another disk mounted in its place: a different id file.
  fs::remove(dir.Sub("d0/cairn-drive.id"));
  std::ofstream(dir.Sub("d0/cairn-drive.id")) << "cairn-drive/1\n" << std::string(32, 'f') << "\n";
  EXPECT_FALSE(DrivesOf(*t)[0].healthy);
  EXPECT_EQ(DrivesOf(*t)[0].id, id);
  std::string out(4, '\0');
  EXPECT_EQ(t->Read({id, "s"}, 0, reinterpret_cast<uint8_t*>(out.data()), 4).status().code(),
            CAIRN_UNAVAILABLE);
}

// Root ignores permission bits, so the check runs in a child process that, when started as
// root, first becomes the unprivileged user "nobody" (uid 65534).
TEST(LocalTransportTest, UnwritableDriveIsUnhealthy) {
  ScopedTempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0777), 0);
  EXPECT_EXIT(
      {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) std::_Exit(3);
        auto t = OpenLocal({dir.Sub("d0"), dir.Sub("d1")});
        if (t == nullptr || ::chmod(dir.Sub("d1").c_str(), 0) != 0) std::_Exit(4);
        auto drives = DrivesOf(*t);
        bool ok = drives.size() == 2 && drives[0].healthy && !drives[1].healthy &&
                  t->OpenWriter({drives[1].id, "a"}).status().code() == CAIRN_UNAVAILABLE;
        ::chmod(dir.Sub("d1").c_str(), 0755);
        std::_Exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(LocalTransportTest, UnusableDriveAtStartDoesNotFailCreate) {
  ScopedTempDir dir;
  std::ofstream(dir.Sub("not-a-dir")) << "a file where a drive should be";
  auto t = OpenLocal({dir.Sub("d0"), dir.Sub("not-a-dir")});
  ASSERT_NE(t, nullptr);
  auto drives = DrivesOf(*t);
  ASSERT_EQ(drives.size(), 2u);
  EXPECT_TRUE(drives[0].healthy);
  EXPECT_FALSE(drives[1].healthy);
  EXPECT_FALSE(drives[1].id.empty());
  EXPECT_EQ(drives[1].path, dir.Sub("not-a-dir"));
  EXPECT_EQ(t->OpenWriter({drives[1].id, "a"}).status().code(), CAIRN_UNAVAILABLE);
  EXPECT_TRUE(Write(*t, {drives[0].id, "a"}, "ok").ok());
  // Its placeholder id is stable, so that reports do not flap.
  EXPECT_EQ(DrivesOf(*OpenLocal({dir.Sub("not-a-dir")}))[0].id, drives[1].id);
}

TEST(LocalTransportTest, CorruptIdFileMakesTheDriveUnhealthy) {
  ScopedTempDir dir;
  fs::create_directories(dir.Sub("d0"));
  std::ofstream(dir.Sub("d0/cairn-drive.id")) << "something else\n";
  auto t = OpenLocal({dir.Sub("d0")});
  EXPECT_FALSE(DrivesOf(*t)[0].healthy);
  EXPECT_EQ(FileText(dir.Sub("d0/cairn-drive.id")), "something else\n") << "left for an operator";
}

TEST(LocalTransportTest, TheSameDriveListedTwiceServesOnce) {
  ScopedTempDir dir;
  auto t = OpenLocal({dir.Sub("d0"), dir.Sub("d0/")});
  auto drives = DrivesOf(*t);
  ASSERT_EQ(drives.size(), 2u);
  EXPECT_TRUE(drives[0].healthy);
  EXPECT_FALSE(drives[1].healthy);
  EXPECT_TRUE(Write(*t, {drives[0].id, "a"}, "ok").ok()) << "the id still reaches the first";
}

TEST(LocalTransportTest, CreateReadsConfig) {
  ScopedTempDir dir;
  FakeHost host(dir.path());
  host.arrays["drives"] = {"drives/a", dir.Sub("abs")};
  host.strings["node"] = "node-7";
  host.strings["zone"] = "zone-b";
  auto context = host.Context("local");
  auto t = LocalTransport::Create(context);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto drives = DrivesOf(**t);
  ASSERT_EQ(drives.size(), 2u);
  EXPECT_EQ(drives[0].path, dir.Sub("drives/a"));
  EXPECT_EQ(drives[1].path, dir.Sub("abs"));
  for (const auto& d : drives) {
    EXPECT_EQ(d.node, "node-7");
    EXPECT_EQ(d.zone, "zone-b");
    EXPECT_TRUE(d.healthy);
  }

  FakeHost defaults(dir.path());
  defaults.arrays["drives"] = {"d"};
  auto context2 = defaults.Context("local");
  auto t2 = LocalTransport::Create(context2);
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ(DrivesOf(**t2)[0].node, "local");
  EXPECT_EQ(DrivesOf(**t2)[0].zone, "zone-a");

  FakeHost none(dir.path());
  auto context3 = none.Context("local");
  EXPECT_EQ(LocalTransport::Create(context3).status().code(), CAIRN_INVALID_ARGUMENT);
}

TEST(ShardNameTest, Rules) {
  using transport::ValidateShardName;
  using transport::ValidateShardPrefix;
  EXPECT_TRUE(ValidateShardName("ab/ab12-c0-s3").ok());
  EXPECT_TRUE(ValidateShardName("a").ok());
  EXPECT_TRUE(ValidateShardName(std::string(200, 'a')).ok());
  EXPECT_FALSE(ValidateShardName(std::string(201, 'a')).ok());
  EXPECT_FALSE(ValidateShardName("").ok());
  EXPECT_FALSE(ValidateShardName("a/").ok());
  EXPECT_FALSE(ValidateShardName("a/./b").ok());
  EXPECT_FALSE(ValidateShardName("..").ok());
  EXPECT_TRUE(ValidateShardPrefix("").ok());
  EXPECT_TRUE(ValidateShardPrefix("ab/").ok());
  EXPECT_FALSE(ValidateShardPrefix("/ab").ok());
  EXPECT_FALSE(ValidateShardPrefix("a/../").ok());
}

}  // namespace
}  // namespace cairn::testing
