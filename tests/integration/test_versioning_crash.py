"""A crash (SIGKILL at a metadata commit: before it, or after it before the answer) in the
middle of versioned writes -- overwrites, a delete-marker creation, the deletion of the current
version (which makes an older one current again) -- loses no acknowledged version and leaves
nothing half-made: afterwards ListObjectVersions lists exactly the acknowledged versions plus,
at most, the one in flight, each reading back whole, and a scrub finds nothing unrecoverable."""
import pytest
from botocore.exceptions import BotoCoreError, ClientError

import s3util
from cairn_server import start_server, write_config

BUCKET = "crash-versions"
# Metadata commits of the sequence after the bucket set-up (create, enable versioning).
SETUP_COMMITS = 2


def run(s3, acked):
    """The versioned writes in order; appends (version id, body or None for a delete marker)
    for each acknowledged one, and returns the operation in flight when the server died."""
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    bodies = [bytes([i]) * (40 * 1024) for i in range(3)]  # above the inline limit
    steps = [("put", bodies[0]), ("put", bodies[1]), ("delete", None), ("put", bodies[2]),
             ("delete-current", None), ("put", b"small")]
    for op, body in steps:
        try:
            if op == "put":
                acked.append((s3.put_object(Bucket=BUCKET, Key="k", Body=body)["VersionId"], body))
            elif op == "delete":
                acked.append((s3.delete_object(Bucket=BUCKET, Key="k")["VersionId"], None))
            else:
                current, _ = acked.pop()
                s3.delete_object(Bucket=BUCKET, Key="k", VersionId=current)
        except (BotoCoreError, ClientError, OSError):
            return op
    return None


@pytest.mark.parametrize("point", ["meta_commit", "meta_committed"])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
def test_crash_during_versioned_writes(tmp_path, point, n):
    config = write_config(tmp_path / "cairn.toml", {"storage": {
        "scrub_interval_seconds": 0, "scrub_bytes_per_second": 0, "orphan_grace_seconds": 0,
        "free_delay_seconds": 1}})
    data = tmp_path / "data"
    server = start_server(data, config=config,
                          extra_env={"CAIRN_FAULT": f"{point}:{SETUP_COMMITS + n}:crash"})
    acked = []
    try:
        in_flight = run(s3util.make_client(server, retries={"total_max_attempts": 1},
                                           read_timeout=30), acked)
        try:
            server.proc.wait(timeout=5)
        except Exception:
            server.proc.kill()
            server.proc.wait()
    finally:
        server.stop()
    server = start_server(data, config=config)
    try:
        s3 = s3util.make_client(server)
        listed = []
        for page in s3.get_paginator("list_object_versions").paginate(
                Bucket=BUCKET, PaginationConfig={"PageSize": 1}):
            listed += [(v["VersionId"], False) for v in page.get("Versions", [])]
            listed += [(d["VersionId"], True) for d in page.get("DeleteMarkers", [])]
        ids = [v for v, _ in listed]
        for version, body in acked:
            assert version in ids, f"acknowledged {version} lost after a crash at {point}:{n}"
        extra = [v for v, _ in listed if v not in {a for a, _ in acked}]
        # Only the operation in flight may have applied: a new version or delete marker, or
        # (a delete of the current version) the version it would have removed is still there.
        assert len(extra) <= (1 if in_flight else 0), (listed, acked)
        for version, marker in listed:
            if marker:
                continue
            got = s3.get_object(Bucket=BUCKET, Key="k", VersionId=version)["Body"].read()
            expected = dict(acked).get(version)
            assert expected is None or got == expected, f"{version} does not read back whole"
        progress = server.run_scrub()
        assert progress["unrecoverable"] == [] and progress["errors"] == [], progress
    finally:
        server.stop()
