// Base64 (RFC 4648, standard alphabet, padded): how etcd's JSON gateway carries keys and values,
// which are arbitrary bytes. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cairn::meta::etcd {

std::string Base64Encode(std::string_view bytes);

// Returns false (and leaves *out unspecified) when `text` is not valid padded base64.
bool Base64Decode(std::string_view text, std::string* out);

}  // namespace cairn::meta::etcd
