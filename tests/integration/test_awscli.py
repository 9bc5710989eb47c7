"""The AWS CLI (/usr/bin/aws) against cairn: mb, cp up and down (0 B to 200 MiB, the largest
going multipart), sync both ways, ls --recursive, presign fetched with curl, rm, rb and a few
s3api calls. The CLI gets a private HOME and config files and no AWS_* variables but ours."""

import filecmp
import hashlib
import json
import os

import pytest

from s3util import (
    MiB,
    clean_env,
    empty_and_delete_bucket,
    make_client,
    pseudo_random_bytes,
    run_tool,
    unique_bucket,
)

AWS = "/usr/bin/aws"
CURL = "/usr/bin/curl"


@pytest.fixture(scope="module")
def aws(server, tmp_path_factory):
    """Runs `aws --endpoint-url <server> ...`; returns the CompletedProcess."""
    home = tmp_path_factory.mktemp("aws-home")
    config = home / "config"
    config.write_text("[default]\nregion = us-east-1\noutput = json\n"
                      "s3 =\n    addressing_style = path\n")
    credentials = home / "credentials"
    credentials.write_text(f"[default]\naws_access_key_id = {server.access_key}\n"
                           f"aws_secret_access_key = {server.secret_key}\n")
    env = clean_env(home, AWS_CONFIG_FILE=config, AWS_SHARED_CREDENTIALS_FILE=credentials,
                    AWS_PAGER="", AWS_EC2_METADATA_DISABLED="true", AWS_MAX_ATTEMPTS="1")

    def run(*args, check=True, timeout=600):
        return run_tool([AWS, "--endpoint-url", server.endpoint, *args], env, timeout=timeout,
                        check=check)

    run.env = env
    return run


@pytest.fixture(scope="module")
def cli_bucket(aws, server):
    name = unique_bucket("cli")
    aws("s3", "mb", f"s3://{name}")
    yield name
    empty_and_delete_bucket(make_client(server), name)


def _write_file(path, size, seed):
    """Writes `size` deterministic pseudo-random bytes in 8 MiB pieces (bounded memory)."""
    with open(path, "wb") as f:
        written = 0
        while written < size:
            piece = pseudo_random_bytes(min(8 * MiB, size - written), seed=seed * 1000 + written)
            f.write(piece)
            written += len(piece)


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(MiB), b""):
            h.update(block)
    return h.hexdigest()


def test_mb_ls_rb(aws):
    name = unique_bucket("cli-rb")
    out = aws("s3", "mb", f"s3://{name}").stdout.decode()
    assert f"make_bucket: {name}" in out
    assert name in aws("s3", "ls").stdout.decode().split()
    aws("s3", "cp", "-", f"s3://{name}/x", timeout=60)
    # rb refuses a bucket that is not empty; --force empties it first.
    refused = aws("s3", "rb", f"s3://{name}", check=False)
    assert refused.returncode != 0
    assert b"BucketNotEmpty" in refused.stderr
    out = aws("s3", "rb", "--force", f"s3://{name}").stdout.decode()
    assert f"remove_bucket: {name}" in out
    assert name not in aws("s3", "ls").stdout.decode().split()


@pytest.mark.parametrize("size", [0, 1, 5 * MiB, 200 * MiB],
                         ids=["0B", "1B", "5MiB", "200MiB"])
def test_cp_up_and_down(aws, server, cli_bucket, tmp_path, size):
    src = tmp_path / "src.bin"
    _write_file(src, size, seed=size % 9973)
    key = f"cp/{size}.bin"
    aws("s3", "cp", str(src), f"s3://{cli_bucket}/{key}")
    dst = tmp_path / "dst.bin"
    aws("s3", "cp", f"s3://{cli_bucket}/{key}", str(dst))
    assert dst.stat().st_size == size
    assert _sha256(dst) == _sha256(src)

    head = make_client(server).head_object(Bucket=cli_bucket, Key=key)
    assert head["ContentLength"] == size
    if size >= 8 * MiB:
        # The CLI switches to multipart at 8 MiB with 8 MiB parts.
        assert head["ETag"].endswith(f'-{-(-size // (8 * MiB))}"'), head["ETag"]
    else:
        assert head["ETag"] == f'"{hashlib.md5(src.read_bytes()).hexdigest()}"'
    os.remove(src)
    os.remove(dst)


def _make_tree(root):
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_text("alpha\n")
    (root / "space name.txt").write_text("spaces in a key\n")
    (root / "sub" / "b.bin").write_bytes(pseudo_random_bytes(100 * 1024, seed=7))
    (root / "sub" / "deeper" / "c.txt").write_text("gamma\n")
    (root / "sub" / "deeper" / "empty").write_bytes(b"")


