"""A local distributed Cairn for the integration tests: what script/cluster starts, in a temp
directory and with short timeouts.

Three etcd members, nine `cairn node` storage nodes in three zones (zone-a/b/c, three drives
each) and two `cairn serve` gateways with meta=etcd (all three endpoints) and transport=http
(all nine nodes), every process on free loopback ports. Configurations come from the templates
in conf/cluster/. Each process logs to <dir>/<name>.log. Nodes and etcd members can be killed
with SIGKILL and restarted on the same ports and data, so tests can inject failures.
Gateways are CairnServer objects, so s3util.make_client and CairnServer.admin work on them.
Not thread-safe, except kill/restart and etcd_leader, which tests call from a chaos thread
while client threads run (they touch only their own Proc).
"""

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cairn_server import (REPO, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, CairnServer, _answers,
                          cairn_binary, free_port)

TEMPLATES = REPO / "conf" / "cluster"
ETCD = "/usr/bin/etcd"
ETCDCTL = "/usr/bin/etcdctl"
ZONES = ("zone-a", "zone-b", "zone-c")
NODES_PER_ZONE = 3
CLUSTER_SECRET = "cairn-test-cluster-secret"
START_TIMEOUT_S = 30.0

# Short timeouts so failures are noticed (and tests finish) in seconds. etcd: a 50 ms heartbeat
# and a 500 ms election timeout elect a new leader about a second after a kill.
TEST_SETTINGS = {
    "REPAIR_INTERVAL": "1",
    "REBALANCE_INTERVAL": "3600",  # passes start on map changes; tests do not wait for timers
    "REBALANCE_RELEASE": "2",
    "META_TIMEOUT_MS": "5000",
    "HTTP_TIMEOUT_MS": "2000",
    "CONNECT_TIMEOUT_MS": "500",
    "BREAKER_OPEN_MS": "1000",
    "LIFECYCLE_DAY": "2",  # a lifecycle day of 2 s: tests run passes with `run?at=`
}
ETCD_HEARTBEAT_MS = 50
ETCD_ELECTION_MS = 500


def render(template, values):
    """The template's text with every @KEY@ replaced by values[KEY]; fails on one left over."""
    text = (TEMPLATES / template).read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", str(value))
    left = [l for l in text.splitlines() if not l.startswith("#") and re.search(r"@[A-Z_]+@", l)]
    assert not left, f"unfilled placeholder in {template}: {left}"
    return text


def toml_strings(values):
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


@dataclass
class Proc:
    """One background process of the cluster, restartable with the same arguments."""
    name: str
    argv: list
    env: dict
    log_path: Path
    port: int
    popen: subprocess.Popen = field(default=None, repr=False)

    def start(self):
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(self.argv, env=self.env, stdin=subprocess.DEVNULL,
                                          stdout=log, stderr=subprocess.STDOUT,
                                          cwd=str(self.log_path.parent))

    @property
    def running(self):
        return self.popen is not None and self.popen.poll() is None

    def kill(self):
        """SIGKILL, as a crash: no chance to flush or say goodbye."""
        if self.running:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait()

    def stop(self, timeout=10):
        if self.running:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, max_bytes=4000):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - max_bytes))
                return f.read().decode("utf-8", "replace")
        except OSError as e:
            return f"(no log: {e})"


@dataclass
class StorageNode(Proc):
    zone: str = ""


@dataclass
class EtcdMember(Proc):
    peer_port: int = 0

    @property
    def client_url(self):
        return f"http://127.0.0.1:{self.port}"


