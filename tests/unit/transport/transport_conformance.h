// The Transport conformance suite: every transport must pass it. An engine joins by
// instantiating the suite with a TransportEngine in its own test file:
//
//   INSTANTIATE_TEST_SUITE_P(Local, TransportConformanceTest,
//                            ::testing::Values(TransportEngine{...}), TransportEngineName);
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cairn/transport.h"
#include "temp_dir.h"

namespace cairn::testing {

struct TransportEngine {
  std::string name;
  // Opens the engine with its state under `dir` (empty on the first call), serving at least
  // two drives.
  std::function<std::unique_ptr<Transport>(const std::string& dir)> open;
  // Makes the drive at `index` (in Drives() order) fail the way a dead disk does.
  std::function<void(Transport& transport, const std::string& dir, size_t index)> break_drive;
  // Whether reopening `dir` shows the shards and drive ids of the previous instance.
  bool persistent = true;
};

inline std::string TransportEngineName(const ::testing::TestParamInfo<TransportEngine>& info) {
  return info.param.name;
}

class TransportConformanceTest : public ::testing::TestWithParam<TransportEngine> {
 protected:
  void SetUp() override {
    Reopen();
    std::vector<DriveInfo> drives;
    ASSERT_TRUE(transport_->Drives(&drives).ok());
    ASSERT_GE(drives.size(), 2u);
    for (const auto& d : drives) drive_ids_.push_back(d.id);
  }

  void Reopen() {
    transport_.reset();
    transport_ = GetParam().open(dir_.path());
    ASSERT_NE(transport_, nullptr);
  }

  Transport& transport() { return *transport_; }
  ShardRef Ref(size_t drive, std::string shard) const { return {drive_ids_[drive], shard}; }

  // Writes bytes to a shard in `pieces` appends and commits.
  Status WriteShard(const ShardRef& ref, const std::string& bytes, size_t pieces = 1) {
    auto writer = transport_->OpenWriter(ref);
    if (!writer.ok()) return writer.status();
    const size_t step = pieces == 0 ? bytes.size() : (bytes.size() + pieces - 1) / pieces;
    for (size_t at = 0; at < bytes.size(); at += step) {
      const size_t n = std::min(step, bytes.size() - at);
      CAIRN_RETURN_IF_ERROR(
          (*writer)->Append(reinterpret_cast<const uint8_t*>(bytes.data()) + at, n));
    }
    return (*writer)->Commit();
  }

  // Reads [offset, offset + size) of a shard; the Status when the read fails.
  Result<std::string> ReadShard(const ShardRef& ref, uint64_t offset, uint64_t size) {
    std::string out(size, '\0');
    auto n = transport_->Read(ref, offset, reinterpret_cast<uint8_t*>(out.data()), size);
    if (!n.ok()) return n.status();
    out.resize(*n);
    return out;
  }

  // The bytes read, or the error in angle brackets: for comparisons in EXPECT_EQ.
  std::string ReadText(const ShardRef& ref, uint64_t offset, uint64_t size) {
    auto r = ReadShard(ref, offset, size);
    return r.ok() ? r.value() : "<" + r.status().ToString() + ">";
  }

  ScopedTempDir dir_;
  std::unique_ptr<Transport> transport_;
  std::vector<std::string> drive_ids_;
};

// The tests that need state to outlive an instance; instantiate it only for engines whose
// `persistent` is true (an in-memory engine has nothing to reopen).
class PersistentTransportConformanceTest : public TransportConformanceTest {};

}  // namespace cairn::testing
