"""Small objects (up to storage.inline_max_bytes, 16 KiB in conf/cairn.toml) are stored inline
in their metadata record: no shard files, one metadata transaction. They must behave exactly
like any other object: ranges, copies (both ways across the threshold), overwrites, deletes,
listing, tagging, metadata."""

import os
import time

import pytest

from cairn_server import write_config
from s3util import expect_error, pseudo_random_bytes, unique_bucket

INLINE_MAX = 16 * 1024


def _shard_files(server):
    out = set()
    for root, _, files in os.walk(os.path.join(server.data_dir, "drives")):
        if os.sep + "shards" in root:
            out.update(os.path.join(root, f) for f in files)
    return out


@pytest.fixture(scope="module")
def sserver(server_factory, tmp_path_factory):
    # Replaced and deleted objects' shards are freed 1 s after the change, not 15 min.
    config = write_config(tmp_path_factory.mktemp("small-config") / "cairn.toml",
                          {"storage": {"free_delay_seconds": 1}})
    return server_factory("small", config=config)


def _wait_until_freed(server, before, timeout=10):
    """Waits until no shard file is left beyond `before` (a replaced version's shards go once
    its deferred free is due; earlier tests' frees may remove some of `before` meanwhile)."""
    deadline = time.monotonic() + timeout
    while _shard_files(server) - before:
        assert time.monotonic() < deadline, f"not freed: {_shard_files(server) - before}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def ss3(sserver):
    import s3util
    return s3util.make_client(sserver)


@pytest.fixture
def sbucket(ss3):
    import s3util
    name = unique_bucket()
    ss3.create_bucket(Bucket=name)
    yield name
    s3util.empty_and_delete_bucket(ss3, name)


@pytest.mark.parametrize("size", [0, 1, 4096, INLINE_MAX])
def test_small_objects_write_no_shards_and_read_back(sserver, ss3, sbucket, size):
    data = pseudo_random_bytes(size, seed=size)
    before = _shard_files(sserver)
    ss3.put_object(Bucket=sbucket, Key=f"s/{size}", Body=data, Metadata={"m": "v"},
                   ContentType="text/plain", Tagging="t=1")
    assert _shard_files(sserver) == before
    got = ss3.get_object(Bucket=sbucket, Key=f"s/{size}")
    assert got["Body"].read() == data
    assert got["Metadata"] == {"m": "v"}
    assert got["ContentType"] == "text/plain"
    assert ss3.get_object_tagging(Bucket=sbucket, Key=f"s/{size}")["TagSet"] == [
        {"Key": "t", "Value": "1"}]
    if size > 10:
        part = ss3.get_object(Bucket=sbucket, Key=f"s/{size}", Range="bytes=3-9")
        assert part["Body"].read() == data[3:10]
        tail = ss3.get_object(Bucket=sbucket, Key=f"s/{size}", Range="bytes=-5")
        assert tail["Body"].read() == data[-5:]
    listed = ss3.list_objects_v2(Bucket=sbucket, Prefix=f"s/{size}")["Contents"]
    assert [(o["Key"], o["Size"]) for o in listed] == [(f"s/{size}", size)]


def test_one_byte_over_the_threshold_uses_shards(sserver, ss3, sbucket):
    data = pseudo_random_bytes(INLINE_MAX + 1, seed=3)
    before = _shard_files(sserver)
    ss3.put_object(Bucket=sbucket, Key="big", Body=data)
    assert len(_shard_files(sserver) - before) == 9
    assert ss3.get_object(Bucket=sbucket, Key="big")["Body"].read() == data


def test_overwrites_and_deletes_cross_the_threshold(sserver, ss3, sbucket):
    small = pseudo_random_bytes(100, seed=1)
    large = pseudo_random_bytes(INLINE_MAX * 4, seed=2)
    before = _shard_files(sserver)
    ss3.put_object(Bucket=sbucket, Key="k", Body=large)
    ss3.put_object(Bucket=sbucket, Key="k", Body=small)  # the large version's shards go
    _wait_until_freed(sserver, before)
    assert ss3.get_object(Bucket=sbucket, Key="k")["Body"].read() == small
    ss3.put_object(Bucket=sbucket, Key="k", Body=large)
    assert ss3.get_object(Bucket=sbucket, Key="k")["Body"].read() == large
    ss3.delete_object(Bucket=sbucket, Key="k")
    _wait_until_freed(sserver, before)
    with expect_error("NoSuchKey", 404):
        ss3.get_object(Bucket=sbucket, Key="k")


def test_copies_across_the_threshold(sserver, ss3, sbucket):
    small = pseudo_random_bytes(1000, seed=5)
    ss3.put_object(Bucket=sbucket, Key="small", Body=small)
    ss3.copy_object(Bucket=sbucket, Key="small-copy", CopySource={"Bucket": sbucket, "Key": "small"})
    assert ss3.get_object(Bucket=sbucket, Key="small-copy")["Body"].read() == small
    # A small object as a multipart part source.
    upload = ss3.create_multipart_upload(Bucket=sbucket, Key="mp")["UploadId"]
    part = ss3.upload_part_copy(Bucket=sbucket, Key="mp", UploadId=upload, PartNumber=1,
                                CopySource={"Bucket": sbucket, "Key": "small"},
                                CopySourceRange="bytes=10-99")
    ss3.complete_multipart_upload(
        Bucket=sbucket, Key="mp", UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1,
                                    "ETag": part["CopyPartResult"]["ETag"]}]})
    assert ss3.get_object(Bucket=sbucket, Key="mp")["Body"].read() == small[10:100]


def test_many_concurrent_small_puts(sserver, ss3, sbucket):
    from concurrent.futures import ThreadPoolExecutor
    payloads = {f"c/{i:03d}": pseudo_random_bytes(512 + i, seed=i) for i in range(64)}
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda kv: ss3.put_object(Bucket=sbucket, Key=kv[0], Body=kv[1]),
                      payloads.items()))
    for key, data in payloads.items():
        assert ss3.get_object(Bucket=sbucket, Key=key)["Body"].read() == data
