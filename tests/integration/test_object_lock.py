"""Object lock through boto3: buckets created with object lock (versioning comes with it, and
cannot be suspended), default retention, per-version GOVERNANCE and COMPLIANCE retention and
legal holds, the lock headers on PutObject, CopyObject and CreateMultipartUpload, and every way
to delete a locked version refused -- DeleteObject by version, DeleteObjects, and GOVERNANCE
only yielding to x-amz-bypass-governance-retention -- while a delete marker is always allowed."""
import datetime

import pytest
from botocore.exceptions import ClientError

import s3util
from s3util import expect_error


def future(days=1):
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)


@pytest.fixture
def locked_bucket(s3):
    name = s3util.unique_bucket("lock")
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    yield name
    # Lift what can be lifted so the bucket can go (COMPLIANCE versions stay until they expire).
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        for v in page.get("Versions", []) + page.get("DeleteMarkers", []):
            try:
                s3.put_object_legal_hold(Bucket=name, Key=v["Key"], VersionId=v["VersionId"],
                                         LegalHold={"Status": "OFF"})
            except ClientError:
                pass
            try:
                s3.delete_object(Bucket=name, Key=v["Key"], VersionId=v["VersionId"],
                                 BypassGovernanceRetention=True)
            except ClientError:
                pass
    try:
        s3.delete_bucket(Bucket=name)
    except ClientError:
        pass


def test_lock_bucket_configuration(s3, locked_bucket, bucket):
    assert s3.get_bucket_versioning(Bucket=locked_bucket)["Status"] == "Enabled"
    conf = s3.get_object_lock_configuration(Bucket=locked_bucket)["ObjectLockConfiguration"]
    assert conf == {"ObjectLockEnabled": "Enabled"}
    with expect_error("InvalidBucketState", 409):
        s3.put_bucket_versioning(Bucket=locked_bucket,
                                 VersioningConfiguration={"Status": "Suspended"})
    s3.put_object_lock_configuration(Bucket=locked_bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    conf = s3.get_object_lock_configuration(Bucket=locked_bucket)["ObjectLockConfiguration"]
    assert conf["Rule"]["DefaultRetention"] == {"Mode": "GOVERNANCE", "Days": 1}
    with expect_error("MalformedXML", 400):
        s3.put_object_lock_configuration(Bucket=locked_bucket, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}}})
    with expect_error("InvalidArgument", 400):
        s3.put_object_lock_configuration(Bucket=locked_bucket, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 0}}})
    # A bucket without object lock: no configuration, and versioning is needed to add one.
    with expect_error("ObjectLockConfigurationNotFoundError", 404):
        s3.get_object_lock_configuration(Bucket=bucket)
    with expect_error("InvalidBucketState", 409):
        s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled"})
    with expect_error("InvalidRequest", 400):
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ObjectLockLegalHoldStatus="ON")


