#include "objects/version_listing.h"

#include "meta/keys.h"
#include "objects/versions.h"

namespace cairn {
namespace {

bool IsCommonPrefix(const std::string& key, const std::string& prefix, const std::string& delim) {
  return !delim.empty() && key.size() >= prefix.size() + delim.size() && key.ends_with(delim) &&
         key.find(delim, prefix.size()) == key.size() - delim.size();
}

class Walk {
 public:
  Walk(Services& svc, const VersionListRequest& r, VersionListing* out)
      : svc_(svc), r_(r), out_(out) {}

  // Adds one version; false once the page is full (and more remain: truncated).
  bool Add(const std::string& key, ObjectRecord record, bool latest) {
    if (count_ == r_.max_keys) {
      out_->truncated = true;
      return false;
    }
    ++count_;
    out_->next_key_marker = key;
    out_->next_version_id_marker = VersionIdText(record);
    out_->versions.push_back({key, std::move(record), latest});
    return true;
  }

  bool AddPrefix(const std::string& common) {
    if (count_ == r_.max_keys) {
      out_->truncated = true;
      return false;
    }
    ++count_;
    out_->next_key_marker = common;
    out_->next_version_id_marker.clear();
    out_->prefixes.push_back(common);
    return true;
  }

  // The key's versions newer-first, skipping those with seq >= `below` (0: none skipped).
  // False when the page filled.
  Result<bool> AddVersionsOf(const std::string& key, const ObjectRecord& current, uint64_t below) {
    if (below == 0 || SeqOf(current) < below) {
      if (!Add(key, current, true)) return false;
    }
    const std::string prefix = keys::VersionsOfKey(r_.bucket, key);
    const std::string end = keys::PrefixEnd(prefix);
    std::string start = below == 0 ? prefix : keys::Version(r_.bucket, key, below - 1);
    while (true) {
      std::vector<KeyValue> rows;
      CAIRN_RETURN_IF_ERROR(svc_.meta.Scan(start, end, 1000, &rows));
      for (const auto& kv : rows) {
        ObjectRecord r;
        CAIRN_RETURN_IF_ERROR(Decode(kv.value, &r));
        if (!Add(key, std::move(r), false)) return false;
      }
      if (rows.size() < 1000) return true;
      start = rows.back().key;
      start.push_back('\0');
    }
  }

 private:
  Services& svc_;
  const VersionListRequest& r_;
  VersionListing* out_;
  size_t count_ = 0;
};

// The seq below which the marker key's listing resumes; 0 when the version is gone (then the
// whole key was listed, as far as this page can tell).
Result<uint64_t> ResumeBelow(Services& svc, const VersionListRequest& r) {
  if (r.version_id_marker != "null") return std::stoull(r.version_id_marker, nullptr, 16);
  auto v = LoadVersion(svc, r.bucket, r.key_marker, std::string("null"));
  if (!v.ok()) {
    const std::string& code = v.status().s3_code();
    if (code == "NoSuchVersion" || code == "NoSuchKey") return uint64_t{0};
    return v.status();
  }
  return SeqOf(v->record);
}

}  // namespace

Status ListObjectVersions(Services& svc, const VersionListRequest& r, VersionListing* out) {
  if (!r.version_id_marker.empty()) {
    if (r.key_marker.empty()) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument",
                        "A version-id marker cannot be specified without a key marker.");
    }
    CAIRN_RETURN_IF_ERROR(ValidateVersionId(r.version_id_marker));
  }
  if (r.max_keys == 0) return Status::Ok();
  Walk walk(svc, r, out);
  const std::string base = keys::ObjectPrefix(r.bucket);
  const std::string end = keys::PrefixEnd(base + r.prefix);
  std::string start = base + r.prefix;
  bool resume_marker_key = false;
  if (!r.key_marker.empty() && base + r.key_marker >= start) {
    if (IsCommonPrefix(r.key_marker, r.prefix, r.delimiter)) {
      start = keys::PrefixEnd(base + r.key_marker);
      if (start.empty()) return Status::Ok();
    } else if (!r.version_id_marker.empty()) {
      start = base + r.key_marker;  // the marker key itself, from below the marker version
      resume_marker_key = true;
    } else {
      start = base + r.key_marker;
      start.push_back('\0');
    }
  }
  while (true) {
    std::vector<KeyValue> rows;
    CAIRN_RETURN_IF_ERROR(svc.meta.Scan(start, end, 100, &rows));
    if (rows.empty()) return Status::Ok();
    bool sought = false;
    for (const auto& row : rows) {
      std::string key = row.key.substr(base.size());
      start = row.key;
      start.push_back('\0');
      size_t pos = r.delimiter.empty() ? std::string::npos : key.find(r.delimiter, r.prefix.size());
      if (pos != std::string::npos) {
        std::string common = key.substr(0, pos + r.delimiter.size());
        if (!walk.AddPrefix(common)) return Status::Ok();
        start = keys::PrefixEnd(base + common);
        if (start.empty()) return Status::Ok();
        sought = true;
        break;
      }
      ObjectRecord current;
      CAIRN_RETURN_IF_ERROR(Decode(row.value, &current));
      uint64_t below = 0;
      if (resume_marker_key && key == r.key_marker) {
        auto b = ResumeBelow(svc, r);
        if (!b.ok()) return b.status();
        below = b.value();
        if (below == 0) continue;  // the marker version is gone: on to the next key
      }
      auto more = walk.AddVersionsOf(key, current, below);
      if (!more.ok()) return more.status();
      if (!more.value()) return Status::Ok();
    }
    if (!sought && rows.size() < 100) return Status::Ok();
  }
}

}  // namespace cairn
