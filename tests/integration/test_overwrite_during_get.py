"""GETs overlapping overwrites of the same key (issue 17, defect 10).

S3 promises that a GET returns the old object or the new one, whole. An overwrite (or delete)
does not free the replaced version's shards at once: it schedules their free
storage.free_delay_seconds later in the same metadata transaction ("g/..."), and a GET still
streaming after half the delay holds them with a read lease ("r/...") until it ends.

- 4 writers overwrite 5 keys with 1 MiB and 64 KiB bodies (each write distinct, its key and
  number in its first bytes) while 8 readers GET them for 15 s: every GET is a 200 whose body
  is exactly one of the writes to that key; afterwards the replaced versions' shards are gone
  from the drives (nothing leaks), and so are the free entries and leases;
- a slow download of a 32 MiB object (longer than the 2 s delay) while the key is overwritten
  completes with the old bytes: its lease postpones the due free, a scrub pass (orphan grace 0)
  then removes none of its shards, and once the download ends they go;
- with no reader at all, a scrub pass leaves the shards of a pending free alone (they are the
  deferred free's) while removing a real orphan.

The metadata keys are read straight from the server's SQLite file (CairnServer.meta_keys).
"""

import hashlib
import itertools
import random
import threading
import time
from pathlib import Path

import pytest

from cairn_server import write_config
from s3util import MiB, empty_and_delete_bucket, make_client, unique_bucket

FREE_DELAY = 2  # seconds
STRESS_SECONDS = 15
WRITERS, READERS = 4, 8
KEYS = [f"key-{i}" for i in range(5)]
SIZES = [MiB, 64 * 1024]  # both above inline_max_bytes: stored as shards
DRIVES = 9  # RS 6+3: 9 shard files per object below 64 MiB
FAST_SCRUB = {"scrub_interval_seconds": 0, "scrub_bytes_per_second": 0, "orphan_grace_seconds": 0}


def version_bytes(key, n, size):
    """The body of write `n` to `key`: its identity first, then bytes no other write has."""
    head = f"{key} write {n:06d}\n".encode()
    return head + random.Random(f"{key}/{n}").randbytes(size - len(head))


def wait_for(what, predicate, timeout):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"still waiting after {timeout} s for {what}"
        time.sleep(0.2)


def new_shards(server, before):
    return sorted(p for p, sig in server.shard_files().items() if before.get(p) != sig)


def data_id_of(shard_path):
    return Path(shard_path).parts[-2]  # .../shards/<id[0:2]>/<id>/c<chunk>.s<shard>


@pytest.fixture(scope="module")
def oserver(server_factory, tmp_path_factory):
    config = write_config(tmp_path_factory.mktemp("overwrite-config") / "cairn.toml",
                          {"storage": dict(FAST_SCRUB, free_delay_seconds=FREE_DELAY)})
    return server_factory("overwrite", config=config)


@pytest.fixture(scope="module")
def os3(oserver):
    return make_client(oserver)


@pytest.fixture
def obucket(os3):
    name = unique_bucket("overwrite")
    os3.create_bucket(Bucket=name)
    yield name
    empty_and_delete_bucket(os3, name)


def test_gets_during_overwrites_return_one_whole_version(oserver, os3, obucket):
    written = {}  # sha256 -> (key, n): registered before its PUT is sent
    lock = threading.Lock()
    numbers = itertools.count()
    for key in KEYS:  # every key exists before the readers start: every GET must be a 200
        n = next(numbers)
        body = version_bytes(key, n, SIZES[n % 2])
        written[hashlib.sha256(body).hexdigest()] = (key, n)
        os3.put_object(Bucket=obucket, Key=key, Body=body)

    stop = threading.Event()
    failures = []
    counts = {"reads": 0, "writes": 0}

    def fail(what):
        with lock:
            failures.append(what)

    def writer(seed):
        s3 = make_client(oserver)
        rng = random.Random(seed)
        while not stop.is_set():
            key = rng.choice(KEYS)
            with lock:
                n = next(numbers)
            body = version_bytes(key, n, rng.choice(SIZES))
            with lock:
                written[hashlib.sha256(body).hexdigest()] = (key, n)
            try:
                s3.put_object(Bucket=obucket, Key=key, Body=body)
            except Exception as e:  # noqa: BLE001 -- any failure is the finding
                fail(f"PUT {key} #{n}: {e!r}")
                continue
            with lock:
                counts["writes"] += 1

    def reader(seed):
        s3 = make_client(oserver)
        rng = random.Random(seed)
        while not stop.is_set():
            key = rng.choice(KEYS)
            try:
                resp = s3.get_object(Bucket=obucket, Key=key)
                status = resp["ResponseMetadata"]["HTTPStatusCode"]
                body = resp["Body"].read()
            except Exception as e:  # noqa: BLE001 -- a 500, a cut connection: the defect
                fail(f"GET {key}: {e!r}")
                continue
            digest = hashlib.sha256(body).hexdigest()
            with lock:
                origin = written.get(digest)
                counts["reads"] += 1
            if status != 200 or origin is None or origin[0] != key:
                fail(f"GET {key}: status {status}, {len(body)} bytes starting {body[:24]!r}, "
                     f"which is {'no write' if origin is None else origin}")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    threads += [threading.Thread(target=reader, args=(100 + i,)) for i in range(READERS)]
    for t in threads:
        t.start()
    try:
        time.sleep(STRESS_SECONDS)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    print(f"{counts['writes']} overwrites, {counts['reads']} GETs, {len(failures)} failures")
    assert failures == [], f"{len(failures)} failures, e.g. {failures[:5]}"
    assert counts["writes"] >= 20 and counts["reads"] >= 40, counts

    # Nothing leaks: once the last frees are due, exactly the 5 current objects' shards remain.
    wait_for("the replaced versions' shards to be freed",
             lambda: len(oserver.shard_files()) == DRIVES * len(KEYS), FREE_DELAY + 10)
    assert oserver.meta_keys("g/") == [], "free entries left after they were due"
    assert oserver.meta_keys("r/") == [], "read leases left after the reads ended"
    # Deleting is deferred the same way, and frees everything.
    for key in KEYS:
        os3.delete_object(Bucket=obucket, Key=key)
    assert len(oserver.shard_files()) == DRIVES * len(KEYS), "freed before the delay"
    wait_for("the deleted objects' shards to be freed",
             lambda: len(oserver.shard_files()) == 0, FREE_DELAY + 10)


