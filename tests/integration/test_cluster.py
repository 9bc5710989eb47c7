"""Distributed mode: two gateways over one etcd cluster and nine storage nodes in three zones
(tests/integration/cluster.py). Reads after writes across gateways, nodes and a whole zone
killed with SIGKILL, and the etcd leader killed under a stream of metadata writes.

One cluster serves the whole module; every test restarts what it killed before it ends, so the
order does not matter."""

import os
import random
import signal
import threading
import time

import pytest
from botocore.exceptions import ClientError

import s3util
from cluster import (Cluster, drain_repair, rebalance_now, repair_queued, wait_drives_healthy,
                     wait_rebalanced)

# Sizes around the inline limit (16 KiB: stored in the metadata record, never on a node), one
# stripe, and several stripes of the 6 x 1 MiB layout.
SIZES = (100, 200 * 1024, 3 * s3util.MiB + 17)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("cluster")).start()
    yield c
    c.stop()


@pytest.fixture(scope="module")
def clients(cluster):
    # Up to two retries, as real clients do: a PUT racing a node's death can lose 3 of its 9
    # shards (503) before the gateway marks that node's drives unhealthy; see _survive.
    return [s3util.make_client(g, retries={"total_max_attempts": 3, "mode": "standard"},
                               read_timeout=30) for g in cluster.gateways]


@pytest.fixture
def cluster_bucket(clients):
    name = s3util.unique_bucket("cl")
    clients[0].create_bucket(Bucket=name)
    yield name
    s3util.empty_and_delete_bucket(clients[0], name)


@pytest.fixture(autouse=True)
def _show_logs_on_failure(request, cluster):
    failed_before = request.session.testsfailed
    yield
    if request.session.testsfailed > failed_before:
        print(cluster.logs())


def read(client, bucket, key):
    return client.get_object(Bucket=bucket, Key=key)["Body"].read()


def test_put_through_one_gateway_is_read_through_the_other(clients, cluster_bucket):
    a, b = clients
    for i, size in enumerate(SIZES):
        data = s3util.pseudo_random_bytes(size, seed=i)
        a.put_object(Bucket=cluster_bucket, Key=f"k{i}", Body=data)
        assert read(b, cluster_bucket, f"k{i}") == data
        newer = s3util.pseudo_random_bytes(size, seed=100 + i)
        b.put_object(Bucket=cluster_bucket, Key=f"k{i}", Body=newer)
        assert read(a, cluster_bucket, f"k{i}") == newer
        a.delete_object(Bucket=cluster_bucket, Key=f"k{i}")
        with s3util.expect_error("NoSuchKey", 404):
            b.get_object(Bucket=cluster_bucket, Key=f"k{i}")
    listed = b.list_objects_v2(Bucket=cluster_bucket).get("Contents", [])
    assert listed == []


def test_concurrent_conditional_writers_through_both_gateways(cluster, clients, cluster_bucket):
    """Of writers racing If-None-Match: * on one key through two gateways over etcd, exactly
    one wins; the others get 412 (or 409), and the object holds the winner's bytes. If-Match
    with the winner's ETag then lets exactly one of a second round of racers replace it."""
    writers = 8
    racers = [s3util.make_client(cluster.gateways[i % 2], read_timeout=30)
              for i in range(writers)]

    def race(header, value, seed):
        bodies = [s3util.pseudo_random_bytes(200 * 1024, seed=seed + i) for i in range(writers)]
        barrier = threading.Barrier(writers)
        results = [None] * writers

        def write(i):
            def add(request, **_):
                request.headers[header] = value
            racers[i].meta.events.register_first("before-sign.s3.PutObject", add)
            try:
                barrier.wait()
                racers[i].put_object(Bucket=cluster_bucket, Key="race", Body=bodies[i])
                results[i] = 200
            except ClientError as e:
                results[i] = (s3util.status_of(e), e.response["Error"]["Code"])
            finally:
                racers[i].meta.events.unregister("before-sign.s3.PutObject", add)

        threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        winners = [i for i, r in enumerate(results) if r == 200]
        assert len(winners) == 1, results
        assert all(r in ((412, "PreconditionFailed"), (409, "ConditionalRequestConflict"))
                   for i, r in enumerate(results) if i != winners[0]), results
        for c in clients:
            got = c.get_object(Bucket=cluster_bucket, Key="race")
            assert got["Body"].read() == bodies[winners[0]]
        return got["ETag"]

    etag = race("If-None-Match", "*", 300)
    race("If-Match", etag, 400)


