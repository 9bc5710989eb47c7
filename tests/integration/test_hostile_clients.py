"""Hostile and broken clients (issue 17): each defect found by attacking `cairn serve` is sent
again here, byte for byte over a raw socket where a client library would not send it, and the
test checks the precise S3 error and that the server is alive and unchanged afterwards.

The server runs with two ordinary users besides root, short connection timeouts, few workers
and a small PUT limit, so that the limits can be reached quickly."""

import base64
import os
import signal
import hashlib
import socket
import threading
import time

import pytest
from botocore.exceptions import ClientError

import rawhttp
import s3util
from cairn_server import write_config

MiB = 1024 * 1024
ALICE = ("ALICEACCESSKEY000001", "alice-secret-0123456789abcdefghijklmnopq")
BOB = ("BOBACCESSKEY00000001", "bob-secret-0123456789abcdefghijklmnopqrst")
WORKERS = 8
PER_CLIENT = 40
HEADER_TIMEOUT_S = 2
MAX_PUT = 8 * MiB


@pytest.fixture(scope="module")
def hostile(server_factory, tmp_path_factory):
    config = write_config(tmp_path_factory.mktemp("hostile-conf") / "cairn.toml", {
        "server": {"max_threads": WORKERS, "header_timeout_seconds": HEADER_TIMEOUT_S,
                   "idle_timeout_seconds": 2, "body_timeout_seconds": 5,
                   "max_connections_per_client": PER_CLIENT},
        "storage": {"max_put_bytes": MAX_PUT},
        "credentials": [
            {"access_key": ALICE[0], "secret_key": ALICE[1], "user": "alice"},
            {"access_key": BOB[0], "secret_key": BOB[1], "user": "bob"},
        ],
    })
    return server_factory("hostile", config=config)


@pytest.fixture(scope="module")
def alice(hostile):
    return s3util.make_client(hostile, *ALICE)


@pytest.fixture(scope="module")
def bob(hostile):
    return s3util.make_client(hostile, *BOB)


@pytest.fixture
def abucket(alice):
    name = s3util.unique_bucket("hostile")
    alice.create_bucket(Bucket=name)
    yield name
    s3util.empty_and_delete_bucket(alice, name)


def signed(hostile, method, target, headers=None, payload="UNSIGNED-PAYLOAD", user=ALICE):
    return rawhttp.signed_headers(hostile, method, target, headers, payload, *user)


def assert_s3_error(resp, status, code):
    assert resp is not None, "the server closed the connection without an answer"
    assert resp.status == status, resp
    assert resp.headers.get("x-amz-request-id"), resp
    err = s3util.RawResponse(resp.status, resp.headers, resp.body).error_xml()
    assert err["Code"] == code, err
    assert err["Message"] and err["RequestId"] == resp.headers["x-amz-request-id"], err
    return err


def assert_alive(alice, bucket=None):
    alice.list_buckets()
    if bucket:
        alice.list_objects_v2(Bucket=bucket)


def missing(client, bucket, key):
    try:
        client.head_object(Bucket=bucket, Key=key)
        return False
    except ClientError as e:
        return s3util.status_of(e) == 404


def delete_objects_raw(hostile, bucket, body):
    """A DeleteObjects request with this body, signed by alice."""
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    return s3util.raw_request(hostile, "POST", f"/{bucket}", "delete=",
                              headers={"Content-MD5": md5}, body=body,
                              access_key=ALICE[0], secret_key=ALICE[1])


# 1. Deeply nested XML crashed the server (recursion in the tree conversion, and inside Poco's
# parser for unclosed nesting).
@pytest.mark.parametrize("closed", [True, False])
def test_deeply_nested_delete_objects_is_malformed_xml(hostile, alice, abucket, closed):
    alice.put_object(Bucket=abucket, Key="keep", Body=b"kept")
    body = b"<Delete>" + b"<a>" * 50000 + (b"</a>" * 50000 + b"</Delete>" if closed else b"")
    resp = delete_objects_raw(hostile, abucket, body)
    assert resp.status == 400 and resp.error_xml()["Code"] == "MalformedXML", resp
    assert alice.get_object(Bucket=abucket, Key="keep")["Body"].read() == b"kept"


