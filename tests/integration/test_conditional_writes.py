"""Conditional writes, as AWS S3 has them since 2024: If-None-Match / If-Match on PutObject,
CopyObject (the destination) and CompleteMultipartUpload; DeleteObject with If-Match,
x-amz-if-match-last-modified-time and x-amz-if-match-size; DeleteObjects with per-object ETag,
LastModifiedTime and Size. Of concurrent If-None-Match: * writers exactly one wins. And
CompleteMultipartUpload retried after it succeeded (also after a lost response, through a proxy
that drops the first answer) answers 200 with the same ETag.

Debian's boto3 (1.26) predates the conditional-write parameters, so the headers are added to
the signed request with a before-sign hook, as a newer SDK sends them."""

import base64
import contextlib
import hashlib
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

import s3util
from cairn_server import write_config
from s3util import MiB, expect_error, multipart_etag, pseudo_random_bytes


@contextlib.contextmanager
def headers(s3, **extra):
    """Adds request headers (underscores become dashes) to every call of `s3` in the block."""
    names = {k.replace("_", "-"): v for k, v in extra.items()}

    def add(request, **_):
        for name, value in names.items():
            request.headers[name] = value

    s3.meta.events.register_first("before-sign.s3", add)
    try:
        yield s3
    finally:
        s3.meta.events.unregister("before-sign.s3", add)


@pytest.fixture(scope="module")
def own_server(server_factory, tmp_path_factory):
    # Replaced shards are freed 1 s after the change, so shard counts settle quickly.
    config = write_config(tmp_path_factory.mktemp("conditional") / "cairn.toml",
                          {"storage": {"free_delay_seconds": 1}})
    return server_factory("conditional", config=config)


@pytest.fixture
def own(own_server):
    s3 = s3util.make_client(own_server)
    name = s3util.unique_bucket("cond")
    s3.create_bucket(Bucket=name)
    yield own_server, s3, name
    s3util.empty_and_delete_bucket(s3, name)


def settled_shard_count(server):
    """The shard count once earlier tests' deferred frees (due after 1 s) are done."""
    count = s3util.shard_count(server)
    while True:
        time.sleep(1.5)
        now = s3util.shard_count(server)
        if now == count:
            return count
        count = now


def body_of(s3, bucket, key):
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def test_put_object_if_none_match_and_if_match(s3, bucket):
    with headers(s3, If_None_Match="*"):
        etag = s3.put_object(Bucket=bucket, Key="k", Body=b"first")["ETag"]
        with expect_error("PreconditionFailed", 412):
            s3.put_object(Bucket=bucket, Key="k", Body=b"second")
    with headers(s3, If_None_Match=etag), expect_error("PreconditionFailed", 412):
        s3.put_object(Bucket=bucket, Key="k", Body=b"second")
    assert body_of(s3, bucket, "k") == b"first"
    with headers(s3, If_None_Match='"0123"'):
        etag = s3.put_object(Bucket=bucket, Key="k", Body=b"third")["ETag"]
    with headers(s3, If_Match='"badetag"'), expect_error("PreconditionFailed", 412):
        s3.put_object(Bucket=bucket, Key="k", Body=b"fourth")
    assert body_of(s3, bucket, "k") == b"third"
    with headers(s3, If_Match=etag):
        s3.put_object(Bucket=bucket, Key="k", Body=b"fifth")
    with headers(s3, If_Match="*"):
        s3.put_object(Bucket=bucket, Key="k", Body=b"sixth")
    assert body_of(s3, bucket, "k") == b"sixth"
    # If-Match on a key with no object: 404 NoSuchKey, and nothing is created.
    for value in ("*", etag):
        with headers(s3, If_Match=value), expect_error("NoSuchKey", 404):
            s3.put_object(Bucket=bucket, Key="absent", Body=b"x")
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="absent")


def test_refused_conditional_put_leaves_no_shards(own):
    server, s3, bucket = own
    s3.put_object(Bucket=bucket, Key="big", Body=pseudo_random_bytes(MiB, 1))
    base = s3util.shard_count(server)
    with headers(s3, If_None_Match="*"), expect_error("PreconditionFailed", 412):
        s3.put_object(Bucket=bucket, Key="big", Body=pseudo_random_bytes(MiB, 2))
    assert s3util.shard_count(server) == base
    assert body_of(s3, bucket, "big") == pseudo_random_bytes(MiB, 1)


