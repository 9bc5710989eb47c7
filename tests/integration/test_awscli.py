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


# ---- versioning (aws s3api put-bucket-versioning, list-object-versions, --version-id, and
# what `aws s3 cp` / `rm` / `rb --force` do on a versioned bucket)


def _json(proc):
    """The CLI's JSON answer; an empty answer (e.g. GetBucketVersioning of a bucket that was
    never versioned) prints nothing."""
    return json.loads(proc.stdout or b"{}")


@pytest.fixture
def versioned_bucket(aws, server):
    name = unique_bucket("cli-ver")
    aws("s3", "mb", f"s3://{name}")
    assert "Status" not in _json(aws("s3api", "get-bucket-versioning", "--bucket", name))
    aws("s3api", "put-bucket-versioning", "--bucket", name,
        "--versioning-configuration", "Status=Enabled")
    assert _json(aws("s3api", "get-bucket-versioning", "--bucket", name))["Status"] == "Enabled"
    yield name
    empty_and_delete_bucket(make_client(server), name)


def _cli_versions(aws, bucket, *args):
    """(versions, delete markers) from `aws s3api list-object-versions`, each a list of
    (key, version id, is latest) in listing order; the CLI follows NextKeyMarker and
    NextVersionIdMarker itself when a page is truncated."""
    out = _json(aws("s3api", "list-object-versions", "--bucket", bucket, *args))
    return ([(v["Key"], v["VersionId"], v["IsLatest"]) for v in out.get("Versions", [])],
            [(d["Key"], d["VersionId"], d["IsLatest"]) for d in out.get("DeleteMarkers", [])])


def _put(aws, bucket, key, path, *args):
    return _json(aws("s3api", "put-object", "--bucket", bucket, "--key", key,
                     "--body", str(path), *args))


def _get(aws, bucket, key, out, *args, check=True):
    return aws("s3api", "get-object", "--bucket", bucket, "--key", key, *args, str(out),
               check=check)


def test_s3api_versions_of_one_key(aws, versioned_bucket, tmp_path):
    b = versioned_bucket
    one, two, out = tmp_path / "one", tmp_path / "two", tmp_path / "out"
    one.write_bytes(b"version one\n")
    two.write_bytes(pseudo_random_bytes(100 * 1024, seed=3))  # above the inline limit
    put1 = _put(aws, b, "k", one)
    put2 = _put(aws, b, "k", two)
    v1, v2 = put1["VersionId"], put2["VersionId"]
    assert v1 != v2 and "null" not in (v1, v2)
    assert put1["ETag"] == f'"{hashlib.md5(one.read_bytes()).hexdigest()}"'
    assert _cli_versions(aws, b) == ([("k", v2, True), ("k", v1, False)], [])

    # GET and HEAD: the current version by default, any version by --version-id.
    got = _json(_get(aws, b, "k", out))
    assert got["VersionId"] == v2 and out.read_bytes() == two.read_bytes()
    got = _json(_get(aws, b, "k", out, "--version-id", v1))
    assert got["VersionId"] == v1 and out.read_bytes() == one.read_bytes()
    head = _json(aws("s3api", "head-object", "--bucket", b, "--key", "k", "--version-id", v1))
    assert head["VersionId"] == v1 and head["ContentLength"] == len(one.read_bytes())
    bad = _get(aws, b, "k", out, "--version-id", "0000000000000001", check=False)
    assert bad.returncode != 0 and b"NoSuchVersion" in bad.stderr, bad.stderr

    # A DELETE without a version adds a delete marker; the versions stay readable.
    deleted = _json(aws("s3api", "delete-object", "--bucket", b, "--key", "k"))
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    assert marker not in (v1, v2, "null")
    gone = _get(aws, b, "k", out, check=False)
    assert gone.returncode != 0 and b"NoSuchKey" in gone.stderr, gone.stderr
    on_marker = _get(aws, b, "k", out, "--version-id", marker, check=False)
    assert on_marker.returncode != 0 and b"MethodNotAllowed" in on_marker.stderr, on_marker.stderr
    assert _cli_versions(aws, b) == ([("k", v2, False), ("k", v1, False)],
                                     [("k", marker, True)])
    assert "Contents" not in _json(aws("s3api", "list-objects-v2", "--bucket", b))
    _get(aws, b, "k", out, "--version-id", v1)
    assert out.read_bytes() == one.read_bytes()

    # Deleting the marker by its id brings the object back.
    undone = _json(aws("s3api", "delete-object", "--bucket", b, "--key", "k",
                       "--version-id", marker))
    assert undone["VersionId"] == marker and undone["DeleteMarker"] is True
    assert _json(_get(aws, b, "k", out))["VersionId"] == v2

    # Deleting the current version for good makes the previous one current.
    gone_for_good = _json(aws("s3api", "delete-object", "--bucket", b, "--key", "k",
                              "--version-id", v2))
    assert gone_for_good["VersionId"] == v2 and gone_for_good.get("DeleteMarker") is not True
    assert _cli_versions(aws, b) == ([("k", v1, True)], [])
    assert _json(_get(aws, b, "k", out))["VersionId"] == v1
    assert out.read_bytes() == one.read_bytes()
    listed = _json(aws("s3api", "list-objects-v2", "--bucket", b))["Contents"]
    assert [(o["Key"], o["Size"]) for o in listed] == [("k", len(one.read_bytes()))]
    gone = _get(aws, b, "k", out, "--version-id", v2, check=False)
    assert gone.returncode != 0 and b"NoSuchVersion" in gone.stderr, gone.stderr


