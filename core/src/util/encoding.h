// Byte encodings the S3 protocol needs: hex, base64, percent-encoding, XML escaping.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn {

std::string HexEncode(std::string_view bytes);
std::string Base64Encode(std::string_view bytes);
// nullopt when the input is not valid base64.
std::optional<std::string> Base64Decode(std::string_view text);

// Percent-decodes once ('+' stays '+': S3 paths and SigV4 queries do not use form encoding).
// nullopt on a malformed escape.
std::optional<std::string> UrlDecode(std::string_view text);
// Encodes every byte except A-Z a-z 0-9 - . _ ~ (and '/' when keep_slash), as S3 expects for
// encoding-type=url and SigV4 canonical forms.
std::string UrlEncode(std::string_view text, bool keep_slash);

std::string XmlEscape(std::string_view text);

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates) without
// NUL: what S3 accepts as an object key.
bool IsValidUtf8(std::string_view text);

// True when `value` can be sent as an HTTP header value: no control characters but tab (CR and
// LF in a value would end the header and let the rest be read as headers or a body).
bool IsHeaderValueSafe(std::string_view value);

}  // namespace cairn
