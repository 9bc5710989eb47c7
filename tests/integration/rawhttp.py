"""Raw HTTP/1.1 over a socket, for tests that send what no well-behaved client would: broken
framing, smuggled requests, slow or idle connections. Requests are signed with botocore's SigV4
signer (header auth) when asked, so the server's parser, not its authenticator, is what a test
exercises."""

import socket
import time
import weakref

import botocore.auth
import botocore.awsrequest
import botocore.credentials

from cairn_server import REGION


def connect(server, source="127.0.0.1", timeout=30):
    """A TCP connection to the server from `source` (any 127.x.y.z address works on Linux
    loopback, so tests can act as many clients)."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=timeout,
                                    source_address=(source, 0))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def signed_headers(server, method, target, headers=None, payload="UNSIGNED-PAYLOAD",
                   access_key=None, secret_key=None):
    """The headers of a header-signed request (Host, X-Amz-Date, X-Amz-Content-Sha256,
    Authorization, plus `headers`), for a target already percent-encoded."""
    url = f"http://{server.host}{target}"
    request = botocore.awsrequest.AWSRequest(method=method, url=url, headers=dict(headers or {}))
    request.headers["Host"] = server.host
    creds = botocore.credentials.Credentials(access_key or server.access_key,
                                             secret_key or server.secret_key)
    _FixedPayloadAuth(creds, "s3", REGION, payload).add_auth(request)
    return dict(request.headers.items())


class _FixedPayloadAuth(botocore.auth.S3SigV4Auth):
    """Signs with a given x-amz-content-sha256 (botocore would hash the empty body it holds)."""

    def __init__(self, credentials, service, region, payload):
        super().__init__(credentials, service, region)
        self._payload = payload

    def payload(self, request):
        return self._payload


def head_bytes(method, target, headers, version="HTTP/1.1"):
    lines = [f"{method} {target} {version}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case names; repeated names joined with ", "
        self.body = body

    def __repr__(self):
        return f"Response({self.status}, {self.headers}, {self.body[:300]!r})"


# Bytes read past the end of a response (the next pipelined response), per socket.
_LEFTOVER = weakref.WeakKeyDictionary()


def read_response(sock, timeout=30, head_request=False):
    """Reads one response (Content-Length framed, or to EOF). None if the server closed the
    connection before sending a status line."""
    sock.settimeout(timeout)
    data = _LEFTOVER.pop(sock, b"")
    while b"\r\n\r\n" not in data:
        try:
            piece = sock.recv(65536)
        except ConnectionResetError:
            piece = b""
        if not piece:
            return None if not data else _fail(data)
        data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        headers[name] = (headers[name] + ", " if name in headers else "") + value.strip()
    if status == 100:
        _LEFTOVER[sock] = rest  # the caller goes on reading
        return Response(100, headers, b"")
    if head_request or status in (204, 304):
        _LEFTOVER[sock] = rest
        return Response(status, headers, b"")
    if "content-length" in headers:
        length = int(headers["content-length"])
        while len(rest) < length:
            piece = sock.recv(65536)
            if not piece:
                break
            rest += piece
        _LEFTOVER[sock] = rest[length:]
        return Response(status, headers, rest[:length])
    while True:
        try:
            piece = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not piece:
            break
        rest += piece
    return Response(status, headers, rest)


def _fail(data):
    raise AssertionError(f"connection closed inside a response head: {data[:300]!r}")


def exchange(server, raw, timeout=30, source="127.0.0.1"):
    """Sends `raw` on a fresh connection and reads one response."""
    with connect(server, source, timeout) as sock:
        sock.sendall(raw)
        return read_response(sock, timeout)


def closed_by_server(sock, timeout=5):
    """True when the server closes the connection within `timeout` (reads and drops data)."""
    sock.settimeout(timeout)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not sock.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return False
