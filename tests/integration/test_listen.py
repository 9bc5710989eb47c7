"""A port that is taken stays taken: a second `cairn serve` or `cairn node` on the running
server's port refuses to start (it must never share the port and take half its connections,
which SO_REUSEPORT would allow)."""

import os
import subprocess

from cairn_server import CONFIG, cairn_binary


def _start_on_taken_port(argv, port, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
    env.update({"CAIRN_LISTEN": f"127.0.0.1:{port}", "CAIRN_DATA": str(tmp_path / "data")})
    return subprocess.run([str(cairn_binary()), *argv], env=env, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL, cwd=tmp_path)


def test_second_gateway_on_a_taken_port_exits(server, tmp_path):
    run = _start_on_taken_port(["serve", "--config", str(CONFIG)], server.port, tmp_path)
    assert run.returncode != 0
    assert f"cannot listen on 127.0.0.1:{server.port}" in run.stderr, run.stderr[-2000:]


def test_storage_node_on_a_taken_port_exits(server, tmp_path):
    config = tmp_path / "node.toml"
    config.write_text(f"""
[node]
listen = "127.0.0.1:{server.port}"
name = "n1"
zone = "z1"
data_dir = "{tmp_path / 'node'}"
cluster_secret = "s3cr3t-s3cr3t-s3cr3t"

[transport]
engine = "local"

[transport.local]
drives = ["d0"]
""")
    run = _start_on_taken_port(["node", "--config", str(config)], server.port, tmp_path)
    assert run.returncode != 0
    assert "cannot listen" in run.stderr or "in use" in run.stderr, run.stderr[-2000:]
