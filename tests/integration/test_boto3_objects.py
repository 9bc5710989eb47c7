"""Object operations through boto3: PutObject, GetObject (ranges, conditionals, response-*
overrides), HeadObject, DeleteObject(s), CopyObject, metadata and tagging, awkward keys."""

import base64
import datetime

import pytest

from s3util import (
    assert_error_response,
    expect_error,
    md5_b64,
    pseudo_random_bytes,
    quoted_md5,
    raw_request,
    unique_bucket,
)

BODY = bytes(range(100))  # 100 bytes, every offset distinguishable
EMPTY_MD5 = '"d41d8cd98f00b204e9800998ecf8427e"'


def _status(resp):
    return resp["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def obj(s3, bucket):
    """A 100-byte object; returns (bucket, key, head)."""
    s3.put_object(Bucket=bucket, Key="obj", Body=BODY)
    return bucket, "obj", s3.head_object(Bucket=bucket, Key="obj")


# ---- PutObject / GetObject ----------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 100, 1024 * 1024 + 7])
def test_put_get_round_trip(s3, bucket, size):
    data = pseudo_random_bytes(size, seed=size)
    put = s3.put_object(Bucket=bucket, Key=f"k{size}", Body=data)
    assert put["ETag"] == quoted_md5(data)
    got = s3.get_object(Bucket=bucket, Key=f"k{size}")
    assert _status(got) == 200
    assert got["Body"].read() == data
    assert got["ContentLength"] == size
    assert got["ETag"] == put["ETag"]
    assert got["LastModified"].tzinfo is not None
    assert got["ResponseMetadata"]["HTTPHeaders"].get("x-amz-request-id")


def test_empty_object_etag(s3, bucket):
    assert s3.put_object(Bucket=bucket, Key="empty", Body=b"")["ETag"] == EMPTY_MD5


def test_overwrite_replaces(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"first version", Metadata={"v": "1"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"second")
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"second"
    assert got["Metadata"] == {}, "an overwrite does not inherit the old metadata"


def test_content_md5_good(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, ContentMD5=md5_b64(BODY))
    assert put["ETag"] == quoted_md5(BODY)


def test_content_md5_mismatch_is_bad_digest(s3, bucket):
    with expect_error("BadDigest", 400):
        s3.put_object(Bucket=bucket, Key="k", Body=BODY, ContentMD5=md5_b64(b"other"))
    with expect_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="k")


@pytest.mark.parametrize(
    "digest",
    ["not-base64!!", base64.b64encode(b"too short").decode()],
    ids=["not-base64", "wrong-length"],
)
def test_content_md5_malformed_is_invalid_digest(s3, bucket, digest):
    with expect_error("InvalidDigest", 400):
        s3.put_object(Bucket=bucket, Key="k", Body=BODY, ContentMD5=digest)


def test_get_missing_key_and_bucket(s3, bucket):
    with expect_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="absent")
    with expect_error("NoSuchBucket", 404):
        s3.get_object(Bucket=unique_bucket(), Key="absent")
    with expect_error("NoSuchBucket", 404):
        s3.put_object(Bucket=unique_bucket(), Key="k", Body=b"x")


# ---- Ranges -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header,start,end",
    [
        ("bytes=0-9", 0, 9),
        ("bytes=10-19", 10, 19),
        ("bytes=95-", 95, 99),
        ("bytes=-5", 95, 99),
        ("bytes=90-1000", 90, 99),  # an end past the object is clamped
        ("bytes=-1000", 0, 99),  # a suffix longer than the object is the whole object
        ("bytes=99-99", 99, 99),
    ],
)
def test_range(s3, obj, header, start, end):
    bucket, key, _ = obj
    got = s3.get_object(Bucket=bucket, Key=key, Range=header)
    assert _status(got) == 206
    assert got["ContentRange"] == f"bytes {start}-{end}/100"
    assert got["ContentLength"] == end - start + 1
    assert got["Body"].read() == BODY[start:end + 1]
    assert got["AcceptRanges"] == "bytes"


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=100-200", "bytes=500-600"])
def test_range_unsatisfiable(s3, obj, header):
    bucket, key, _ = obj
    with expect_error("InvalidRange", 416):
        s3.get_object(Bucket=bucket, Key=key, Range=header)


def test_range_on_empty_object_is_unsatisfiable(s3, bucket):
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    with expect_error("InvalidRange", 416):
        s3.get_object(Bucket=bucket, Key="empty", Range="bytes=0-0")


def test_head_with_range(s3, obj):
    bucket, key, _ = obj
    head = s3.head_object(Bucket=bucket, Key=key, Range="bytes=0-9")
    assert _status(head) == 206
    assert head["ContentLength"] == 10
    # Debian's botocore does not model ContentRange on HeadObject: read the raw header.
    assert head["ResponseMetadata"]["HTTPHeaders"]["content-range"] == "bytes 0-9/100"


