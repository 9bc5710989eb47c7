"""Crash injection at every durability point (issue 17): `cairn serve` is started with
CAIRN_FAULT=<point>:<n> (core/src/fault/fault_points.h), which kills it with SIGKILL the n-th
time a write reaches that point (before or after a shard commit, before or after a metadata
commit, before a shard removal). A fixed sequence of writes runs until the server dies; the
server is restarted on the same data and every key is checked against the model (s3model.py):
an acknowledged write is never lost, the write in flight is all or nothing (the old value or
the new one, whole), and a scrub finds nothing unrecoverable. The same points in "fail" mode
make the call fail instead (a metadata commit applied but reported as of unknown outcome,
a shard committed but reported failed, ...), and the server must keep every object whole.

A trace run first counts how often the sequence reaches each point. script/test explores a
bounded, seeded sample of those; CAIRN_CRASH_ALL=1 explores every one (the long run reported in
docs/durability.md)."""

import os
import random
import re
import time

import pytest
from botocore.exceptions import BotoCoreError, ClientError

import s3util
from cairn_server import start_server, write_config
from s3model import S3Model, digest

MiB = s3util.MiB
POINTS = ["shard_commit", "shard_committed", "meta_commit", "meta_committed", "shard_remove"]
EXPLORE_ALL = os.environ.get("CAIRN_CRASH_ALL") == "1"
SAMPLE_PER_POINT = 3
BUCKET = "crash-points"


def sequence():
    """The writes, as (key, operation, payload); bodies are fixed so that runs compare."""
    rng = random.Random(17)
    a, b1, b2, e = (rng.randbytes(n) for n in (1000, 300 * 1024, 7 * MiB, 20 * 1024))
    parts = [rng.randbytes(5 * MiB), rng.randbytes(1000)]
    return [
        ("a", "put", a), ("b", "put", b1), ("b", "put", b2), ("c", "copy", "a"),
        ("d", "multipart", parts), ("a", "delete", None), ("e", "put", e), ("d", "put", b"small"),
        ("b", "delete", None),
    ]


def run_sequence(s3, model, create_bucket=True):
    """Runs the writes in order, recording each in the model. Returns the number of writes
    acknowledged; stops at the first that got no answer (the server died)."""
    if create_bucket:
        try:
            s3.create_bucket(Bucket=BUCKET)
        except ClientError as e:
            # A retry after an injected failure finds the bucket made by the first attempt.
            if e.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
                return 0
        except (BotoCoreError, OSError):
            return 0  # died creating the bucket
    bodies = {}
    done = 0
    for key, op, payload in sequence():
        value = {"put": lambda: payload, "delete": lambda: None,
                 "copy": lambda: bodies.get(payload),
                 "multipart": lambda: b"".join(payload)}[op]()
        handle = model.begin(key, digest(value))
        try:
            if op == "put":
                s3.put_object(Bucket=BUCKET, Key=key, Body=payload)
            elif op == "delete":
                s3.delete_object(Bucket=BUCKET, Key=key)
            elif op == "copy":
                s3.copy_object(Bucket=BUCKET, Key=key, CopySource={"Bucket": BUCKET, "Key": payload})
            else:
                up = s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
                etags = [s3.upload_part(Bucket=BUCKET, Key=key, UploadId=up, PartNumber=i + 1,
                                        Body=p)["ETag"] for i, p in enumerate(payload)]
                s3.complete_multipart_upload(
                    Bucket=BUCKET, Key=key, UploadId=up,
                    MultipartUpload={"Parts": [{"PartNumber": i + 1, "ETag": t}
                                               for i, t in enumerate(etags)]})
        except ClientError:
            # An S3 error (e.g. 500 after an injected failure): the outcome is unknown to the
            # client, as it would be with AWS. The model keeps both possibilities.
            bodies[key] = None
            continue
        except (BotoCoreError, OSError):
            return done  # no answer: the server is gone; this write stays in flight
        model.acknowledge(handle)
        bodies[key] = value
        done += 1
    return done