def test_slow_download_outlives_an_overwrite_and_the_free_delay(oserver, os3, obucket):
    old = version_bytes("big", 1, 32 * MiB)
    before = oserver.shard_files()
    os3.put_object(Bucket=obucket, Key="big", Body=old)
    old_shards = new_shards(oserver, before)
    assert len(old_shards) == DRIVES, old_shards
    old_id = data_id_of(old_shards[0])

    body = os3.get_object(Bucket=obucket, Key="big")["Body"]
    got = [body.read(MiB)]
    new = version_bytes("big", 2, 32 * MiB)
    make_client(oserver).put_object(Bucket=obucket, Key="big", Body=new)
    overwritten = time.monotonic()
    assert len(oserver.meta_keys("g/")) == 1, "the overwrite scheduled the old version's free"

    scrubbed = False
    while True:
        piece = body.read(MiB)
        if not piece:
            break
        got.append(piece)
        time.sleep(0.3)  # 31 MiB at about 3 MiB/s: the download outlasts the delay
        if not scrubbed and time.monotonic() - overwritten > FREE_DELAY + 0.5:
            # The free is due by now; the download's lease holds it off.
            leases = oserver.meta_keys(f"r/{old_id}/")
            assert len(leases) == 1, f"no read lease on the old version: {oserver.meta_keys('r/')}"
            progress = oserver.run_scrub()  # orphan grace 0: anything unclaimed would go
            assert progress["errors"] == [] and progress["unrecoverable"] == [], progress
            gone = [p for p in old_shards if not Path(p).exists()]
            assert gone == [], f"shards of the version being read were removed: {gone}"
            scrubbed = True
    assert scrubbed, "the download ended before the free was due: the test proved nothing"
    data = b"".join(got)
    assert len(data) == len(old) and data == old, (
        f"the download returned {len(data)} bytes starting {data[:24]!r}, not the old version")

    # Once the read has ended its lease goes, and so do the old version's shards.
    wait_for("the old version's shards to be freed after the download",
             lambda: not any(Path(p).exists() for p in old_shards), FREE_DELAY + 5)
    assert oserver.meta_keys("r/") == [] and oserver.meta_keys("g/") == []
    assert os3.get_object(Bucket=obucket, Key="big")["Body"].read() == new


def test_scrub_leaves_a_pending_free_alone(server_factory, tmp_path):
    config = write_config(tmp_path / "cairn.toml",
                          {"storage": dict(FAST_SCRUB, free_delay_seconds=60)})
    server = server_factory("overwrite-scrub", config=config)
    s3 = make_client(server)
    bucket = unique_bucket("pending")
    s3.create_bucket(Bucket=bucket)
    before = server.shard_files()
    s3.put_object(Bucket=bucket, Key="k", Body=version_bytes("k", 1, MiB))
    v1 = new_shards(server, before)
    assert len(v1) == DRIVES, v1
    before = server.shard_files()
    v2_body = version_bytes("k", 2, MiB)
    s3.put_object(Bucket=bucket, Key="k", Body=v2_body)
    v2 = new_shards(server, before)
    assert len(v2) == DRIVES, v2
    # A real orphan, so that the pass is seen collecting.
    junk = Path(v1[0]).parents[2] / "zz" / ("zz" + "9" * 30) / "c0.s0"
    junk.parent.mkdir(parents=True, exist_ok=True)
    junk.write_bytes(b"not a shard")

    progress = server.run_scrub()
    assert progress["errors"] == [] and progress["unrecoverable"] == [], progress
    assert not junk.exists() and progress["orphans_removed"] == 1, progress
    assert all(Path(p).exists() for p in v1), "a scrub removed shards of a pending free"
    s3.delete_object(Bucket=bucket, Key="k")
    progress = server.run_scrub()
    assert progress["orphans_removed"] == 0, progress
    assert all(Path(p).exists() for p in v1 + v2), "a scrub removed shards of a pending free"
    assert len(server.meta_keys("g/")) == 2
