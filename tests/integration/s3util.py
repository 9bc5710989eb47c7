"""Helpers shared by the integration tests: boto3 clients, S3 error assertions, raw (optionally
signed) HTTP requests, clean environments for client subprocesses, and test data."""

import base64
import contextlib
import hashlib
import http.client
import os
import random
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import boto3
import botocore
import botocore.auth
import botocore.awsrequest
import botocore.credentials
from botocore.config import Config
from botocore.exceptions import ClientError

from cairn_server import REGION

S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
# The environment pytest was started with, before conftest strips AWS_* and CA variables for
# boto3; tools that need the network as the caller configured it (npm) get this one.
CALLER_ENV = dict(os.environ)
MiB = 1024 * 1024

# Variables that would point a client at someone else's credentials, CA bundle, proxy or
# config; the clients must see only what a test gives them.
_STRIPPED_ENV = {
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS",
    "NODE_OPTIONS", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
    "all_proxy", "PYTHONPATH", "PYTHONHOME", "S3CMD_CONFIG",
}
_STRIPPED_PREFIXES = ("AWS_", "RCLONE_", "BOTO_")


def clean_env(home, **extra):
    """An environment for a client subprocess: the caller's minus anything credential-, CA- or
    proxy-related, with a private HOME."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _STRIPPED_ENV and not k.startswith(_STRIPPED_PREFIXES)
    }
    env["HOME"] = str(home)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost,.localhost"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_tool(argv, env, timeout=300, check=True, input=b"", cwd=None):
    """Runs a client by absolute path; a missing tool fails the test with a clear message.
    stdin is `input` (empty by default), never the test runner's own."""
    if not os.path.isabs(argv[0]) or not os.access(argv[0], os.X_OK):
        raise AssertionError(f"client {argv[0]} is not installed (see tests/integration/README.md)")
    proc = subprocess.run(
        [str(a) for a in argv], env=env, capture_output=True, timeout=timeout, input=input,
        cwd=cwd,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, argv))} exited {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout.decode(errors='replace')}\n"
            f"--- stderr ---\n{proc.stderr.decode(errors='replace')}"
        )
    return proc


def make_client(server, access_key=None, secret_key=None, signed=True, **config):
    """A boto3 S3 client for `server` (path style) with retries disabled, so a 500 or a throttle
    shows up as it happened instead of being retried away. signed=False makes an anonymous
    client. `config` adds to or overrides these botocore Config settings."""
    settings = dict(
        signature_version="s3v4" if signed else botocore.UNSIGNED,
        region_name=REGION,
        s3={"addressing_style": "path"},
        retries={"max_attempts": 1, "mode": "standard"},
        connect_timeout=10,
        read_timeout=120,
    )
    settings.update(config)
    cfg = Config(**settings)
    return boto3.session.Session().client(
        "s3",
        endpoint_url=server.endpoint,
        aws_access_key_id=access_key or server.access_key,
        aws_secret_access_key=secret_key or server.secret_key,
        region_name=REGION,
        config=cfg,
    )


def unique_bucket(prefix="it"):
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def empty_and_delete_bucket(s3, bucket):
    """Best-effort cleanup: a failure here must not hide the test's own result."""
    try:
        for page in s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket):
            for up in page.get("Uploads", []):
                s3.abort_multipart_upload(Bucket=bucket, Key=up["Key"], UploadId=up["UploadId"])
    except ClientError:
        pass
    try:
        # Every version and delete marker (an unversioned bucket lists its objects as null).
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            keys = [{"Key": o["Key"], "VersionId": o["VersionId"]}
                    for o in page.get("Versions", []) + page.get("DeleteMarkers", [])]
            for i in range(0, len(keys), 1000):
                s3.delete_objects(Bucket=bucket, Delete={"Objects": keys[i:i + 1000], "Quiet": True})
        s3.delete_bucket(Bucket=bucket)
    except ClientError:
        pass


def status_of(err):
    return err.response["ResponseMetadata"]["HTTPStatusCode"]


@contextlib.contextmanager
def expect_error(code, status):
    """Asserts that the block raises a ClientError with S3 error `code` and HTTP `status`.
    For HEAD and 304 responses S3 sends no body, so botocore reports the status as the code:
    pass code=None there. Every error with a body must carry a request id."""
    try:
        yield
    except ClientError as e:
        got_status = status_of(e)
        got_code = e.response.get("Error", {}).get("Code")
        assert got_status == status, f"expected HTTP {status} {code}, got {got_status} {e.response}"
        if code is not None:
            assert got_code == code, f"expected {code}, got {got_code}: {e.response}"
            headers = e.response["ResponseMetadata"].get("HTTPHeaders", {})
            assert headers.get("x-amz-request-id"), f"no x-amz-request-id header: {headers}"
        return
    raise AssertionError(f"expected {code or status} ({status}) but the call succeeded")


def md5_hex(data):
    return hashlib.md5(data).hexdigest()


