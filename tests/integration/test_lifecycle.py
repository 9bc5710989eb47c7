"""Bucket lifecycle through boto3 against a server with a 2-second lifecycle day
([lifecycle] seconds_per_day = 2) and no timer passes (interval_seconds = 0): each test puts
rules, writes, then runs a pass with `POST /_cairn/admin/lifecycle/run?at=<ms>` (what
`cairn admin lifecycle run --now --at TIME` sends) and checks what the pass did -- expiry,
delete markers, noncurrent versions, expired delete markers, aborted uploads, transitions to
another codec and k+m, filters, object lock, the walk after a rule change, a Lua policy beyond
what XML can say, and a policy that loops or bombs memory (refused, visible, the pass goes on)."""
import hashlib
import subprocess
import threading
import time

import pytest
from botocore.exceptions import ClientError

import s3util
from cairn_server import cairn_binary, start_server, write_config
from s3util import expect_error

DAY_S = 2  # seconds_per_day of the test server

BEYOND_XML = """
-- Keeps the newest 3 versions of keys under logs/, except versions tagged legal=hold, and
-- otherwise applies the bucket's rules with the default policy's logic.
function evaluate(rules, object, now)
  if object.key:sub(1, 5) == "logs/" and object.kind == "version" and not object.current then
    if object.tags.legal == "hold" then return nil end
    if object.newer_noncurrent >= 2 then return {action = "delete", rule = "keep-3"} end
    return nil
  end
  if object.key == "loop" then while true do end end
  if object.key == "bomb" then
    local t = {}
    for i = 1, 1e9 do t[i] = string.rep("x", 1024) .. i end
  end
  return nil
end
"""


@pytest.fixture(scope="module")
def lc_server(tmp_path_factory):
    conf_dir = tmp_path_factory.mktemp("lifecycle-conf")
    script = conf_dir / "beyond.lua"
    script.write_text(BEYOND_XML)
    config = write_config(conf_dir / "cairn.toml", {
        "lifecycle": {"seconds_per_day": DAY_S, "interval_seconds": 0,
                      "actions_per_second": 0, "transition_bytes_per_second": 0,
                      "buckets": {"beyond-xml": str(script)}},
        "lua": {"milliseconds_per_call": 200},
        "storage": {"free_delay_seconds": 1},
    })
    server = start_server(tmp_path_factory.mktemp("lifecycle"), config=config)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def s3(lc_server):
    return s3util.make_client(lc_server)


@pytest.fixture
def bucket(s3):
    name = s3util.unique_bucket("lc")
    s3.create_bucket(Bucket=name)
    yield name
    s3util.empty_and_delete_bucket(s3, name)


