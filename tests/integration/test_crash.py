"""Crash consistency: `kill -9` of the server in the middle of 50 concurrent PUTs and overwrites.

Ten threads write 50 objects over 16 keys (most keys several times, from several threads, each
write with its own content). Each write is timed: started, and acknowledged or not. After the
kill the server restarts on the same data directory, and:

- every listed object holds the content of a write to that key that was acknowledged or in
  flight at the kill -- nothing else, never a mix;
- every key with an acknowledged write exists, holding a write that no acknowledged write
  started after its acknowledgement (so nothing acknowledged is lost or rolled back);
- a full scrub with orphan_grace_seconds = 0 leaves exactly the shards of the listed objects:
  9 per 64 MiB chunk (objects here are above 1 MiB, the most storage.inline_max_bytes allows,
  so each has shard files).

The same runs for small objects (up to 16 KiB, stored inline in their metadata records, many
concurrent commits sharing SQLite's group commit): many more of them, and no shard files.
"""

import hashlib

import pytest
import random
import threading
import time

from botocore.exceptions import BotoCoreError, ClientError

from cairn_server import start_server, write_config
from s3util import MiB, make_client, pseudo_random_bytes, unique_bucket

THREADS = 10
WRITES = 50
KEYS = [f"key-{i:02d}" for i in range(16)]
CHUNK = 64 * MiB
DRIVES = 9
INLINE_MAX = 16 * 1024
# Per mode: (writes, acknowledged writes to wait for before the kill).
MODES = {"large": (WRITES, 20), "small": (600, 150)}


class Write:
    def __init__(self, key, data):
        self.key = key
        self.data = data
        self.digest = hashlib.sha256(data).hexdigest()
        self.started = None
        self.acked = None   # monotonic time of the 200, or None
        self.error = None   # what the client saw instead, if anything
        self.failed = None  # monotonic time of that error


def plan_writes(rng, mode):
    writes = []
    for n in range(MODES[mode][0]):
        key = KEYS[n % len(KEYS)] if n < len(KEYS) else rng.choice(KEYS)
        size = MiB + 1 + rng.randrange(2 * MiB) if mode == "large" else rng.randrange(INLINE_MAX - 64)
        # The write's identity is in its first bytes, so two writes never share content.
        data = f"{key} write {n}\n".encode() + pseudo_random_bytes(size, seed=1000 + n)
        writes.append(Write(key, data))
    return writes


def writer(server, bucket, writes, stop):
    s3 = make_client(server)
    for w in writes:
        if stop.is_set():
            return
        w.started = time.monotonic()
        try:
            s3.put_object(Bucket=bucket, Key=w.key, Body=w.data)
            w.acked = time.monotonic()
        except (ClientError, BotoCoreError, OSError) as e:
            w.failed = time.monotonic()
            w.error = repr(e)
            return  # the server is gone (or refused): this thread is done


def acceptable(writes, key):
    """The contents the key may hold after the crash (by digest), and whether it must exist."""
    mine = [w for w in writes if w.key == key and w.started is not None]
    acked = [w for w in mine if w.acked is not None]
    ok = set()
    for w in mine:
        if w.acked is None and w.error is not None and "ServiceUnavailable" in w.error:
            continue  # refused outright by the server: not in flight
        # An acknowledged write is superseded by an acknowledged one that started after it
        # was acknowledged; a write still in flight may have landed at any point.
        if w.acked is not None and any(x.started > w.acked for x in acked):
            continue
        ok.add(w.digest)
    return ok, bool(acked)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_kill_9_during_concurrent_puts(server_factory, tmp_path, mode):
    total, kill_after = MODES[mode]
    config = write_config(tmp_path / "crash.toml", {"storage": {
        "scrub_interval_seconds": 0, "scrub_bytes_per_second": 0, "orphan_grace_seconds": 0,
        "free_delay_seconds": 1}})
    server = server_factory(f"crash-{mode}", config=config)
    bucket = unique_bucket("crash")
    make_client(server).create_bucket(Bucket=bucket)

    writes = plan_writes(random.Random(3), mode)
    stop = threading.Event()
    threads = [threading.Thread(target=writer, args=(server, bucket, writes[i::THREADS], stop))
               for i in range(THREADS)]
    for t in threads:
        t.start()
    # Kill once a good share is acknowledged, with others certainly in flight.
    deadline = time.monotonic() + 60
    while sum(w.acked is not None for w in writes) < kill_after and time.monotonic() < deadline:
        time.sleep(0.005)
    server.proc.kill()  # SIGKILL: no shutdown path runs
    killed_at = time.monotonic()
    stop.set()
    for t in threads:
        t.join(timeout=60)
    server.stop()

    acked = [w for w in writes if w.acked is not None]
    in_flight = [w for w in writes if w.started is not None and w.acked is None]
    assert kill_after <= len(acked) < total, f"{len(acked)} of {total} writes acknowledged"
    assert in_flight, "no write was in flight at the kill: the test proves little"
    early_errors = [w.error for w in writes if w.failed is not None and w.failed < killed_at]
    assert early_errors == [], f"writes failed before the kill: {early_errors}"

    restarted = start_server(server.data_dir, config=config)
    try:
        s3 = make_client(restarted)
        listed = {o["Key"]: o["Size"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
        by_digest = {w.digest: w for w in writes}
        for key in KEYS:
            ok, must_exist = acceptable(writes, key)
            if key not in listed:
                assert not must_exist, f"{key}: an acknowledged write was lost"
                continue
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            digest = hashlib.sha256(body).hexdigest()
            assert len(body) == listed[key], f"{key}: listed size {listed[key]}, read {len(body)}"
            assert digest in by_digest, f"{key}: content matches no write (first bytes {body[:40]!r})"
            assert by_digest[digest].key == key, f"{key} holds a write to {by_digest[digest].key}"
            assert digest in ok, (
                f"{key}: holds {body[:24]!r}, superseded by a later acknowledged write "
                f"or never in flight")
        assert set(listed) <= set(KEYS), f"unexpected keys listed: {set(listed) - set(KEYS)}"

        # Overwritten versions are freed by the deferred free once due (a scrub leaves them to
        # it): wait for the frees scheduled before the kill.
        deadline = time.monotonic() + 15
        while restarted.meta_keys("g/"):
            assert time.monotonic() < deadline, f"frees still pending: {restarted.meta_keys('g/')}"
            time.sleep(0.2)
        progress = restarted.run_scrub()
        print(f"{len(acked)} acknowledged, {len(in_flight)} in flight, {len(listed)} keys listed, "
              f"{progress['orphans_removed']} orphan shards removed")
        assert progress["errors"] == [] and progress["unrecoverable"] == [], progress
        chunks = sum(-(-size // CHUNK) for size in listed.values() if size > INLINE_MAX)
        files = restarted.shard_files()
        assert len(files) == DRIVES * chunks, (
            f"{len(files)} shard files after the scrub, the {len(listed)} listed objects need "
            f"{DRIVES * chunks} (orphans removed: {progress['orphans_removed']})")
        progress = restarted.run_scrub()
        assert progress["shards_repaired"] == 0 and progress["orphans_removed"] == 0, progress
    finally:
        restarted.stop()
