#include "admin_cli/admin_json.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <exception>

namespace cairn::admin_cli {

namespace {

using Poco::JSON::Object;

Status Malformed(const std::string& why) {
  return Status::Corruption("malformed reply from the server: " + why);
}

// Poco reports a wrong type or a syntax error by throwing; every call below is inside the
// try blocks of the public functions, which turn that into a Status.
Object::Ptr ParseObject(std::string_view json) {
  Poco::JSON::Parser parser;
  Poco::Dynamic::Var root = parser.parse(std::string(json));
  if (root.type() != typeid(Object::Ptr)) throw Poco::DataFormatException("not a JSON object");
  return root.extract<Object::Ptr>();
}

int64_t Int(const Object& o, const std::string& name) {
  Poco::Dynamic::Var v = o.get(name);
  if (v.isEmpty()) return 0;
  if (!v.isNumeric()) throw Poco::DataFormatException(name + " is not a number");
  return v.convert<Poco::Int64>();
}

std::string Text(const Object& o, const std::string& name) {
  Poco::Dynamic::Var v = o.get(name);
  return v.isEmpty() ? "" : v.toString();
}

bool Bool(const Object& o, const std::string& name) {
  Poco::Dynamic::Var v = o.get(name);
  if (v.isEmpty()) return false;
  if (!v.isBoolean()) throw Poco::DataFormatException(name + " is not true or false");
  return v.convert<bool>();
}

std::vector<std::string> Strings(const Object& o, const std::string& name) {
  std::vector<std::string> out;
  if (!o.has(name) || o.isNull(name)) return out;
  Poco::JSON::Array::Ptr array = o.getArray(name);
  if (array.isNull()) throw Poco::DataFormatException(name + " is not an array");
  for (size_t i = 0; i < array->size(); ++i) out.push_back(array->get(i).toString());
  return out;
}

template <typename Fn>
auto Guarded(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Poco::Exception& e) {
    return Malformed(e.displayText());
  } catch (const std::exception& e) {
    return Malformed(e.what());
  }
}

}  // namespace

Result<ScrubStatus> ParseScrubStatus(std::string_view json) {
  return Guarded([&]() -> Result<ScrubStatus> {
    Object::Ptr o = ParseObject(json);
    ScrubStatus s;
    s.running = Bool(*o, "running");
    s.bucket = Text(*o, "bucket");
    s.objects_total = Int(*o, "objects_total");
    s.objects_checked = Int(*o, "objects_checked");
    s.shards_checked = Int(*o, "shards_checked");
    s.shards_repaired = Int(*o, "shards_repaired");
    s.orphans_removed = Int(*o, "orphans_removed");
    s.bytes_verified = Int(*o, "bytes_verified");
    s.unrecoverable = Strings(*o, "unrecoverable");
    s.errors = Strings(*o, "errors");
    s.started_ms = Int(*o, "started_ms");
    s.finished_ms = Int(*o, "finished_ms");
    return s;
  });
}

Result<std::vector<DriveInfo>> ParseDrives(std::string_view json) {
  return Guarded([&]() -> Result<std::vector<DriveInfo>> {
    Object::Ptr o = ParseObject(json);
    Poco::JSON::Array::Ptr drives = o->getArray("drives");
    if (drives.isNull()) return Malformed("no \"drives\" array");
    std::vector<DriveInfo> out;
    for (size_t i = 0; i < drives->size(); ++i) {
      Object::Ptr d = drives->getObject(static_cast<unsigned>(i));
      if (d.isNull()) return Malformed("a drive is not a JSON object");
      DriveInfo info;
      info.id = Text(*d, "id");
      info.node = Text(*d, "node");
      info.zone = Text(*d, "zone");
      info.path = Text(*d, "path");
      info.healthy = Bool(*d, "healthy");
      info.total_bytes = Int(*d, "total_bytes");
      info.free_bytes = Int(*d, "free_bytes");
      out.push_back(std::move(info));
    }
    return out;
  });
}

