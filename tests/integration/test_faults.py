"""Durability under faults, on real shard files of a real server (RS 6+3 over nine drives):

- up to m=3 shards of a chunk deleted, truncated, bit-flipped or made unreadable -> every GET is
  exact; a scrub pass rebuilds every damaged shard bit for bit (a second pass repairs nothing);
- 4 lost shards -> the scrub lists the object as unrecoverable and its GET fails with 500;
- stray shard files (orphans) are removed by a full pass (orphan_grace_seconds = 0);
- a drive disappearing while the server runs: PUTs still meet the 7-of-9 quorum and queue a
  repair, which completes once the drive is back; with 3 drives gone a PUT fails with 503 and
  leaves nothing behind;
- drive replacement rebuilds what a wiped drive held;
- storage classes choose codec and k+m per object, and a changed default never strands data.

The servers here run without periodic scrubs and with an unlimited scrub rate, so a pass takes
as long as reading the shards. Shard files are found as the files that appear under
<data>/drives/*/shards/ during a PUT (objects inlined in metadata have none). "Unreadable" is an
ELOOP symlink in the shard's place (open fails with an I/O error): the tests run as root, for
whom chmod 000 changes nothing."""

import hashlib
import math
import os
import random
import re
import shutil
from pathlib import Path

import pytest

from cairn_server import start_server, write_config
from s3util import (MiB, empty_and_delete_bucket, expect_error, make_client, pseudo_random_bytes,
                    unique_bucket)

DRIVES = 9
K, M = 6, 3
CHUNK = 64 * MiB
FAST_SCRUB = {"scrub_interval_seconds": 0, "scrub_bytes_per_second": 0, "orphan_grace_seconds": 0}


def fault_config(tmp_path, name="cairn.toml", **storage):
    return write_config(tmp_path / name, {"storage": dict(FAST_SCRUB, **storage)})


@pytest.fixture(scope="module")
def fserver(server_factory, tmp_path_factory):
    config = fault_config(tmp_path_factory.mktemp("faults-config"))
    return server_factory("faults", config=config)


@pytest.fixture(scope="module")
def fs3(fserver):
    return make_client(fserver)


@pytest.fixture
def fbucket(fs3):
    name = unique_bucket("faults")
    fs3.create_bucket(Bucket=name)
    yield name
    empty_and_delete_bucket(fs3, name)


# --- shard files ----------------------------------------------------------------------------


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def chunk_of(path):
    return int(re.search(r"c(\d+)\.s\d+$", path).group(1))


def shard_of(path):
    return int(re.search(r"\.s(\d+)$", path).group(1))


def put_and_find_shards(server, s3, bucket, key, data, **kwargs):
    """PUTs the object and returns its shard files as {chunk: [paths]} (empty when inlined)."""
    before = server.shard_files()
    s3.put_object(Bucket=bucket, Key=key, Body=data, **kwargs)
    after = server.shard_files()
    chunks = {}
    for path in sorted(p for p, sig in after.items() if before.get(p) != sig):
        chunks.setdefault(chunk_of(path), []).append(path)
    return chunks


def assert_whole(chunks, n=DRIVES, what=""):
    for chunk, paths in chunks.items():
        drives = {Path(p).parts[-5] for p in paths}
        assert len(paths) == n and len(drives) == n, (
            f"{what} chunk {chunk}: expected {n} shards on {n} drives, found {paths}")


def corrupt(path, rng):
    """Flips a few bits at random places, keeping the size."""
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        for _ in range(3):
            pos = rng.randrange(size)
            f.seek(pos)
            byte = f.read(1)[0]
            f.seek(pos)
            f.write(bytes([byte ^ (1 << rng.randrange(8))]))


def truncate(path, rng):
    os.truncate(path, rng.randrange(os.path.getsize(path)))


def make_unreadable(path, rng):
    """A symlink to itself: open() fails with ELOOP, an I/O error the server cannot read past."""
    os.remove(path)
    os.symlink(os.path.basename(path), path)


def delete(path, rng):
    os.remove(path)


DAMAGE = {"delete": delete, "truncate": truncate, "corrupt": corrupt, "unreadable": make_unreadable}


