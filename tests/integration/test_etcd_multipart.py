"""Multipart uploads on the etcd metadata engine, whose transactions hold at most 128
operations (etcd's --max-txn-ops): CompleteMultipartUpload and AbortMultipartUpload of 130
parts work, and part keys left behind by a crash between the publishing transaction and the
part-key cleanup are deleted by the next scrub pass.

One etcd member and one gateway with local drives (conf/cairn.toml with [meta] engine = etcd)."""

import base64
import hashlib
import json
import os
import subprocess
import time
import urllib.request

import pytest

import s3util
from cairn_server import free_port, start_server, write_config

ETCD = "/usr/bin/etcd"
PARTS = 130


@pytest.fixture(scope="module")
def etcd(tmp_path_factory):
    if not os.access(ETCD, os.X_OK):
        pytest.fail("etcd is not installed (script/bootstrap installs etcd-server)", pytrace=False)
    root = tmp_path_factory.mktemp("etcd")
    port, peer = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    with open(root / "etcd.log", "ab") as log:
        proc = subprocess.Popen(
            [ETCD, "--name", "e0", "--data-dir", str(root / "data"),
             "--listen-client-urls", url, "--advertise-client-urls", url,
             "--listen-peer-urls", f"http://127.0.0.1:{peer}",
             "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
             "--initial-cluster", f"e0=http://127.0.0.1:{peer}", "--log-level", "warn",
             "--logger", "zap"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=2).close()
            break
        except OSError:
            assert proc.poll() is None, (root / "etcd.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "etcd did not start"
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def gateway(etcd, tmp_path_factory):
    data = tmp_path_factory.mktemp("etcd-gateway")
    config = write_config(data / "cairn.toml", {
        "meta": {"engine": "etcd", "etcd": {"endpoints": [etcd], "prefix": "t/"}},
        "storage": {"orphan_grace_seconds": 0}})
    server = start_server(data, config=config)
    yield server
    server.stop()


def etcd_call(etcd, path, body):
    request = urllib.request.Request(f"{etcd}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())


def b64(s):
    return base64.b64encode(s if isinstance(s, bytes) else s.encode()).decode()


def part_keys(etcd):
    prefix = b"t/p/"
    reply = etcd_call(etcd, "/v3/kv/range", {"key": b64(prefix), "range_end": b64(b"t/p0")})
    return {base64.b64decode(kv["key"]): base64.b64decode(kv["value"])
            for kv in reply.get("kvs", [])}


def test_complete_and_abort_with_more_parts_than_an_etcd_transaction_holds(gateway, etcd):
    client = s3util.make_client(gateway)
    bucket = s3util.unique_bucket("etcdmp")
    client.create_bucket(Bucket=bucket)
    source = s3util.pseudo_random_bytes(5 * s3util.MiB, seed=3)
    client.put_object(Bucket=bucket, Key="source", Body=source)

    upload = client.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    parts = []
    for n in range(1, PARTS + 1):  # server-side copies: 650 MiB without sending it
        r = client.upload_part_copy(Bucket=bucket, Key="big", UploadId=upload, PartNumber=n,
                                    CopySource={"Bucket": bucket, "Key": "source"})
        parts.append({"PartNumber": n, "ETag": r["CopyPartResult"]["ETag"]})
    done = client.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload,
                                            MultipartUpload={"Parts": parts})
    md5s = b"".join(hashlib.md5(source).digest() for _ in range(PARTS))
    assert done["ETag"] == f'"{hashlib.md5(md5s).hexdigest()}-{PARTS}"'
    head = client.head_object(Bucket=bucket, Key="big")
    assert head["ContentLength"] == PARTS * len(source)
    for n in (1, 77, PARTS):
        got = client.get_object(Bucket=bucket, Key="big", PartNumber=n)["Body"].read()
        assert got == source, f"part {n}"
    assert part_keys(etcd) == {}, "every part key was deleted after the commit"

    aborted = client.create_multipart_upload(Bucket=bucket, Key="aborted")["UploadId"]
    for n in range(1, PARTS + 1):
        client.upload_part(Bucket=bucket, Key="aborted", UploadId=aborted, PartNumber=n,
                           Body=b"x" * (n % 7 + 20))
    client.abort_multipart_upload(Bucket=bucket, Key="aborted", UploadId=aborted)
    assert part_keys(etcd) == {}
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    with pytest.raises(client.exceptions.NoSuchUpload):
        client.list_parts(Bucket=bucket, Key="aborted", UploadId=aborted)
    client.delete_object(Bucket=bucket, Key="big")
    client.delete_object(Bucket=bucket, Key="source")
    client.delete_bucket(Bucket=bucket)


def test_scrub_deletes_part_keys_left_by_a_finished_upload(gateway, etcd):
    client = s3util.make_client(gateway)
    bucket = s3util.unique_bucket("stray")
    client.create_bucket(Bucket=bucket)
    live = client.create_multipart_upload(Bucket=bucket, Key="live")["UploadId"]
    data = s3util.pseudo_random_bytes(300 * 1024, seed=9)
    etag = client.upload_part(Bucket=bucket, Key="live", UploadId=live, PartNumber=1,
                              Body=data)["ETag"]
    [(key, value)] = part_keys(etcd).items()
    # What a crash between CompleteMultipartUpload's commit and its part-key cleanup leaves:
    # part keys of an upload that no longer exists.
    for n in (1, 2):
        stray = f"t/p/0123456789abcdef0123456789abcdef/{n:05d}".encode()
        etcd_call(etcd, "/v3/kv/put", {"key": b64(stray), "value": b64(value)})
    assert len(part_keys(etcd)) == 3

    progress = gateway.run_scrub()
    assert progress["errors"] == [] and progress["unrecoverable"] == [], progress
    assert list(part_keys(etcd)) == [key], "only the live upload's part is left"
    # The live upload's part and its shards are untouched.
    client.complete_multipart_upload(Bucket=bucket, Key="live", UploadId=live,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert client.get_object(Bucket=bucket, Key="live")["Body"].read() == data
    client.delete_object(Bucket=bucket, Key="live")
    client.delete_bucket(Bucket=bucket)
