"""Linearizability of single keys in distributed mode: clients PUT, GET and DELETE a few keys
through both gateways while storage nodes and the etcd leader are killed, and a checker
verifies that each key's history is linearizable as a register.

The checker is Wing & Gong's search with Lowe's memoization (the algorithm Knossos and
Porcupine use): repeatedly pick an operation that no pending operation precedes in real time,
apply it to the model, and backtrack on a mismatch; (set of linearized operations, model
state) pairs already explored are not explored again. The model is a register whose value is
None (NoSuchKey) initially and after a DELETE. A PUT or DELETE that failed or timed out may
have taken effect at any time after its invocation, or never: it gets an infinite response
time and need not be linearized. A failed GET tells nothing and is dropped."""

import math
import random
import sys
import threading
import time
from dataclasses import dataclass

import pytest
from botocore.exceptions import ClientError

import s3util
from cluster import Cluster

INF = math.inf
KEYS = 3
CLIENTS_PER_KEY = 4  # two per gateway
OPS_PER_CLIENT = 30
# Above the 16 KiB inline limit, so values live on the storage nodes being killed.
VALUE_BYTES = 20 * 1024


@dataclass
class Op:
    """One operation of a history. kind: "write" (value), "delete" or "read" (value read,
    None for NoSuchKey). call/ret: invocation and response times; ret is INF when the outcome
    is unknown."""
    kind: str
    value: object
    call: float
    ret: float
    client: str = ""

    def __repr__(self):
        ret = "?" if self.ret == INF else f"{self.ret:.3f}"
        return f"{self.client}:{self.kind}({self.value!r})@[{self.call:.3f},{ret}]"


def _step(op, state):
    """The register model: (legal, next state)."""
    if op.kind == "write":
        return True, op.value
    if op.kind == "delete":
        return True, None
    return op.value == state, state


def check_linearizable(history, initial=None):
    """(True, None) if `history` (a list of Op) is linearizable as a register starting at
    `initial`; else (False, the longest prefix of a linearization that was found)."""
    ops = sorted(history, key=lambda o: o.call)
    n = len(ops)
    required = 0
    for i, op in enumerate(ops):
        if op.ret != INF:
            required |= 1 << i
    seen = set()
    best = []
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * n + 100))

    def search(done, state, order):
        nonlocal best
        if done & required == required:
            return True
        if (done, state) in seen:
            return False
        seen.add((done, state))
        if len(order) > len(best):
            best = list(order)
        # An op may go next only if it was invoked before every pending op had returned.
        horizon = min((ops[i].ret for i in range(n) if not done >> i & 1), default=INF)
        for i in range(n):
            if ops[i].call > horizon:
                break
            if done >> i & 1:
                continue
            legal, next_state = _step(ops[i], state)
            if legal:
                order.append(ops[i])
                if search(done | 1 << i, next_state, order):
                    return True
                order.pop()
        return False

    if search(0, initial, []):
        return True, None
    return False, best


# ---- the checker's own tests


def _h(*ops):
    return [Op(kind, value, call, ret, client=f"c{i}")
            for i, (kind, value, call, ret) in enumerate(ops)]


def test_checker_accepts_sequential_history():
    ok, _ = check_linearizable(_h(("read", None, 0, 1), ("write", "a", 2, 3),
                                  ("read", "a", 4, 5), ("delete", None, 6, 7),
                                  ("read", None, 8, 9)))
    assert ok


def test_checker_accepts_concurrent_reads_seeing_either_side():
    # A write concurrent with two reads: one may see the old value and one the new.
    ok, _ = check_linearizable(_h(("write", "a", 0, 1), ("write", "b", 2, 10),
                                  ("read", "b", 3, 4), ("read", "b", 5, 6),
                                  ("read", "a", 2.5, 3.5)))
    assert ok


def test_checker_rejects_stale_read():
    ok, prefix = check_linearizable(_h(("write", "a", 0, 1), ("write", "b", 2, 3),
                                       ("read", "a", 4, 5)))
    assert not ok and prefix


def test_checker_rejects_read_going_back_in_time():
    # Once a read saw "b", a later read must not see "a" again.
    ok, _ = check_linearizable(_h(("write", "a", 0, 1), ("write", "b", 2, 10),
                                  ("read", "b", 3, 4), ("read", "a", 5, 6)))
    assert not ok


def test_checker_rejects_read_of_deleted_key_and_value_never_written():
    assert not check_linearizable(_h(("write", "a", 0, 1), ("delete", None, 2, 3),
                                     ("read", "a", 4, 5)))[0]
    assert not check_linearizable(_h(("read", "x", 0, 1)))[0]


