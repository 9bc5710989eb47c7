"""Full drives: three of the nine drive directories are small file systems mounted before the
server starts (tmpfs; an ext4 image on a loop device where tmpfs cannot be mounted), drive4
smaller than drive6 and drive7. PUTs of 2 MiB objects fill them:

- while only drive4 is full, PUTs still succeed (8 of 9 shards >= quorum 7) and queue a repair;
- once all three are full, PUTs fail cleanly with 503 ServiceUnavailable and leave no shard or
  temp file behind;
- every acknowledged object keeps reading back exactly, and refused keys are never listed;
- after deletes free space (once their deferred free is due), draining the repair queue
  completes the degraded objects.

Mounting needs root (CAP_SYS_ADMIN); without it the test fails, saying so -- it never skips.
Everything mounted is unmounted at the end."""

import contextlib
import os
import subprocess
import time

import pytest
from botocore.exceptions import ClientError

from cairn_server import start_server, write_config
from s3util import MiB, make_client, pseudo_random_bytes, status_of, unique_bucket

SIZES_MB = {"drive4": 4, "drive6": 8, "drive7": 8}
OBJECT = 2 * MiB + 17
MAX_PUTS = 60


def _run(argv):
    return subprocess.run(argv, capture_output=True, text=True)


def _mount_small_fs(path, size_mb, images):
    """Mounts a file system of about size_mb at path; returns how, or raises with what failed."""
    tmpfs = _run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(path)])
    if tmpfs.returncode == 0:
        return "tmpfs"
    image = images / f"{path.name}.img"
    with open(image, "wb") as f:
        f.truncate(size_mb * MiB)
    mkfs = _run(["mkfs.ext4", "-q", "-F", "-m", "0", str(image)])
    loop = _run(["mount", "-o", "loop", str(image), str(path)]) if mkfs.returncode == 0 else mkfs
    if loop.returncode == 0:
        return "ext4 on a loop device"
    pytest.fail(f"cannot mount a small file system at {path}: tmpfs: {tmpfs.stderr.strip()}; "
                f"loop ext4: {loop.stderr.strip()} (the test needs root / CAP_SYS_ADMIN)",
                pytrace=False)


@contextlib.contextmanager
def small_drives(data_dir, images):
    mounted = []
    try:
        for name, size_mb in SIZES_MB.items():
            path = data_dir / "drives" / name
            path.mkdir(parents=True)
            _mount_small_fs(path, size_mb, images)
            mounted.append(path)
        yield mounted
    finally:
        problems = []
        for path in reversed(mounted):
            result = _run(["umount", str(path)])
            if result.returncode != 0:
                problems.append(f"{path}: {result.stderr.strip()}")
        assert not problems, f"could not unmount: {problems}"


def test_full_drives_give_clean_results(tmp_path):
    data_dir = tmp_path / "data"
    images = tmp_path / "images"
    images.mkdir()
    # Deleted objects' space comes back once their deferred free is due: 1 s here.
    config = write_config(tmp_path / "cairn.toml", {"storage": {
        "scrub_interval_seconds": 0, "scrub_bytes_per_second": 0, "free_delay_seconds": 1}})
    with small_drives(data_dir, images) as mounted:
        server = start_server(data_dir, config=config)
        try:
            _fill_and_check(server, mounted)
        finally:
            server.stop()


def _fill_and_check(server, mounted):
    s3 = make_client(server)
    bucket = unique_bucket("full")
    s3.create_bucket(Bucket=bucket)
    stored = {}     # key -> data, acknowledged
    degraded = []   # keys acknowledged while drive4 was full
    refused = []
    for n in range(MAX_PUTS):
        key = f"obj-{n:02d}"
        data = pseudo_random_bytes(OBJECT, seed=n)
        before = server.shard_files()
        drive4_full = _free(mounted[0]) < OBJECT // 6
        try:
            s3.put_object(Bucket=bucket, Key=key, Body=data)
        except ClientError as e:
            code = e.response.get("Error", {}).get("Code")
            assert (status_of(e), code) == (503, "ServiceUnavailable"), (
                f"{key}: a PUT onto full drives must succeed or answer 503: {e.response}")
            left = [p for p, sig in server.shard_files().items() if before.get(p) != sig]
            assert left == [], f"{key}: a refused PUT left shard files behind: {left}"
            refused.append(key)
            if len(refused) >= 3:
                break
            continue
        assert not refused, f"{key} succeeded after {refused} were refused with 503"
        stored[key] = data
        if drive4_full:
            degraded.append(key)

    print(f"{len(stored)} PUTs stored ({len(degraded)} with drive4 full), refused: {refused}")
    assert degraded, f"no PUT succeeded while drive4 was full (stored {len(stored)})"
    assert refused, f"no PUT was refused in {MAX_PUTS} with 3 drives full"
    status, queue = server.admin("GET", "repair")
    assert status == 200 and queue["queued"] >= len(degraded), (
        f"{len(degraded)} degraded PUTs, repair queue {queue}")
    listed = {o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
              for o in page.get("Contents", [])}
    assert listed == set(stored), f"listed {sorted(listed ^ set(stored))} wrongly"
    for key, data in stored.items():
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == data, f"{key}: wrong data"
    for drive in mounted:
        temp = os.listdir(drive / "tmp")
        assert temp == [], f"{drive}: temp files left by failed writes: {temp}"

    # Free space by deleting all but the last three degraded objects; the queue then drains.
    keep = set(degraded[-3:])
    for key in stored:
        if key not in keep:
            s3.delete_object(Bucket=bucket, Key=key)
    deadline = time.monotonic() + 15
    while server.meta_keys("g/"):  # the deleted objects' shards are freed once due
        assert time.monotonic() < deadline, f"frees still pending: {server.meta_keys('g/')}"
        time.sleep(0.2)
    status, result = server.admin("POST", "repair")
    assert status == 200 and result["queued"] == 0, f"repair queue after freeing space: {result}"
    progress = server.run_scrub(f"bucket={bucket}")
    assert progress["errors"] == [] and progress["unrecoverable"] == [], progress
    assert progress["shards_repaired"] == 0, f"the repair left shards missing: {progress}"
    for key in keep:
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == stored[key]


def _free(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize
