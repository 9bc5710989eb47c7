"""S3 versioning through boto3 (sqlite metadata): Put/GetBucketVersioning, version ids on every
write, GET/HEAD/DELETE/CopyObject/tagging/attributes by versionId, delete markers, the null
version (objects from before versioning, and Suspended buckets), ListObjectVersions with every
marker and a delimiter, DeleteObjects with versions, multipart completion, and a scrub pass
(orphan sweep at zero grace) that keeps every noncurrent version's data."""
import pytest
from botocore.exceptions import ClientError

import s3util
from cairn_server import write_config
from s3util import expect_error


def enable(s3, bucket, status="Enabled"):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})


def body(s3, bucket, key, version=None):
    kwargs = {"VersionId": version} if version else {}
    return s3.get_object(Bucket=bucket, Key=key, **kwargs)["Body"].read()


def versions(s3, bucket, **kwargs):
    """[(key, version id, is latest, is delete marker)] in listing order. One entry per page
    (boto3 parses Versions and DeleteMarkers apart, so only single entries keep the order);
    the paginator follows NextKeyMarker and NextVersionIdMarker."""
    out = []
    pages = s3.get_paginator("list_object_versions").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 1}, **kwargs)
    for page in pages:
        entries = [(v, False) for v in page.get("Versions", [])] + \
                  [(d, True) for d in page.get("DeleteMarkers", [])]
        assert len(entries) <= 1, page
        out += [(e["Key"], e["VersionId"], e["IsLatest"], dm) for e, dm in entries]
    return out


def test_versioning_configuration(s3, bucket):
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    enable(s3, bucket)
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    enable(s3, bucket, "Suspended")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"
    with expect_error("MalformedXML", 400):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Disabled"})
    with expect_error("NotImplemented", 501):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={
            "Status": "Enabled", "MFADelete": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


def test_overwrites_keep_every_version(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"before versioning")
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two" * 100000)["VersionId"]  # in shards
    assert v1 != v2 and "null" not in (v1, v2)
    assert body(s3, bucket, "k") == b"two" * 100000
    assert body(s3, bucket, "k", v1) == b"one"
    assert body(s3, bucket, "k", "null") == b"before versioning"
    head = s3.head_object(Bucket=bucket, Key="k", VersionId=v1)
    assert head["VersionId"] == v1 and head["ContentLength"] == 3
    assert s3.get_object(Bucket=bucket, Key="k")["VersionId"] == v2
    assert versions(s3, bucket) == [("k", v2, True, False), ("k", v1, False, False),
                                    ("k", "null", False, False)]
    # Only the current version is listed as an object.
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["k"]
    with expect_error("NoSuchVersion", 404):
        s3.get_object(Bucket=bucket, Key="k", VersionId="0000000000000001")
    with expect_error("InvalidArgument", 400):
        s3.get_object(Bucket=bucket, Key="k", VersionId="not-a-version")


def test_delete_markers(s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="d/k", Body=b"data")["VersionId"]
    out = s3.delete_object(Bucket=bucket, Key="d/k")
    assert out["DeleteMarker"] is True
    marker = out["VersionId"]
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=bucket, Key="d/k")
    assert err.value.response["Error"]["Code"] == "NoSuchKey"
    assert err.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as err:
        s3.head_object(Bucket=bucket, Key="d/k", VersionId=marker)
    assert s3util.status_of(err.value) == 405
    # The key is gone from listings, and so is a common prefix only it made.
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0
    assert "CommonPrefixes" not in s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert versions(s3, bucket) == [("d/k", marker, True, True), ("d/k", v1, False, False)]
    assert body(s3, bucket, "d/k", v1) == b"data"
    # A second delete adds a second marker; deleting both markers brings the object back.
    marker2 = s3.delete_object(Bucket=bucket, Key="d/k")["VersionId"]
    for m in (marker2, marker):
        out = s3.delete_object(Bucket=bucket, Key="d/k", VersionId=m)
        assert out["DeleteMarker"] is True and out["VersionId"] == m
    assert body(s3, bucket, "d/k") == b"data"
    # Deleting a version for good; a version that does not exist is not an error.
    s3.delete_object(Bucket=bucket, Key="d/k", VersionId=v1)
    s3.delete_object(Bucket=bucket, Key="d/k", VersionId=v1)
    assert versions(s3, bucket) == []
    with expect_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="d/k")