# ---- Conditional GET --------------------------------------------------------------------------


def test_if_match(s3, obj):
    bucket, key, head = obj
    assert _status(s3.get_object(Bucket=bucket, Key=key, IfMatch=head["ETag"])) == 200
    with expect_error("PreconditionFailed", 412):
        s3.get_object(Bucket=bucket, Key=key, IfMatch='"0123456789abcdef0123456789abcdef"')


def test_if_none_match(s3, obj):
    bucket, key, head = obj
    with expect_error(None, 304):
        s3.get_object(Bucket=bucket, Key=key, IfNoneMatch=head["ETag"])
    got = s3.get_object(Bucket=bucket, Key=key, IfNoneMatch='"0123456789abcdef0123456789abcdef"')
    assert got["Body"].read() == BODY


def test_if_modified_since(s3, obj):
    bucket, key, head = obj
    modified = head["LastModified"]
    with expect_error(None, 304):
        s3.get_object(Bucket=bucket, Key=key, IfModifiedSince=modified)
    earlier = modified - datetime.timedelta(days=1)
    assert _status(s3.get_object(Bucket=bucket, Key=key, IfModifiedSince=earlier)) == 200


def test_if_unmodified_since(s3, obj):
    bucket, key, head = obj
    modified = head["LastModified"]
    with expect_error("PreconditionFailed", 412):
        s3.get_object(Bucket=bucket, Key=key,
                      IfUnmodifiedSince=modified - datetime.timedelta(days=1))
    later = modified + datetime.timedelta(days=1)
    assert _status(s3.get_object(Bucket=bucket, Key=key, IfUnmodifiedSince=later)) == 200


def test_conditional_precedence(s3, obj):
    # RFC 7232 as S3 documents it: a true If-Match wins over a false If-Unmodified-Since, and
    # a false If-None-Match (i.e. matching) wins over a true If-Modified-Since.
    bucket, key, head = obj
    earlier = head["LastModified"] - datetime.timedelta(days=1)
    got = s3.get_object(Bucket=bucket, Key=key, IfMatch=head["ETag"], IfUnmodifiedSince=earlier)
    assert _status(got) == 200
    with expect_error(None, 304):
        s3.get_object(Bucket=bucket, Key=key, IfNoneMatch=head["ETag"], IfModifiedSince=earlier)


def test_head_conditionals(s3, obj):
    bucket, key, head = obj
    with expect_error(None, 412):
        s3.head_object(Bucket=bucket, Key=key, IfMatch='"0123456789abcdef0123456789abcdef"')
    with expect_error(None, 304):
        s3.head_object(Bucket=bucket, Key=key, IfNoneMatch=head["ETag"])


# ---- response-* overrides, metadata, standard headers ---------------------------------------


def test_response_overrides(s3, obj):
    bucket, key, _ = obj
    expires = datetime.datetime(2031, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc)
    got = s3.get_object(
        Bucket=bucket,
        Key=key,
        ResponseContentType="application/x-override",
        ResponseContentLanguage="fr-CA",
        ResponseContentDisposition='attachment; filename="over.bin"',
        ResponseContentEncoding="x-custom",
        ResponseCacheControl="no-store",
        ResponseExpires=expires,
    )
    assert got["ContentType"] == "application/x-override"
    assert got["ContentLanguage"] == "fr-CA"
    assert got["ContentDisposition"] == 'attachment; filename="over.bin"'
    assert got["ContentEncoding"] == "x-custom"
    assert got["CacheControl"] == "no-store"
    assert got["ResponseMetadata"]["HTTPHeaders"]["expires"] == "Mon, 03 Feb 2031 04:05:06 GMT"
    assert got["Body"].read() == BODY
    # The overrides apply to that response only.
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["ContentType"] != "application/x-override"


def test_default_content_type(s3, bucket):
    # botocore sends no Content-Type for bytes; S3 then stores binary/octet-stream.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.head_object(Bucket=bucket, Key="k")["ContentType"] == "binary/octet-stream"


def test_metadata_and_standard_headers_round_trip(s3, bucket):
    expires = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    s3.put_object(
        Bucket=bucket,
        Key="k",
        Body=b"payload",
        Metadata={"Color": "blue", "multi-word-name": "a value with spaces"},
        ContentType="text/plain; charset=utf-8",
        ContentEncoding="gzip",
        ContentDisposition='inline; filename="k.txt"',
        ContentLanguage="en-GB",
        CacheControl="max-age=3600, public",
        Expires=expires,
    )
    for resp in (s3.head_object(Bucket=bucket, Key="k"), s3.get_object(Bucket=bucket, Key="k")):
        # S3 lower-cases user metadata names.
        assert resp["Metadata"] == {"color": "blue", "multi-word-name": "a value with spaces"}
        assert resp["ContentType"] == "text/plain; charset=utf-8"
        assert resp["ContentEncoding"] == "gzip"
        assert resp["ContentDisposition"] == 'inline; filename="k.txt"'
        assert resp["ContentLanguage"] == "en-GB"
        assert resp["CacheControl"] == "max-age=3600, public"
        assert resp["ResponseMetadata"]["HTTPHeaders"]["expires"] == "Wed, 02 Jan 2030 03:04:05 GMT"
        assert resp["ContentLength"] == 7