@pytest.fixture
def versioned(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


def run_pass(server, days_ahead=0.0):
    """Runs a lifecycle pass evaluating as if `days_ahead` lifecycle days had passed."""
    at_ms = int((time.time() + days_ahead * DAY_S) * 1000)
    status, body = server.admin("POST", "lifecycle/run", f"at={at_ms}")
    assert status == 200, f"lifecycle run answered {status}: {body!r}"
    return body


def rules(s3, bucket, *rule_list):
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": list(rule_list)})


def keys_of(s3, bucket):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def versions_of(s3, bucket, key):
    page = s3.list_object_versions(Bucket=bucket, Prefix=key)
    vs = [("v", v["VersionId"]) for v in page.get("Versions", []) if v["Key"] == key]
    ms = [("m", m["VersionId"]) for m in page.get("DeleteMarkers", []) if m["Key"] == key]
    return vs + ms


def test_configuration_round_trip_and_errors(s3, bucket):
    with expect_error("NoSuchLifecycleConfiguration", 404):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    rule_list = [
        {"ID": "expire-logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
         "Expiration": {"Days": 30},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
        {"ID": "tags", "Status": "Disabled",
         "Filter": {"And": {"Prefix": "tmp/", "Tags": [{"Key": "a", "Value": "1"}],
                            "ObjectSizeGreaterThan": 10}},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 2, "NewerNoncurrentVersions": 3}},
        {"ID": "cold", "Status": "Enabled", "Filter": {"Prefix": ""},
         "Transitions": [{"Days": 5, "StorageClass": "STANDARD_IA"}],
         "NoncurrentVersionTransitions": [{"NoncurrentDays": 3,
                                           "StorageClass": "REDUCED_REDUNDANCY"}]},
    ]
    rules(s3, bucket, *rule_list)
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert got == rule_list
    with expect_error("InvalidArgument", 400):
        rules(s3, bucket, {"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""},
                           "Expiration": {"Days": 0}})
    with expect_error("InvalidArgument", 400):
        rules(s3, bucket, {"ID": "x", "Status": "Enabled", "Filter": {"Prefix": "a"},
                           "Expiration": {"Days": 1}},
              {"ID": "x", "Status": "Enabled", "Filter": {"Prefix": "b"},
               "Expiration": {"Days": 1}})
    with expect_error("InvalidStorageClass", 400):
        rules(s3, bucket, {"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""},
                           "Transitions": [{"Days": 1, "StorageClass": "GLACIER"}]})
    with expect_error("MalformedXML", 400):
        rules(s3, bucket, {"ID": "x", "Status": "On", "Filter": {"Prefix": ""},
                           "Expiration": {"Days": 1}})
    # A refused configuration changed nothing.
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == rule_list
    s3.delete_bucket_lifecycle(Bucket=bucket)
    with expect_error("NoSuchLifecycleConfiguration", 404):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)


def test_expiration_in_an_unversioned_bucket(lc_server, s3, bucket):
    rules(s3, bucket, {"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
                       "Expiration": {"Days": 1}})
    put = s3.put_object(Bucket=bucket, Key="tmp/a", Body=b"a")
    assert 'rule-id="tmp"' in put["ResponseMetadata"]["HTTPHeaders"]["x-amz-expiration"]
    head = s3.head_object(Bucket=bucket, Key="tmp/a")
    assert head["Expiration"].startswith('expiry-date="') and 'rule-id="tmp"' in head["Expiration"]
    s3.put_object(Bucket=bucket, Key="keep/b", Body=b"b" * 100_000)
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="keep/b")
    # Not yet due: nothing happens.
    early = run_pass(lc_server, 0.25)
    assert early["objects_expired"] == 0
    assert keys_of(s3, bucket) == ["keep/b", "tmp/a"]
    done = run_pass(lc_server, 1.5)
    assert done["objects_expired"] == 1 and done["errors"] == 0, done
    assert keys_of(s3, bucket) == ["keep/b"]
    assert s3.get_object(Bucket=bucket, Key="keep/b")["Body"].read() == b"b" * 100_000


def test_expiration_date(lc_server, s3, bucket):
    rules(s3, bucket, {"ID": "date", "Status": "Enabled", "Filter": {"Prefix": ""},
                       "Expiration": {"Date": "2020-01-01T00:00:00Z"}})
    s3.put_object(Bucket=bucket, Key="old", Body=b"x")
    assert run_pass(lc_server)["objects_expired"] == 1
    assert keys_of(s3, bucket) == []