def test_million_unclosed_levels_in_complete_multipart(hostile, alice, abucket):
    upload = alice.create_multipart_upload(Bucket=abucket, Key="mp")["UploadId"]
    for levels in (100_000, 1_000_000):
        body = b"<CompleteMultipartUpload>" + b"<a>" * levels
        resp = s3util.raw_request(hostile, "POST", f"/{abucket}/mp", f"uploadId={upload}",
                                  body=body, access_key=ALICE[0], secret_key=ALICE[1])
        assert resp.status == 400 and resp.error_xml()["Code"] == "MalformedXML", resp
    # The upload is untouched and can still complete.
    alice.list_parts(Bucket=abucket, Key="mp", UploadId=upload)
    alice.abort_multipart_upload(Bucket=abucket, Key="mp", UploadId=upload)


def test_dtds_are_refused(hostile, alice, abucket):
    alice.put_object(Bucket=abucket, Key="y", Body=b"y")
    body = (b'<?xml version="1.0"?><!DOCTYPE Delete [<!ENTITY k "y">]>'
            b"<Delete><Object><Key>&k;</Key></Object></Delete>")
    resp = delete_objects_raw(hostile, abucket, body)
    assert resp.status == 400 and resp.error_xml()["Code"] == "MalformedXML", resp
    assert alice.get_object(Bucket=abucket, Key="y")["Body"].read() == b"y"


# 2. Another user's bucket: no DeleteBucket, HeadBucket or GetBucketLocation.
def test_another_users_bucket_is_out_of_reach(alice, bob, abucket):
    upload = alice.create_multipart_upload(Bucket=abucket, Key="in-progress")["UploadId"]
    with s3util.expect_error("AccessDenied", 403):
        bob.delete_bucket(Bucket=abucket)
    with pytest.raises(ClientError) as e:
        bob.head_bucket(Bucket=abucket)
    assert s3util.status_of(e.value) == 403
    with s3util.expect_error("AccessDenied", 403):
        bob.get_bucket_location(Bucket=abucket)
    with s3util.expect_error("BucketAlreadyExists", 409):
        bob.create_bucket(Bucket=abucket)
    uploads = alice.list_multipart_uploads(Bucket=abucket)["Uploads"]
    assert [u["UploadId"] for u in uploads] == [upload]
    assert alice.get_bucket_location(Bucket=abucket)["LocationConstraint"] is None
    alice.abort_multipart_upload(Bucket=abucket, Key="in-progress", UploadId=upload)


# 3. Response splitting through response-* overrides.
@pytest.mark.parametrize("param", ["ResponseContentDisposition", "ResponseContentType",
                                   "ResponseCacheControl"])
def test_response_overrides_with_cr_lf_are_refused(hostile, alice, abucket, param):
    alice.put_object(Bucket=abucket, Key="doc", Body=b"document")
    url = alice.generate_presigned_url(
        "get_object", Params={"Bucket": abucket, "Key": "doc",
                              param: "attachment\r\nSet-Cookie: stolen=1\r\n\r\n<html>"})
    target = url[len(hostile.endpoint):]
    resp = rawhttp.exchange(hostile, rawhttp.head_bytes("GET", target, {"Host": hostile.host}))
    assert_s3_error(resp, 400, "InvalidArgument")
    assert "set-cookie" not in resp.headers and b"<html>" not in resp.body.split(b"<Error>")[0]


# 4. x-amz-* headers the signature does not cover.
@pytest.mark.parametrize("extra", [
    {"x-amz-copy-source": "SRC"}, {"x-amz-meta-injected": "1"},
    {"x-amz-storage-class": "REDUCED_REDUNDANCY"},
])
def test_unsigned_amz_headers_on_a_presigned_put_are_refused(hostile, alice, abucket, extra):
    alice.put_object(Bucket=abucket, Key="src", Body=b"private bytes")
    url = alice.generate_presigned_url("put_object", Params={"Bucket": abucket, "Key": "dst"})
    target = url[len(hostile.endpoint):]
    headers = {"Host": hostile.host, "Content-Length": "5"}
    headers.update({k: (f"/{abucket}/src" if v == "SRC" else v) for k, v in extra.items()})
    resp = rawhttp.exchange(hostile, rawhttp.head_bytes("PUT", target, headers) + b"hello")
    err = assert_s3_error(resp, 403, "AccessDenied")
    assert "not signed" in err["Message"] and list(extra)[0] in err["Message"]
    assert missing(alice, abucket, "dst")
    # The same URL without the extra header works.
    del headers[list(extra)[0]]
    resp = rawhttp.exchange(hostile, rawhttp.head_bytes("PUT", target, headers) + b"hello")
    assert resp.status == 200, resp
    assert alice.get_object(Bucket=abucket, Key="dst")["Body"].read() == b"hello"


