"""Large objects through real clients, against a server of their own (so gigabytes of shards
never share a data directory with the rest of the suite, and are deleted when done):

- the AWS CLI copies a 3 GiB file up and down (automatic multipart, 8 MiB parts) and it comes
  back byte-identical; `aws s3api` drives a multipart upload by hand with a JSON parts file;
- rclone copies a 150 MiB file as multipart (--s3-upload-cutoff 10M --s3-chunk-size 8M) and
  `rclone check` compares it, also by downloading;
- the JS SDK's lib-storage `Upload` streams 100 MiB from a generator with the SDK's default
  checksums (js/upload.mjs), and SHA-256 digests computed on both sides agree.

Source files are random bytes written in pieces (bounded memory) and removed by each test."""

import hashlib
import json
import os
import shutil
import subprocess

import pytest

from s3util import (
    MiB,
    clean_env,
    empty_and_delete_bucket,
    make_client,
    multipart_etag,
    pseudo_random_bytes,
    run_tool,
    unique_bucket,
)
from test_js import JS_DIR, NODE, _ensure_node_modules

AWS = "/usr/bin/aws"
RCLONE = "/usr/bin/rclone"
CMP = "/usr/bin/cmp"
GiB = 1024 * MiB


@pytest.fixture(scope="module")
def large_server(server_factory):
    server = server_factory("large")
    yield server
    # The tests delete what they stored; stop the server now rather than at session end.
    server.stop()


@pytest.fixture(scope="module")
def large_s3(large_server):
    return make_client(large_server)


@pytest.fixture
def large_bucket(large_s3):
    name = unique_bucket("large")
    large_s3.create_bucket(Bucket=name)
    yield name
    empty_and_delete_bucket(large_s3, name)


@pytest.fixture(scope="module")
def aws(large_server, tmp_path_factory):
    """Runs `aws --endpoint-url <large server> ...` with private config files; returns the
    CompletedProcess."""
    home = tmp_path_factory.mktemp("aws-large-home")
    config = home / "config"
    config.write_text("[default]\nregion = us-east-1\noutput = json\n"
                      "s3 =\n    addressing_style = path\n")
    credentials = home / "credentials"
    credentials.write_text(f"[default]\naws_access_key_id = {large_server.access_key}\n"
                           f"aws_secret_access_key = {large_server.secret_key}\n")
    env = clean_env(home, AWS_CONFIG_FILE=config, AWS_SHARED_CREDENTIALS_FILE=credentials,
                    AWS_PAGER="", AWS_EC2_METADATA_DISABLED="true", AWS_MAX_ATTEMPTS="1")

    def run(*args, check=True, timeout=600):
        return run_tool([AWS, "--endpoint-url", large_server.endpoint, *args], env,
                        timeout=timeout, check=check)

    return run


def _write_random_file(path, size):
    """Writes `size` bytes from the kernel's CSPRNG in 8 MiB pieces: nothing repeats, so a
    misplaced part cannot go unnoticed."""
    with open(path, "wb") as f:
        left = size
        while left:
            piece = os.urandom(min(8 * MiB, left))
            f.write(piece)
            left -= len(piece)


def test_awscli_cp_3gib_round_trip(aws, large_s3, large_bucket, tmp_path):
    size = 3 * GiB
    src, dst = tmp_path / "src.bin", tmp_path / "dst.bin"
    try:
        _write_random_file(src, size)
        aws("s3", "cp", "--no-progress", str(src), f"s3://{large_bucket}/big/3gib.bin",
            timeout=900)
        head = large_s3.head_object(Bucket=large_bucket, Key="big/3gib.bin")
        assert head["ContentLength"] == size
        # The CLI's default: 8 MiB parts, so 384 of them.
        assert head["ETag"].endswith('-384"'), head["ETag"]
        aws("s3", "cp", "--no-progress", f"s3://{large_bucket}/big/3gib.bin", str(dst),
            timeout=900)
        assert dst.stat().st_size == size
        cmp = subprocess.run([CMP, str(src), str(dst)], capture_output=True, timeout=300)
        assert cmp.returncode == 0, cmp.stdout + cmp.stderr
    finally:
        for path in (src, dst):
            path.unlink(missing_ok=True)
        large_s3.delete_object(Bucket=large_bucket, Key="big/3gib.bin")


