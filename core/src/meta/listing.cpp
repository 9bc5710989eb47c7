#include "meta/listing.h"

#include "meta/keys.h"

namespace cairn {
namespace {

// True when `key` is itself a common prefix under `prefix`: it ends with the delimiter and has
// no earlier occurrence of it after the prefix.
bool IsCommonPrefix(const std::string& key, const std::string& prefix, const std::string& delim) {
  return !delim.empty() && key.size() >= prefix.size() + delim.size() && key.ends_with(delim) &&
         key.find(delim, prefix.size()) == key.size() - delim.size();
}

}  // namespace

Status ListObjectKeys(MetaStore& meta, const ListRequest& r, Listing* out) {
  const std::string base = keys::ObjectPrefix(r.bucket);
  const std::string end = keys::PrefixEnd(base + r.prefix);
  std::string start = base + r.prefix;
  if (!r.after.empty() && base + r.after >= start) {
    // The first key after `after`; a marker that is a common prefix stands for every key
    // under it.
    if (IsCommonPrefix(r.after, r.prefix, r.delimiter)) {
      start = keys::PrefixEnd(base + r.after);
      if (start.empty()) return Status::Ok();
    } else {
      start = base + r.after;
      start.push_back('\0');
    }
  }
  size_t count = 0;
  while (true) {
    std::vector<KeyValue> rows;
    CAIRN_RETURN_IF_ERROR(meta.Scan(start, end, r.batch, &rows));
    if (rows.empty()) return Status::Ok();
    bool sought = false;
    for (const auto& row : rows) {
      ObjectRecord rec;
      CAIRN_RETURN_IF_ERROR(Decode(row.value, &rec));
      std::string key = row.key.substr(base.size());
      // A key whose current version is a delete marker is not listed, nor makes a common
      // prefix: the scan goes on to the next key.
      if (rec.delete_marker) {
        start = row.key;
        start.push_back('\0');
        continue;
      }
      if (count == r.max_keys) {
        out->truncated = true;
        return Status::Ok();
      }
      size_t pos = r.delimiter.empty() ? std::string::npos : key.find(r.delimiter, r.prefix.size());
      ++count;
      if (pos != std::string::npos) {
        std::string common = key.substr(0, pos + r.delimiter.size());
        out->prefixes.push_back(common);
        out->last = common;
        // Seek past every key under this common prefix.
        start = keys::PrefixEnd(base + common);
        if (start.empty()) return Status::Ok();
        sought = true;
        break;
      }
      out->objects.emplace_back(key, std::move(rec));
      out->last = key;
      start = row.key;
      start.push_back('\0');
    }
    if (!sought && rows.size() < r.batch) return Status::Ok();  // the end of the range
  }
}

}  // namespace cairn
