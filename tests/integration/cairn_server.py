"""Starts and stops a real `cairn serve` for the integration tests.

Each server gets a free port (bound with port 0 and released, so two runs never collide) and
its own data directory; its stdout and stderr go to <data>/cairn.log so a failed start or a
failed test can show what the server said. Not thread-safe: one test session drives it.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

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


def start_server(data_dir, access_key=ROOT_ACCESS_KEY, secret_key=ROOT_SECRET_KEY, extra_env=None):
    """Starts `cairn serve` on a free port with `data_dir` as CAIRN_DATA; fails the test if
    the binary is missing or the port does not answer within START_TIMEOUT_S."""
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
        [str(binary), "serve", "--config", str(CONFIG)],
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