def test_awscli_s3api_multipart(aws, large_s3, large_bucket, tmp_path):
    key = "api/mp.bin"
    data = [pseudo_random_bytes(5 * MiB, 201), pseudo_random_bytes(MiB + 5, 202)]
    files = []
    for number, part in enumerate(data, start=1):
        files.append(tmp_path / f"part{number}")
        files[-1].write_bytes(part)

    def api(*args):
        return json.loads(aws("s3api", *args, "--bucket", large_bucket).stdout or b"{}")

    upload_id = api("create-multipart-upload", "--key", key, "--content-type",
                    "application/x-parts", "--checksum-algorithm", "CRC32")["UploadId"]
    # A second upload, aborted: only the first one must remain listed.
    other = api("create-multipart-upload", "--key", "api/aborted")["UploadId"]
    api("abort-multipart-upload", "--key", "api/aborted", "--upload-id", other)

    uploaded = []
    for number, path in enumerate(files, start=1):
        resp = api("upload-part", "--key", key, "--upload-id", upload_id, "--part-number",
                   str(number), "--body", str(path), "--checksum-algorithm", "CRC32")
        assert resp["ETag"] == f'"{hashlib.md5(data[number - 1]).hexdigest()}"'
        assert resp["ChecksumCRC32"]
        uploaded.append({"PartNumber": number, "ETag": resp["ETag"],
                         "ChecksumCRC32": resp["ChecksumCRC32"]})
    listed = api("list-parts", "--key", key, "--upload-id", upload_id)
    assert [(p["PartNumber"], p["ETag"], p["Size"], p["ChecksumCRC32"])
            for p in listed["Parts"]] == [
        (u["PartNumber"], u["ETag"], len(d), u["ChecksumCRC32"]) for u, d in zip(uploaded, data)]
    uploads = api("list-multipart-uploads")
    assert [(u["Key"], u["UploadId"]) for u in uploads["Uploads"]] == [(key, upload_id)]

    parts_file = tmp_path / "parts.json"
    parts_file.write_text(json.dumps({"Parts": uploaded}))
    done = api("complete-multipart-upload", "--key", key, "--upload-id", upload_id,
               "--multipart-upload", f"file://{parts_file}")
    assert done["ETag"] == multipart_etag(data)
    assert done["ChecksumCRC32"].endswith("-2"), done
    assert "Uploads" not in api("list-multipart-uploads")

    got = large_s3.get_object(Bucket=large_bucket, Key=key)
    assert got["ContentType"] == "application/x-parts"
    assert got["Body"].read() == b"".join(data)


@pytest.fixture(scope="module")
def rclone(large_server, tmp_path_factory):
    home = tmp_path_factory.mktemp("rclone-large-home")
    config = home / "rclone.conf"
    config.write_text(
        "[cairn]\n"
        "type = s3\n"
        "provider = Other\n"
        "env_auth = false\n"
        f"access_key_id = {large_server.access_key}\n"
        f"secret_access_key = {large_server.secret_key}\n"
        f"endpoint = {large_server.endpoint}\n"
        "region = us-east-1\n"
        "force_path_style = true\n"
    )
    env = clean_env(home)

    def run(*args, check=True, timeout=600):
        return run_tool([RCLONE, "--config", config, "--retries", "1", "--low-level-retries", "1",
                         "--cache-dir", home / "cache", *args], env, timeout=timeout, check=check)

    return run


def test_rclone_multipart_copy_and_check(rclone, large_s3, large_bucket, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    size = 150 * MiB
    _write_random_file(src / "large.bin", size)
    (src / "small.txt").write_text("beside the large one\n")
    remote = f"cairn:{large_bucket}/rclone"
    try:
        rclone("copy", "--s3-upload-cutoff", "10M", "--s3-chunk-size", "8M", src, remote)
        head = large_s3.head_object(Bucket=large_bucket, Key="rclone/large.bin")
        assert head["ContentLength"] == size
        assert head["ETag"].endswith('-19"'), head["ETag"]  # 150 MiB in 8 MiB chunks
        # rclone keeps the MD5 of a multipart upload in metadata and checks against it ...
        rclone("check", src, remote)
        # ... and with --download it compares the bytes themselves.
        rclone("check", "--download", src, remote)
        # A changed byte is noticed.
        with open(src / "large.bin", "r+b") as f:
            f.seek(100 * MiB)
            byte = f.read(1)
            f.seek(100 * MiB)
            f.write(bytes([byte[0] ^ 0xFF]))
        drift = rclone("check", "--download", src, remote, check=False)
        assert drift.returncode != 0, drift.stdout + drift.stderr
    finally:
        shutil.rmtree(src, ignore_errors=True)


def test_js_lib_storage_upload_100mib_stream(large_server, large_s3, large_bucket, client_home):
    _ensure_node_modules()
    size = 100 * MiB + 12345  # 21 parts of lib-storage's default 5 MiB, the last one short
    env = clean_env(
        client_home,
        CAIRN_ENDPOINT=large_server.endpoint,
        CAIRN_ACCESS_KEY=large_server.access_key,
        CAIRN_SECRET_KEY=large_server.secret_key,
        CAIRN_BUCKET=large_bucket,
        CAIRN_KEY="js/streamed-100mib.bin",
        CAIRN_SIZE=size,
        NODE_NO_WARNINGS="1",
    )
    proc = run_tool([NODE, "upload.mjs"], env, timeout=600, cwd=JS_DIR)
    out = proc.stdout.decode()
    assert "upload: all ok" in out, out
    report = json.loads(out.splitlines()[0])
    assert report["uploadedSha256"] == report["downloadedSha256"]
    assert report["parts"] == 21
    # A third opinion: boto3 reads it back and hashes it too.
    body = large_s3.get_object(Bucket=large_bucket, Key="js/streamed-100mib.bin")["Body"]
    digest = hashlib.sha256()
    for piece in iter(lambda: body.read(MiB), b""):
        digest.update(piece)
    assert digest.hexdigest() == report["uploadedSha256"]
    head = large_s3.head_object(Bucket=large_bucket, Key="js/streamed-100mib.bin",
                                ChecksumMode="ENABLED")
    assert head["ContentLength"] == size
    assert head["ETag"] == report["etag"]
    assert head["ChecksumCRC32"] == report["checksumCRC32"]