def test_copy_object_destination_conditions(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"source")
    dst = s3.put_object(Bucket=bucket, Key="dst", Body=b"dest")["ETag"]
    source = {"Bucket": bucket, "Key": "src"}
    with headers(s3, If_None_Match="*"), expect_error("PreconditionFailed", 412):
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=source)
    with headers(s3, If_Match='"nope"'), expect_error("PreconditionFailed", 412):
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=source)
    with headers(s3, If_Match="*"), expect_error("NoSuchKey", 404):
        s3.copy_object(Bucket=bucket, Key="new", CopySource=source)
    assert body_of(s3, bucket, "dst") == b"dest"
    with headers(s3, If_Match=dst):
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=source)
    with headers(s3, If_None_Match="*"):
        s3.copy_object(Bucket=bucket, Key="new", CopySource=source)
    assert body_of(s3, bucket, "dst") == body_of(s3, bucket, "new") == b"source"


def _uploaded(s3, bucket, key, *bodies):
    """An upload of `bodies` as parts 1..n: (upload id, the MultipartUpload to complete it)."""
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=bucket, Key=key, UploadId=upload,
                                                      PartNumber=n, Body=body)["ETag"]}
             for n, body in enumerate(bodies, 1)]
    return upload, {"Parts": parts}


def test_complete_multipart_upload_conditions(s3, bucket):
    upload, parts = _uploaded(s3, bucket, "mp", b"one")
    with headers(s3, If_None_Match="*"):
        first = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                             MultipartUpload=parts)["ETag"]
    upload, parts = _uploaded(s3, bucket, "mp", b"two")
    for name, value, code, status in (("If_None_Match", "*", "PreconditionFailed", 412),
                                      ("If_None_Match", first, "PreconditionFailed", 412),
                                      ("If_Match", '"bad"', "PreconditionFailed", 412)):
        with headers(s3, **{name: value}), expect_error(code, status):
            s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                         MultipartUpload=parts)
    # A refused completion keeps the upload: it completes once the condition holds.
    assert body_of(s3, bucket, "mp") == b"one"
    assert [p["PartNumber"] for p in
            s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload)["Parts"]] == [1]
    with headers(s3, If_Match=first):
        s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                     MultipartUpload=parts)
    assert body_of(s3, bucket, "mp") == b"two"
    # If-Match with no object at the key: NoSuchKey.
    upload, parts = _uploaded(s3, bucket, "mp-absent", b"three")
    with headers(s3, If_Match="*"), expect_error("NoSuchKey", 404):
        s3.complete_multipart_upload(Bucket=bucket, Key="mp-absent", UploadId=upload,
                                     MultipartUpload=parts)
    s3.abort_multipart_upload(Bucket=bucket, Key="mp-absent", UploadId=upload)


def test_delete_object_conditions(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="d", Body=b"12345")["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="d")["ResponseMetadata"]["HTTPHeaders"][
        "last-modified"]
    for extra in ({"If_Match": '"bad"'}, {"x_amz_if_match_size": "4"},
                  {"x_amz_if_match_last_modified_time": "Wed, 01 Jan 2020 00:00:00 GMT"}):
        with headers(s3, **extra), expect_error("PreconditionFailed", 412):
            s3.delete_object(Bucket=bucket, Key="d")
    assert body_of(s3, bucket, "d") == b"12345"
    with headers(s3, x_amz_if_match_size="not-a-size"), expect_error("InvalidArgument", 400):
        s3.delete_object(Bucket=bucket, Key="d")
    with headers(s3, If_Match=etag, x_amz_if_match_size="5",
                 x_amz_if_match_last_modified_time=modified):
        assert s3.delete_object(Bucket=bucket, Key="d")["ResponseMetadata"][
            "HTTPStatusCode"] == 204
        # Deleting what is not there succeeds whatever the conditions, as in S3.
        s3.delete_object(Bucket=bucket, Key="d")
    with expect_error(None, 404):
        s3.head_object(Bucket=bucket, Key="d")


def _delete_objects(server, bucket, objects):
    body = ("<Delete>" + "".join(
        "<Object>" + "".join(f"<{k}>{v}</{k}>" for k, v in o.items()) + "</Object>"
        for o in objects) + "</Delete>").encode()
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    resp = s3util.raw_request(server, "POST", f"/{bucket}", query="delete=",
                              headers={"Content-MD5": md5}, body=body)
    assert resp.status == 200, resp.body
    return resp.body.decode()


