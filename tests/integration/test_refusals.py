"""No silent acceptance: every request header, query parameter and XML element whose meaning
Cairn does not implement yet is refused with the error AWS gives for the unsupported case, and
the refused request changes nothing. One test row per row of docs/s3-api.md's "Refused, not
ignored" table: when a feature lands, its row flips from refused to works, here and there.

Each row is sent twice: as a raw request signed with botocore's SigV4 signer (exact bytes, every
header signed), and through boto3's own parameters where boto3 has them."""

import base64
import hashlib

import pytest

import s3util
from s3util import expect_error

ORIGINAL = b"the original bytes"
SSE_C_KEY = base64.b64encode(b"k" * 32).decode()
SSE_C_MD5 = base64.b64encode(hashlib.md5(b"k" * 32).digest()).decode()
SSE_C = {
    "x-amz-server-side-encryption-customer-algorithm": "AES256",
    "x-amz-server-side-encryption-customer-key": SSE_C_KEY,
    "x-amz-server-side-encryption-customer-key-MD5": SSE_C_MD5,
}

# (row, method, target ("object", "bucket" or "new-bucket"), query, headers, code, status)
ROWS = [
    ("sse-s3 put", "PUT", "object", "", {"x-amz-server-side-encryption": "AES256"},
     "NotImplemented", 501),
    ("sse-kms put", "PUT", "object", "",
     {"x-amz-server-side-encryption": "aws:kms",
      "x-amz-server-side-encryption-aws-kms-key-id": "alias/k"}, "NotImplemented", 501),
    ("sse-kms context", "PUT", "object", "",
     {"x-amz-server-side-encryption-context": "e30="}, "NotImplemented", 501),
    ("bucket key", "PUT", "object", "",
     {"x-amz-server-side-encryption-bucket-key-enabled": "true"}, "NotImplemented", 501),
    ("sse-c put", "PUT", "object", "", SSE_C, "NotImplemented", 501),
    ("sse-c get", "GET", "object", "", SSE_C, "InvalidRequest", 400),
    ("sse-c create upload", "POST", "object", "uploads=", SSE_C, "NotImplemented", 501),
    ("sse create upload", "POST", "object", "uploads=",
     {"x-amz-server-side-encryption": "AES256"}, "NotImplemented", 501),
    ("sse-c copy source", "PUT", "copy", "",
     {"x-amz-copy-source-server-side-encryption-customer-algorithm": "AES256",
      "x-amz-copy-source-server-side-encryption-customer-key": SSE_C_KEY,
      "x-amz-copy-source-server-side-encryption-customer-key-MD5": SSE_C_MD5},
     "InvalidRequest", 400),
    ("canned acl public-read", "PUT", "object", "", {"x-amz-acl": "public-read"},
     "AccessControlListNotSupported", 400),
    ("canned acl authenticated-read", "PUT", "object", "",
     {"x-amz-acl": "authenticated-read"}, "AccessControlListNotSupported", 400),
    ("grant read", "PUT", "object", "", {"x-amz-grant-read": 'id="someone"'},
     "AccessControlListNotSupported", 400),
    ("grant full control", "PUT", "object", "", {"x-amz-grant-full-control": 'id="someone"'},
     "AccessControlListNotSupported", 400),
    ("bucket acl public-read-write", "PUT", "new-bucket", "",
     {"x-amz-acl": "public-read-write"}, "AccessControlListNotSupported", 400),
    ("bucket object writer", "PUT", "new-bucket", "",
     {"x-amz-object-ownership": "ObjectWriter"}, "AccessControlListNotSupported", 400),
    ("bucket object lock", "PUT", "new-bucket", "",
     {"x-amz-bucket-object-lock-enabled": "maybe"}, "InvalidArgument", 400),
    ("object lock header on a read", "GET", "object", "",
     {"x-amz-object-lock-legal-hold": "ON"}, "InvalidRequest", 400),
    ("bypass governance on a put", "PUT", "object", "",
     {"x-amz-bypass-governance-retention": "true"}, "InvalidRequest", 400),
    ("object lock mode", "PUT", "object", "",
     {"x-amz-object-lock-mode": "GOVERNANCE",
      "x-amz-object-lock-retain-until-date": "2030-01-01T00:00:00Z"}, "InvalidRequest", 400),
    ("object lock legal hold", "PUT", "object", "", {"x-amz-object-lock-legal-hold": "ON"},
     "InvalidRequest", 400),
    ("website redirect", "PUT", "object", "",
     {"x-amz-website-redirect-location": "/elsewhere"}, "NotImplemented", 501),
    ("mfa delete", "DELETE", "object", "", {"x-amz-mfa": "123456 789012"},
     "NotImplemented", 501),
    ("append", "PUT", "object", "", {"x-amz-write-offset-bytes": "5"}, "NotImplemented", 501),
    # A version id Cairn never issues (not "null", not 16 hex digits) names no version.
    ("malformed version get", "GET", "object", "versionId=3HL4kqtJlcpXroDTDmJ", {},
     "InvalidArgument", 400),
    ("malformed version head", "HEAD", "object", "versionId=3HL4kqtJlcpXroDTDmJ", {}, None, 400),
    ("malformed version delete", "DELETE", "object", "versionId=3HL4kqtJlcpXroDTDmJ", {},
     "InvalidArgument", 400),
    ("malformed version tagging", "PUT", "object", "tagging=&versionId=3HL4kqtJlcpXroDTDmJ", {},
     "InvalidArgument", 400),
    ("malformed copy source version", "PUT", "copy-version", "", {}, "InvalidArgument", 400),
    # No write of new data takes a versionId (S3 assigns it).
    ("version on put", "PUT", "object", "versionId=null", {}, "InvalidArgument", 400),
    ("version on upload part", "PUT", "object", "partNumber=1&uploadId=nope&versionId=null", {},
     "InvalidArgument", 400),
    ("expected bucket owner", "PUT", "object", "",
     {"x-amz-expected-bucket-owner": "111122223333"}, "AccessDenied", 403),
    ("source expected bucket owner", "PUT", "copy", "",
     {"x-amz-source-expected-bucket-owner": "111122223333"}, "AccessDenied", 403),
    ("if-none-match on delete", "DELETE", "object", "", {"If-None-Match": "*"},
     "NotImplemented", 501),
    ("if-unmodified-since on put", "PUT", "object", "",
     {"If-Unmodified-Since": "Wed, 01 Jan 2020 00:00:00 GMT"}, "NotImplemented", 501),
    ("if-modified-since on delete", "DELETE", "object", "",
     {"If-Modified-Since": "Wed, 01 Jan 2020 00:00:00 GMT"}, "NotImplemented", 501),
    ("if-match on upload part", "PUT", "object", "partNumber=1&uploadId=nope",
     {"If-Match": "*"}, "NotImplemented", 501),
    ("if-match on tagging", "PUT", "object", "tagging=", {"If-Match": "*"},
     "NotImplemented", 501),
    ("acl subresource", "PUT", "object", "acl=", {"x-amz-acl": "private"},
     "NotImplemented", 501),
    ("cors subresource", "GET", "bucket", "cors=", {}, "NotImplemented", 501),
    ("lifecycle of an object", "GET", "object", "lifecycle=", {}, "NotImplemented", 501),
    ("transition minimum size", "PUT", "bucket", "lifecycle=",
     {"x-amz-transition-default-minimum-object-size": "all_storage_classes_128K"},
     "NotImplemented", 501),
]