def test_unsigned_amz_header_with_header_auth_is_refused(hostile, alice, abucket):
    target = f"/{abucket}/late"
    headers = signed(hostile, "PUT", target, {"Content-Length": "2"})
    headers["x-amz-meta-added-later"] = "x"
    resp = rawhttp.exchange(hostile, rawhttp.head_bytes("PUT", target, headers) + b"hi")
    assert_s3_error(resp, 403, "AccessDenied")
    assert missing(alice, abucket, "late")


# 5. Idle and slow connections hold no worker.
def test_idle_and_slowloris_connections_do_not_block_clients(hostile, alice):
    idle = [rawhttp.connect(hostile) for _ in range(4 * WORKERS)]
    slow = [rawhttp.connect(hostile, source="127.0.0.3") for _ in range(4 * WORKERS)]
    try:
        for s in slow:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        quick = s3util.make_client(hostile, *ALICE, read_timeout=5, connect_timeout=5)
        started = time.monotonic()
        for _ in range(20):
            quick.list_buckets()
        assert time.monotonic() - started < 5
        # A slowloris that keeps dribbling is answered RequestTimeout once the head is late. A
        # fresh one, so that a slow machine (the loop above may take seconds) cannot time it out
        # before it dribbles; the others may have been answered already.
        dribbler = rawhttp.connect(hostile, source="127.0.0.3")
        slow.append(dribbler)
        dribbler.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        for _ in range(3):
            time.sleep(0.3)  # 0.9 s in all, well within the 2 s for the head
            dribbler.sendall(b"a")
        deadline = time.monotonic() + HEADER_TIMEOUT_S + 3
        resp = rawhttp.read_response(dribbler, timeout=max(0.1, deadline - time.monotonic()))
        assert_s3_error(resp, 400, "RequestTimeout")
        # An idle connection is closed after the idle timeout, without an answer.
        assert rawhttp.closed_by_server(idle[0], timeout=5)
    finally:
        for s in idle + slow:
            s.close()


def test_connections_per_client_address_are_capped(hostile, alice):
    conns = [rawhttp.connect(hostile, source="127.0.0.2") for _ in range(PER_CLIENT)]
    try:
        time.sleep(0.3)
        extra = rawhttp.connect(hostile, source="127.0.0.2")
        resp = rawhttp.read_response(extra, timeout=5)
        assert_s3_error(resp, 503, "SlowDown")
        extra.close()
        # Other addresses are served, and so are the capped address's open connections.
        alice.list_buckets()
        conns[0].sendall(rawhttp.head_bytes("GET", "/", {"Host": hostile.host}))
        assert rawhttp.read_response(conns[0]).status == 403  # anonymous, but answered
    finally:
        for c in conns:
            c.close()


# 6. Chunked transfer encoding: bad framing is an error, and what follows is not a request.
@pytest.mark.parametrize("size_line", [b"zz", b"-5", b"1" * 20, b"5 5", b"", b"0x5"])
def test_bad_chunk_sizes_are_refused_and_nothing_is_smuggled(hostile, alice, abucket, size_line):
    smuggled_target = f"/{abucket}/smuggled"
    smuggled = rawhttp.head_bytes("PUT", smuggled_target,
                                  signed(hostile, "PUT", smuggled_target,
                                         {"Content-Length": "4"})) + b"evil"
    target = f"/{abucket}/chunked"
    headers = signed(hostile, "PUT", target, {"Transfer-Encoding": "chunked"})
    body = size_line + b"\r\nhello\r\n0\r\n\r\n" + smuggled
    with rawhttp.connect(hostile) as sock:
        sock.sendall(rawhttp.head_bytes("PUT", target, headers) + body)
        resp = rawhttp.read_response(sock)
        assert_s3_error(resp, 400, "BadRequest")
        assert rawhttp.closed_by_server(sock)
    assert missing(alice, abucket, "chunked")
    assert missing(alice, abucket, "smuggled")


@pytest.mark.parametrize("size_line", [b"000000005", b"5;name=value", b"5"])
def test_valid_chunk_sizes_store_the_whole_body(hostile, alice, abucket, size_line):
    target = f"/{abucket}/chunked"
    headers = signed(hostile, "PUT", target, {"Transfer-Encoding": "chunked"})
    body = size_line + b"\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    resp = rawhttp.exchange(hostile, rawhttp.head_bytes("PUT", target, headers) + body)
    assert resp.status == 200, resp.body
    assert alice.get_object(Bucket=abucket, Key="chunked")["Body"].read() == b"hello world"


# 7. The PUT size limit holds for bodies of unknown length.
def _send_in_background(sock, data):
    def run():
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server answered and closed early, as it should
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


