#include "http/request_head.h"

#include <cctype>

#include "http/http_errors.h"

namespace cairn::http {
namespace {

bool IsTokenChar(unsigned char c) {
  if (std::isalnum(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// VCHAR, SP, HTAB and obs-text: what a field value may hold (RFC 9110 5.5).
bool IsFieldValue(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 ? c != '\t' : c == 0x7f) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls fn(trimmed element) for each element of a comma-separated list.
template <typename Fn>
void ForEachListElement(std::string_view list, Fn fn) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view element = Trim(list.substr(start, comma - start));
    if (!element.empty()) fn(element);
    start = comma + 1;
  }
}

// Splits `bytes` into CRLF-terminated lines; false when a line has a bare CR or LF.
bool SplitLines(std::string_view bytes, std::vector<std::string_view>* lines) {
  size_t start = 0;
  while (start < bytes.size()) {
    size_t lf = bytes.find('\n', start);
    if (lf == std::string_view::npos || lf == start || bytes[lf - 1] != '\r') return false;
    std::string_view line = bytes.substr(start, lf - 1 - start);
    if (line.find('\r') != std::string_view::npos) return false;
    lines->push_back(line);
    start = lf + 1;
  }
  return true;
}

Status ParseRequestLine(std::string_view line, RequestHead* head) {
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return BadRequest("The request line must be: method, one space, target, one space, version.");
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method)) return BadRequest("The request method is not a valid token.");
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !std::isdigit(version[5]) ||
      version[6] != '.' || !std::isdigit(version[7])) {
    return BadRequest("The request line does not end in a valid HTTP version.");
  }
  if (version[5] != '1') {
    return Status::S3(CAIRN_INVALID_ARGUMENT, "HttpVersionNotSupported",
                      "Only HTTP/1.0 and HTTP/1.1 are supported.");
  }
  for (unsigned char c : target) {
    if (c <= 0x20 || c >= 0x7f) {
      return BadRequest("The request target has a character that must be percent-encoded.");
    }
  }
  head->method = std::string(method);
  head->target = std::string(target);
  head->minor_version = version[7] - '0';
  return Status::Ok();
}

// Absolute-form ("http://host/path?q", as proxies send) becomes origin-form; its authority
// replaces the Host header (RFC 9112 3.2.2). The asterisk and authority forms are not for S3.
Status NormalizeTarget(RequestHead* head) {
  std::string& t = head->target;
  if (!t.empty() && t[0] == '/') return Status::Ok();
  size_t scheme_end = t.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : t.substr(0, scheme_end);
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") {
    return BadRequest("The request target must be a path (origin-form) or an absolute URI.");
  }
  size_t authority_start = scheme_end + 3;
  size_t path_start = t.find_first_of("/?", authority_start);
  std::string authority = t.substr(authority_start, path_start - authority_start);
  if (authority.empty() || authority.find('@') != std::string::npos) {
    return BadRequest("The absolute request target has no valid host.");
  }
  std::string rest = path_start == std::string::npos ? "" : t.substr(path_start);
  if (rest.empty() || rest[0] == '?') rest = "/" + rest;
  std::erase_if(head->headers, [](const auto& h) { return EqualsIgnoreCase(h.first, "host"); });
  head->headers.emplace_back("Host", authority);
  t = rest;
  return Status::Ok();
}

Status ParseContentLength(std::string_view value, RequestHead* head) {
  // 1*DIGIT and nothing else ("0x10", "+5", "1,1" and "" are refused), at most 2^63-1.
  if (value.empty() || value.size() > 19) {
    return BadRequest("Content-Length must be a decimal number of at most 19 digits.");
  }
  uint64_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return BadRequest("Content-Length must be a decimal number.");
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n > static_cast<uint64_t>(INT64_MAX)) return BadRequest("Content-Length is too large.");
  head->content_length = n;
  return Status::Ok();
}