def test_checker_lets_failed_writes_apply_late_or_never():
    # A timed-out write may take effect long after it was invoked...
    late = _h(("write", "a", 0, 1), ("write", "b", 2, INF), ("read", "a", 3, 4),
              ("read", "b", 20, 21))
    assert check_linearizable(late)[0]
    # ...or never...
    never = _h(("write", "a", 0, 1), ("write", "b", 2, INF), ("read", "a", 30, 31))
    assert check_linearizable(never)[0]
    # ...but not before it was invoked.
    early = _h(("read", "b", 0, 1), ("write", "b", 2, INF))
    assert not check_linearizable(early)[0]


def test_checker_is_fast_on_a_large_concurrent_history():
    rng = random.Random(7)
    state, history, t = None, [], 0.0
    for i in range(120):  # a sequential run, then overlapped by widening every interval
        kind = rng.choice(["write", "read", "read", "delete"])
        if kind != "read":
            state = f"v{i}" if kind == "write" else None
        history.append(Op(kind, state, t, t + 1, f"c{i % 4}"))
        t += 1
    for op in history:
        op.call -= rng.random() * 2
        op.ret += rng.random() * 2
    started = time.monotonic()
    assert check_linearizable(history)[0]
    assert time.monotonic() - started < 10


# ---- the history against a real cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("lin-cluster")).start()
    yield c
    c.stop()


def _value_bytes(tag):
    head = tag.encode() + b"|"
    return head + s3util.pseudo_random_bytes(VALUE_BYTES - len(head), seed=hash(tag) & 0xFFFF)


def _decode(body):
    """The tag of a value read back; a body that is not exactly some written value reads as a
    unique 'corrupt' value, which no write produced, so the checker rejects it."""
    tag = body.split(b"|", 1)[0].decode(errors="replace")
    return tag if body == _value_bytes(tag) else f"corrupt:{len(body)}:{tag[:40]}"


def _client_loop(client, bucket, key, name, seed, t0, history, lock):
    rng = random.Random(seed)
    for i in range(OPS_PER_CLIENT):
        kind = rng.choices(["write", "read", "delete"], weights=[4, 4, 2])[0]
        tag = f"{name}-{i}"
        call = time.monotonic() - t0
        try:
            if kind == "write":
                client.put_object(Bucket=bucket, Key=key, Body=_value_bytes(tag))
                value = tag
            elif kind == "delete":
                client.delete_object(Bucket=bucket, Key=key)
                value = None
            else:
                try:
                    value = _decode(client.get_object(Bucket=bucket, Key=key)["Body"].read())
                except ClientError as e:
                    if e.response.get("Error", {}).get("Code") != "NoSuchKey":
                        raise
                    value = None
            op = Op(kind, value, call, time.monotonic() - t0, name)
        except Exception:  # unknown outcome (timeout, 503, connection reset ...)
            op = None if kind == "read" else Op(kind, tag if kind == "write" else None, call,
                                                INF, name)
        if op is not None:
            with lock:
                history.append(op)
        time.sleep(rng.uniform(0.03, 0.12))


def _chaos(cluster, t0, events, stop):
    """Kills three nodes (one per zone), then the etcd leader, then restarts all of them."""
    def note(what):
        events.append(f"{time.monotonic() - t0:6.2f} s  {what}")

    rng = random.Random(3)
    victims = [rng.choice(cluster.nodes_in(z)) for z in ("zone-a", "zone-b", "zone-c")]
    time.sleep(0.7)
    cluster.kill(victims)
    note(f"killed {[v.name for v in victims]}")
    time.sleep(1.0)
    leader = cluster.wait_etcd_leader()
    cluster.kill([leader])
    note(f"killed etcd leader {leader.name}")
    new_leader = cluster.wait_etcd_leader()
    note(f"etcd leader elected: {new_leader.name}")
    stop.wait(1.5)
    cluster.restart(victims)
    note("restarted the nodes")
    stop.wait(0.5)
    cluster.restart([leader])
    note(f"restarted {leader.name}")