def md5_b64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def quoted_md5(data):
    return f'"{md5_hex(data)}"'


def multipart_etag(parts):
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


def shard_count(server):
    """How many shard files the server holds: files under <data>/drives/*/shards/ (9 per
    64 MiB chunk with RS 6+3). Tests compare counts to see that replaced data was freed."""
    return sum(
        len(names) for drive in server.drive_dirs() for _, _, names in os.walk(drive / "shards")
    )


def wait_for_shard_count(server, expected, timeout=10):
    """Waits until the server holds `expected` shard files: a replaced or deleted object's
    shards are freed storage.free_delay_seconds after the change, not at once. Returns the
    count; fails when it is not reached within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        count = shard_count(server)
        if count == expected:
            return count
        assert time.monotonic() < deadline, (
            f"{count} shard files after {timeout} s, expected {expected}")
        time.sleep(0.1)


def pseudo_random_bytes(size, seed=0):
    """Deterministic incompressible bytes; random.randbytes is fast enough for hundreds of MiB."""
    return random.Random(seed).randbytes(size)


@dataclass
class RawResponse:
    status: int
    headers: dict  # lower-case names
    body: bytes

    def error_xml(self):
        """Parses an S3 error body into {Code, Message, RequestId, ...}."""
        root = ET.fromstring(self.body)
        assert root.tag == "Error", f"error body root is {root.tag}: {self.body!r}"
        return {child.tag: (child.text or "") for child in root}


def sign_request(server, method, path, query="", headers=None, body=b"", host=None,
                 access_key=None, secret_key=None):
    """Returns the headers botocore's SigV4 signer adds for this request sent to `host`
    (default: the server's own address). `path` and `query` must already be URI-encoded."""
    host = host or server.host
    url = f"http://{host}{path}" + (f"?{query}" if query else "")
    request = botocore.awsrequest.AWSRequest(method=method, url=url, data=body,
                                             headers=dict(headers or {}))
    request.headers["Host"] = host
    creds = botocore.credentials.Credentials(access_key or server.access_key,
                                             secret_key or server.secret_key)
    botocore.auth.S3SigV4Auth(creds, "s3", REGION).add_auth(request)
    return dict(request.headers.items())


def send(server, method, target, headers, body=b""):
    """Sends one request as given (Host included) to the server's socket."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request(method, target, body=body or None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        return RawResponse(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        conn.close()


def raw_request(server, method, path, query="", headers=None, body=b"", host=None, sign=True,
                access_key=None, secret_key=None, send_body=None):
    """Sends one HTTP request with an arbitrary Host header, signed with botocore's own SigV4
    signer (as the SDK would sign it for that host) unless `sign` is False. `send_body`, when
    given, is sent instead of the `body` that was signed."""
    host = host or server.host
    if sign:
        all_headers = sign_request(server, method, path, query, headers, body, host, access_key,
                                   secret_key)
    else:
        all_headers = dict(headers or {}, Host=host)
    target = path + (f"?{query}" if query else "")
    return send(server, method, target, all_headers, body if send_body is None else send_body)


def assert_error_response(resp, code, status):
    """The S3 error contract: status, XML body with Code, Message and RequestId, and the
    x-amz-request-id header matching the body."""
    assert resp.status == status, f"expected {status} {code}, got {resp.status}: {resp.body!r}"
    request_id = resp.headers.get("x-amz-request-id")
    assert request_id, f"no x-amz-request-id header in {resp.headers}"
    assert resp.headers.get("content-type", "").startswith(("application/xml", "text/xml")), (
        f"error Content-Type is {resp.headers.get('content-type')!r}"
    )
    err = resp.error_xml()
    assert err.get("Code") == code, f"expected Code {code}, got {err}"
    assert err.get("Message"), f"empty Message in {err}"
    assert err.get("RequestId") == request_id, f"RequestId {err.get('RequestId')} != {request_id}"
    return err


S3CMD = "/usr/bin/s3cmd"


def s3cmd_runner(server, home, signature_v2=False, extra_args=()):
    """A function running Debian's s3cmd against `server` with a private config in `home`
    (path style, 5 MiB multipart chunks): run(*args, check=True, timeout=300)."""
    config = home / "s3cfg"
    config.write_text(
        "[default]\n"
        f"access_key = {server.access_key}\n"
        f"secret_key = {server.secret_key}\n"
        f"host_base = {server.host}\n"
        f"host_bucket = {server.host}\n"
        "bucket_location = us-east-1\n"
        "use_https = False\n"
        f"signature_v2 = {signature_v2}\n"
        "check_ssl_certificate = False\n"
        "proxy_host =\n"
        "proxy_port = 0\n"
        "multipart_chunk_size_mb = 5\n"
    )
    env = clean_env(home)

    def run(*args, check=True, timeout=300):
        return run_tool([S3CMD, "-c", config, "--no-progress", *extra_args, *args], env,
                        timeout=timeout, check=check)

    return run