Status ParseTransferEncoding(std::string_view value, RequestHead* head) {
  std::vector<std::string_view> codings;
  ForEachListElement(value, [&](std::string_view c) { codings.push_back(c); });
  if (codings.size() == 1 && EqualsIgnoreCase(codings[0], "chunked")) {
    head->chunked = true;
    return Status::Ok();
  }
  return Status::S3(CAIRN_INVALID_ARGUMENT, "NotImplemented",
                    "A header you provided implies functionality that is not implemented: "
                    "Transfer-Encoding other than chunked.");
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

const std::string* RequestHead::Find(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return &v;
  }
  return nullptr;
}

std::optional<size_t> FindHeadEnd(std::string_view bytes) {
  size_t start = 0;
  while (bytes.substr(start, 2) == "\r\n") start += 2;
  size_t end = bytes.find("\r\n\r\n", start);
  if (end == std::string_view::npos) return std::nullopt;
  return end + 4;
}

Result<RequestHead> ParseRequestHead(std::string_view bytes, const HeadLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return HeadTooLarge();
  }
  while (bytes.substr(0, 2) == "\r\n") bytes.remove_prefix(2);
  if (bytes.size() < 4 || bytes.substr(bytes.size() - 4) != "\r\n\r\n") {
    return BadRequest("The request head is incomplete.");
  }
  std::vector<std::string_view> lines;
  if (!SplitLines(bytes.substr(0, bytes.size() - 2), &lines)) {
    return BadRequest("Lines of the request head must end in CR LF, with no bare CR or LF.");
  }
  if (lines.size() - 1 > limits.max_headers) {
    return HeadTooLarge("Your request has more than " + std::to_string(limits.max_headers) +
                        " headers.");
  }
  RequestHead head;
  CAIRN_RETURN_IF_ERROR(ParseRequestLine(lines[0], &head));
  int hosts = 0, lengths = 0, encodings = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    // An empty line here (the head ended earlier) falls to the "name: value" check below.
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      return BadRequest("Header lines may not be folded (obs-fold).");
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
      return BadRequest("A header line is not \"name: value\" with a valid name.");
    }
    std::string_view name = line.substr(0, colon);
    std::string_view value = Trim(line.substr(colon + 1));
    if (!IsFieldValue(value)) {
      return BadRequest("The value of header " + std::string(name) +
                        " has a control character.");
    }
    if (EqualsIgnoreCase(name, "host")) {
      ++hosts;
    } else if (EqualsIgnoreCase(name, "content-length")) {
      if (++lengths > 1) return BadRequest("The request has more than one Content-Length.");
      CAIRN_RETURN_IF_ERROR(ParseContentLength(value, &head));
    } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
      if (++encodings > 1) return BadRequest("The request has more than one Transfer-Encoding.");
      CAIRN_RETURN_IF_ERROR(ParseTransferEncoding(value, &head));
    } else if (EqualsIgnoreCase(name, "connection")) {
      ForEachListElement(value, [&](std::string_view option) {
        if (EqualsIgnoreCase(option, "close")) head.keep_alive = false;
      });
    } else if (EqualsIgnoreCase(name, "expect")) {
      if (!EqualsIgnoreCase(value, "100-continue")) {
        return Status::S3(CAIRN_INVALID_ARGUMENT, "ExpectationFailed",
                          "Only the expectation 100-continue is supported.");
      }
      head.expect_continue = true;
    }
    head.headers.emplace_back(std::string(name), std::string(value));
  }
  if (head.minor_version == 0) {
    // HTTP/1.0 closes unless asked to keep alive, and knows no transfer codings.
    const std::string* connection = head.Find("connection");
    head.keep_alive = connection != nullptr && EqualsIgnoreCase(Trim(*connection), "keep-alive");
    if (encodings > 0) return BadRequest("HTTP/1.0 requests cannot use Transfer-Encoding.");
    head.expect_continue = false;
  } else if (hosts != 1) {
    return BadRequest("An HTTP/1.1 request needs exactly one Host header.");
  }
  if (hosts > 1) return BadRequest("The request has more than one Host header.");
  if (lengths > 0 && encodings > 0) {
    return BadRequest("A request cannot have both Content-Length and Transfer-Encoding.");
  }
  CAIRN_RETURN_IF_ERROR(NormalizeTarget(&head));
  return head;
}

}  // namespace cairn::http
