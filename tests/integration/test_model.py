"""Model-based testing (issue 17), in the spirit of ShardStore's: random sequences of PUT,
overwrite, DELETE, CopyObject and multipart uploads from several writer threads, with GETs
running concurrently from reader threads, against Cairn and the reference model in s3model.py.
Every GET must return a value the model allows at that moment (the old object or the new one,
whole, never an error); meanwhile a drive loses all its shards and scrub passes repair it.
Afterwards every key is compared with the model, and a scrub finds nothing unrecoverable.

Runs against the embedded server and against a cluster (etcd, nine nodes) with writers on one
gateway and readers on the other. Seeded and bounded for script/test: CAIRN_MODEL_SEED picks
the seed (printed on failure) and CAIRN_MODEL_OPS the operations per writer (default 40; the
long run in docs/durability.md used more)."""

import os
import random
import shutil
import threading
import time

import pytest
from botocore.exceptions import ClientError

import s3util
from cairn_server import write_config
from cluster import Cluster
from s3model import S3Model, digest

MiB = s3util.MiB
SEED = int(os.environ.get("CAIRN_MODEL_SEED", "1217"))
OPS = int(os.environ.get("CAIRN_MODEL_OPS", "40"))
WRITERS, READERS, KEYS_PER_WRITER = 3, 3, 4
# Empty, inline, one EC stripe, several stripes. Multipart parts are 5 MiB + a little.
SIZES = [0, 1000, 16 * 1024 + 1, 300 * 1024, 6 * MiB + 5]
SIZE_WEIGHTS = [1, 4, 3, 3, 1]


def body_for(rng, key, n):
    size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
    head = f"{key}#{n}#".encode()
    return (head + rng.randbytes(max(0, size - len(head))))[:size] if size else b""


class Workload:
    def __init__(self, model, bucket, write_client, read_client, seed):
        self.model, self.bucket, self.seed = model, bucket, seed
        self.write_client, self.read_client = write_client, read_client
        self.stop_reading = threading.Event()
        self.failures = []
        self.reads = 0
        self.writes = 0
        self.lock = threading.Lock()

    def fail(self, msg):
        with self.lock:
            self.failures.append(msg)

    def writer(self, w):
        rng = random.Random(self.seed * 1000 + w)
        s3, b = self.write_client, self.bucket
        keys = [f"w{w}/k{i}" for i in range(KEYS_PER_WRITER)]
        known = {k: None for k in keys}  # this writer's keys: their current bodies
        for n in range(OPS):
            key = rng.choice(keys)
            op = rng.choices(["put", "delete", "copy", "multipart"], [10, 3, 3, 1])[0]
            try:
                if op == "put":
                    body = body_for(rng, key, n)
                    h = self.model.begin(key, digest(body))
                    s3.put_object(Bucket=b, Key=key, Body=body)
                    known[key] = body
                elif op == "delete":
                    h = self.model.begin(key, None)
                    s3.delete_object(Bucket=b, Key=key)
                    known[key] = None
                elif op == "copy":
                    sources = [k for k in keys if known[k] is not None and k != key]
                    if not sources:
                        continue
                    src = rng.choice(sources)
                    h = self.model.begin(key, digest(known[src]))
                    s3.copy_object(Bucket=b, Key=key, CopySource={"Bucket": b, "Key": src})
                    known[key] = known[src]
                else:
                    parts = [rng.randbytes(5 * MiB), rng.randbytes(rng.randint(0, 100_000))]
                    up = s3.create_multipart_upload(Bucket=b, Key=key)["UploadId"]
                    etags = [s3.upload_part(Bucket=b, Key=key, UploadId=up, PartNumber=i + 1,
                                            Body=p)["ETag"] for i, p in enumerate(parts)]
                    h = self.model.begin(key, digest(b"".join(parts)))
                    s3.complete_multipart_upload(
                        Bucket=b, Key=key, UploadId=up,
                        MultipartUpload={"Parts": [{"PartNumber": i + 1, "ETag": e}
                                                   for i, e in enumerate(etags)]})
                    known[key] = b"".join(parts)
                self.model.acknowledge(h)
                with self.lock:
                    self.writes += 1
            except ClientError as e:
                self.fail(f"writer {w} {op} {key}: {e}")
                return

    def reader(self, r):
        rng = random.Random(self.seed * 1000 + 100 + r)
        keys = [f"w{w}/k{i}" for w in range(WRITERS) for i in range(KEYS_PER_WRITER)]
        while not self.stop_reading.is_set():
            key = rng.choice(keys)
            start = time.monotonic()
            try:
                got = digest(self.read_client.get_object(Bucket=self.bucket,
                                                         Key=key)["Body"].read())
            except ClientError as e:
                if s3util.status_of(e) != 404:
                    self.fail(f"reader {r} GET {key}: {e}")
                    continue
                got = None
            end = time.monotonic()
            allowed = self.model.allowed(key, start, end)
            if got not in allowed:
                self.fail(f"reader {r} GET {key} returned {got}, allowed {allowed}")
            with self.lock:
                self.reads += 1

    def run(self, chaos=None):
        writers = [threading.Thread(target=self.writer, args=(w,)) for w in range(WRITERS)]
        readers = [threading.Thread(target=self.reader, args=(r,)) for r in range(READERS)]
        for t in writers + readers:
            t.start()
        try:
            if chaos:
                chaos(lambda: not any(t.is_alive() for t in writers))
        finally:
            for t in writers:
                t.join(timeout=600)
            self.stop_reading.set()
            for t in readers:
                t.join(timeout=120)

    def check_final(self, client):
        listed = {o["Key"] for o in client.list_objects_v2(Bucket=self.bucket).get("Contents", [])}
        for key in self.model.keys():
            final = self.model.possible_final(key)
            assert len(final) == 1, f"{key}: every write was acknowledged, yet {final}"
            try:
                got = digest(client.get_object(Bucket=self.bucket, Key=key)["Body"].read())
            except ClientError as e:
                assert s3util.status_of(e) == 404, e
                got = None
            assert got in final, f"{key}: holds {got}, the model says {final} (seed {self.seed})"
            assert (key in listed) == (got is not None), f"{key}: listing disagrees ({listed})"