def test_deleting_the_current_version_makes_the_previous_current(s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"1")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"2")["VersionId"]
    s3.delete_object(Bucket=bucket, Key="k", VersionId=v2)
    assert body(s3, bucket, "k") == b"1"
    assert versions(s3, bucket) == [("k", v1, True, False)]


def test_suspended_bucket_writes_the_null_version(s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["VersionId"]
    enable(s3, bucket, "Suspended")
    # Writing the null version answers no x-amz-version-id, as S3 does.
    assert "VersionId" not in s3.put_object(Bucket=bucket, Key="k", Body=b"null 1")
    assert "VersionId" not in s3.put_object(Bucket=bucket, Key="k", Body=b"null 2")
    assert versions(s3, bucket) == [("k", "null", True, False), ("k", v1, False, False)]
    enable(s3, bucket)
    v3 = s3.put_object(Bucket=bucket, Key="k", Body=b"v3")["VersionId"]
    enable(s3, bucket, "Suspended")
    # A delete in a Suspended bucket is a null delete marker that replaces the null version.
    out = s3.delete_object(Bucket=bucket, Key="k")
    assert out["DeleteMarker"] is True and out["VersionId"] == "null"
    assert versions(s3, bucket) == [("k", "null", True, True), ("k", v3, False, False),
                                    ("k", v1, False, False)]
    assert body(s3, bucket, "k", v1) == b"v1"


def test_copy_tagging_and_attributes_by_version(s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="src", Body=b"old", Tagging="a=1")["VersionId"]
    s3.put_object(Bucket=bucket, Key="src", Body=b"new")
    out = s3.copy_object(Bucket=bucket, Key="dst",
                         CopySource={"Bucket": bucket, "Key": "src", "VersionId": v1})
    assert out["CopySourceVersionId"] == v1 and out["VersionId"] not in (None, "null")
    assert body(s3, bucket, "dst") == b"old"
    tags = s3.get_object_tagging(Bucket=bucket, Key="src", VersionId=v1)
    assert tags["TagSet"] == [{"Key": "a", "Value": "1"}] and tags["VersionId"] == v1
    s3.put_object_tagging(Bucket=bucket, Key="src", VersionId=v1,
                          Tagging={"TagSet": [{"Key": "b", "Value": "2"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="src", VersionId=v1)["TagSet"] == \
        [{"Key": "b", "Value": "2"}]
    assert s3.get_object_tagging(Bucket=bucket, Key="src")["TagSet"] == []
    attrs = s3.get_object_attributes(Bucket=bucket, Key="src", VersionId=v1,
                                     ObjectAttributes=["ObjectSize"])
    assert attrs["ObjectSize"] == 3 and attrs["VersionId"] == v1
    marker = s3.delete_object(Bucket=bucket, Key="src")["VersionId"]
    with expect_error("InvalidRequest", 400):
        s3.copy_object(Bucket=bucket, Key="x",
                       CopySource={"Bucket": bucket, "Key": "src", "VersionId": marker})
    with expect_error("NoSuchKey", 404):
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "src"})


def test_delete_objects_with_versions(s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="a", Body=b"a1")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="a", Body=b"a2")["VersionId"]
    s3.put_object(Bucket=bucket, Key="b", Body=b"b")
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "a", "VersionId": v1}, {"Key": "b"}]})
    deleted = {d["Key"]: d for d in out["Deleted"]}
    assert deleted["a"]["VersionId"] == v1 and "DeleteMarker" not in deleted["a"]
    assert deleted["b"]["DeleteMarker"] is True and deleted["b"]["DeleteMarkerVersionId"]
    assert versions(s3, bucket, Prefix="a") == [("a", v2, True, False)]


def test_multipart_completion_creates_a_version(s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="mp", Body=b"small")["VersionId"]
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up, PartNumber=1, Body=b"p" * 1000)
    out = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert out["VersionId"] not in (None, "null", v1)
    assert body(s3, bucket, "mp") == b"p" * 1000
    assert body(s3, bucket, "mp", v1) == b"small"
    # A retried completion answers as the first did, version id included.
    again = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert again["VersionId"] == out["VersionId"] and again["ETag"] == out["ETag"]