def test_s3api_copy_from_a_version_and_suspended_versioning(aws, versioned_bucket, tmp_path):
    b = versioned_bucket
    old, new, out = tmp_path / "old", tmp_path / "new", tmp_path / "out"
    old.write_bytes(b"old bytes")
    new.write_bytes(b"new bytes!")
    v1 = _put(aws, b, "src", old, "--tagging", "gen=1")["VersionId"]
    _put(aws, b, "src", new)
    copied = _json(aws("s3api", "copy-object", "--bucket", b, "--key", "dst",
                       "--copy-source", f"{b}/src?versionId={v1}"))
    assert copied["CopySourceVersionId"] == v1
    assert copied["VersionId"] not in (None, "null", v1)
    _get(aws, b, "dst", out)
    assert out.read_bytes() == b"old bytes"
    tags = _json(aws("s3api", "get-object-tagging", "--bucket", b, "--key", "src",
                     "--version-id", v1))
    assert tags["VersionId"] == v1 and tags["TagSet"] == [{"Key": "gen", "Value": "1"}]

    # Suspended: new writes replace the null version; older versions stay.
    aws("s3api", "put-bucket-versioning", "--bucket", b,
        "--versioning-configuration", "Status=Suspended")
    assert _json(aws("s3api", "get-bucket-versioning", "--bucket", b))["Status"] == "Suspended"
    # The null version they make has no id to answer (S3 sends no x-amz-version-id).
    assert "VersionId" not in _put(aws, b, "src", old)
    assert "VersionId" not in _put(aws, b, "src", new)
    versions, markers = _cli_versions(aws, b, "--prefix", "src")
    assert [(k, latest) for k, _, latest in versions] == [("src", True), ("src", False),
                                                          ("src", False)]
    assert versions[0][1] == "null" and versions[2][1] == v1 and markers == []
    _get(aws, b, "src", out, "--version-id", "null")
    assert out.read_bytes() == b"new bytes!"


def test_list_object_versions_pages_through_the_cli(aws, server, versioned_bucket):
    """The CLI pages with --page-size (KeyMarker + VersionIdMarker from the previous page) and
    with --max-items/--starting-token (its own NextToken built from those markers); every way
    must give the same listing as one whole page."""
    b = versioned_bucket
    s3 = make_client(server)
    for key in ("a", "b/1", "b/2", "c"):
        for i in range(3):
            s3.put_object(Bucket=b, Key=key, Body=f"{key} {i}".encode())
    s3.delete_object(Bucket=b, Key="b/2")  # a delete marker in the middle of the listing
    whole = _cli_versions(aws, b)
    assert len(whole[0]) == 12 and [m[0] for m in whole[1]] == ["b/2"]
    assert [v[0] for v in whole[0]] == ["a"] * 3 + ["b/1"] * 3 + ["b/2"] * 3 + ["c"] * 3
    for size in ("1", "2", "5"):
        assert _cli_versions(aws, b, "--page-size", size) == whole, size

    # By hand: --max-items 4 stops after four entries and hands out a NextToken.
    versions, markers, token, pages = [], [], None, 0
    while True:
        args = ["--max-items", "4"] + (["--starting-token", token] if token else [])
        out = _json(aws("s3api", "list-object-versions", "--bucket", b, *args))
        versions += [(v["Key"], v["VersionId"], v["IsLatest"]) for v in out.get("Versions", [])]
        markers += [(d["Key"], d["VersionId"], d["IsLatest"])
                    for d in out.get("DeleteMarkers", [])]
        pages += 1
        token = out.get("NextToken")
        if not token:
            break
        assert pages < 10, "the CLI kept paging"
    assert pages >= 3
    assert sorted(versions) == sorted(whole[0]) and markers == whole[1]

    # A delimiter: the b/ prefix folds into one CommonPrefix.
    top = _json(aws("s3api", "list-object-versions", "--bucket", b, "--delimiter", "/"))
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["b/"]
    assert sorted({v["Key"] for v in top["Versions"]}) == ["a", "c"]


