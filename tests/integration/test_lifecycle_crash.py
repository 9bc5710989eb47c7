"""A crash (SIGKILL at a metadata commit: before it, or after it before the pass goes on) in the
middle of a lifecycle pass -- the walk after a rule change, noncurrent-version removals, a
transition between codecs -- loses no version the rules keep and leaves nothing half-made: after
a restart the next pass finishes the work, every kept version reads back whole, and a scrub
finds nothing unrecoverable."""
import time

import pytest

import s3util
from cairn_server import start_server, write_config

BUCKET = "crash-lifecycle"
DAY_S = 2


def bodies(key):
    return [bytes([ord(key[0]) + i]) * (40 * 1024) for i in range(3)]  # above the inline limit


def set_up(s3):
    """Three versions of a/ and b/, one object under t/ to transition; returns the current
    version ids."""
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    current = {}
    for key in ("a/1", "b/1"):
        for body in bodies(key):
            current[key] = s3.put_object(Bucket=BUCKET, Key=key, Body=body)["VersionId"]
    current["t/1"] = s3.put_object(Bucket=BUCKET, Key="t/1", Body=b"t" * (300 * 1024))["VersionId"]
    s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": [
        {"ID": "nc", "Status": "Enabled", "Filter": {"Prefix": ""},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 1}},
        {"ID": "cold", "Status": "Enabled", "Filter": {"Prefix": "t/"},
         "Transitions": [{"Days": 1, "StorageClass": "REDUCED_REDUNDANCY"}]}]})
    return current


def run_pass(server, at_ms):
    return server.admin("POST", "lifecycle/run", f"at={at_ms}", timeout=60)


@pytest.mark.parametrize("point", ["meta_commit", "meta_committed"])
@pytest.mark.parametrize("n", [1, 4, 7, 10])
def test_crash_during_a_lifecycle_pass(tmp_path, point, n):
    config = write_config(tmp_path / "cairn.toml", {
        "storage": {"scrub_interval_seconds": 0, "scrub_bytes_per_second": 0,
                    "orphan_grace_seconds": 0, "free_delay_seconds": 1},
        "lifecycle": {"seconds_per_day": DAY_S, "interval_seconds": 0, "actions_per_second": 0}})
    data = tmp_path / "data"
    server = start_server(data, config=config)
    try:
        current = set_up(s3util.make_client(server))
    finally:
        server.stop()
    at_ms = int((time.time() + 2 * DAY_S) * 1000)
    # The pass is the first thing the restarted server commits: crash at its n-th commit.
    server = start_server(data, config=config, extra_env={"CAIRN_FAULT": f"{point}:{n}:crash"})
    try:
        try:
            run_pass(server, at_ms)
        except OSError:
            pass  # the server died under the request
        try:
            server.proc.wait(timeout=10)
        except Exception:
            server.proc.kill()
            server.proc.wait()
            pytest.fail(f"the pass never reached commit {n} ({point}): no crash was tested")
    finally:
        server.stop()

    server = start_server(data, config=config)
    try:
        s3 = s3util.make_client(server)
        time.sleep(1.5)  # a lease left by the killed pass would block only a pass, not reads
        deadline = time.monotonic() + 40
        while True:
            status, result = run_pass(server, at_ms)
            if status == 200:
                break
            # The killed pass's lease runs out 10 s after its last renewal.
            assert status == 409 and time.monotonic() < deadline, (status, result)
            time.sleep(1)
        assert result["errors"] == 0, result
        listed = {}
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=BUCKET):
            for v in page.get("Versions", []):
                listed.setdefault(v["Key"], []).append(v["VersionId"])
            assert not page.get("DeleteMarkers"), page
        # Exactly the current versions are left, each whole.
        assert listed == {k: [v] for k, v in current.items()}, listed
        for key in ("a/1", "b/1"):
            got = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
            assert got == bodies(key)[-1], key
        t = s3.get_object(Bucket=BUCKET, Key="t/1")
        assert t["Body"].read() == b"t" * (300 * 1024)
        assert s3.head_object(Bucket=BUCKET, Key="t/1")["StorageClass"] == "REDUCED_REDUNDANCY"
        time.sleep(1.5)  # replaced shards' deferred frees fall due
        progress = server.run_scrub()
        assert progress["unrecoverable"] == [] and progress["errors"] == [], progress
    finally:
        server.stop()
