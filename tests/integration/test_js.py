"""The AWS SDK for JavaScript v3 (js/*.mjs run by /usr/bin/node). smoke.mjs: PutObject with
the SDK's default checksums (aws-chunked with a trailing x-amz-checksum-crc32), lib-storage
multipart, GetObject, ListObjectsV2 and DeleteObjects, path style; checksums.mjs: every checksum
algorithm; versioning.mjs: versioned buckets. Dependencies come from the committed
package-lock.json through `npm ci`, run once when node_modules is missing."""

from pathlib import Path

from s3util import CALLER_ENV, clean_env, run_tool, unique_bucket

NODE = "/usr/bin/node"
NPM = "/usr/bin/npm"
JS_DIR = Path(__file__).resolve().parent / "js"


def _ensure_node_modules():
    if (JS_DIR / "node_modules" / "@aws-sdk" / "client-s3" / "package.json").is_file():
        return
    # npm needs the caller's own environment (registry settings, CA bundle, proxy).
    run_tool([NPM, "ci", "--no-audit", "--no-fund"], CALLER_ENV, timeout=600, cwd=JS_DIR)


def _run_script(server, client_home, script, bucket_prefix):
    """Runs js/<script> against `server` in a clean environment; returns its stdout."""
    _ensure_node_modules()
    env = clean_env(
        client_home,
        CAIRN_ENDPOINT=server.endpoint,
        CAIRN_ACCESS_KEY=server.access_key,
        CAIRN_SECRET_KEY=server.secret_key,
        CAIRN_BUCKET=unique_bucket(bucket_prefix),
        # The SDK's notice about future Node versions is noise here.
        NODE_NO_WARNINGS="1",
    )
    return run_tool([NODE, script], env, timeout=300, cwd=JS_DIR).stdout


def test_js_sdk_smoke(server, client_home):
    out = _run_script(server, client_home, "smoke.mjs", "js")
    assert b"smoke: all ok" in out, out.decode()


def test_js_sdk_every_checksum(server, client_home):
    """js/checksums.mjs: CRC32, CRC32C, CRC64NVME, SHA1, SHA256 on PutObject and multipart
    (COMPOSITE and FULL_OBJECT), BadDigest for a wrong value."""
    out = _run_script(server, client_home, "checksums.mjs", "jsck")
    assert b"checksums: all ok" in out, out.decode()


def test_js_sdk_versioning(server, client_home):
    """js/versioning.mjs: Put/GetBucketVersioning, versions of one key by PutObject and a
    lib-storage multipart Upload, GetObject/HeadObject by VersionId, delete markers, DeleteObject
    and DeleteObjects by VersionId, CopyObject from a version, and ListObjectVersions paged by
    hand with KeyMarker/VersionIdMarker."""
    out = _run_script(server, client_home, "versioning.mjs", "jsver")
    assert b"versioning: all ok" in out, out.decode()