# ---- HeadObject / DeleteObject / DeleteObjects ----------------------------------------------


def test_head_object(s3, obj):
    bucket, key, head = obj
    assert head["ContentLength"] == 100
    assert head["ETag"] == quoted_md5(BODY)
    assert head["AcceptRanges"] == "bytes"


def test_head_missing_has_no_body(server, s3, bucket):
    with expect_error(None, 404):
        s3.head_object(Bucket=bucket, Key="absent")
    resp = raw_request(server, "HEAD", f"/{bucket}/absent")
    assert resp.status == 404
    assert resp.body == b""
    assert resp.headers.get("x-amz-request-id")


def test_delete_object(s3, obj):
    bucket, key, _ = obj
    assert _status(s3.delete_object(Bucket=bucket, Key=key)) == 204
    with expect_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key=key)


def test_delete_absent_key_is_204(s3, bucket):
    assert _status(s3.delete_object(Bucket=bucket, Key="never-existed")) == 204


def test_delete_object_missing_bucket(s3):
    with expect_error("NoSuchBucket", 404):
        s3.delete_object(Bucket=unique_bucket(), Key="k")


def test_delete_objects(s3, bucket):
    for key in ("a", "b", "c/d"):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    resp = s3.delete_objects(
        Bucket=bucket,
        Delete={"Objects": [{"Key": "a"}, {"Key": "c/d"}, {"Key": "missing"}], "Quiet": False},
    )
    # S3 reports a key that did not exist as deleted.
    assert sorted(d["Key"] for d in resp["Deleted"]) == ["a", "c/d", "missing"]
    assert not resp.get("Errors")
    remaining = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert remaining == ["b"]


def test_delete_objects_quiet(s3, bucket):
    for key in ("q1", "q2"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    resp = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "q1"}, {"Key": "q2"}], "Quiet": True})
    assert not resp.get("Deleted"), "Quiet mode reports only errors"
    assert not resp.get("Errors")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_delete_objects_malformed_xml(server, bucket):
    body = b"<Delete><Object><Key>a</Key></Object>"  # not closed
    resp = raw_request(server, "POST", f"/{bucket}", query="delete=",
                       headers={"Content-MD5": md5_b64(body)}, body=body)
    assert_error_response(resp, "MalformedXML", 400)


# ---- CopyObject -------------------------------------------------------------------------------


def _put_source(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"copy me", ContentType="text/x-src",
                  Metadata={"origin": "source"})
    return s3.head_object(Bucket=bucket, Key="src")


def test_copy_metadata_directive_copy(s3, bucket):
    src = _put_source(s3, bucket)
    resp = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"},
                          Metadata={"ignored": "yes"})  # ignored under COPY
    assert resp["CopyObjectResult"]["ETag"] == src["ETag"]
    assert resp["CopyObjectResult"]["LastModified"]
    dst = s3.get_object(Bucket=bucket, Key="dst")
    assert dst["Body"].read() == b"copy me"
    assert dst["Metadata"] == {"origin": "source"}
    assert dst["ContentType"] == "text/x-src"


def test_copy_metadata_directive_replace(s3, bucket):
    _put_source(s3, bucket)
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"},
                   MetadataDirective="REPLACE", Metadata={"new": "meta"},
                   ContentType="text/x-new")
    dst = s3.head_object(Bucket=bucket, Key="dst")
    assert dst["Metadata"] == {"new": "meta"}
    assert dst["ContentType"] == "text/x-new"


def test_copy_onto_itself(s3, bucket):
    _put_source(s3, bucket)
    # Copying an object onto itself is only allowed when something changes.
    with expect_error("InvalidRequest", 400):
        s3.copy_object(Bucket=bucket, Key="src", CopySource={"Bucket": bucket, "Key": "src"})
    s3.copy_object(Bucket=bucket, Key="src", CopySource={"Bucket": bucket, "Key": "src"},
                   MetadataDirective="REPLACE", Metadata={"changed": "1"})
    assert s3.head_object(Bucket=bucket, Key="src")["Metadata"] == {"changed": "1"}


def test_copy_across_buckets(s3, bucket):
    _put_source(s3, bucket)
    other = unique_bucket()
    s3.create_bucket(Bucket=other)
    try:
        s3.copy_object(Bucket=other, Key="copied", CopySource=f"{bucket}/src")
        assert s3.get_object(Bucket=other, Key="copied")["Body"].read() == b"copy me"
    finally:
        s3.delete_object(Bucket=other, Key="copied")
        s3.delete_bucket(Bucket=other)