def _tree_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _ls_recursive_keys(aws, url):
    proc = aws("s3", "ls", "--recursive", url, check=False)
    # The CLI exits 1 when nothing matches: that is an empty listing, not a failure.
    assert proc.returncode == 0 or (proc.returncode == 1 and not proc.stdout.strip()), (
        proc.returncode, proc.stdout, proc.stderr)
    out = proc.stdout.decode()
    # Lines look like "2024-01-01 12:00:00       6 tree/a.txt"; keys may contain spaces.
    return sorted(line.split(None, 3)[3] for line in out.splitlines() if line.strip())


def test_sync_both_ways(aws, cli_bucket, tmp_path):
    src = tmp_path / "src"
    _make_tree(src)
    url = f"s3://{cli_bucket}/tree/"
    aws("s3", "sync", str(src), url)
    expected = [f"tree/{f}" for f in _tree_files(src)]
    assert _ls_recursive_keys(aws, url) == expected

    # Nothing changed: a second sync uploads nothing.
    again = aws("s3", "sync", str(src), url).stdout.decode()
    assert "upload:" not in again, again

    down = tmp_path / "down"
    aws("s3", "sync", url, str(down))
    assert _tree_files(down) == _tree_files(src)
    match, mismatch, errors = filecmp.cmpfiles(src, down, _tree_files(src), shallow=False)
    assert not mismatch and not errors, (mismatch, errors)

    # Local changes propagate, including deletions with --delete.
    (src / "a.txt").unlink()
    (src / "new.txt").write_text("new file\n")
    aws("s3", "sync", "--delete", str(src), url)
    assert _ls_recursive_keys(aws, url) == [f"tree/{f}" for f in _tree_files(src)]

    aws("s3", "rm", "--recursive", url)
    assert _ls_recursive_keys(aws, url) == []


def test_presign_with_curl(aws, cli_bucket, tmp_path):
    src = tmp_path / "p.bin"
    _write_file(src, 300 * 1024, seed=11)
    aws("s3", "cp", str(src), f"s3://{cli_bucket}/presign/p.bin")
    url = aws("s3", "presign", f"s3://{cli_bucket}/presign/p.bin", "--expires-in", "300")
    url = url.stdout.decode().strip()
    assert url.startswith("http://127.0.0.1:") and "X-Amz-Signature=" in url
    out = tmp_path / "fetched.bin"
    run_tool([CURL, "--silent", "--show-error", "--fail", "--noproxy", "*", "-o", str(out), url],
             aws.env, timeout=120)
    assert out.read_bytes() == src.read_bytes()


def test_rm(aws, cli_bucket):
    aws("s3", "cp", "-", f"s3://{cli_bucket}/rm/me", timeout=60)
    assert _ls_recursive_keys(aws, f"s3://{cli_bucket}/rm/") == ["rm/me"]
    out = aws("s3", "rm", f"s3://{cli_bucket}/rm/me").stdout.decode()
    assert f"delete: s3://{cli_bucket}/rm/me" in out
    assert _ls_recursive_keys(aws, f"s3://{cli_bucket}/rm/") == []


def test_s3api_calls(aws, cli_bucket, tmp_path):
    body = tmp_path / "body.txt"
    data = b"s3api body\n"
    body.write_bytes(data)
    put = json.loads(aws("s3api", "put-object", "--bucket", cli_bucket, "--key", "api/k.txt",
                         "--body", str(body), "--content-type", "text/plain",
                         "--metadata", "owner=cli", "--tagging", "t=1").stdout)
    assert put["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'

    head = json.loads(aws("s3api", "head-object", "--bucket", cli_bucket,
                          "--key", "api/k.txt").stdout)
    assert head["ContentLength"] == 11
    assert head["Metadata"] == {"owner": "cli"}
    assert head["ContentType"] == "text/plain"

    tags = json.loads(aws("s3api", "get-object-tagging", "--bucket", cli_bucket,
                          "--key", "api/k.txt").stdout)
    assert tags["TagSet"] == [{"Key": "t", "Value": "1"}]

    listing = json.loads(aws("s3api", "list-objects-v2", "--bucket", cli_bucket,
                             "--prefix", "api/").stdout)
    assert [o["Key"] for o in listing["Contents"]] == ["api/k.txt"]

    out = tmp_path / "out.txt"
    got = json.loads(aws("s3api", "get-object", "--bucket", cli_bucket, "--key", "api/k.txt",
                         "--range", "bytes=0-4", str(out)).stdout)
    assert got["ContentRange"] == "bytes 0-4/11"
    assert out.read_bytes() == b"s3api"

    missing = aws("s3api", "get-object", "--bucket", cli_bucket, "--key", "api/absent",
                  str(out), check=False)
    assert missing.returncode != 0 and b"NoSuchKey" in missing.stderr, missing.stderr

    deleted = json.loads(aws("s3api", "delete-objects", "--bucket", cli_bucket, "--delete",
                             json.dumps({"Objects": [{"Key": "api/k.txt"}]})).stdout)
    assert [d["Key"] for d in deleted["Deleted"]] == ["api/k.txt"]

    missing_bucket = aws("s3api", "head-bucket", "--bucket", unique_bucket(), check=False)
    assert missing_bucket.returncode != 0 and b"404" in missing_bucket.stderr