@pytest.fixture
def seeded(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=ORIGINAL, Metadata={"m": "1"},
                  Tagging="t=1")
    return bucket


def unchanged(s3, bucket):
    """The object is exactly what the fixture wrote: bytes, ETag, metadata, tags."""
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == ORIGINAL
    assert got["ETag"] == s3util.quoted_md5(ORIGINAL)
    assert got["Metadata"] == {"m": "1"}
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [
        {"Key": "t", "Value": "1"}]


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_refused_raw(server, s3, seeded, row):
    _, method, target, query, headers, code, status = row
    bucket = seeded
    headers = dict(headers)
    body = b""
    path = f"/{bucket}/k"
    if target == "bucket":
        path = f"/{bucket}"
    elif target == "new-bucket":
        path = "/" + s3util.unique_bucket("refused")
    elif target in ("copy", "copy-version"):
        path = f"/{bucket}/copy"
        headers["x-amz-copy-source"] = f"/{bucket}/k" + (
            "?versionId=3HL4kqtJlcpXroDTDmJ" if target == "copy-version" else "")
    elif method == "PUT" and "tagging" in query:
        body = b"<Tagging><TagSet><Tag><Key>x</Key><Value>y</Value></Tag></TagSet></Tagging>"
    elif method == "PUT":
        body = b"new bytes that must not be stored"
    resp = s3util.raw_request(server, method, path, query=query, headers=headers, body=body)
    if code is None:  # HEAD: no body
        assert resp.status == status, resp
        assert resp.headers.get("x-amz-request-id")
    else:
        s3util.assert_error_response(resp, code, status)
    unchanged(s3, bucket)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == ["k"], keys
    if target == "new-bucket":
        with expect_error(None, 404):
            s3.head_bucket(Bucket=path[1:])