def test_default_retention_applies_to_new_versions(s3, locked_bucket):
    s3.put_object_lock_configuration(Bucket=locked_bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
    v = s3.put_object(Bucket=locked_bucket, Key="k", Body=b"x")["VersionId"]
    head = s3.head_object(Bucket=locked_bucket, Key="k", VersionId=v)
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["ObjectLockRetainUntilDate"] > future(0.9)
    with expect_error("AccessDenied", 403):
        s3.delete_object(Bucket=locked_bucket, Key="k", VersionId=v,
                         BypassGovernanceRetention=True)
    # Nobody shortens COMPLIANCE retention; extending it is fine.
    with expect_error("AccessDenied", 403):
        s3.put_object_retention(Bucket=locked_bucket, Key="k", VersionId=v, Retention={
            "Mode": "GOVERNANCE", "RetainUntilDate": future(2)}, BypassGovernanceRetention=True)
    s3.put_object_retention(Bucket=locked_bucket, Key="k", VersionId=v, Retention={
        "Mode": "COMPLIANCE", "RetainUntilDate": future(3)})
    # An explicit lock wins over the default.
    v2 = s3.put_object(Bucket=locked_bucket, Key="k2", Body=b"x", ObjectLockMode="GOVERNANCE",
                       ObjectLockRetainUntilDate=future(5))["VersionId"]
    assert s3.get_object_retention(Bucket=locked_bucket, Key="k2", VersionId=v2)[
        "Retention"]["Mode"] == "GOVERNANCE"


def test_governance_retention_and_bypass(s3, locked_bucket):
    v = s3.put_object(Bucket=locked_bucket, Key="g", Body=b"keep", ObjectLockMode="GOVERNANCE",
                      ObjectLockRetainUntilDate=future())["VersionId"]
    with expect_error("AccessDenied", 403):
        s3.delete_object(Bucket=locked_bucket, Key="g", VersionId=v)
    out = s3.delete_objects(Bucket=locked_bucket, Delete={"Objects": [{"Key": "g", "VersionId": v}]})
    assert [e["Code"] for e in out["Errors"]] == ["AccessDenied"]
    # A delete marker is always allowed; the locked version stays.
    assert s3.delete_object(Bucket=locked_bucket, Key="g")["DeleteMarker"] is True
    assert s3.get_object(Bucket=locked_bucket, Key="g", VersionId=v)["Body"].read() == b"keep"
    with expect_error("AccessDenied", 403):
        s3.put_object_retention(Bucket=locked_bucket, Key="g", VersionId=v, Retention={
            "Mode": "GOVERNANCE", "RetainUntilDate": future(0.5)})
    s3.delete_object(Bucket=locked_bucket, Key="g", VersionId=v, BypassGovernanceRetention=True)
    with expect_error("NoSuchVersion", 404):
        s3.get_object(Bucket=locked_bucket, Key="g", VersionId=v)


def test_legal_hold(s3, locked_bucket):
    v = s3.put_object(Bucket=locked_bucket, Key="h", Body=b"x",
                      ObjectLockLegalHoldStatus="ON")["VersionId"]
    assert s3.get_object_legal_hold(Bucket=locked_bucket, Key="h", VersionId=v)[
        "LegalHold"]["Status"] == "ON"
    assert s3.head_object(Bucket=locked_bucket, Key="h")["ObjectLockLegalHoldStatus"] == "ON"
    with expect_error("AccessDenied", 403):
        s3.delete_object(Bucket=locked_bucket, Key="h", VersionId=v,
                         BypassGovernanceRetention=True)
    s3.put_object_legal_hold(Bucket=locked_bucket, Key="h", VersionId=v,
                             LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=locked_bucket, Key="h", VersionId=v)
    with expect_error("MalformedXML", 400):
        s3.put_object_legal_hold(Bucket=locked_bucket, Key="h2", LegalHold={"Status": "MAYBE"})


def test_lock_headers_on_copy_and_multipart(s3, locked_bucket):
    s3.put_object(Bucket=locked_bucket, Key="src", Body=b"src")
    s3.copy_object(Bucket=locked_bucket, Key="dst", CopySource={"Bucket": locked_bucket,
                                                                 "Key": "src"},
                   ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=future())
    assert s3.head_object(Bucket=locked_bucket, Key="dst")["ObjectLockMode"] == "GOVERNANCE"
    up = s3.create_multipart_upload(Bucket=locked_bucket, Key="mp",
                                    ObjectLockLegalHoldStatus="ON")["UploadId"]
    part = s3.upload_part(Bucket=locked_bucket, Key="mp", UploadId=up, PartNumber=1, Body=b"p")
    v = s3.complete_multipart_upload(Bucket=locked_bucket, Key="mp", UploadId=up,
                                     MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                 "ETag": part["ETag"]}]})["VersionId"]
    with expect_error("AccessDenied", 403):
        s3.delete_object(Bucket=locked_bucket, Key="mp", VersionId=v)


def test_invalid_lock_requests(server, s3, locked_bucket):
    with expect_error("InvalidArgument", 400):  # a retain-until date in the past
        s3.put_object(Bucket=locked_bucket, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                      ObjectLockRetainUntilDate=future(-1))
    with expect_error("InvalidArgument", 400):
        s3.put_object(Bucket=locked_bucket, Key="k", Body=b"x", ObjectLockMode="FOREVER",
                      ObjectLockRetainUntilDate=future())
    s3.put_object(Bucket=locked_bucket, Key="k", Body=b"x")
    with expect_error("NoSuchObjectLockConfiguration", 404):
        s3.get_object_retention(Bucket=locked_bucket, Key="k")
    # The lock headers mean nothing on a read: refused, not ignored.
    resp = s3util.raw_request(server, "GET", f"/{locked_bucket}/k",
                              headers={"x-amz-object-lock-mode": "GOVERNANCE"})
    s3util.assert_error_response(resp, "InvalidRequest", 400)
    resp = s3util.raw_request(server, "PUT", f"/{locked_bucket}/k", query="tagging=",
                              headers={"x-amz-bypass-governance-retention": "true"},
                              body=b"<Tagging><TagSet/></Tagging>")
    s3util.assert_error_response(resp, "InvalidRequest", 400)