@pytest.mark.parametrize("operation", ["put", "part"])
def test_put_limit_holds_for_chunked_bodies(hostile, alice, abucket, operation):
    query = ""
    if operation == "part":
        upload = alice.create_multipart_upload(Bucket=abucket, Key="big")["UploadId"]
        query = f"?partNumber=1&uploadId={upload}"
    target = f"/{abucket}/big{query}"
    headers = signed(hostile, "PUT", target, {"Transfer-Encoding": "chunked"})
    piece = b"x" * MiB
    chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
    body = chunk * (MAX_PUT // MiB + 1) + b"0\r\n\r\n"
    with rawhttp.connect(hostile) as sock:
        sock.sendall(rawhttp.head_bytes("PUT", target, headers))
        sender = _send_in_background(sock, body)
        resp = rawhttp.read_response(sock)
        sender.join(10)
    assert_s3_error(resp, 400, "EntityTooLarge")
    assert missing(alice, abucket, "big")
    if operation == "part":
        assert alice.list_parts(Bucket=abucket, Key="big", UploadId=upload).get("Parts", []) == []
        alice.abort_multipart_upload(Bucket=abucket, Key="big", UploadId=upload)
    # A declared length past the limit is refused before any body byte is read.
    headers = signed(hostile, "PUT", f"/{abucket}/big", {"Content-Length": str(MAX_PUT + 1)})
    resp = rawhttp.exchange(hostile, rawhttp.head_bytes("PUT", f"/{abucket}/big", headers))
    assert_s3_error(resp, 400, "EntityTooLarge")


# 8. A bodiless request without Content-Length is answered at once.
def test_bodiless_put_without_content_length_is_answered(hostile, alice):
    name = s3util.unique_bucket("hostile")
    headers = signed(hostile, "PUT", f"/{name}", payload=hashlib.sha256(b"").hexdigest())
    started = time.monotonic()
    resp = rawhttp.exchange(hostile, rawhttp.head_bytes("PUT", f"/{name}", headers), timeout=5)
    assert resp.status == 200 and time.monotonic() - started < 3, resp
    alice.head_bucket(Bucket=name)
    # PutObject needs a length: 411, at once.
    headers = signed(hostile, "PUT", f"/{name}/k", payload=hashlib.sha256(b"").hexdigest())
    resp = rawhttp.exchange(hostile, rawhttp.head_bytes("PUT", f"/{name}/k", headers), timeout=5)
    assert_s3_error(resp, 411, "MissingContentLength")
    alice.delete_bucket(Bucket=name)


# 9. Framing headers, keys and targets.
@pytest.mark.parametrize("framing", [
    {"Content-Length": "abc"}, {"Content-Length": "0x10"},
    {"Content-Length": "18446744073709551615"}, {"Content-Length": "-1"},
    {"Content-Length": "1 2"}, {"Content-Length": ""},
    {"Content-Length": "5", "Transfer-Encoding": "chunked"},
    {"Transfer-Encoding": "chunked, chunked"},
])
def test_bad_framing_headers_are_refused(hostile, alice, abucket, framing):
    target = f"/{abucket}/framed"
    resp = rawhttp.exchange(hostile, rawhttp.head_bytes(
        "PUT", target, dict(signed(hostile, "PUT", target), **framing)) + b"hello")
    expected = ("NotImplemented", 501) if framing.get("Transfer-Encoding") == "chunked, chunked" \
        else ("BadRequest", 400)
    assert_s3_error(resp, expected[1], expected[0])
    assert missing(alice, abucket, "framed")
    assert_alive(alice, abucket)


def test_duplicate_content_length_is_refused(hostile, alice, abucket):
    target = f"/{abucket}/dup"
    head = rawhttp.head_bytes("PUT", target, signed(hostile, "PUT", target,
                                                    {"Content-Length": "5"}))
    head = head[:-2] + b"Content-Length: 5\r\n\r\n"
    assert_s3_error(rawhttp.exchange(hostile, head + b"hello"), 400, "BadRequest")
    assert missing(alice, abucket, "dup")


@pytest.mark.parametrize("raw", [
    b"GET / HTTP/2.0\r\nHost: h\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n folded\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: h\nX-A: 1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: h\r\nHost: i\r\n\r\n",
    b"GET / HTTP/1.1\r\nX-No-Host: 1\r\n\r\n",
    b"GET /a b HTTP/1.1\r\nHost: h\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: h\r\nBad Name: 1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: h\r\nX-Nul: a\x00b\r\n\r\n",
])
def test_malformed_heads_get_an_s3_error(hostile, alice, raw):
    resp = rawhttp.exchange(hostile, raw)
    assert resp is not None and resp.status in (400, 505), resp
    assert_s3_error(resp, resp.status, "HttpVersionNotSupported" if resp.status == 505
                    else "BadRequest")
    assert_alive(alice)


def test_oversized_head_is_refused(hostile, alice):
    raw = b"GET / HTTP/1.1\r\nHost: h\r\n" + b"X-Big: " + b"a" * (70 << 10) + b"\r\n\r\n"
    assert_s3_error(rawhttp.exchange(hostile, raw), 400, "RequestHeaderSectionTooLarge")
    assert_alive(alice)


@pytest.mark.parametrize("key", ["a%C0%AFb", "%ED%A0%80", "%C0%80", "%F4%90%80%80"])
def test_overlong_and_surrogate_utf8_keys_are_refused(hostile, alice, abucket, key):
    target = f"/{abucket}/{key}"
    headers = signed(hostile, "PUT", target, {"Content-Length": "1"})
    assert_s3_error(rawhttp.exchange(hostile, rawhttp.head_bytes("PUT", target, headers) + b"x"),
                    400, "InvalidArgument")
    assert alice.list_objects_v2(Bucket=abucket)["KeyCount"] == 0
    alice.put_object(Bucket=abucket, Key="ok-\U0001F600", Body=b"x")  # 4-byte UTF-8 is fine


def test_empty_last_part_reads_as_empty(hostile, alice, abucket):
    upload = alice.create_multipart_upload(Bucket=abucket, Key="mp")["UploadId"]
    first = b"p" * (5 * MiB)
    e1 = alice.upload_part(Bucket=abucket, Key="mp", UploadId=upload, PartNumber=1,
                           Body=first)["ETag"]
    e2 = alice.upload_part(Bucket=abucket, Key="mp", UploadId=upload, PartNumber=2,
                           Body=b"")["ETag"]
    alice.complete_multipart_upload(Bucket=abucket, Key="mp", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    got = alice.get_object(Bucket=abucket, Key="mp", PartNumber=2)
    assert got["ContentLength"] == 0 and got["Body"].read() == b""
    assert "ContentRange" not in got and got["PartsCount"] == 2
    got = alice.get_object(Bucket=abucket, Key="mp", PartNumber=1)
    assert got["ContentRange"] == f"bytes 0-{5 * MiB - 1}/{5 * MiB}"
    assert got["Body"].read() == first


def test_absolute_form_target_is_served(hostile, alice, abucket):
    path = f"/{abucket}/absolute"
    headers = signed(hostile, "PUT", path, {"Content-Length": "3"})
    raw = rawhttp.head_bytes("PUT", f"http://{hostile.host}{path}", headers) + b"abs"
    assert rawhttp.exchange(hostile, raw).status == 200
    assert alice.get_object(Bucket=abucket, Key="absolute")["Body"].read() == b"abs"


def test_expect_continue_gets_the_final_error_before_the_body(hostile, alice):
    target = "/no-such-bucket-here/key"
    headers = signed(hostile, "PUT", target, {"Content-Length": str(MiB),
                                              "Expect": "100-continue"})
    with rawhttp.connect(hostile) as sock:
        sock.sendall(rawhttp.head_bytes("PUT", target, headers))
        resp = rawhttp.read_response(sock, timeout=5)
    assert_s3_error(resp, 404, "NoSuchBucket")


def test_keep_alive_and_pipelined_requests(hostile, alice, abucket):
    alice.put_object(Bucket=abucket, Key="k", Body=b"value")
    target = f"/{abucket}/k"
    one = rawhttp.head_bytes("GET", target, signed(hostile, "GET", target,
                                                   payload=hashlib.sha256(b"").hexdigest()))
    with rawhttp.connect(hostile) as sock:
        sock.sendall(one + one + one)
        for _ in range(3):
            resp = rawhttp.read_response(sock)
            assert resp.status == 200 and resp.body == b"value", resp


def test_a_fatal_signal_leaves_a_crash_report(server_factory):
    victim = server_factory("crash-report")
    os.kill(victim.proc.pid, signal.SIGSEGV)
    assert victim.proc.wait(timeout=10) == -signal.SIGSEGV
    log = victim.log_tail()
    assert "cairn: FATAL: signal SEGV (Segmentation fault)" in log, log
    assert "backtrace:" in log and "cairn: end of crash report" in log, log
    assert "/cairn(" in log or "cairn_core" in log or "libc.so" in log, log  # frames follow