def test_bucket_create_and_delete_seen_by_both(clients):
    a, b = clients
    name = s3util.unique_bucket("cl")
    a.create_bucket(Bucket=name)
    b.head_bucket(Bucket=name)
    assert name in [x["Name"] for x in b.list_buckets()["Buckets"]]
    b.create_bucket(Bucket=name)  # the owner re-creating it in us-east-1: 200, no change
    b.delete_bucket(Bucket=name)
    with pytest.raises(ClientError) as err:
        a.head_bucket(Bucket=name)
    assert s3util.status_of(err.value) == 404
    assert name not in [x["Name"] for x in a.list_buckets()["Buckets"]]


def _survive(cluster, clients, bucket, victims, label):
    """Writes objects, kills `victims` with SIGKILL, checks every object reads back exactly and
    new writes succeed through both gateways, restarts the victims, drains the repair queues
    and checks a scrub pass finds nothing to repair."""
    a, b = clients
    before = {f"before{i}": s3util.pseudo_random_bytes(size, seed=i)
              for i, size in enumerate(SIZES)}
    for key, data in before.items():
        a.put_object(Bucket=bucket, Key=key, Body=data)

    cluster.kill(victims)
    print(f"{label}: killed {[v.name for v in victims]}")
    try:
        for key, data in before.items():
            assert read(b, bucket, key) == data, f"{key} read back wrong with {label} down"
            assert read(a, bucket, key) == data, f"{key} read back wrong with {label} down"
        after = {}
        for i, size in enumerate(SIZES):
            for client, side in ((a, "a"), (b, "b")):
                key = f"after{i}{side}"
                after[key] = s3util.pseudo_random_bytes(size, seed=50 + i)
                client.put_object(Bucket=bucket, Key=key, Body=after[key])
        for key, data in after.items():
            assert read(a, bucket, key) == data
            assert read(b, bucket, key) == data
        queued = [repair_queued(g) for g in cluster.gateways]
        # Recorded rather than asserted: placement sees the dead nodes' drives as unhealthy
        # (HttpTransport marks an unreachable node's drives unhealthy at once) and puts all
        # nine shards on live drives, so nothing is left to repair; only a PUT that races the
        # kill lands on a dead node, and with one shard per node of every stripe that loses 3
        # of 9 shards, below the write quorum of 7 (503, retried by the client).
        print(f"{label}: repair queues while down: {queued}")
        # Both gateways have noticed the failure (the rebalancer checks drive health every
        # second), so its healing is noticed too.
        victim_names = {v.name for v in victims}
        deadline = time.monotonic() + 30
        while not all(victim_names <= {d["node"] for d in g.admin("GET", "drives")[1]["drives"]
                                       if not d["healthy"]} for g in cluster.gateways):
            assert time.monotonic() < deadline, "the gateways never saw the victims down"
            time.sleep(0.2)
        time.sleep(1.5)
    finally:
        restarted_ms = int(time.time() * 1000)
        cluster.restart(victims)

    # Until the gateways see the restarted nodes again, a scrub would take their intact
    # shards for missing and rebuild them elsewhere.
    wait_drives_healthy(cluster.gateways)
    # Writes during the outage were placed around the dead nodes. Once every drive is healthy
    # a rebalance pass follows by itself and moves those shards to where placement wants them
    # (back into the zone that was down); a second pass then finds nothing misplaced.
    healed = wait_rebalanced(cluster.gateways[0], restarted_ms)
    print(f"{label}: rebalance after restart: {healed}")
    assert healed["errors"] == 0, healed
    settled = rebalance_now(cluster.gateways[1])
    assert settled["shards_misplaced"] == 0 and settled["errors"] == 0, settled
    drain_repair(cluster.gateways)
    assert [repair_queued(g) for g in cluster.gateways] == [0, 0]
    progress = cluster.gateways[0].run_scrub(query=f"bucket={bucket}")
    print(f"{label}: scrub after restart: {progress}")
    assert progress["unrecoverable"] == [] and progress["errors"] == []
    assert progress["shards_repaired"] == 0, "the restarted nodes kept every shard"
    for key, data in {**before, **after}.items():
        assert read(b, bucket, key) == data