def test_refused_through_boto3(s3, seeded):
    bucket = seeded
    put = dict(Bucket=bucket, Key="k", Body=b"new")
    calls = [
        ("NotImplemented", 501, lambda: s3.put_object(**put, ServerSideEncryption="AES256")),
        ("NotImplemented", 501, lambda: s3.put_object(**put, ServerSideEncryption="aws:kms",
                                                      SSEKMSKeyId="alias/k")),
        ("NotImplemented", 501, lambda: s3.put_object(**put, SSECustomerAlgorithm="AES256",
                                                      SSECustomerKey="k" * 32)),
        ("InvalidRequest", 400, lambda: s3.get_object(Bucket=bucket, Key="k",
                                                      SSECustomerAlgorithm="AES256",
                                                      SSECustomerKey="k" * 32)),
        ("NotImplemented", 501, lambda: s3.create_multipart_upload(
            Bucket=bucket, Key="k", ServerSideEncryption="AES256")),
        ("AccessControlListNotSupported", 400, lambda: s3.put_object(**put, ACL="public-read")),
        ("AccessControlListNotSupported", 400, lambda: s3.put_object(**put, GrantRead='id="x"')),
        ("AccessControlListNotSupported", 400, lambda: s3.copy_object(
            Bucket=bucket, Key="k2", CopySource={"Bucket": bucket, "Key": "k"},
            ACL="public-read")),
        ("InvalidRequest", 400, lambda: s3.put_object(**put, ObjectLockLegalHoldStatus="ON")),
        ("NotImplemented", 501, lambda: s3.put_object(**put, WebsiteRedirectLocation="/x")),
        ("InvalidArgument", 400, lambda: s3.get_object(Bucket=bucket, Key="k", VersionId="v1")),
        ("InvalidArgument", 400, lambda: s3.delete_object(Bucket=bucket, Key="k",
                                                          VersionId="v1")),
        ("InvalidArgument", 400, lambda: s3.get_object_tagging(Bucket=bucket, Key="k",
                                                               VersionId="v1")),
        ("InvalidArgument", 400, lambda: s3.copy_object(
            Bucket=bucket, Key="k2", CopySource={"Bucket": bucket, "Key": "k",
                                                 "VersionId": "v1"})),
        ("AccessDenied", 403, lambda: s3.put_object(**put, ExpectedBucketOwner="111122223333")),
        ("AccessDenied", 403, lambda: s3.get_object(Bucket=bucket, Key="k",
                                                    ExpectedBucketOwner="111122223333")),
        ("AccessControlListNotSupported", 400, lambda: s3.create_bucket(
            Bucket=s3util.unique_bucket("acl"), ACL="public-read")),
    ]
    for code, status, call in calls:
        with expect_error(code, status):
            call()
        unchanged(s3, bucket)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["k"]
    # DeleteObjects naming a malformed version refuses that entry and keeps the object.
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k", "VersionId": "v1"}]})
    assert [e["Code"] for e in out["Errors"]] == ["InvalidArgument"], out
    unchanged(s3, bucket)


def test_what_is_accepted_works(server, s3, seeded):
    """The values that ask for what Cairn does anyway are accepted, not refused: the private
    canned ACL, BucketOwnerEnforced, object lock disabled, versionId=null (the only version of
    an object in an unversioned bucket) and the right expected owner."""
    bucket = seeded
    owner = s3.list_buckets()["Owner"]["ID"]
    s3.put_object(Bucket=bucket, Key="p", Body=b"p", ACL="private", ExpectedBucketOwner=owner)
    s3.put_object(Bucket=bucket, Key="p", Body=b"p", ACL="bucket-owner-full-control")
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == ORIGINAL
    name = s3util.unique_bucket("enforced")
    s3.create_bucket(Bucket=name, ACL="private", ObjectOwnership="BucketOwnerEnforced",
                     ObjectLockEnabledForBucket=False)
    s3.delete_bucket(Bucket=name)
    s3.delete_object(Bucket=bucket, Key="p", VersionId="null")
    with expect_error(None, 404):
        s3.head_object(Bucket=bucket, Key="p")
    unchanged(s3, bucket)