class Cluster:
    """Starts everything in `root` (see the module comment); stop() ends it all."""

    def __init__(self, root, settings=None, gateways=2):
        self.root = Path(root)
        self.settings = dict(TEST_SETTINGS, **(settings or {}))
        self.etcd = []
        self.nodes = []
        self.gateways = []
        self._gateway_procs = []
        self._gateway_count = gateways

    # ---- start and stop

    def start(self):
        binary = cairn_binary()
        if not binary.is_file():
            pytest.fail(f"cairn binary not found at {binary}: build it or set CAIRN_BIN",
                        pytrace=False)
        if not os.access(ETCD, os.X_OK):
            pytest.fail("etcd is not installed (apt-get install etcd-server etcd-client; "
                        "script/bootstrap does it)", pytrace=False)
        try:
            self._start_etcd()
            self._start_nodes(binary)
            self._start_gateways(binary)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_etcd(self):
        for i in range(3):
            name = f"etcd{i}"
            data = self.root / name
            data.mkdir(parents=True, exist_ok=True)
            self.etcd.append(EtcdMember(name, [], dict(os.environ), self.root / f"{name}.log",
                                        free_port(), peer_port=free_port()))
        initial = ",".join(f"{m.name}=http://127.0.0.1:{m.peer_port}" for m in self.etcd)
        for m in self.etcd:
            m.argv = [
                ETCD, "--name", m.name, "--data-dir", str(self.root / m.name),
                "--listen-client-urls", m.client_url, "--advertise-client-urls", m.client_url,
                "--listen-peer-urls", f"http://127.0.0.1:{m.peer_port}",
                "--initial-advertise-peer-urls", f"http://127.0.0.1:{m.peer_port}",
                "--initial-cluster", initial, "--initial-cluster-state", "new",
                "--initial-cluster-token", f"cairn-{self.root.name}",
                "--heartbeat-interval", str(ETCD_HEARTBEAT_MS),
                "--election-timeout", str(ETCD_ELECTION_MS),
                "--log-level", "warn", "--logger", "zap",
            ]
            m.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while self.etcd_leader() is None:
            self._check_alive(self.etcd, deadline, "etcd did not elect a leader")
            time.sleep(0.1)

    def _start_nodes(self, binary):
        for zone in ZONES:
            for j in range(NODES_PER_ZONE):
                self.nodes.append(self._start_node(binary, f"node-{zone[-1]}{j}", zone))
        self._wait_ports(self.nodes)

    def _start_node(self, binary, name, zone):
        data = self.root / name
        data.mkdir(parents=True, exist_ok=True)
        port = free_port()
        config = data / "node.toml"
        config.write_text(render("node.toml", {
            "PORT": port, "NAME": name, "ZONE": zone, "DATA_DIR": data,
            "CLUSTER_SECRET": CLUSTER_SECRET}))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
        node = StorageNode(name, [str(binary), "node", "--config", str(config)], env,
                           self.root / f"{name}.log", port, zone=zone)
        node.start()
        return node

    def start_extra_nodes(self, zones):
        """Starts one more storage node per entry of `zones`, not known to any gateway yet
        (`cairn admin cluster add-node` adds them); returns them."""
        binary = cairn_binary()
        added = []
        for zone in zones:
            index = sum(1 for n in self.nodes if n.zone == zone)
            node = self._start_node(binary, f"node-{zone[-1]}{index}", zone)
            self.nodes.append(node)
            added.append(node)
        self._wait_ports(added)
        return added

    def _start_gateways(self, binary):
        for i in range(self._gateway_count):
            name = f"gateway{i}"
            data = self.root / name
            data.mkdir(parents=True, exist_ok=True)
            port = free_port()
            values = {
                "PORT": port, "DATA_DIR": data, "REPO": REPO, "PREFIX": "cairn/",
                "ETCD_ENDPOINTS": toml_strings(m.client_url for m in self.etcd),
                "NODE_URLS": toml_strings(f"http://127.0.0.1:{n.port}" for n in self.nodes),
                "CLUSTER_SECRET": CLUSTER_SECRET,
            }
            values.update(self.settings)
            config = data / "gateway.toml"
            config.write_text(render("gateway.toml", values))
            env = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
            env.update({"CAIRN_ROOT_ACCESS_KEY": ROOT_ACCESS_KEY,
                        "CAIRN_ROOT_SECRET_KEY": ROOT_SECRET_KEY})
            proc = Proc(name, [str(binary), "serve", "--config", str(config)], env,
                        self.root / f"{name}.log", port)
            proc.start()
            self._gateway_procs.append(proc)
            self.gateways.append(CairnServer(port, data, ROOT_ACCESS_KEY, ROOT_SECRET_KEY,
                                             proc.popen, proc.log_path))
        self._wait_ports(self._gateway_procs)

    def _wait_ports(self, procs):
        deadline = time.monotonic() + START_TIMEOUT_S
        waiting = list(procs)
        while waiting:
            self._check_alive(waiting, deadline, "did not answer")
            waiting = [p for p in waiting if not _answers(p.port)]
            time.sleep(0.1)

    def _check_alive(self, procs, deadline, what):
        for p in procs:
            if not p.running:
                pytest.fail(f"{p.name} exited with {p.popen.returncode}; log {p.log_path}:\n"
                            f"{p.log_tail()}", pytrace=False)
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}:\n{p.log_tail(1500)}" for p in procs)
            pytest.fail(f"cluster start: {what} within {START_TIMEOUT_S:.0f} s\n{logs}",
                        pytrace=False)

    def stop(self):
        # Gateways first, so nothing they do meets a stopped node; each group stops in parallel.
        for group in (self._gateway_procs, self.nodes, self.etcd):
            for p in group:
                if p.running:
                    p.popen.send_signal(signal.SIGTERM)
            for p in group:
                p.stop()

    # ---- failures

    def nodes_in(self, zone):
        return [n for n in self.nodes if n.zone == zone]

    def kill(self, procs):
        for p in procs:
            p.kill()

    def restart(self, procs):
        for p in procs:
            if not p.running:
                p.start()
        self._wait_ports(procs)

    def etcd_status(self, member):
        """(member id, leader id) as `etcdctl endpoint status` reports, or None if it is down."""
        try:
            out = subprocess.run(
                [ETCDCTL, "--endpoints", member.client_url, "--command-timeout=1s",
                 "endpoint", "status", "-w", "json"],
                env=dict(os.environ, ETCDCTL_API="3"), capture_output=True, timeout=3)
            if out.returncode != 0:
                return None
            header = json.loads(out.stdout)[0]["Status"]["header"]
            return header["member_id"], json.loads(out.stdout)[0]["Status"]["leader"]
        except (subprocess.TimeoutExpired, ValueError, KeyError, IndexError):
            return None

    def etcd_leader(self):
        """The member that is the current leader, as a running member sees it, or None."""
        for m in self.etcd:
            if not m.running:
                continue
            status = self.etcd_status(m)
            if status is None or status[1] == 0:
                continue
            for other in self.etcd:
                if other.running:
                    s = self.etcd_status(other)
                    if s is not None and s[0] == status[1]:
                        return other
        return None

    def wait_etcd_leader(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            leader = self.etcd_leader()
            if leader is not None:
                return leader
            time.sleep(0.1)
        raise AssertionError(f"no etcd leader within {timeout} s")

    def logs(self, max_bytes=3000):
        procs = self._gateway_procs + self.nodes + self.etcd
        return "\n".join(f"--- {p.name} ({p.log_path}):\n{p.log_tail(max_bytes)}" for p in procs)


def repair_queued(gateway):
    status, body = gateway.admin("GET", "repair")
    assert status == 200, f"GET /_cairn/admin/repair answered {status}: {body!r}"
    return body["queued"]


def drain_repair(gateways, timeout=60):
    """POSTs /_cairn/admin/repair through every gateway until each reports an empty queue."""
    deadline = time.monotonic() + timeout
    while True:
        queued = []
        for g in gateways:
            status, body = g.admin("POST", "repair")
            assert status == 200, f"POST /_cairn/admin/repair answered {status}: {body!r}"
            queued.append(body["queued"])
        if not any(queued):
            return
        assert time.monotonic() < deadline, f"repair queues still {queued} after {timeout} s"
        time.sleep(0.5)


def wait_drives_healthy(gateways, timeout=30, drives=len(ZONES) * NODES_PER_ZONE * 3):
    """Waits until every gateway reports all `drives` drives healthy (a restarted node is seen
    again once its circuit breaker lets a probe through and the drive cache refreshes)."""
    deadline = time.monotonic() + timeout
    while True:
        unhealthy = {}
        for g in gateways:
            status, body = g.admin("GET", "drives")
            assert status == 200, f"GET /_cairn/admin/drives answered {status}: {body!r}"
            bad = [d["node"] for d in body["drives"] if not d["healthy"]]
            if bad or len(body["drives"]) != drives:
                unhealthy[g.endpoint] = bad
        if not unhealthy:
            return
        assert time.monotonic() < deadline, f"drives still unhealthy after {timeout} s: {unhealthy}"
        time.sleep(0.2)


def wait_rebalanced(gateway, since_ms, timeout=180):
    """Waits for a rebalance pass that started at or after `since_ms` (Unix ms) to finish; returns
    its progress (GET /_cairn/admin/cluster "rebalance")."""
    deadline = time.monotonic() + timeout
    while True:
        status, body = gateway.admin("GET", "cluster")
        assert status == 200, f"GET /_cairn/admin/cluster answered {status}: {body!r}"
        r = body["rebalance"]
        if r["state"] == "idle" and r["started_ms"] >= since_ms and r["finished_ms"] > 0:
            return r
        assert time.monotonic() < deadline, f"no rebalance pass finished in {timeout} s: {r}"
        time.sleep(0.5)


def rebalance_now(gateway, timeout=180):
    """Asks for a rebalance pass (POST /_cairn/admin/cluster/rebalance) and waits for it."""
    since = int(time.time() * 1000)
    status, body = gateway.admin("POST", "cluster/rebalance")
    assert status == 202, f"POST /_cairn/admin/cluster/rebalance answered {status}: {body!r}"
    return wait_rebalanced(gateway, since, timeout)
