"""rclone (/usr/bin/rclone) against cairn through an s3 remote with provider = Other and path
style (the endpoint is an IP): copy, sync and check of a small tree."""

import pytest

from s3util import MiB, clean_env, empty_and_delete_bucket, make_client, pseudo_random_bytes
from s3util import run_tool, unique_bucket

RCLONE = "/usr/bin/rclone"


@pytest.fixture(scope="module")
def rclone(server, tmp_path_factory):
    home = tmp_path_factory.mktemp("rclone-home")
    config = home / "rclone.conf"
    config.write_text(
        "[cairn]\n"
        "type = s3\n"
        "provider = Other\n"
        "env_auth = false\n"
        f"access_key_id = {server.access_key}\n"
        f"secret_access_key = {server.secret_key}\n"
        f"endpoint = {server.endpoint}\n"
        "region = us-east-1\n"
        "force_path_style = true\n"
    )
    env = clean_env(home)

    def run(*args, check=True, timeout=300):
        return run_tool([RCLONE, "--config", config, "--retries", "1", "--low-level-retries", "1",
                         "--cache-dir", home / "cache", *args], env, timeout=timeout, check=check)

    return run


def _make_tree(root):
    (root / "docs" / "nested").mkdir(parents=True)
    (root / "top.txt").write_text("top level\n")
    (root / "docs" / "readme.md").write_text("# readme\n")
    (root / "docs" / "nested" / "data.bin").write_bytes(pseudo_random_bytes(3 * MiB, seed=5))
    (root / "docs" / "nested" / "empty").write_bytes(b"")
    (root / "unicode é.txt").write_text("accented name\n")


def _lsf(rclone, remote):
    return sorted(rclone("lsf", "--recursive", "--files-only", remote).stdout.decode().splitlines())


@pytest.fixture
def remote_bucket(rclone, server):
    bucket = unique_bucket("rclone")
    rclone("mkdir", f"cairn:{bucket}")
    yield bucket
    empty_and_delete_bucket(make_client(server), bucket)


def test_copy_and_check(rclone, remote_bucket, tmp_path):
    src = tmp_path / "src"
    _make_tree(src)
    remote = f"cairn:{remote_bucket}/tree"
    rclone("copy", src, remote)
    assert _lsf(rclone, remote) == sorted(
        ["top.txt", "docs/readme.md", "docs/nested/data.bin", "docs/nested/empty",
         "unicode é.txt"])
    # check compares sizes and MD5 hashes (the ETags of single-part objects).
    rclone("check", src, remote)
    rclone("check", "--download", src, remote)

    back = tmp_path / "back"
    rclone("copy", remote, back)
    rclone("check", src, back)


def test_sync_and_check(rclone, remote_bucket, tmp_path):
    src = tmp_path / "src"
    _make_tree(src)
    remote = f"cairn:{remote_bucket}/synced"
    rclone("sync", src, remote)
    rclone("check", src, remote)

    (src / "top.txt").unlink()
    (src / "docs" / "readme.md").write_text("# readme, edited and longer\n")
    (src / "docs" / "added.txt").write_text("added later\n")
    rclone("sync", src, remote)
    rclone("check", src, remote)
    assert "top.txt" not in _lsf(rclone, remote)

    # A difference is detected: check must fail after a remote-side change.
    rclone("deletefile", f"cairn:{remote_bucket}/synced/docs/added.txt")
    drift = rclone("check", src, remote, check=False)
    assert drift.returncode != 0, drift.stdout + drift.stderr

    down = tmp_path / "down"
    rclone("sync", remote, down)
    rclone("check", remote, down)
