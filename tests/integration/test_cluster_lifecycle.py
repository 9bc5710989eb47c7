"""Lifecycle on the distributed Cairn (meta/etcd, shards on storage nodes, two gateways): rules
put through one gateway apply to writes through the other, one pass runs at a time in the
cluster (two gateways asked at once: one runs, the other answers 409 while the lease is held),
and expiry, noncurrent removal and a transition between codecs are seen through both gateways.
The cluster's lifecycle day is 2 s (cluster.py)."""
import threading
import time

import pytest

import s3util
from cluster import Cluster

DAY_S = 2


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("lc-cluster")).start()
    yield c
    c.stop()


@pytest.fixture(scope="module")
def clients(cluster):
    return [s3util.make_client(g, read_timeout=30) for g in cluster.gateways]


def run(gateway, days_ahead):
    at_ms = int((time.time() + days_ahead * DAY_S) * 1000)
    return gateway.admin("POST", "lifecycle/run", f"at={at_ms}", timeout=120)


def run_until_done(gateway, days_ahead, timeout=60):
    """A pass through `gateway`, waiting out a pass another gateway holds."""
    deadline = time.monotonic() + timeout
    while True:
        status, body = run(gateway, days_ahead)
        if status == 200:
            return body
        assert status == 409 and time.monotonic() < deadline, (status, body)
        time.sleep(0.5)


def test_one_pass_at_a_time_and_both_gateways_agree(cluster, clients):
    a, b = clients
    bucket = s3util.unique_bucket("lccl")
    a.create_bucket(Bucket=bucket)
    try:
        a.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        b.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
            {"ID": "nc", "Status": "Enabled", "Filter": {"Prefix": ""},
             "NoncurrentVersionExpiration": {"NoncurrentDays": 1}},
            {"ID": "cold", "Status": "Enabled", "Filter": {"Prefix": "cold/"},
             "Transitions": [{"Days": 1, "StorageClass": "REDUCED_REDUNDANCY"}]},
            {"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
             "Expiration": {"Days": 1}}]})
        assert len(a.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]) == 3
        current = {}
        for i in range(20):
            client = clients[i % 2]
            current[f"k{i % 5}"] = client.put_object(
                Bucket=bucket, Key=f"k{i % 5}", Body=f"{i}".encode() * 5000)["VersionId"]
        body = s3util.pseudo_random_bytes(9 << 20, seed=3)
        b.put_object(Bucket=bucket, Key="cold/big", Body=body)
        a.put_object(Bucket=bucket, Key="tmp/x", Body=b"x")

        # Both gateways asked at once: the lease lets one pass run; the other waits it out.
        answers = []
        threads = [threading.Thread(target=lambda g=g: answers.append(run(g, 2)))
                   for g in cluster.gateways]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=180)
        ok = [body for status, body in answers if status == 200]
        assert ok and all(status in (200, 409) for status, _ in answers), answers
        # Finish with a pass through the other gateway (nothing left to do, or what a 409 left).
        final = run_until_done(cluster.gateways[1], 2)
        total = {k: sum(r[k] for r in ok + [final])
                 for k in ("versions_deleted", "transitions", "objects_expired")}
        # 5 keys x 3 noncurrent versions, and tmp/x: expired (a delete marker), then noncurrent.
        assert total == {"versions_deleted": 16, "transitions": 1, "objects_expired": 1}, (
            answers, final)
        assert all(r["errors"] == 0 for r in ok + [final])

        for client in clients:
            for key, version in current.items():
                vs = client.list_object_versions(Bucket=bucket, Prefix=key)["Versions"]
                assert [v["VersionId"] for v in vs] == [version], (key, vs)
            head = client.head_object(Bucket=bucket, Key="cold/big")
            assert head["StorageClass"] == "REDUCED_REDUNDANCY"
            assert client.get_object(Bucket=bucket, Key="cold/big")["Body"].read() == body
            assert "Contents" not in client.list_objects_v2(Bucket=bucket, Prefix="tmp/")
        status, shown = cluster.gateways[0].admin("GET", "lifecycle")
        assert status == 200 and shown["state"] == "idle" and shown["errors"] == 0, shown
    finally:
        s3util.empty_and_delete_bucket(a, bucket)