def test_versioned_expiry_noncurrent_and_expired_markers(lc_server, s3, versioned):
    bucket = versioned
    rules(s3, bucket,
          {"ID": "current", "Status": "Enabled", "Filter": {"Prefix": "doc"},
           "Expiration": {"Days": 3}},
          {"ID": "noncurrent", "Status": "Enabled", "Filter": {"Prefix": "doc"},
           "NoncurrentVersionExpiration": {"NoncurrentDays": 1, "NewerNoncurrentVersions": 1}},
          {"ID": "markers", "Status": "Enabled", "Filter": {"Prefix": "gone"},
           "Expiration": {"ExpiredObjectDeleteMarker": True}})
    ids = [s3.put_object(Bucket=bucket, Key="doc", Body=f"v{i}".encode())["VersionId"]
           for i in range(4)]
    # Noncurrent: v0, v1, v2; keep 1 newer noncurrent (v2) -> v0 and v1 go once a day old.
    result = run_pass(lc_server, 1.5)
    assert result["versions_deleted"] == 2, result
    assert versions_of(s3, bucket, "doc") == [("v", ids[3]), ("v", ids[2])]
    # Three days on, the current version expires: a delete marker on top, data kept.
    result = run_pass(lc_server, 3.5)
    assert result["objects_expired"] == 1, result
    kinds = [k for k, _ in versions_of(s3, bucket, "doc")]
    assert kinds.count("m") == 1 and kinds.count("v") >= 1
    with expect_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="doc")
    assert s3.get_object(Bucket=bucket, Key="doc", VersionId=ids[3])["Body"].read() == b"v3"

    # An expired delete marker (no versions behind it) goes; one with versions stays.
    s3.put_object(Bucket=bucket, Key="gone/a", Body=b"a")
    v = s3.list_object_versions(Bucket=bucket, Prefix="gone/a")["Versions"][0]["VersionId"]
    s3.delete_object(Bucket=bucket, Key="gone/a")
    assert run_pass(lc_server)["delete_markers_removed"] == 0
    s3.delete_object(Bucket=bucket, Key="gone/a", VersionId=v)
    result = run_pass(lc_server)
    assert result["delete_markers_removed"] == 1, result
    assert versions_of(s3, bucket, "gone/a") == []


def test_abort_incomplete_multipart_upload(lc_server, s3, bucket):
    rules(s3, bucket, {"ID": "mpu", "Status": "Enabled", "Filter": {"Prefix": "big/"},
                       "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}})
    stale = s3.create_multipart_upload(Bucket=bucket, Key="big/file")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="big/file", UploadId=stale, PartNumber=1,
                   Body=b"p" * (5 << 20))
    other = s3.create_multipart_upload(Bucket=bucket, Key="small/file")["UploadId"]
    assert run_pass(lc_server, 0.5)["uploads_aborted"] == 0
    assert run_pass(lc_server, 1.5)["uploads_aborted"] == 1
    left = [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])]
    assert left == [other]
    with expect_error("NoSuchUpload", 404):
        s3.list_parts(Bucket=bucket, Key="big/file", UploadId=stale)
    s3.abort_multipart_upload(Bucket=bucket, Key="small/file", UploadId=other)


def test_tag_and_size_filters(lc_server, s3, bucket):
    rules(s3, bucket, {"ID": "f", "Status": "Enabled",
                       "Filter": {"And": {"Tags": [{"Key": "class", "Value": "scratch"}],
                                          "ObjectSizeGreaterThan": 10,
                                          "ObjectSizeLessThan": 1000}},
                       "Expiration": {"Days": 1}})
    s3.put_object(Bucket=bucket, Key="tagged", Body=b"x" * 100, Tagging="class=scratch")
    s3.put_object(Bucket=bucket, Key="tiny", Body=b"x", Tagging="class=scratch")
    s3.put_object(Bucket=bucket, Key="untagged", Body=b"x" * 100)
    s3.put_object(Bucket=bucket, Key="retagged", Body=b"x" * 100)
    # A tag change makes the key due again: the rule now selects it.
    s3.put_object_tagging(Bucket=bucket, Key="retagged",
                          Tagging={"TagSet": [{"Key": "class", "Value": "scratch"}]})
    assert run_pass(lc_server, 1.5)["objects_expired"] == 2
    assert keys_of(s3, bucket) == ["tiny", "untagged"]


def test_rules_put_after_the_objects_walk_the_bucket(lc_server, s3, bucket):
    for i in range(30):
        s3.put_object(Bucket=bucket, Key=f"early/{i:02d}", Body=b"x")
    assert run_pass(lc_server, 5)["objects_expired"] == 0  # no rules yet
    rules(s3, bucket, {"ID": "all", "Status": "Enabled", "Filter": {"Prefix": "early/"},
                       "Expiration": {"Days": 1}})
    result = run_pass(lc_server, 1.5)
    assert result["buckets_scanned"] >= 1
    assert result["objects_expired"] == 30, result
    assert keys_of(s3, bucket) == []