def test_copy_missing_source(s3, bucket):
    with expect_error("NoSuchKey", 404):
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "absent"})
    with expect_error("NoSuchBucket", 404):
        s3.copy_object(Bucket=bucket, Key="dst",
                       CopySource={"Bucket": unique_bucket(), "Key": "absent"})


def test_copy_conditions(s3, bucket):
    src = _put_source(s3, bucket)
    source = {"Bucket": bucket, "Key": "src"}
    modified = src["LastModified"]
    earlier = modified - datetime.timedelta(days=1)
    later = modified + datetime.timedelta(days=1)
    failing = [
        {"CopySourceIfMatch": '"0123456789abcdef0123456789abcdef"'},
        {"CopySourceIfNoneMatch": src["ETag"]},
        {"CopySourceIfModifiedSince": modified},
        {"CopySourceIfUnmodifiedSince": earlier},
    ]
    for cond in failing:
        with expect_error("PreconditionFailed", 412):
            s3.copy_object(Bucket=bucket, Key="dst", CopySource=source, **cond)
    with expect_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="dst")
    passing = [
        {"CopySourceIfMatch": src["ETag"]},
        {"CopySourceIfNoneMatch": '"0123456789abcdef0123456789abcdef"'},
        {"CopySourceIfModifiedSince": earlier},
        {"CopySourceIfUnmodifiedSince": later},
    ]
    for cond in passing:
        resp = s3.copy_object(Bucket=bucket, Key="dst", CopySource=source, **cond)
        assert resp["CopyObjectResult"]["ETag"] == src["ETag"], cond


# ---- Tagging ----------------------------------------------------------------------------------


def _tags(s3, bucket, key):
    return {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]}


def test_tagging(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="team=storage&tier=hot%20one")
    assert _tags(s3, bucket, "k") == {"team": "storage", "tier": "hot one"}
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 2
    # Form encoding: "+" is a space, "%2B" a plus (decoded in that order).
    s3.put_object(Bucket=bucket, Key="plus", Body=b"x", Tagging="a+b=c%2Bd+e")
    assert _tags(s3, bucket, "plus") == {"a b": "c+d e"}

    resp = s3.put_object_tagging(Bucket=bucket, Key="k",
                                 Tagging={"TagSet": [{"Key": "only", "Value": "one"}]})
    assert _status(resp) == 200
    assert _tags(s3, bucket, "k") == {"only": "one"}, "PutObjectTagging replaces the whole set"

    assert _status(s3.delete_object_tagging(Bucket=bucket, Key="k")) == 204
    assert _tags(s3, bucket, "k") == {}
    assert "TagCount" not in s3.get_object(Bucket=bucket, Key="k"), "no x-amz-tagging-count"


def test_tagging_missing_key(s3, bucket):
    with expect_error("NoSuchKey", 404):
        s3.get_object_tagging(Bucket=bucket, Key="absent")
    with expect_error("NoSuchKey", 404):
        s3.put_object_tagging(Bucket=bucket, Key="absent", Tagging={"TagSet": []})


def test_copy_keeps_tags_unless_replaced(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x", Tagging="a=1")
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "src"})
    assert _tags(s3, bucket, "copy") == {"a": "1"}
    s3.copy_object(Bucket=bucket, Key="replaced", CopySource={"Bucket": bucket, "Key": "src"},
                   TaggingDirective="REPLACE", Tagging="b=2")
    assert _tags(s3, bucket, "replaced") == {"b": "2"}


# ---- Keys -------------------------------------------------------------------------------------

SPECIAL_KEYS = [
    "../escape",
    "a/../../b",
    "./dot/./segments",
    "percent%20literal%",
    "with space and  double",
    "plus+sign&amp=eq",
    "unicode/é日本語🙂",
    "question?mark#hash",
    "tilde~star*paren(1)",
    "trailing/slash/",
    "//double//slashes",
    "k" * 1024,
]


@pytest.mark.parametrize("key", SPECIAL_KEYS, ids=lambda k: k if len(k) < 40 else "1024-bytes")
def test_special_keys(s3, bucket, key):
    data = key.encode("utf-8")
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == data
    assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == len(data)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == [key]
    s3.delete_object(Bucket=bucket, Key=key)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_key_1024_utf8_bytes(s3, bucket):
    key = "é" * 512  # 1024 bytes in UTF-8, 512 characters
    s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == 1


@pytest.mark.parametrize("key", ["k" * 1025, "é" * 512 + "k"], ids=["ascii", "utf8"])
def test_key_too_long(s3, bucket, key):
    with expect_error("KeyTooLongError", 400):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")