def lose_a_drive_then_scrub(server, seed):
    """Chaos for the embedded server: a drive loses every shard while traffic runs, then scrub
    passes (degraded reads meanwhile) rebuild what is missing."""
    def chaos(writers_done):
        rng = random.Random(seed)
        time.sleep(1.0)
        drive = rng.choice(server.drive_dirs())
        shutil.rmtree(drive / "shards", ignore_errors=True)
        (drive / "shards").mkdir(exist_ok=True)
        while not writers_done():
            progress = server.run_scrub()
            assert progress["unrecoverable"] == [], progress
            time.sleep(0.5)
    return chaos


@pytest.fixture(scope="module")
def model_server(server_factory, tmp_path_factory):
    config = write_config(tmp_path_factory.mktemp("model-conf") / "cairn.toml", {
        "storage": {"free_delay_seconds": 2, "scrub_interval_seconds": 0,
                    "scrub_bytes_per_second": 0, "orphan_grace_seconds": 3600},
    })
    return server_factory("model", config=config)


def test_random_operations_match_the_model(model_server):
    s3 = s3util.make_client(model_server)
    bucket = s3util.unique_bucket("model")
    s3.create_bucket(Bucket=bucket)
    model = S3Model()
    load = Workload(model, bucket, s3, s3util.make_client(model_server), SEED)
    load.run(chaos=lose_a_drive_then_scrub(model_server, SEED))
    assert load.failures == [], f"seed {SEED}: {load.failures[:5]}"
    print(f"seed {SEED}: {load.writes} writes, {load.reads} concurrent reads checked")
    load.check_final(s3)
    progress = model_server.run_scrub()
    assert progress["unrecoverable"] == [] and progress["errors"] == [], progress


@pytest.fixture(scope="module")
def model_cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("model-cluster")).start()
    yield c
    c.stop()


def test_random_operations_through_two_gateways_match_the_model(model_cluster):
    write_client, read_client = (s3util.make_client(g, read_timeout=60)
                                 for g in model_cluster.gateways)
    bucket = s3util.unique_bucket("model")
    write_client.create_bucket(Bucket=bucket)
    model = S3Model()
    load = Workload(model, bucket, write_client, read_client, SEED + 1)
    load.run()
    assert load.failures == [], f"seed {SEED + 1}: {load.failures[:5]}"
    print(f"seed {SEED + 1}: {load.writes} writes, {load.reads} concurrent reads checked")
    load.check_final(read_client)
    load.check_final(write_client)
