"""Growing and shrinking a cluster (tests/integration/cluster.py): three storage nodes join
through `cairn admin cluster add-node` while clients read and write through both gateways, the
rebalancer moves shards onto them, and not one client request fails; then a node is drained
and removed the same way. Everything goes through the real CLI and real boto3 clients, with
client retries off, so any failed request fails the test.

The module has its own cluster: it ends with 12 nodes, which the other cluster tests do not
expect."""

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

import s3util
from cairn_server import ROOT_ACCESS_KEY, ROOT_SECRET_KEY, cairn_binary
from cluster import NODES_PER_ZONE, ZONES, Cluster, wait_drives_healthy, wait_rebalanced

SIZES = (40 * 1024, 700 * 1024, 3 * s3util.MiB + 5)  # all above the inline limit
OBJECTS = 24


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    # Old copies of moved shards stay 20 s, long enough for the move-back case below.
    c = Cluster(tmp_path_factory.mktemp("rebalance"), settings={"REBALANCE_RELEASE": "20"}).start()
    yield c
    c.stop()


@pytest.fixture(autouse=True)
def _show_logs_on_failure(request, cluster):
    failed_before = request.session.testsfailed
    yield
    if request.session.testsfailed > failed_before:
        print(cluster.logs())


def admin_cli(gateway, *args):
    """Runs `cairn admin ARGS` against a gateway; returns (exit status, stdout + stderr)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
    run = subprocess.run(
        [str(cairn_binary()), "admin", *args, "--endpoint", f"127.0.0.1:{gateway.port}",
         "--access-key", ROOT_ACCESS_KEY, "--secret-key", ROOT_SECRET_KEY],
        capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    return run.returncode, run.stdout + run.stderr


def cluster_status(gateway):
    status, body = gateway.admin("GET", "cluster")
    assert status == 200, f"GET /_cairn/admin/cluster answered {status}: {body!r}"
    return body


def wait_for_map(gateway, nodes, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        body = cluster_status(gateway)
        if len(body["nodes"]) == nodes and all(n["url"] for n in body["nodes"]):
            return body
        assert time.monotonic() < deadline, f"cluster map never showed {nodes} nodes: {body}"
        time.sleep(0.5)


def shard_files(node):
    return [p for p in (Path(node.log_path).parent / node.name / "drives").rglob("c*.s*")
            if p.is_file()]


class Load:
    """Clients that keep reading the seeded objects and writing new ones through both
    gateways until stopped; every failure is recorded (retries are off)."""

    def __init__(self, clients, bucket, objects):
        self.clients, self.bucket, self.objects = clients, bucket, objects
        self.failures, self.requests = [], 0
        self.written = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(4)]

    def __enter__(self):
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=120)

    def _run(self, worker):
        client = self.clients[worker % 2]
        keys = sorted(self.objects)
        n = 0
        while not self._stop.is_set():
            n += 1
            try:
                if worker < 2:
                    key = keys[(n * 7 + worker) % len(keys)]
                    body = client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
                    if body != self.objects[key]:
                        raise AssertionError(f"GET {key}: wrong bytes")
                else:
                    key = f"during/{worker}/{n}"
                    data = s3util.pseudo_random_bytes(SIZES[n % len(SIZES)], seed=1000 * worker + n)
                    client.put_object(Bucket=self.bucket, Key=key, Body=data)
                    with self._lock:
                        self.written[key] = data
            except Exception as e:  # noqa: BLE001 - every failure counts
                with self._lock:
                    self.failures.append(f"worker {worker} request {n}: {e!r}")
            with self._lock:
                self.requests += 1
            time.sleep(0.02)


def test_add_three_nodes_while_clients_run_then_drain_and_remove_one(cluster):
    clients = [s3util.make_client(g, read_timeout=60) for g in cluster.gateways]
    g0, g1 = cluster.gateways
    wait_for_map(g0, len(ZONES) * NODES_PER_ZONE)

    bucket = s3util.unique_bucket("rb")
    clients[0].create_bucket(Bucket=bucket)
    objects = {f"seed/{i}": s3util.pseudo_random_bytes(SIZES[i % len(SIZES)], seed=i)
               for i in range(OBJECTS)}
    for key, data in objects.items():
        clients[0].put_object(Bucket=bucket, Key=key, Body=data)
    # A multipart upload still in progress: its part stays where it is (parts move once they
    # belong to an object), and it completes after the nodes joined.
    upload = clients[1].create_multipart_upload(Bucket=bucket, Key="pending")["UploadId"]
    part = s3util.pseudo_random_bytes(5 * s3util.MiB, seed=77)
    etag = clients[1].upload_part(Bucket=bucket, Key="pending", UploadId=upload, PartNumber=1,
                                  Body=part)["ETag"]

    rc, out = admin_cli(g1, "cluster", "status")
    assert rc == 0, out
    print(out)
    assert "9 nodes in 3 zones, 27 of 27 drives healthy" in out

    with Load(clients, bucket, objects) as load:
        time.sleep(1)
        added = cluster.start_extra_nodes(ZONES)
        for i, node in enumerate(added):
            rc, out = admin_cli(cluster.gateways[i % 2], "cluster", "add-node",
                                f"http://127.0.0.1:{node.port}")
            assert rc == 0, out
            assert f"added node at http://127.0.0.1:{node.port}" in out
        rc, out = admin_cli(g0, "cluster", "add-node", f"http://127.0.0.1:{added[0].port}")
        assert rc != 0 and "already in the cluster" in out, out
        # The pass that counts is the one the joins asked for: it starts 5 s (the settle time)
        # after the last join, when every gateway has long seen the new map. A pass that began
        # earlier (a gateway's startup pass, say) may already have moved most shards, or ran
        # while gateways could still write with the old map; the rebalancer owes the joins
        # another pass after it, and that one must leave nothing misplaced.
        since = int(time.time() * 1000) + 4000
        passed = wait_rebalanced(g0, since)
        time.sleep(1)
    print(f"rebalance pass: {passed}; {load.requests} client requests during it")
    assert load.failures == [], f"{len(load.failures)} failed requests: {load.failures[:5]}"
    assert load.requests > 50
    assert passed["errors"] == 0, passed
    assert passed["shards_moved"] == passed["shards_misplaced"], passed

    # The new nodes now hold shards (the old copies wait for their release).
    moved_to_new = sum(len(shard_files(n)) for n in added)
    total = sum(len(shard_files(n)) for n in cluster.nodes)
    print(f"shards on the 3 new nodes: {moved_to_new} of {total}")
    assert moved_to_new >= total // 8, "about a quarter of the shards belong on 9 of 36 drives"
    wait_drives_healthy(cluster.gateways, drives=36)

    rc, out = admin_cli(g1, "cluster", "status")
    assert rc == 0, out
    print(out)
    assert "12 nodes in 3 zones, 36 of 36 drives healthy" in out
    # Idle, or already running the pass that follows the new drives turning healthy in a
    # gateway's view (the rebalancer's "healed" pass): the line says which.
    assert "rebalance: idle; last pass" in out or "rebalance: running on gateway-" in out, out
    since = int(time.time() * 1000)
    rc, out = admin_cli(g1, "cluster", "rebalance")
    assert rc == 0 and "rebalance pass requested" in out, out
    again = wait_rebalanced(g1, since)
    assert again["shards_misplaced"] == 0 and again["errors"] == 0, again

    for key, data in {**objects, **load.written}.items():
        for c in clients:
            assert c.get_object(Bucket=bucket, Key=key)["Body"].read() == data, key
    clients[0].complete_multipart_upload(
        Bucket=bucket, Key="pending", UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert clients[1].get_object(Bucket=bucket, Key="pending")["Body"].read() == part

    # Second thoughts: drain a new node at once. Its shards move back, mostly to the drives
    # they just left, where the old copies still wait for their release: the release must not
    # delete a copy that is live again. A scrub after every release is due finds nothing.
    second = added[0]
    since = int(time.time() * 1000)
    rc, out = admin_cli(g0, "cluster", "drain-node", second.name)
    assert rc == 0, out
    back = wait_rebalanced(g0, since)
    assert back["errors"] == 0 and back["shards_moved"] > 0, back
    time.sleep(21)
    progress = g0.run_scrub(query=f"bucket={bucket}")
    assert progress["unrecoverable"] == [] and progress["errors"] == [], progress
    assert progress["shards_repaired"] == 0, f"releases removed live shards: {progress}"
    rc, out = admin_cli(g0, "cluster", "remove-node", second.name)
    assert rc == 0, out
    cluster.kill([second])
    cluster.nodes.remove(second)

    # Drain an original node: refused removal while active or still holding shards, then
    # its shards move away and it can go.
    victim = cluster.nodes[0]
    rc, out = admin_cli(g0, "cluster", "remove-node", victim.name)
    assert rc != 0 and "drain it first" in out, out
    since = int(time.time() * 1000)
    rc, out = admin_cli(g0, "cluster", "drain-node", victim.name)
    assert rc == 0 and "draining" in out, out
    with Load(clients, bucket, objects) as load:
        passed = wait_rebalanced(g1, since)
        time.sleep(1)
    assert load.failures == [], f"{len(load.failures)} failed requests: {load.failures[:5]}"
    assert passed["errors"] == 0, passed
    rc, out = admin_cli(g1, "cluster", "remove-node", victim.name)
    assert rc == 0, out
    assert victim.name not in out.split("removed node")[1].split("\n", 1)[1]
    cluster.kill([victim])
    cluster.nodes.remove(victim)
    for key, data in {**objects, **load.written}.items():
        for c in clients:
            assert c.get_object(Bucket=bucket, Key=key)["Body"].read() == data, key
    s3util.empty_and_delete_bucket(clients[0], bucket)


def test_cluster_commands_refuse_bad_input(cluster):
    g0 = cluster.gateways[0]
    wait_for_map(g0, len(cluster.nodes))
    rc, out = admin_cli(g0, "cluster", "drain-node", "no-such-node")
    assert rc == 2 and "no node named 'no-such-node'" in out, out
    rc, out = admin_cli(g0, "cluster", "add-node", "http://127.0.0.1:1")
    assert rc == 2 and "did not answer" in out, out
    rc, out = admin_cli(g0, "cluster", "add-node", "http://127.0.0.1:1", "--weight", "0")
    assert rc == 2 and "weight" in out, out
    status, body = g0.admin("POST", "cluster/add")
    assert status == 400 and "url=" in body["error"], body
    rc, out = admin_cli(g0, "cluster", "frobnicate")
    assert rc == 2 and "usage: cairn admin cluster" in out, out


def test_weights_and_undrain(cluster):
    g0, g1 = cluster.gateways
    node = cluster.nodes[-1].name
    rc, out = admin_cli(g0, "cluster", "set-weight", node, "2")
    assert rc == 0 and f"node {node} now has weight 2" in out, out
    assert [n["weight"] for n in cluster_status(g1)["nodes"] if n["name"] == node] == [2]
    rc, out = admin_cli(g1, "cluster", "drain-node", node)
    assert rc == 0, out
    rc, out = admin_cli(g1, "cluster", "undrain-node", node)
    assert rc == 0 and f"node {node} is active again" in out, out
    assert [n["state"] for n in cluster_status(g0)["nodes"] if n["name"] == node] == ["active"]
    rc, out = admin_cli(g0, "cluster", "set-weight", node, "1")
    assert rc == 0, out
    rc, out = admin_cli(g0, "cluster", "set-weight", node, "0")
    assert rc == 2 and "weight must be greater than 0" in out, out
    rc, out = admin_cli(g0, "cluster", "set-weight", "no-such-node", "2")
    assert rc == 2 and "no node named 'no-such-node'" in out, out