def test_object_lock_keeps_locked_versions(lc_server, s3):
    name = s3util.unique_bucket("lclock")
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    try:
        rules(s3, name, {"ID": "nc", "Status": "Enabled", "Filter": {"Prefix": ""},
                         "NoncurrentVersionExpiration": {"NoncurrentDays": 1}})
        held = s3.put_object(Bucket=name, Key="k", Body=b"held",
                             ObjectLockLegalHoldStatus="ON")["VersionId"]
        s3.put_object(Bucket=name, Key="k", Body=b"newer")
        result = run_pass(lc_server, 2)
        assert result["locked_skipped"] == 1 and result["versions_deleted"] == 0, result
        assert s3.get_object(Bucket=name, Key="k", VersionId=held)["Body"].read() == b"held"
        # Lifting the hold makes the key due again, and the version goes.
        s3.put_object_legal_hold(Bucket=name, Key="k", VersionId=held,
                                 LegalHold={"Status": "OFF"})
        assert run_pass(lc_server, 2)["versions_deleted"] == 1
        with expect_error("NoSuchVersion", 404):
            s3.get_object(Bucket=name, Key="k", VersionId=held)
    finally:
        s3util.empty_and_delete_bucket(s3, name)


def test_transition_re_encodes_into_another_class(lc_server, s3, bucket):
    # ISA-L 6+3 to ISA-L 4+2: another k+m.
    rules(s3, bucket, {"ID": "rr", "Status": "Enabled", "Filter": {"Prefix": ""},
                       "Transitions": [{"Days": 1, "StorageClass": "REDUCED_REDUNDANCY"}]})
    body = s3util.pseudo_random_bytes(3 << 20, seed=7)
    s3.put_object(Bucket=bucket, Key="data", Body=body)
    parts_key = "multi"
    up = s3.create_multipart_upload(Bucket=bucket, Key=parts_key)["UploadId"]
    part_bodies = [s3util.pseudo_random_bytes(5 << 20, seed=8), b"tail" * 1000]
    etags = [s3.upload_part(Bucket=bucket, Key=parts_key, UploadId=up, PartNumber=i + 1,
                            Body=b)["ETag"] for i, b in enumerate(part_bodies)]
    s3.complete_multipart_upload(Bucket=bucket, Key=parts_key, UploadId=up, MultipartUpload={
        "Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]})
    result = run_pass(lc_server, 1.5)
    assert result["transitions"] == 2 and result["errors"] == 0, result
    head = s3.head_object(Bucket=bucket, Key="data")
    assert head["StorageClass"] == "REDUCED_REDUNDANCY"
    assert s3.get_object(Bucket=bucket, Key="data")["Body"].read() == body
    got = s3.get_object(Bucket=bucket, Key=parts_key, PartNumber=2)["Body"].read()
    assert got == part_bodies[1]
    assert s3.get_object(Bucket=bucket, Key=parts_key)["Body"].read() == b"".join(part_bodies)
    # Done: the next pass has nothing to move.
    assert run_pass(lc_server, 3)["transitions"] == 0


def test_transition_of_a_large_object_while_it_is_read(lc_server, s3, bucket):
    size = 200 << 20
    body = s3util.pseudo_random_bytes(size, seed=11)
    digest = hashlib.md5(body).hexdigest()
    s3.put_object(Bucket=bucket, Key="large", Body=body)
    del body
    # STANDARD is ISA-L 6+3, STANDARD_IA Jerasure 6+3: the data is re-encoded by another codec.
    rules(s3, bucket, {"ID": "ia", "Status": "Enabled", "Filter": {"Prefix": ""},
                       "Transitions": [{"Days": 1, "StorageClass": "STANDARD_IA"}]})
    reads = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            h = hashlib.md5()
            for chunk in s3.get_object(Bucket=bucket, Key="large")["Body"].iter_chunks(1 << 20):
                h.update(chunk)
            reads.append(h.hexdigest())

    t = threading.Thread(target=reader)
    t.start()
    try:
        result = run_pass(lc_server, 1.5)
    finally:
        stop.set()
        t.join(timeout=300)
    assert result["transitions"] == 1 and result["bytes_transitioned"] == size, result
    assert reads and all(r == digest for r in reads), reads
    assert s3.head_object(Bucket=bucket, Key="large")["StorageClass"] == "STANDARD_IA"
    h = hashlib.md5()
    for chunk in s3.get_object(Bucket=bucket, Key="large")["Body"].iter_chunks(1 << 20):
        h.update(chunk)
    assert h.hexdigest() == digest


def test_a_lua_policy_beyond_xml(lc_server, s3):
    """[lifecycle.buckets] beyond-xml: keep the newest 3 versions under logs/ unless tagged
    legal=hold -- with no XML rules at all."""
    name = "beyond-xml"
    s3.create_bucket(Bucket=name)
    try:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        ids = []
        for i in range(6):
            tagging = "legal=hold" if i == 0 else ""
            ids.append(s3.put_object(Bucket=name, Key="logs/app", Body=f"{i}".encode(),
                                     Tagging=tagging)["VersionId"])
        s3.put_object(Bucket=name, Key="data/x", Body=b"x")
        s3.put_object(Bucket=name, Key="data/x", Body=b"y")
        result = run_pass(lc_server)
        assert result["versions_deleted"] == 2 and result["errors"] == 0, result
        left = [v for _, v in versions_of(s3, name, "logs/app")]
        # Newest 3 (current + 2 noncurrent) and the held one.
        assert left == [ids[5], ids[4], ids[3], ids[0]]
        assert len(versions_of(s3, name, "data/x")) == 2
    finally:
        s3util.empty_and_delete_bucket(s3, name)


@pytest.mark.parametrize("key", ["loop", "bomb"])
def test_a_runaway_policy_is_stopped_and_the_pass_goes_on(lc_server, s3, key):
    name = "beyond-xml"
    s3.create_bucket(Bucket=name)
    try:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_object(Bucket=name, Key=key, Body=b"x")
        for i in range(4):
            s3.put_object(Bucket=name, Key="logs/b", Body=f"{i}".encode())
        started = time.monotonic()
        result = run_pass(lc_server)
        assert time.monotonic() - started < 30
        assert result["errors"] >= 1
        assert "limit exceeded" in result["last_error"] or "not enough memory" in result["last_error"], result
        assert result["versions_deleted"] == 1, result  # the other key was still handled
        status, body = lc_server.admin("GET", "lifecycle")
        assert status == 200 and body["last_error"] == result["last_error"]
        # The CLI shows it too.
        out = subprocess.run(
            [str(cairn_binary()), "admin", "lifecycle", "status",
             "--endpoint", lc_server.endpoint, "--access-key", lc_server.access_key,
             "--secret-key", lc_server.secret_key],
            capture_output=True, text=True, timeout=60)
        assert "last error: " + result["last_error"] in out.stdout, out
    finally:
        s3util.empty_and_delete_bucket(s3, name)


def test_admin_cli_run_at(lc_server, s3, bucket):
    rules(s3, bucket, {"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": ""},
                       "Expiration": {"Days": 1}})
    s3.put_object(Bucket=bucket, Key="a", Body=b"a")
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3 * DAY_S))
    out = subprocess.run(
        [str(cairn_binary()), "admin", "lifecycle", "run", "--now", "--at", at,
         "--endpoint", lc_server.endpoint, "--access-key", lc_server.access_key,
         "--secret-key", lc_server.secret_key],
        capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out
    assert "objects expired: 1" in out.stdout, out.stdout
    assert keys_of(s3, bucket) == []
