"""Starts and stops a real `cairn serve` for the integration tests.

Each server gets a free port (bound with port 0 and released, so two runs never collide) and
its own data directory; its stdout and stderr go to <data>/cairn.log so a failed start or a
failed test can show what the server said. Tests that need other settings write a modified
copy of conf/cairn.toml (write_config) and pass it to start_server. The admin API
(/_cairn/admin/, root only) is reachable through CairnServer.admin and run_scrub.
Not thread-safe: one test session drives it.
"""

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "conf" / "cairn.toml"
REGION = "us-east-1"
# Same shape as AWS keys (20 and 40 characters) so clients that check lengths are happy.
ROOT_ACCESS_KEY = "CAIRNTESTROOTKEY0001"
ROOT_SECRET_KEY = "cairnTestRootSecret/0123456789abcdefABCD"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


def cairn_binary():
    return Path(os.environ.get("CAIRN_BIN") or REPO / "build" / "cairn")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class CairnServer:
    port: int
    data_dir: Path
    access_key: str
    secret_key: str
    proc: subprocess.Popen
    log_path: Path
    _log_file: object = field(repr=False, default=None)

    @property
    def host(self):
        return f"127.0.0.1:{self.port}"

    @property
    def endpoint(self):
        return f"http://{self.host}"

    def log_tail(self, max_bytes=20000, start=0):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(start, size - max_bytes))
                return f.read().decode("utf-8", "replace")
        except OSError as e:
            return f"(no log: {e})"

    def log_size(self):
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def drive_dirs(self):
        return sorted((self.data_dir / "drives").glob("drive*"))

    def shard_files(self):
        """{path: (size, mtime_ns)} of every file under <data>/drives/*/shards/ (a symlink a
        test put in a shard's place is listed too, with size -1)."""
        files = {}
        for drive in self.drive_dirs():
            for root, dirs, names in os.walk(drive / "shards"):
                for name in names + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
                    path = os.path.join(root, name)
                    try:
                        st = os.lstat(path)
                    except FileNotFoundError:
                        continue  # removed while we walked
                    files[path] = (st.st_size if os.path.isfile(path) else -1, st.st_mtime_ns)
        return files

    def meta_keys(self, prefix):
        """The metadata keys starting with `prefix` (e.g. "g/": pending deferred frees, "r/":
        read leases), read from the embedded SQLite engine's file (<data>/meta/cairn.sqlite;
        reading it beside the server is safe: WAL mode)."""
        start = prefix.encode()
        end = start[:-1] + bytes([start[-1] + 1])
        db = sqlite3.connect(self.data_dir / "meta" / "cairn.sqlite", timeout=10)
        try:
            rows = db.execute("SELECT key FROM kv WHERE key >= ? AND key < ? ORDER BY key",
                              (start, end)).fetchall()
        finally:
            db.close()
        return [bytes(r[0]).decode("utf-8", "replace") for r in rows]

    def drive_ids(self):
        """{drive directory path: drive id} as GET /_cairn/admin/drives reports them."""
        status, body = self.admin("GET", "drives")
        assert status == 200, f"GET /_cairn/admin/drives answered {status}: {body!r}"
        return {d["path"]: d["id"] for d in body["drives"]}

    def admin(self, method, operation, query="", timeout=120):
        """Calls the admin API, signed with SigV4 as the server's root user (the user the
        server was started with must be root). Returns (HTTP status, parsed JSON body or the
        raw bytes when the body is not JSON)."""
        path = f"/_cairn/admin/{operation}"
        url = f"http://{self.host}{path}" + (f"?{query}" if query else "")
        request = botocore.awsrequest.AWSRequest(method=method, url=url, data=b"")
        request.headers["Host"] = self.host
        creds = botocore.credentials.Credentials(self.access_key, self.secret_key)
        botocore.auth.S3SigV4Auth(creds, "s3", REGION).add_auth(request)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path + (f"?{query}" if query else ""),
                         headers=dict(request.headers.items()))
            resp = conn.getresponse()
            body = resp.read()
        finally:
            conn.close()
        try:
            return resp.status, json.loads(body)
        except ValueError:
            return resp.status, body

    def run_scrub(self, query="", operation="scrub", timeout=120):
        """Starts a scrub pass (POST /_cairn/admin/scrub, or drives/replace with
        operation="drives/replace" and query="drive=<id>") and polls GET /_cairn/admin/scrub
        until it has finished; returns the final progress JSON."""
        deadline = time.monotonic() + timeout
        while True:
            status, body = self.admin("POST", operation, query)
            if status == 202:
                break
            # 409: a periodic pass is running; wait for it, then start ours.
            assert status == 409 and time.monotonic() < deadline, (
                f"POST /_cairn/admin/{operation}?{query} answered {status}: {body!r}")
            time.sleep(0.1)
        while True:
            status, progress = self.admin("GET", "scrub")
            assert status == 200, f"GET /_cairn/admin/scrub answered {status}: {progress!r}"
            if not progress["running"]:
                return progress
            assert time.monotonic() < deadline, f"scrub still running after {timeout} s: {progress}"
            time.sleep(0.1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                # A server that ignores SIGTERM must not outlive the session.
                self.proc.kill()
                self.proc.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


def _answers(port):
    """True once the port speaks HTTP; an S3 error (403 for anonymous GET /) counts."""
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
        return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


def _toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def _is_table_array(value):
    return isinstance(value, list) and value and all(isinstance(v, dict) for v in value)


def _toml_tables(table, name, out, header=None):
    scalars = {k: v for k, v in table.items()
               if not isinstance(v, dict) and not _is_table_array(v)}
    if header or (name and (scalars or not table)):
        out.append(f"\n{header or f'[{name}]'}")
    for key, value in scalars.items():
        out.append(f"{key} = {_toml_value(value)}")
    for key, value in table.items():
        full = f"{name}.{key}" if name else key
        if isinstance(value, dict):
            _toml_tables(value, full, out)
        elif _is_table_array(value):
            for item in value:
                _toml_tables(item, full, out, header=f"[[{full}]]")


def _merge(base, changes):
    for key, value in changes.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def write_config(path, changes):
    """Writes conf/cairn.toml with `changes` merged in (nested dicts are tables; a None value
    removes a key) to `path`, and returns the path. The policy scripts' paths are made absolute
    because relative paths resolve against the config file's own directory."""
    with open(CONFIG, "rb") as f:
        config = tomllib.load(f)
    for table, key, default in (("storage", "placement_policy", "../scripts/lua/placement.lua"),
                                ("lifecycle", "script", "../scripts/lua/lifecycle.lua")):
        section = config.setdefault(table, {})
        policy = Path(section.get(key, default))
        if not policy.is_absolute():
            section[key] = str((CONFIG.parent / policy).resolve())
    _merge(config, changes)
    lines = ["# Written by the integration tests from conf/cairn.toml."]
    _toml_tables(config, "", lines)
    path = Path(path)
    path.write_text("\n".join(lines) + "\n")
    return path


def start_server(data_dir, access_key=ROOT_ACCESS_KEY, secret_key=ROOT_SECRET_KEY, extra_env=None,
                 config=None):
    """Starts `cairn serve` on a free port with `data_dir` as CAIRN_DATA and `config` (default
    conf/cairn.toml; see write_config); fails the test if the binary is missing or the port
    does not answer within START_TIMEOUT_S."""
    binary = cairn_binary()
    if not binary.is_file() or not os.access(binary, os.X_OK):
        pytest.fail(
            f"cairn binary not found or not executable at {binary}: build it "
            f"(cmake --build build --target cairn) or set CAIRN_BIN",
            pytrace=False,
        )
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "CAIRN_LISTEN": f"127.0.0.1:{port}",
            "CAIRN_DATA": str(data_dir),
            "CAIRN_ROOT_ACCESS_KEY": access_key,
            "CAIRN_ROOT_SECRET_KEY": secret_key,
        }
    )
    env.update(extra_env or {})
    log_path = data_dir / "cairn.log"
    log_file = open(log_path, "ab")
    proc = subprocess.Popen(
        [str(binary), "serve", "--config", str(config or CONFIG)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        cwd=str(data_dir),
    )
    server = CairnServer(port, data_dir, access_key, secret_key, proc, log_path, log_file)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log_file.flush()
            pytest.fail(
                f"cairn serve exited with status {proc.returncode} during startup; log "
                f"{log_path}:\n{server.log_tail()}",
                pytrace=False,
            )
        if _answers(port):
            return server
        time.sleep(0.1)
    server.stop()
    pytest.fail(
        f"cairn serve did not answer on {server.endpoint} within {START_TIMEOUT_S:.0f} s; log "
        f"{log_path}:\n{server.log_tail()}",
        pytrace=False,
    )