def test_s3_cp_rm_and_rb_on_a_versioned_bucket(aws, server, versioned_bucket, tmp_path):
    b = versioned_bucket
    first, second = tmp_path / "first", tmp_path / "second"
    first.write_bytes(b"first upload\n")
    _write_file(second, 9 * MiB, seed=5)  # multipart with the CLI's 8 MiB threshold
    aws("s3", "cp", str(first), f"s3://{b}/dir/f")
    aws("s3", "cp", str(second), f"s3://{b}/dir/f")
    versions, markers = _cli_versions(aws, b)
    assert [(k, latest) for k, _, latest in versions] == [("dir/f", True), ("dir/f", False)]
    assert markers == []
    assert _ls_recursive_keys(aws, f"s3://{b}/") == ["dir/f"]
    down = tmp_path / "down"
    aws("s3", "cp", f"s3://{b}/dir/f", str(down))
    assert _sha256(down) == _sha256(second)
    # The older version is still there, by its id.
    _get(aws, b, "dir/f", down, "--version-id", versions[1][1])
    assert down.read_bytes() == first.read_bytes()

    # A copy inside the bucket copies the current version into a new key with one version.
    aws("s3", "cp", f"s3://{b}/dir/f", f"s3://{b}/dir/g")
    assert [v[0] for v in _cli_versions(aws, b, "--prefix", "dir/g")[0]] == ["dir/g"]
    aws("s3", "cp", f"s3://{b}/dir/g", str(down))
    assert _sha256(down) == _sha256(second)

    # `aws s3 rm` adds a delete marker: the key leaves the listing, the versions stay.
    out = aws("s3", "rm", f"s3://{b}/dir/f").stdout.decode()
    assert f"delete: s3://{b}/dir/f" in out
    assert _ls_recursive_keys(aws, f"s3://{b}/") == ["dir/g"]
    missing = aws("s3", "cp", f"s3://{b}/dir/f", str(tmp_path / "nothing"), check=False)
    assert missing.returncode != 0 and b"404" in missing.stderr, missing.stderr
    versions_f, markers_f = _cli_versions(aws, b, "--prefix", "dir/f")
    assert [latest for _, _, latest in versions_f] == [False, False]
    assert [(k, latest) for k, _, latest in markers_f] == [("dir/f", True)]
    _get(aws, b, "dir/f", down, "--version-id", versions_f[0][1])
    assert _sha256(down) == _sha256(second)

    # rm --recursive marks everything deleted; no version is removed.
    aws("s3", "rm", "--recursive", f"s3://{b}/dir/")
    assert _ls_recursive_keys(aws, f"s3://{b}/") == []
    versions, markers = _cli_versions(aws, b)
    assert len(versions) == 3 and not any(latest for _, _, latest in versions)
    assert sorted(k for k, _, latest in markers if latest) == ["dir/f", "dir/g"]

    # rb --force empties the bucket with plain DELETEs (more markers), so the versions keep it
    # from being deleted: BucketNotEmpty, as on AWS.
    refused = aws("s3", "rb", "--force", f"s3://{b}", check=False)
    assert refused.returncode != 0 and b"BucketNotEmpty" in refused.stderr, refused.stderr
    assert b in aws("s3", "ls").stdout.decode().split()
