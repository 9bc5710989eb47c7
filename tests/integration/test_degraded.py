"""Degraded reads on the embedded default (Reed-Solomon 6+3 over nine local drives): with any 3
of an object's 9 shards of a chunk deleted or corrupted a GET returns the exact bytes; with 4
lost it fails with 500 InternalError and never returns wrong data.

Runs on its own server so no other test's writes or background work touch its drives. An
object's shards are the files under <data>/drives/*/shards/ that appeared during its PUT: 9 per
64 MiB chunk, one per drive. Which shard on which drive is data or parity is the server's
business; the three recoverable cases use three disjoint sets of 3 drives, so at least two of
them lose data shards whatever the placement."""

import hashlib
import os
import random
import re

import pytest

from s3util import MiB, expect_error, make_client, pseudo_random_bytes, unique_bucket

CHUNK = 64 * MiB
DRIVES = 9
DATA_SHARDS = 6
# Objects up to storage.inline_max_bytes (16 KiB) live in their metadata record, not in shards:
# the smallest size here is just above it.
SIZES = {"17KiB": 17 * 1024, "100KiB": 100 * 1024, "10MiB": 10 * MiB, "70MiB": 70 * MiB}


@pytest.fixture(scope="module")
def dserver(server_factory):
    return server_factory("degraded")


@pytest.fixture(scope="module")
def ds3(dserver):
    return make_client(dserver)  # retries disabled: a 500 must be seen, not retried


@pytest.fixture(scope="module")
def dbucket(ds3):
    name = unique_bucket("degraded")
    ds3.create_bucket(Bucket=name)
    return name


def _snapshot(server):
    """{path: (size, mtime_ns)} of every shard file on every drive."""
    files = {}
    for drive in server.drive_dirs():
        for root, _, names in os.walk(drive / "shards"):
            for name in names:
                path = os.path.join(root, name)
                try:
                    st = os.stat(path)
                except FileNotFoundError:
                    continue  # a temp file renamed under us
                files[path] = (st.st_size, st.st_mtime_ns)
    return files


