"""s3cmd (/usr/bin/s3cmd) against cairn with a private config file: mb, put, ls, get, del, rb,
including a file large enough for s3cmd's own multipart upload."""

import pytest

from s3util import MiB, empty_and_delete_bucket, make_client, pseudo_random_bytes
from s3util import s3cmd_runner, unique_bucket


@pytest.fixture(scope="module")
def s3cmd(server, tmp_path_factory):
    return s3cmd_runner(server, tmp_path_factory.mktemp("s3cmd-home"))


def _ls_keys(out):
    # "2024-01-01 12:00         6  s3://bucket/key" (or "DIR  s3://bucket/prefix/")
    return [line.split("s3://", 1)[1] for line in out.decode().splitlines() if "s3://" in line]


def test_s3cmd_round_trip(s3cmd, server, tmp_path):
    bucket = unique_bucket("s3cmd")
    try:
        out = s3cmd("mb", f"s3://{bucket}").stdout
        assert f"Bucket 's3://{bucket}/' created".encode() in out, out
        assert f"s3://{bucket}".encode() in s3cmd("ls").stdout

        small = tmp_path / "small.txt"
        small.write_text("hello from s3cmd\n")
        big = tmp_path / "big.bin"
        big.write_bytes(pseudo_random_bytes(12 * MiB, seed=3))  # 3 parts of 5 MiB chunks
        s3cmd("put", small, f"s3://{bucket}/dir/small.txt")
        s3cmd("put", big, f"s3://{bucket}/dir/big.bin")

        assert sorted(_ls_keys(s3cmd("ls", f"s3://{bucket}/dir/").stdout)) == [
            f"{bucket}/dir/big.bin", f"{bucket}/dir/small.txt"]
        assert _ls_keys(s3cmd("ls", f"s3://{bucket}").stdout) == [f"{bucket}/dir/"]
        recursive = s3cmd("ls", "--recursive", f"s3://{bucket}").stdout
        assert len(_ls_keys(recursive)) == 2

        head = make_client(server).head_object(Bucket=bucket, Key="dir/big.bin")
        assert head["ETag"].endswith('-3"'), head["ETag"]

        for name, src in (("small.txt", small), ("big.bin", big)):
            dst = tmp_path / f"got-{name}"
            s3cmd("get", f"s3://{bucket}/dir/{name}", dst)
            assert dst.read_bytes() == src.read_bytes(), name

        info = s3cmd("info", f"s3://{bucket}/dir/small.txt").stdout.decode()
        assert "File size: 17" in info, info

        s3cmd("del", f"s3://{bucket}/dir/small.txt")
        assert _ls_keys(s3cmd("ls", f"s3://{bucket}/dir/").stdout) == [f"{bucket}/dir/big.bin"]

        refused = s3cmd("rb", f"s3://{bucket}", check=False)
        assert refused.returncode != 0
        assert b"BucketNotEmpty" in refused.stdout + refused.stderr

        s3cmd("del", f"s3://{bucket}/dir/big.bin")
        out = s3cmd("rb", f"s3://{bucket}").stdout
        assert f"Bucket 's3://{bucket}/' removed".encode() in out, out
        assert f"s3://{bucket}".encode() not in s3cmd("ls").stdout
    finally:
        empty_and_delete_bucket(make_client(server), bucket)


def test_s3cmd_missing_object(s3cmd, server, tmp_path):
    bucket = unique_bucket("s3cmd")
    make_client(server).create_bucket(Bucket=bucket)
    try:
        missing = s3cmd("get", f"s3://{bucket}/absent", tmp_path / "x", check=False)
        output = missing.stdout + missing.stderr
        assert missing.returncode != 0, output
        # s3cmd HEADs first and words the 404 itself.
        assert b"does not exist" in output or b"404" in output, output
    finally:
        empty_and_delete_bucket(make_client(server), bucket)