def test_three_nodes_killed(cluster, clients, cluster_bucket):
    rng = random.Random(1)
    victims = rng.sample(cluster.nodes, 3)
    _survive(cluster, clients, cluster_bucket, victims, "3 nodes")


def test_zone_killed(cluster, clients, cluster_bucket):
    _survive(cluster, clients, cluster_bucket, cluster.nodes_in("zone-b"), "zone-b")


class MetadataWriter(threading.Thread):
    """Small PUTs and bucket creates/deletes through one gateway until told to stop; records
    what was acknowledged, what failed (maybe applied), and when each success happened."""

    def __init__(self, client, bucket, tag, stop):
        super().__init__(daemon=True)
        self.client, self.bucket, self.tag, self.stop_event = client, bucket, tag, stop
        self.acked_objects = {}
        self.live_buckets, self.deleted_buckets, self.unknown_buckets = set(), set(), set()
        self.successes = []  # monotonic times
        self.failures = []   # (monotonic time, error)

    def _op(self, n):
        if n % 4 == 3:
            if n % 8 == 7 and self.live_buckets:
                name = sorted(self.live_buckets)[0]
                self.live_buckets.discard(name)
                try:
                    self.client.delete_bucket(Bucket=name)
                except Exception:
                    self.unknown_buckets.add(name)
                    raise
                self.deleted_buckets.add(name)
            else:
                name = f"ldr-{self.tag}-{n}-{random.randrange(1 << 30):08x}"
                try:
                    self.client.create_bucket(Bucket=name)
                except Exception:
                    self.unknown_buckets.add(name)
                    raise
                self.live_buckets.add(name)
        else:
            key = f"{self.tag}/{n}"
            body = f"{self.tag}-{n}".encode()
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body)
            self.acked_objects[key] = body

    def run(self):
        n = 0
        while not self.stop_event.is_set():
            try:
                self._op(n)
                self.successes.append(time.monotonic())
            except Exception as e:  # recorded; the test decides what is acceptable
                self.failures.append((time.monotonic(), repr(e)[:200]))
                time.sleep(0.05)
            n += 1


def _steady_since(writer, seconds, since):
    """True when the writer has been acknowledged for the last `seconds`, all after `since`,
    with no gap over 1 s."""
    now = time.monotonic()
    recent = [t for t in writer.successes if t > max(since, now - seconds - 1)]
    if not recent or recent[0] > now - seconds:
        return False
    times = recent + [now]
    return all(b - a <= 1.0 for a, b in zip(times, times[1:]))