def check_against_model(server, model):
    s3 = s3util.make_client(server)
    for key in model.keys():
        try:
            got = digest(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
        except ClientError as e:
            assert s3util.status_of(e) == 404, f"{key}: {e}"
            got = None
        final = model.possible_final(key)
        assert got in final, f"{key}: holds {got}, the model allows {final}"
    progress = server.run_scrub()
    assert progress["unrecoverable"] == [] and progress["errors"] == [], progress


@pytest.fixture(scope="module")
def crash_config(tmp_path_factory):
    # Frees due at once, so the deferred free's own points are reached during the sequence.
    return write_config(tmp_path_factory.mktemp("crash-conf") / "cairn.toml", {
        "storage": {"free_delay_seconds": 1, "scrub_interval_seconds": 0,
                    "scrub_bytes_per_second": 0, "repair_interval_seconds": 1},
    })


@pytest.fixture(scope="module")
def trace(tmp_path_factory, crash_config):
    """{point: how many times the sequence reaches it}, after start-up."""
    server = start_server(tmp_path_factory.mktemp("crash-trace"), config=crash_config,
                          extra_env={"CAIRN_FAULT": "trace"})
    try:
        startup = server.log_tail(max_bytes=10**7).count("fault point ")
        assert run_sequence(s3util.make_client(server), S3Model()) == len(sequence())
        time.sleep(3)  # the deferred frees fall due (free_delay_seconds = 1) and run
        lines = re.findall(r"fault point (\w+) #\d+", server.log_tail(max_bytes=10**7))
    finally:
        server.stop()
    counts = {p: lines[startup:].count(p) for p in POINTS}
    assert counts["shard_commit"] > 0 and counts["meta_committed"] > 0, counts
    return counts


def cases(counts, mode):
    rng = random.Random(4242 + len(mode))
    out = []
    for point in POINTS:
        occurrences = list(range(1, counts[point] + 1))
        if not EXPLORE_ALL and len(occurrences) > SAMPLE_PER_POINT:
            occurrences = sorted([1, occurrences[-1]] + rng.sample(occurrences[1:-1],
                                                                    SAMPLE_PER_POINT - 2))
        out += [(point, n, mode) for n in occurrences]
    return out


def explore(tmp_path_factory, crash_config, counts, mode):
    explored = []
    for point, n, action in cases(counts, mode):
        data = tmp_path_factory.mktemp(f"crash-{point}-{n}-{action}")
        model = S3Model()
        server = start_server(data, config=crash_config,
                              extra_env={"CAIRN_FAULT": f"{point}:{n}:{action}"})
        s3 = s3util.make_client(server, read_timeout=30)
        try:
            acked = run_sequence(s3, model)
        except BaseException:
            server.stop()  # an unexpected error must not leave the server running
            raise
        finally:
            if action == "crash":
                # The armed point may come after the last write (a deferred free); if it never
                # comes, a SIGKILL now is a crash at an arbitrary point, which is fine too.
                try:
                    server.proc.wait(timeout=5)
                except Exception:
                    server.proc.kill()
                    server.proc.wait()
        if action == "crash":
            assert server.proc.returncode == -9, f"{point}:{n}: exit {server.proc.returncode}"
            server.stop()
            server = start_server(data, config=crash_config)
        try:
            check_against_model(server, model)
        except AssertionError as e:
            raise AssertionError(f"after {action} at {point} #{n} ({acked} writes acknowledged): "
                                 f"{e}\n{server.log_tail()}") from e
        finally:
            server.stop()
        explored.append((point, n, acked))
    print(f"{mode}: explored {len(explored)} points: {explored}")
    return explored


def test_a_crash_at_any_durability_point_loses_nothing_acknowledged(tmp_path_factory,
                                                                     crash_config, trace):
    print(f"points reached by the sequence: {trace}")
    explored = explore(tmp_path_factory, crash_config, trace, "crash")
    assert len(explored) >= len(POINTS)


def test_a_failed_call_at_any_durability_point_keeps_objects_whole(tmp_path_factory,
                                                                   crash_config, trace):
    explore(tmp_path_factory, crash_config, trace, "fail")