def _put_and_find_shards(server, s3, bucket, key, data):
    """PUTs the object and returns its shards as {drive: [paths of chunk 0, chunk 1, ...]}."""
    drives = server.drive_dirs()
    assert len(drives) == DRIVES, f"expected {DRIVES} drives under {server.data_dir}/drives: " \
                                  f"{drives}"
    before = _snapshot(server)
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    after = _snapshot(server)
    new = sorted(p for p, sig in after.items() if before.get(p) != sig)
    chunks = max(1, -(-len(data) // CHUNK))
    assert len(new) == DRIVES * chunks, (
        f"PUT of {len(data)} bytes should write {DRIVES * chunks} shard files, found "
        f"{len(new)}:\n" + "\n".join(new))
    by_drive = {}
    for drive in drives:
        mine = [p for p in new if p.startswith(str(drive / "shards") + os.sep)]
        assert len(mine) == chunks, f"{drive} holds {len(mine)} shards of {key}: {mine}"
        by_drive[drive] = _order_by_chunk(mine)
    return by_drive


def _order_by_chunk(paths):
    """Orders one drive's shards of an object by chunk: by the c<chunk> in their names when the
    server uses that naming, else by size (the last chunk is shorter than a full 64 MiB one)."""
    numbers = [re.search(r"c(\d+)\.s\d+$", p) for p in paths]
    if all(numbers):
        return [p for _, p in sorted(zip((int(m.group(1)) for m in numbers), paths))]
    return sorted(paths, key=lambda p: (-os.path.getsize(p), p))


def _shard_index(path):
    """The shard number in a c<chunk>.s<index> file name, or None for another naming."""
    match = re.search(r"\.s(\d+)$", path)
    return int(match.group(1)) if match else None


def _corrupt(path):
    """Flips bytes in the middle of a shard file, keeping its size."""
    size = os.path.getsize(path)
    assert size > 0, f"empty shard file {path}"
    start = max(0, size // 2 - 8)
    with open(path, "r+b") as f:
        f.seek(start)
        original = f.read(min(16, size - start))
        f.seek(start)
        f.write(bytes(b ^ 0xFF for b in original))


def _lose(paths, how):
    for path in paths:
        if how == "delete":
            os.remove(path)
        else:
            _corrupt(path)


def _drive_triples(key):
    """Three disjoint sets of 3 drives, shuffled per key so no fixed drive is favoured."""
    order = list(range(DRIVES))
    random.Random(key).shuffle(order)
    return [order[0:3], order[3:6], order[6:9]]


def _assert_exact(s3, bucket, key, data):
    got = s3.get_object(Bucket=bucket, Key=key)
    body = got["Body"].read()
    assert len(body) == len(data), f"GET returned {len(body)} bytes, expected {len(data)}"
    assert hashlib.sha256(body).digest() == hashlib.sha256(data).digest(), "GET returned wrong data"
    if len(data) > 2:
        start, end = len(data) // 3, len(data) // 3 + min(len(data) // 2, 3 * MiB)
        ranged = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{end - 1}")
        assert ranged["Body"].read() == data[start:end], "ranged GET returned wrong data"


# Recoverable cases: which of the three disjoint drive triples, and what happens on each drive.
RECOVERABLE = {
    "delete-3": (0, ["delete", "delete", "delete"]),
    "corrupt-3": (1, ["corrupt", "corrupt", "corrupt"]),
    "delete-2-corrupt-1": (2, ["delete", "delete", "corrupt"]),
}
# Every case for every size except the mixed one at 70 MiB, which
# test_each_chunk_loses_different_drives covers more sharply; keeps the run short.
RECOVERABLE_PARAMS = [(c, s) for c in RECOVERABLE for s in SIZES
                      if not (c == "delete-2-corrupt-1" and s == "70MiB")]
LOSS_PARAMS = [(h, s) for h in ("delete", "corrupt") for s in SIZES
               if not (h == "corrupt" and s == "70MiB")]


@pytest.mark.parametrize("case,size_name", RECOVERABLE_PARAMS)
def test_three_lost_shards_read_back_exactly(dserver, ds3, dbucket, case, size_name):
    size = SIZES[size_name]
    key = f"{case}/{size_name}"
    data = pseudo_random_bytes(size, seed=size + len(case))
    shards = _put_and_find_shards(dserver, ds3, dbucket, key, data)
    drives = sorted(shards)
    which, actions = RECOVERABLE[case]
    for index, how in zip(_drive_triples(key)[which], actions):
        _lose(shards[drives[index]], how)
    _assert_exact(ds3, dbucket, key, data)
    # A second read, after any read-repair the server may do, is still exact.
    _assert_exact(ds3, dbucket, key, data)


def test_each_chunk_loses_different_drives(dserver, ds3, dbucket):
    """Two chunks, each missing 3 shards but on different drives: 6 drives are affected in all,
    yet every chunk is recoverable on its own."""
    key = "per-chunk/70MiB"
    data = pseudo_random_bytes(SIZES["70MiB"], seed=77)
    shards = _put_and_find_shards(dserver, ds3, dbucket, key, data)
    drives = sorted(shards)
    first, second, _ = _drive_triples(key)
    for index in first:
        os.remove(shards[drives[index]][0])
    for index in second:
        _corrupt(shards[drives[index]][1])
    _assert_exact(ds3, dbucket, key, data)


@pytest.mark.parametrize("how,size_name", LOSS_PARAMS)
def test_four_lost_shards_fail_without_wrong_data(dserver, ds3, dbucket, how, size_name):
    size = SIZES[size_name]
    key = f"lose-4-{how}/{size_name}"
    data = pseudo_random_bytes(size, seed=size + 4)
    shards = _put_and_find_shards(dserver, ds3, dbucket, key, data)
    drives = sorted(shards)
    order = list(range(DRIVES))
    random.Random(key).shuffle(order)
    # A full GET needs every data shard that holds object bytes, and any 4 lost include one
    # -- except for objects under k bytes, which live in data shard 0 alone: a server that reads
    # only the shards a range needs may rightly answer while that one survives. So shard 0 of
    # the first chunk is always among the lost (the server names shards c<chunk>.s<index>,
    # core/src/meta/records.h).
    first_data = [i for i in order if _shard_index(shards[drives[i]][0]) == 0]
    if len(data) < DATA_SHARDS:
        assert first_data, f"no shard named *.s0 among {[shards[d][0] for d in drives]}"
    order = first_data + [i for i in order if i not in first_data]
    for index in order[:4]:
        _lose(shards[drives[index]], how)
    with expect_error("InternalError", 500):
        body = ds3.get_object(Bucket=dbucket, Key=key)["Body"].read()
        verdict = "the right bytes (from a cache, or without reading data shard 0?)" \
            if body == data else "WRONG DATA"
        raise AssertionError(f"GET succeeded with 4 of 9 shards lost and returned {verdict}")