def test_etcd_leader_killed_during_metadata_writes(cluster, clients, cluster_bucket):
    fast = [s3util.make_client(g, connect_timeout=2, read_timeout=10) for g in cluster.gateways]
    stop = threading.Event()
    writers = [MetadataWriter(c, cluster_bucket, f"w{i}", stop) for i, c in enumerate(fast)]
    for w in writers:
        w.start()
    time.sleep(1.5)
    leader = cluster.wait_etcd_leader()
    killed_at = time.monotonic()
    cluster.kill([leader])
    new_leader = cluster.wait_etcd_leader()
    elected_s = time.monotonic() - killed_at
    # Run until every writer has been acknowledged steadily again (2 s without a gap over
    # 1 s): a gateway whose etcd request was in flight to the dead leader waits out its
    # request timeout first, so a fixed sleep can end inside that window.
    deadline = killed_at + 60
    while time.monotonic() < deadline and not all(_steady_since(w, 2.0, killed_at) for w in writers):
        time.sleep(0.2)
    stop.set()
    for w in writers:
        w.join(timeout=30)
    cluster.restart([leader])

    # The unavailability window: per writer, the longest gap between two acknowledged
    # operations around the kill.
    windows = []
    for w in writers:
        times = [killed_at] + [t for t in w.successes if t > killed_at - 1]
        gaps = [b - a for a, b in zip(times, times[1:])]
        windows.append(max(gaps, default=float("inf")))
    print(f"etcd leader {leader.name} killed; {new_leader.name} elected after {elected_s:.2f} s "
          f"(as seen by etcdctl); unavailability window per gateway: "
          f"{', '.join(f'{x:.2f} s' for x in windows)}; "
          f"failures: {[len(w.failures) for w in writers]} {[w.failures[:3] for w in writers]}")

    for w in writers:
        after = [t for t in w.successes if t > killed_at + max(windows)]
        assert w.successes and w.successes[-1] > killed_at, f"{w.tag} never resumed"
        assert after, f"{w.tag}: no acknowledged operation after the window"
        assert len(w.acked_objects) > 10

    a, b = clients
    for i, w in enumerate(writers):
        other = clients[1 - i]
        for key, body in w.acked_objects.items():
            assert read(other, cluster_bucket, key) == body, f"acknowledged {key} lost"
        for name in w.live_buckets - w.unknown_buckets:
            other.head_bucket(Bucket=name)
        for name in w.deleted_buckets:
            with pytest.raises(ClientError) as err:
                other.head_bucket(Bucket=name)
            assert s3util.status_of(err.value) == 404, f"deleted bucket {name} is back"
        for name in w.live_buckets | w.unknown_buckets:
            try:
                a.delete_bucket(Bucket=name)
            except ClientError:
                pass  # a create that never applied


def test_a_hung_node_does_not_hold_up_a_get(cluster, clients, cluster_bucket):
    """A node that stops answering without closing its connections (SIGSTOP: a hung disk or
    a stalled machine) costs a GET of whole stripes one parity read, not the 2 s request
    timeout: the gateway hedges after 100 ms and decodes from the blocks that arrived."""
    a, b = clients
    data = s3util.pseudo_random_bytes(12 * s3util.MiB, seed=31)  # two stripes of 6 x 1 MiB
    before = time.time() - 1
    a.put_object(Bucket=cluster_bucket, Key="hedged", Body=data)
    # The node holding data shard 0 of the object's chunk (the newest c0.s0 file).
    holders = [(p.stat().st_mtime, n) for n in cluster.nodes
               for p in (cluster.root / n.name / "drives").rglob("c0.s0")
               if p.stat().st_mtime >= before]
    assert holders, "no shard 0 written"
    victim = max(holders, key=lambda h: h[0])[1]
    assert read(b, cluster_bucket, "hedged") == data  # the pools are warm
    os.kill(victim.popen.pid, signal.SIGSTOP)
    try:
        t0 = time.monotonic()
        assert read(b, cluster_bucket, "hedged") == data
        elapsed = time.monotonic() - t0
    finally:
        os.kill(victim.popen.pid, signal.SIGCONT)
    print(f"GET of 12 MiB with {victim.name} hung: {elapsed:.2f} s")
    # Without hedging each stripe waits out the 2 s request timeout (and its retries).
    assert elapsed < 1.5, f"the GET waited for the hung node: {elapsed:.2f} s"
    wait_drives_healthy(cluster.gateways)