def test_list_object_versions_pages_and_prefixes(s3, bucket):
    enable(s3, bucket)
    expected = []
    for key in ["a", "b/1", "b/2", "c"]:
        ids = [s3.put_object(Bucket=bucket, Key=key, Body=key.encode() * i)["VersionId"]
               for i in range(1, 4)]
        expected += [(key, v, i == 0, False) for i, v in enumerate(reversed(ids))]
    # One entry per page: every marker kind is used and nothing is lost or repeated.
    assert versions(s3, bucket) == expected
    whole = s3.list_object_versions(Bucket=bucket)
    assert not whole["IsTruncated"] and len(whole["Versions"]) == len(expected)
    page = s3.list_object_versions(Bucket=bucket, MaxKeys=4)
    assert page["IsTruncated"] and page["NextKeyMarker"] == "b/1"
    assert page["NextVersionIdMarker"] == expected[3][1]
    rest = s3.list_object_versions(Bucket=bucket, KeyMarker="b/1",
                                   VersionIdMarker=page["NextVersionIdMarker"])
    assert [v["VersionId"] for v in rest["Versions"]][:2] == [expected[4][1], expected[5][1]]
    top = s3.list_object_versions(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["b/"]
    assert sorted({v["Key"] for v in top["Versions"]}) == ["a", "c"]
    with expect_error("InvalidArgument", 400):
        s3.list_object_versions(Bucket=bucket, VersionIdMarker=expected[0][1])


def test_a_bucket_with_versions_is_not_empty(s3):
    name = s3util.unique_bucket("ver")
    s3.create_bucket(Bucket=name)
    enable(s3, name)
    v = s3.put_object(Bucket=name, Key="k", Body=b"x")["VersionId"]
    marker = s3.delete_object(Bucket=name, Key="k")["VersionId"]
    with expect_error("BucketNotEmpty", 409):
        s3.delete_bucket(Bucket=name)
    s3.delete_object(Bucket=name, Key="k", VersionId=v)
    with expect_error("BucketNotEmpty", 409):
        s3.delete_bucket(Bucket=name)
    s3.delete_object(Bucket=name, Key="k", VersionId=marker)
    s3.delete_bucket(Bucket=name)


def test_scrub_keeps_every_version(server_factory, tmp_path):
    """The orphan sweep (zero grace) must count noncurrent versions' shards as referenced."""
    config = write_config(tmp_path / "cairn.toml", {"storage": {
        "scrub_interval_seconds": 0, "scrub_bytes_per_second": 0, "orphan_grace_seconds": 0,
        "inline_max_bytes": 0}})
    server = server_factory("versions-scrub", config=str(config))
    s3 = s3util.make_client(server)
    name = s3util.unique_bucket("ver")
    s3.create_bucket(Bucket=name)
    enable(s3, name)
    data = {}
    for i in range(3):
        out = s3.put_object(Bucket=name, Key="k", Body=bytes([i]) * 200000)
        data[out["VersionId"]] = bytes([i]) * 200000
    s3.delete_object(Bucket=name, Key="k")
    progress = server.run_scrub()
    assert progress["unrecoverable"] == [] and progress["errors"] == []
    for version, expected in data.items():
        assert body(s3, name, "k", version) == expected
    # Deleting the delete marker makes the newest version current again; a scrub then too.
    marker = [v for v in versions(s3, name) if v[3]][0][1]
    s3.delete_object(Bucket=name, Key="k", VersionId=marker)
    server.run_scrub()
    for version, expected in data.items():
        assert body(s3, name, "k", version) == expected


def test_concurrent_deletes_of_every_version_leave_none(s3, bucket):
    """Deleting all versions at once: a delete of the current version promotes an older one
    while another delete is looking for it; every delete that answers 204 has removed its
    version (s3-tests test_versioned_concurrent_object_create_concurrent_remove)."""
    import threading
    enable(s3, bucket)
    for round_ in range(40):
        ids = [s3.put_object(Bucket=bucket, Key="k", Body=f"{round_}-{i}".encode())["VersionId"]
               for i in range(5)]
        threads = [threading.Thread(target=s3.delete_object,
                                    kwargs={"Bucket": bucket, "Key": "k", "VersionId": v})
                   for v in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert versions(s3, bucket) == [], f"round {round_}"