Result<ClusterStatus> ParseClusterStatus(std::string_view json) {
  return Guarded([&]() -> Result<ClusterStatus> {
    Object::Ptr o = ParseObject(json);
    Poco::JSON::Array::Ptr nodes = o->getArray("nodes");
    if (nodes.isNull()) return Malformed("no \"nodes\" array");
    ClusterStatus s;
    s.clustered = Bool(*o, "clustered");
    for (size_t i = 0; i < nodes->size(); ++i) {
      Object::Ptr n = nodes->getObject(static_cast<unsigned>(i));
      if (n.isNull()) return Malformed("a node is not a JSON object");
      ClusterNode node;
      node.name = Text(*n, "name");
      node.url = Text(*n, "url");
      node.zone = Text(*n, "zone");
      node.state = Text(*n, "state");
      Poco::Dynamic::Var w = n->get("weight");
      if (!w.isEmpty()) node.weight = w.convert<double>();
      Poco::JSON::Array::Ptr drives = n->getArray("drives");
      for (size_t j = 0; !drives.isNull() && j < drives->size(); ++j) {
        Object::Ptr d = drives->getObject(static_cast<unsigned>(j));
        if (d.isNull()) return Malformed("a drive is not a JSON object");
        DriveInfo info;
        info.id = Text(*d, "id");
        info.node = node.name;
        info.zone = node.zone;
        info.healthy = Bool(*d, "healthy");
        info.total_bytes = Int(*d, "total_bytes");
        info.free_bytes = Int(*d, "free_bytes");
        node.drives.push_back(std::move(info));
      }
      s.nodes.push_back(std::move(node));
    }
    if (Object::Ptr r = o->getObject("rebalance"); !r.isNull()) {
      RebalanceStatus& b = s.rebalance;
      b.state = Text(*r, "state");
      b.detail = Text(*r, "detail");
      b.gateway = Text(*r, "gateway");
      b.records_total = Int(*r, "records_total");
      b.records_checked = Int(*r, "records_checked");
      b.shards_misplaced = Int(*r, "shards_misplaced");
      b.shards_moved = Int(*r, "shards_moved");
      b.bytes_moved = Int(*r, "bytes_moved");
      b.errors = Int(*r, "errors");
      b.started_ms = Int(*r, "started_ms");
      b.finished_ms = Int(*r, "finished_ms");
    }
    return s;
  });
}

Result<int64_t> ParseRepairQueued(std::string_view json) {
  return Guarded([&]() -> Result<int64_t> {
    Object::Ptr o = ParseObject(json);
    if (!o->has("queued")) return Malformed("no \"queued\" count");
    return Int(*o, "queued");
  });
}

Result<LifecycleStatus> ParseLifecycleStatus(std::string_view json) {
  return Guarded([&]() -> Result<LifecycleStatus> {
    Object::Ptr o = ParseObject(json);
    if (!o->has("state")) return Malformed("no lifecycle \"state\"");
    LifecycleStatus s;
    s.state = Text(*o, "state");
    s.gateway = Text(*o, "gateway");
    s.at_ms = Int(*o, "at_ms");
    s.started_ms = Int(*o, "started_ms");
    s.finished_ms = Int(*o, "finished_ms");
    s.keys_evaluated = Int(*o, "keys_evaluated");
    s.objects_expired = Int(*o, "objects_expired");
    s.versions_deleted = Int(*o, "versions_deleted");
    s.delete_markers_removed = Int(*o, "delete_markers_removed");
    s.transitions = Int(*o, "transitions");
    s.bytes_transitioned = Int(*o, "bytes_transitioned");
    s.uploads_aborted = Int(*o, "uploads_aborted");
    s.locked_skipped = Int(*o, "locked_skipped");
    s.errors = Int(*o, "errors");
    s.last_error = Text(*o, "last_error");
    s.buckets_scanned = Int(*o, "buckets_scanned");
    s.due_now = o->has("due_now") ? Int(*o, "due_now") : -1;
    return s;
  });
}

std::string ParseErrorMessage(std::string_view json) {
  try {
    return Text(*ParseObject(json), "error");
  } catch (const std::exception&) {
    // Poco::Exception derives from std::exception; a body that is not JSON has no message.
    return "";
  }
}

}  // namespace cairn::admin_cli