def test_single_keys_are_linearizable_under_failures(cluster):
    clients = [s3util.make_client(g, retries={"total_max_attempts": 1}, connect_timeout=2,
                                  read_timeout=8) for g in cluster.gateways]
    bucket = s3util.unique_bucket("lin")
    clients[0].create_bucket(Bucket=bucket)
    histories = {f"reg{k}": [] for k in range(KEYS)}
    lock = threading.Lock()
    events, stop = [], threading.Event()
    t0 = time.monotonic()
    threads = []
    for k, key in enumerate(histories):
        for c in range(CLIENTS_PER_KEY):
            threads.append(threading.Thread(
                target=_client_loop, daemon=True,
                args=(clients[c % 2], bucket, key, f"k{k}c{c}", k * 100 + c, t0,
                      histories[key], lock)))
    chaos = threading.Thread(target=_chaos, args=(cluster, t0, events, stop), daemon=True)
    chaos.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    stop.set()
    chaos.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a client hung"
    print("chaos:\n  " + "\n  ".join(events))

    failures = []
    for key, history in histories.items():
        unknown = sum(op.ret == INF for op in history)
        started = time.monotonic()
        ok, prefix = check_linearizable(history)
        print(f"{key}: {len(history)} ops ({unknown} of unknown outcome), "
              f"{'linearizable' if ok else 'NOT linearizable'} "
              f"(checked in {time.monotonic() - started:.2f} s)")
        if not ok:
            ops = sorted(history, key=lambda o: o.call)
            stuck = [o for o in ops if o not in prefix][:8]
            failures.append(f"{key}: linearized {len(prefix)} of {len(ops)} ops; last "
                            f"linearized {prefix[-3:]}; none of these can come next: {stuck}")
    s3util.empty_and_delete_bucket(clients[0], bucket)
    assert not failures, "\n".join(failures)


def _version_writer(client, bucket, key, name, seed, t0, acked, unknown, lock):
    """PUTs (and some DELETEs, which add delete markers) to one key of a versioned bucket;
    records each acknowledged version id with its invocation and response times."""
    rng = random.Random(seed)
    for i in range(OPS_PER_CLIENT):
        tag = f"{name}-{i}"
        delete = rng.random() < 0.2
        call = time.monotonic() - t0
        try:
            if delete:
                out = client.delete_object(Bucket=bucket, Key=key)
                assert out["DeleteMarker"] is True
            else:
                out = client.put_object(Bucket=bucket, Key=key, Body=_value_bytes(tag))
            with lock:
                acked.append((out["VersionId"], None if delete else tag, call,
                              time.monotonic() - t0))
        except Exception:  # unknown outcome: the version may or may not exist
            with lock:
                unknown.append(tag)
        time.sleep(rng.uniform(0.02, 0.08))


def test_version_history_is_linear_under_failures(cluster):
    """Concurrent writers of one key in a versioned bucket through both gateways, while nodes
    and the etcd leader are killed: ListObjectVersions afterwards is one history that holds
    every acknowledged version (and delete marker) exactly once, in an order consistent with
    real time (a version acknowledged before another was sent is older), each version reading
    back as written."""
    clients = [s3util.make_client(g, retries={"total_max_attempts": 1}, connect_timeout=2,
                                  read_timeout=8) for g in cluster.gateways]
    reliable = s3util.make_client(cluster.gateways[0])
    bucket = s3util.unique_bucket("linv")
    reliable.create_bucket(Bucket=bucket)
    reliable.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    acked, unknown, lock = [], [], threading.Lock()
    events, stop = [], threading.Event()
    t0 = time.monotonic()
    threads = [threading.Thread(target=_version_writer, daemon=True,
                                args=(clients[c % 2], bucket, "vkey", f"w{c}", 500 + c, t0,
                                      acked, unknown, lock))
               for c in range(CLIENTS_PER_KEY)]
    chaos = threading.Thread(target=_chaos, args=(cluster, t0, events, stop), daemon=True)
    chaos.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    stop.set()
    chaos.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    print("chaos:\n  " + "\n  ".join(events))

    history = []  # newest first, as listed
    for page in reliable.get_paginator("list_object_versions").paginate(
            Bucket=bucket, PaginationConfig={"PageSize": 1}):
        for v in page.get("Versions", []) + page.get("DeleteMarkers", []):
            history.append(v["VersionId"])
    print(f"{len(acked)} acknowledged, {len(unknown)} of unknown outcome, "
          f"{len(history)} versions listed")
    assert len(history) == len(set(history)), "a version is listed twice"
    assert history == sorted(history, reverse=True), "versions are not listed newest first"
    position = {v: i for i, v in enumerate(reversed(history))}  # 0 = oldest
    for version, tag, call, ret in acked:
        assert version in position, f"acknowledged version {version} ({tag}) is lost"
        if tag is not None:
            body = reliable.get_object(Bucket=bucket, Key="vkey", VersionId=version)["Body"]
            assert _decode(body.read()) == tag, f"version {version} does not read as {tag}"
    assert len(history) <= len(acked) + len(unknown), "a version nobody wrote"
    for a in acked:
        for b in acked:
            if a[3] < b[2]:  # a was acknowledged before b was sent
                assert position[a[0]] < position[b[0]], \
                    f"{a[1] or 'delete'} ({a[0]}) acknowledged before {b[1] or 'delete'} " \
                    f"({b[0]}) was sent, yet is not older"
    s3util.empty_and_delete_bucket(reliable, bucket)
