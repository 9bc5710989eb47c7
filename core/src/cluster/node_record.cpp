#include "cluster/node_record.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdio>

#include "util/json_text.h"

namespace cairn {

std::string Encode(const NodeRecord& r) {
  char weight[32];
  std::snprintf(weight, sizeof(weight), "%.6g", r.weight);
  std::string drives = "[";
  for (size_t i = 0; i < r.drives.size(); ++i) drives += (i ? "," : "") + JsonString(r.drives[i]);
  drives += "]";
  return "{\"name\":" + JsonString(r.name) + ",\"url\":" + JsonString(r.url) +
         ",\"zone\":" + JsonString(r.zone) + ",\"weight\":" + weight +
         ",\"state\":" + JsonString(r.state) + ",\"added_ms\":" + std::to_string(r.added_ms) +
         ",\"drives\":" + drives + "}";
}

Status Decode(std::string_view json, NodeRecord* r) {
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(std::string(json));
    if (root.type() != typeid(Poco::JSON::Object::Ptr)) {
      return Status::Corruption("node record is not a JSON object");
    }
    auto o = root.extract<Poco::JSON::Object::Ptr>();
    NodeRecord n;
    n.name = o->getValue<std::string>("name");
    n.url = o->getValue<std::string>("url");
    n.zone = o->optValue<std::string>("zone", "");
    n.weight = o->optValue<double>("weight", 1.0);
    n.state = o->optValue<std::string>("state", kNodeActive);
    n.added_ms = o->optValue<Poco::Int64>("added_ms", 0);
    if (auto drives = o->getArray("drives")) {
      for (size_t i = 0; i < drives->size(); ++i) n.drives.push_back(drives->getElement<std::string>(i));
    }
    if (n.name.empty() || n.url.empty() || (n.state != kNodeActive && n.state != kNodeDraining)) {
      return Status::Corruption("node record without a name, a url or a known state");
    }
    *r = std::move(n);
    return Status::Ok();
  } catch (const Poco::Exception& e) {
    return Status::Corruption("malformed node record: " + e.displayText());
  }
}

}  // namespace cairn