def assert_exact(s3, bucket, key, data, ranged=True):
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert len(body) == len(data), f"{key}: GET returned {len(body)} bytes, expected {len(data)}"
    assert body == data, f"{key}: GET returned wrong data"
    if ranged and len(data) > 2:
        start = len(data) // 3
        end = start + min(len(data) // 2, 3 * MiB)
        got = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{end - 1}")
        assert got["Body"].read() == data[start:end], f"{key}: ranged GET returned wrong data"


def assert_clean_pass(progress, what):
    assert progress["errors"] == [], f"{what}: scrub errors {progress}"
    assert progress["unrecoverable"] == [], f"{what}: unrecoverable objects {progress}"


def log_uniform_sizes(rng, count, top):
    """Sizes from 1 to `top`, as many of each order of magnitude."""
    return [max(1, int(math.exp(rng.uniform(0, math.log(top))))) for _ in range(count)]


# --- damaged shards -------------------------------------------------------------------------


def test_damaged_shards_read_exactly_and_scrub_restores_them(fserver, fs3, fbucket):
    rng = random.Random(1)
    # Small objects may be inlined in their metadata record (no shard files): most sizes are
    # above storage.inline_max_bytes (at most 1 MiB), a few below.
    sizes = ([1, 3 * MiB] + log_uniform_sizes(rng, 8, 16 * 1024) +
             [MiB + s for s in log_uniform_sizes(rng, 30, 2 * MiB)] + [70 * MiB])
    objects = {}  # key -> (data, {chunk: [shard paths]})
    for i, size in enumerate(sizes):
        key = f"obj/{i:02d}-{size}"
        data = pseudo_random_bytes(size, seed=i)
        chunks = put_and_find_shards(fserver, fs3, fbucket, key, data)
        assert_whole(chunks, what=key)
        assert len(chunks) in (0, max(1, -(-size // CHUNK))), f"{key}: {len(chunks)} chunks"
        objects[key] = (data, chunks)
    assert len(objects[f"obj/40-{70 * MiB}"][1]) == 2, "the 70 MiB object should span 2 chunks"
    pristine = {p: sha256_file(p) for _, chunks in objects.values()
                for paths in chunks.values() for p in paths}
    assert len(pristine) > 30 * DRIVES, "most objects should live in shard files"

    # Up to m shards of every chunk, in every mix of damage.
    kinds = list(DAMAGE)
    damaged = []
    for n, (key, (_, chunks)) in enumerate(objects.items()):
        for chunk, paths in chunks.items():
            for path in rng.sample(paths, 1 + (n + chunk) % M):
                how = kinds[len(damaged) % len(kinds)]
                DAMAGE[how](path, rng)
                damaged.append((path, how))
    assert {how for _, how in damaged} == set(kinds)

    for key, (data, _) in objects.items():
        assert_exact(fs3, fbucket, key, data)

    progress = fserver.run_scrub(f"bucket={fbucket}")
    assert_clean_pass(progress, "first pass")
    assert progress["objects_checked"] == len(objects), progress
    assert progress["shards_repaired"] == len(damaged), (
        f"{len(damaged)} shards were damaged, the pass repaired {progress['shards_repaired']}")
    wrong = [(p, how) for p, how in damaged
             if os.path.islink(p) or not os.path.isfile(p) or sha256_file(p) != pristine[p]]
    assert wrong == [], f"shards not restored bit for bit after the pass: {wrong}"
    assert all(sha256_file(p) == h for p, h in pristine.items())

    progress = fserver.run_scrub(f"bucket={fbucket}")
    assert_clean_pass(progress, "second pass")
    assert progress["shards_repaired"] == 0, f"the second pass repaired again: {progress}"
    assert progress["shards_checked"] == len(pristine), progress
    for key, (data, _) in objects.items():
        assert_exact(fs3, fbucket, key, data, ranged=False)


def test_shard_replaced_by_a_directory_is_rebuilt(fserver, fs3, fbucket):
    """A directory where a shard file should be (an operator's slip, a bad restore): the read
    goes around it, and the scrub must put the shard back."""
    data = pseudo_random_bytes(2 * MiB, seed=5)
    chunks = put_and_find_shards(fserver, fs3, fbucket, "dir", data)
    path = chunks[0][4]
    digest = sha256_file(path)
    os.remove(path)
    os.mkdir(path)
    assert_exact(fs3, fbucket, "dir", data)
    progress = fserver.run_scrub(f"bucket={fbucket}")
    assert_clean_pass(progress, "pass")
    assert progress["shards_repaired"] == 1, progress
    assert os.path.isfile(path) and sha256_file(path) == digest


def test_four_lost_shards_are_reported_unrecoverable(fserver, fs3, fbucket):
    rng = random.Random(4)
    objects = {f"k{i}": pseudo_random_bytes(size, seed=40 + i)
               for i, size in enumerate([2 * MiB, 1 * MiB + 7, 5 * MiB])}
    shards = {k: put_and_find_shards(fserver, fs3, fbucket, k, d) for k, d in objects.items()}
    # Shard 0 holds the first bytes of every stripe: losing it with 3 more fails any full read.
    paths = shards["k0"][0]
    lost = [p for p in paths if shard_of(p) == 0]
    lost += rng.sample([p for p in paths if p not in lost], 4 - len(lost))
    for n, path in enumerate(lost):
        list(DAMAGE.values())[n % len(DAMAGE)](path, rng)

    with expect_error("InternalError", 500):
        body = fs3.get_object(Bucket=fbucket, Key="k0")["Body"].read()
        raise AssertionError("GET succeeded with 4 of 9 shards lost and returned " +
                             ("the right bytes" if body == objects["k0"] else "WRONG DATA"))
    for key in ("k1", "k2"):
        assert_exact(fs3, fbucket, key, objects[key])

    progress = fserver.run_scrub(f"bucket={fbucket}")
    assert progress["unrecoverable"] == [f"{fbucket}/k0"], progress
    assert progress["errors"] == [], progress
    for key in ("k1", "k2"):
        assert_exact(fs3, fbucket, key, objects[key])


# --- orphans --------------------------------------------------------------------------------


def test_full_pass_removes_orphan_shards(fserver, fs3, fbucket):
    data = pseudo_random_bytes(3 * MiB, seed=9)
    chunks = put_and_find_shards(fserver, fs3, fbucket, "kept", data)
    real = chunks[0]
    drives = fserver.drive_dirs()
    stray = []
    # A whole object's shards whose metadata never committed (a crash before the commit).
    ghost = "ab" + "0123456789abcdef0123456789abcd"
    for i, path in enumerate(real):
        drive = Path(path).parents[3]
        target = drive / "shards" / ghost[:2] / ghost / f"c0.s{i}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        stray.append(str(target))
    # A referenced shard name, but on a drive that is not the one the object records.
    wrong_drive = next(d for d in drives if not real[0].startswith(str(d) + os.sep))
    target = wrong_drive / "shards" / Path(real[0]).relative_to(Path(real[0]).parents[2])
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(real[0], target)
        stray.append(str(target))
    # Junk.
    junk = drives[0] / "shards" / "zz" / ("zz" + "9" * 30) / "c3.s1"
    junk.parent.mkdir(parents=True, exist_ok=True)
    junk.write_bytes(b"not a shard")
    stray.append(str(junk))

    progress = fserver.run_scrub()  # full pass: orphans are collected only there
    assert_clean_pass(progress, "full pass")
    assert progress["orphans_removed"] >= len(stray), progress
    left = [p for p in stray if os.path.lexists(p)]
    assert left == [], f"orphans left behind: {left}"
    missing = [p for p in real if not os.path.isfile(p)]
    assert missing == [], f"the pass removed shards in use: {missing}"
    assert_exact(fs3, fbucket, "kept", data)


# --- drives going away ----------------------------------------------------------------------


def test_missing_drive_degrades_puts_and_queues_repair(fserver, fs3, fbucket):
    old = pseudo_random_bytes(4 * MiB, seed=11)
    fs3.put_object(Bucket=fbucket, Key="old", Body=old)
    status, queue = fserver.admin("GET", "repair")
    assert status == 200 and queue["queued"] == 0, queue
    drive3 = fserver.data_dir / "drives" / "drive3"
    away = drive3.with_name("drive3.away")
    before = fserver.shard_files()
    objects = {f"new{i}": pseudo_random_bytes(size, seed=110 + i)
               for i, size in enumerate([1 * MiB + 1, 2 * MiB, 6 * MiB + 5])}
    os.rename(drive3, away)
    try:
        for key, data in objects.items():
            fs3.put_object(Bucket=fbucket, Key=key, Body=data)  # 8 of 9 >= quorum 7
        for key, data in dict(objects, old=old).items():
            assert_exact(fs3, fbucket, key, data)
        status, queue = fserver.admin("GET", "repair")
        assert status == 200 and queue["queued"] == len(objects), (
            f"every PUT missed a shard: expected {len(objects)} queued, got {queue}")
        status, drives = fserver.admin("GET", "drives")
        sick = [d["path"] for d in drives["drives"] if not d["healthy"]]
        assert sick == [str(drive3)], drives
    finally:
        assert not drive3.exists(), "the server recreated the missing drive's directory"
        os.rename(away, drive3)

    status, result = fserver.admin("POST", "repair")
    assert status == 200, result
    assert result["queued"] == 0, f"repair queue not drained with every drive back: {result}"
    new = [p for p, sig in fserver.shard_files().items() if before.get(p) != sig]
    on_drive3 = [p for p in new if p.startswith(str(drive3) + os.sep)]
    assert len(new) == DRIVES * len(objects) and len(on_drive3) == len(objects), (
        f"expected 9 shards per object, 1 on drive3 each: {sorted(new)}")
    progress = fserver.run_scrub(f"bucket={fbucket}")
    assert_clean_pass(progress, "pass after repair")
    assert progress["shards_repaired"] == 0, progress


def test_three_drives_gone_put_fails_with_503(fserver, fs3, fbucket):
    old = pseudo_random_bytes(2 * MiB, seed=12)
    fs3.put_object(Bucket=fbucket, Key="old", Body=old)
    gone = [fserver.data_dir / "drives" / f"drive{i}" for i in (2, 3, 4)]
    before = fserver.shard_files()
    for d in gone:
        os.rename(d, d.with_name(d.name + ".away"))
    try:
        with expect_error("ServiceUnavailable", 503):
            fs3.put_object(Bucket=fbucket, Key="refused", Body=pseudo_random_bytes(3 * MiB, 13))
        listed = [o["Key"] for o in fs3.list_objects_v2(Bucket=fbucket).get("Contents", [])]
        assert listed == ["old"], f"a refused PUT is listed: {listed}"
        with expect_error("NoSuchKey", 404):
            fs3.get_object(Bucket=fbucket, Key="refused")
        assert_exact(fs3, fbucket, "old", old)  # 6 of 9 shards: still readable
    finally:
        for d in gone:
            os.rename(d.with_name(d.name + ".away"), d)
    left = [p for p, sig in fserver.shard_files().items() if before.get(p) != sig]
    assert left == [], f"the refused PUT left shard files behind: {left}"


def _drive_replacement_server(server_factory, tmp_path, name):
    config = fault_config(tmp_path)
    server = server_factory(name, config=config)
    s3 = make_client(server)
    bucket = unique_bucket("replace")
    s3.create_bucket(Bucket=bucket)
    objects = {f"r{i}": pseudo_random_bytes(size, seed=200 + i)
               for i, size in enumerate([1 * MiB + 3, 2 * MiB, 3 * MiB, 9 * MiB])}
    for key, data in objects.items():
        s3.put_object(Bucket=bucket, Key=key, Body=data)
    return config, server, s3, bucket, objects


def test_drive_replacement_rebuilds_wiped_shards(server_factory, tmp_path):
    """The drive keeps its id but loses every shard (rm -rf shards/): the replace pass puts
    them all back on it."""
    _, server, s3, bucket, objects = _drive_replacement_server(server_factory, tmp_path, "wipe")
    drive5 = server.data_dir / "drives" / "drive5"
    drive_id = server.drive_ids()[str(drive5)]
    held = {p: sha256_file(p) for p in server.shard_files() if p.startswith(str(drive5) + os.sep)}
    assert len(held) == len(objects)
    shutil.rmtree(drive5 / "shards")

    progress = server.run_scrub(f"drive={drive_id}", operation="drives/replace")
    assert_clean_pass(progress, "replace pass")
    assert progress["shards_repaired"] == len(held), progress
    back = {p: sha256_file(p) for p in held if os.path.isfile(p)}
    assert back == held, f"shards not back on {drive5}: {sorted(set(held) - set(back))}"
    for key, data in objects.items():
        assert_exact(s3, bucket, key, data, ranged=False)


def test_drive_replacement_with_a_new_disk(server_factory, tmp_path):
    """The documented procedure (docs/operations.md): a fresh empty disk at the old path, the
    server restarted (the disk gets a new id), then replace <old id> rebuilds onto it."""
    config, server, s3, bucket, objects = _drive_replacement_server(server_factory, tmp_path,
                                                                    "newdisk")
    drive5 = server.data_dir / "drives" / "drive5"
    old_id = server.drive_ids()[str(drive5)]
    held = sum(1 for p in server.shard_files() if p.startswith(str(drive5) + os.sep))
    server.stop()
    shutil.rmtree(drive5)
    drive5.mkdir()
    server = start_server(server.data_dir, config=config)
    try:
        s3 = make_client(server)
        ids = server.drive_ids()
        assert ids[str(drive5)] != old_id and old_id not in ids.values(), ids
        for key, data in objects.items():
            assert_exact(s3, bucket, key, data, ranged=False)  # degraded: one shard each gone

        progress = server.run_scrub(f"drive={old_id}", operation="drives/replace")
        assert_clean_pass(progress, "replace pass")
        assert progress["shards_repaired"] == held, progress
        now = sum(1 for p in server.shard_files() if p.startswith(str(drive5) + os.sep))
        assert now == held, f"the new disk holds {now} shards, the old one held {held}"
        progress = server.run_scrub()
        assert_clean_pass(progress, "full pass after the replacement")
        assert progress["shards_repaired"] == 0 and progress["orphans_removed"] == 0, progress
        for key, data in objects.items():
            assert_exact(s3, bucket, key, data, ranged=False)
    finally:
        server.stop()


# --- storage classes ------------------------------------------------------------------------


def test_storage_classes_and_a_changed_default(server_factory, tmp_path):
    classes = {"REDUCED_REDUNDANCY": {"codec": "isal", "data_shards": 4, "parity_shards": 2},
               "STANDARD_IA": {"codec": "jerasure", "data_shards": 6, "parity_shards": 3}}
    config = write_config(tmp_path / "classes.toml",
                          {"storage": dict(FAST_SCRUB, classes=classes)})
    server = server_factory("classes", config=config)
    s3 = make_client(server)
    bucket = unique_bucket("classes")
    s3.create_bucket(Bucket=bucket)

    objects = {}
    for storage_class, shards in (("STANDARD", 9), ("REDUCED_REDUNDANCY", 6), ("STANDARD_IA", 9)):
        for size in (2 * MiB + 1, 70 * MiB if storage_class == "REDUCED_REDUNDANCY" else 1 * MiB + 5):
            key = f"{storage_class}/{size}"
            data = pseudo_random_bytes(size, seed=size + shards)
            extra = {} if storage_class == "STANDARD" else {"StorageClass": storage_class}
            chunks = put_and_find_shards(server, s3, bucket, key, data, **extra)
            assert len(chunks) == -(-size // CHUNK), f"{key}: chunks {chunks}"
            assert_whole(chunks, n=shards, what=key)
            head = s3.head_object(Bucket=bucket, Key=key)
            assert head.get("StorageClass", "STANDARD") == storage_class, head
            objects[key] = data
    listed = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert listed == {k: k.split("/")[0] for k in objects}, listed
    with expect_error("InvalidStorageClass", 400):
        s3.put_object(Bucket=bucket, Key="bad", Body=b"x" * 100, StorageClass="GLACIER_IR")

    # The default changes to jerasure 4+2: what was written before still reads back exactly,
    # because each object records its own codec.
    server.stop()
    changed = write_config(tmp_path / "changed.toml", {"storage": dict(
        FAST_SCRUB, classes=classes, codec="jerasure", data_shards=4, parity_shards=2,
        write_quorum=0)})
    server = start_server(server.data_dir, config=changed)
    try:
        s3 = make_client(server)
        for key, data in objects.items():
            assert_exact(s3, bucket, key, data)
        chunks = put_and_find_shards(server, s3, bucket, "after", b"y" * (1 * MiB + 1))
        assert_whole(chunks, n=6, what="STANDARD after the change")
        progress = server.run_scrub()
        assert_clean_pass(progress, "pass over mixed codecs")
        assert progress["shards_repaired"] == 0, progress
    finally:
        server.stop()