def test_delete_objects_conditions(server, s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="a", Body=b"aaa")["ETag"]
    s3.put_object(Bucket=bucket, Key="b", Body=b"bbb")
    s3.put_object(Bucket=bucket, Key="c", Body=b"ccc")
    modified = s3.head_object(Bucket=bucket, Key="c")["LastModified"]
    iso = modified.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    out = _delete_objects(server, bucket, [
        {"Key": "a", "ETag": '"bad"'}, {"Key": "b", "Size": "4"},
        {"Key": "c", "LastModifiedTime": "2020-01-01T00:00:00.000Z"},
        {"Key": "absent", "ETag": '"whatever"'}])
    assert out.count("<Code>PreconditionFailed</Code>") == 3, out
    assert "<Deleted><Key>absent</Key></Deleted>" in out, out
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]) == \
        ["a", "b", "c"]
    out = _delete_objects(server, bucket, [
        {"Key": "a", "ETag": etag}, {"Key": "b", "Size": "3"},
        {"Key": "c", "LastModifiedTime": iso}])
    assert "<Error>" not in out, out
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_concurrent_if_none_match_writers_one_wins(own):
    server, s3, bucket = own
    writers = 12
    bodies = [pseudo_random_bytes(256 * 1024, seed=100 + i) for i in range(writers)]
    base = settled_shard_count(server)
    barrier = threading.Barrier(writers)

    def write(i):
        client = s3util.make_client(server)
        with headers(client, If_None_Match="*"):
            barrier.wait()
            try:
                client.put_object(Bucket=bucket, Key="race", Body=bodies[i])
                return i, 200
            except ClientError as e:
                return i, (s3util.status_of(e), e.response["Error"]["Code"])

    with ThreadPoolExecutor(writers) as pool:
        results = list(pool.map(write, range(writers)))
    winners = [i for i, r in results if r == 200]
    losers = [r for _, r in results if r != 200]
    assert len(winners) == 1, results
    assert all(r in ((412, "PreconditionFailed"), (409, "ConditionalRequestConflict"))
               for r in losers), results
    assert body_of(s3, bucket, "race") == bodies[winners[0]]
    # The losers' shards are gone: only the winner's 9 remain.
    s3util.wait_for_shard_count(server, base + 9)


def test_completion_retried_after_success_answers_the_same(s3, bucket):
    parts = [pseudo_random_bytes(5 * MiB, 7), b"tail"]
    upload, done = _uploaded(s3, bucket, "retry", *parts)
    first = s3.complete_multipart_upload(Bucket=bucket, Key="retry", UploadId=upload,
                                         MultipartUpload=done)
    again = s3.complete_multipart_upload(Bucket=bucket, Key="retry", UploadId=upload,
                                         MultipartUpload=done)
    assert first["ETag"] == again["ETag"] == multipart_etag(parts)
    # Only the same upload, key and parts: anything else is NoSuchUpload.
    with expect_error("NoSuchUpload", 404):
        s3.complete_multipart_upload(Bucket=bucket, Key="retry", UploadId=upload,
                                     MultipartUpload={"Parts": done["Parts"][:1]})
    with expect_error("NoSuchUpload", 404):
        s3.complete_multipart_upload(Bucket=bucket, Key="other", UploadId=upload,
                                     MultipartUpload=done)
    assert body_of(s3, bucket, "retry") == b"".join(parts)


class DroppingProxy:
    """A loopback HTTP/1.1 proxy that forwards requests to `target_port` and, for the first
    request whose request line contains `drop`, closes the client's connection instead of
    forwarding the answer: the server did the work, the client never heard back."""

    def __init__(self, target_port, drop):
        self.target_port = target_port
        self.drop = drop.encode()
        self.dropped = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @staticmethod
    def _read_message(sock, buf):
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                return None, b""
            buf += chunk
        head, rest = buf.split(b"\r\n\r\n", 1)
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return None, b""
            rest += chunk
        return head + b"\r\n\r\n" + rest[:length], rest[length:]

    def _accept(self):
        while True:
            client, _ = self.listener.accept()
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        cbuf, ubuf = b"", b""
        try:
            while True:
                request, cbuf = self._read_message(client, cbuf)
                if request is None:
                    return
                upstream.sendall(request)
                response, ubuf = self._read_message(upstream, ubuf)
                if response is None:
                    return
                if self.dropped == 0 and self.drop in request.split(b"\r\n", 1)[0]:
                    self.dropped += 1
                    return
                client.sendall(response)
        finally:
            client.close()
            upstream.close()


def test_completion_whose_answer_was_lost_is_retried_and_succeeds(server, s3, bucket):
    proxy = DroppingProxy(server.port, drop="uploadId=")
    via_proxy = SimpleNamespace(endpoint=f"http://127.0.0.1:{proxy.port}",
                                access_key=server.access_key, secret_key=server.secret_key)
    proxied = s3util.make_client(via_proxy, retries={"max_attempts": 3, "mode": "standard"})
    parts = [pseudo_random_bytes(5 * MiB, 8), b"last part"]
    upload, done = _uploaded(s3, bucket, "lost", *parts)
    # The POST ?uploadId= (the completion) is the first request through the proxy with it.
    resp = proxied.complete_multipart_upload(Bucket=bucket, Key="lost", UploadId=upload,
                                             MultipartUpload=done)
    assert proxy.dropped == 1, "the proxy did not drop the first answer"
    assert resp["ETag"] == multipart_etag(parts)
    assert body_of(s3, bucket, "lost") == b"".join(parts)
