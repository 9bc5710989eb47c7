"""Authentication, addressing and the error contract: wrong secret, unknown key, anonymous
requests, presigned URLs fetched with urllib, virtual-hosted-style requests (Host
"<bucket>.localhost:<port>" signed by botocore's SigV4 signer), and the S3 error XML every
error must carry (Code, Message, RequestId, and an x-amz-request-id header that matches)."""

import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest

import s3util
from s3util import S3_NS, assert_error_response, expect_error, md5_b64, raw_request, unique_bucket

WRONG_SECRET = "wrongSecretKey/0123456789abcdefABCDEFGHI"
UNKNOWN_KEY = "CAIRNUNKNOWNKEY00000"


@pytest.fixture
def obj(s3, bucket):
    s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"hello world")
    return bucket, "hello.txt"


def _fetch(url, method="GET", data=None):
    """urllib without raising on 4xx/5xx: returns (status, headers, body)."""
    request = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read()


def _fetched_error(status, headers, body):
    return s3util.RawResponse(status, {k.lower(): v for k, v in headers.items()}, body)


# ---- Credentials ------------------------------------------------------------------------------


def test_wrong_secret(server, obj):
    bad = s3util.make_client(server, secret_key=WRONG_SECRET)
    bucket, key = obj
    with expect_error("SignatureDoesNotMatch", 403):
        bad.list_buckets()
    with expect_error("SignatureDoesNotMatch", 403):
        bad.get_object(Bucket=bucket, Key=key)
    with expect_error("SignatureDoesNotMatch", 403):
        bad.put_object(Bucket=bucket, Key="sneaky", Body=b"x")


def test_unknown_access_key(server, obj):
    bad = s3util.make_client(server, access_key=UNKNOWN_KEY)
    bucket, key = obj
    with expect_error("InvalidAccessKeyId", 403):
        bad.list_buckets()
    with expect_error("InvalidAccessKeyId", 403):
        bad.get_object(Bucket=bucket, Key=key)


def test_anonymous_is_denied(server, obj):
    anon = s3util.make_client(server, signed=False)
    bucket, key = obj
    with expect_error("AccessDenied", 403):
        anon.get_object(Bucket=bucket, Key=key)
    with expect_error("AccessDenied", 403):
        anon.list_objects_v2(Bucket=bucket)
    with expect_error("AccessDenied", 403):
        anon.put_object(Bucket=bucket, Key="anon", Body=b"x")
    with expect_error("AccessDenied", 403):
        anon.list_buckets()


def test_payload_hash_mismatch(server, bucket):
    resp = raw_request(server, "PUT", f"/{bucket}/k", body=b"signed body",
                       send_body=b"other body!")
    assert_error_response(resp, "XAmzContentSHA256Mismatch", 400)


# ---- The error contract ---------------------------------------------------------------------


def _error_cases(server, bucket):
    long_key = "k" * 1025
    return [
        ("NoSuchBucket", 404, dict(method="GET", path=f"/{unique_bucket()}/k")),
        ("NoSuchKey", 404, dict(method="GET", path=f"/{bucket}/absent")),
        ("AccessDenied", 403, dict(method="GET", path="/", sign=False)),
        ("AccessDenied", 403, dict(method="GET", path=f"/{bucket}/hello.txt", sign=False)),
        ("SignatureDoesNotMatch", 403, dict(method="GET", path="/", secret_key=WRONG_SECRET)),
        ("InvalidAccessKeyId", 403, dict(method="GET", path="/", access_key=UNKNOWN_KEY)),
        ("BadDigest", 400, dict(method="PUT", path=f"/{bucket}/d", body=b"data",
                                headers={"Content-MD5": md5_b64(b"not data")})),
        ("InvalidDigest", 400, dict(method="PUT", path=f"/{bucket}/d", body=b"data",
                                    headers={"Content-MD5": "garbage"})),
        ("InvalidRange", 416, dict(method="GET", path=f"/{bucket}/hello.txt",
                                   headers={"Range": "bytes=100-200"})),
        ("PreconditionFailed", 412, dict(method="GET", path=f"/{bucket}/hello.txt",
                                         headers={"If-Match": '"00000000000000000000000000000000"'})),
        ("InvalidBucketName", 400, dict(method="PUT", path="/Bad_Bucket_Name")),
        ("BucketNotEmpty", 409, dict(method="DELETE", path=f"/{bucket}")),
        ("KeyTooLongError", 400, dict(method="PUT", path=f"/{bucket}/{long_key}", body=b"x")),
        ("NoSuchUpload", 404, dict(method="GET", path=f"/{bucket}/k", query="uploadId=nope")),
        ("MalformedXML", 400, dict(method="POST", path=f"/{bucket}", query="delete=",
                                   body=b"<Delete><Object>", headers={
                                       "Content-MD5": md5_b64(b"<Delete><Object>")})),
    ]


def test_every_error_has_the_s3_xml_body(server, s3, obj):
    bucket, _ = obj
    failures = []
    for code, status, kwargs in _error_cases(server, bucket):
        resp = raw_request(server, **kwargs)
        try:
            err = assert_error_response(resp, code, status)
            assert len(err["RequestId"]) >= 8, err
        except AssertionError as e:
            failures.append(f"{kwargs['method']} {kwargs['path'][:60]}: {e}")
    assert not failures, "\n".join(failures)


def test_request_ids_are_unique(server):
    ids = {raw_request(server, "GET", "/", sign=False).headers.get("x-amz-request-id")
           for _ in range(5)}
    assert None not in ids and len(ids) == 5


def test_success_responses_carry_request_id(s3, obj):
    bucket, key = obj
    for resp in (s3.list_buckets(), s3.head_object(Bucket=bucket, Key=key),
                 s3.list_objects_v2(Bucket=bucket)):
        assert resp["ResponseMetadata"]["HTTPHeaders"].get("x-amz-request-id")


# ---- Presigned URLs ---------------------------------------------------------------------------


def test_presigned_get_and_put(s3, bucket):
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "pre"},
                                        ExpiresIn=300)
    assert "X-Amz-Signature=" in put_url
    status, _, _ = _fetch(put_url, method="PUT", data=b"uploaded through a presigned URL")
    assert status == 200
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "pre"},
                                        ExpiresIn=300)
    status, headers, body = _fetch(get_url)
    assert status == 200
    assert body == b"uploaded through a presigned URL"
    assert headers.get("ETag") == s3util.quoted_md5(body)


def test_presigned_get_with_response_override(s3, obj):
    bucket, key = obj
    url = s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket, "Key": key, "ResponseContentDisposition": "attachment"},
        ExpiresIn=300)
    status, headers, body = _fetch(url)
    assert status == 200 and body == b"hello world"
    assert headers.get("Content-Disposition") == "attachment"


def test_presigned_expired(s3, obj):
    bucket, key = obj
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                    ExpiresIn=1)
    time.sleep(2.5)
    resp = _fetched_error(*_fetch(url))
    assert_error_response(resp, "AccessDenied", 403)


def test_presigned_tampered(s3, obj):
    bucket, key = obj
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                    ExpiresIn=300)
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    signature = query["X-Amz-Signature"][0]
    query["X-Amz-Signature"] = [("0" if signature[0] != "0" else "1") + signature[1:]]
    tampered = parts._replace(query=urllib.parse.urlencode(query, doseq=True)).geturl()
    assert_error_response(_fetched_error(*_fetch(tampered)), "SignatureDoesNotMatch", 403)
    # A URL signed for one key does not open another.
    other = url.replace(f"/{key}?", "/other.txt?")
    assert_error_response(_fetched_error(*_fetch(other)), "SignatureDoesNotMatch", 403)


def test_presigned_with_wrong_credentials(server, obj):
    bucket, key = obj
    for access, secret, code in ((None, WRONG_SECRET, "SignatureDoesNotMatch"),
                                 (UNKNOWN_KEY, None, "InvalidAccessKeyId")):
        client = s3util.make_client(server, access_key=access, secret_key=secret)
        url = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
        assert_error_response(_fetched_error(*_fetch(url)), code, 403)


# ---- Virtual-hosted style -------------------------------------------------------------------


def _vhost(server, bucket):
    return f"{bucket}.localhost:{server.port}"


def test_virtual_hosted_put_get_list(server, s3, bucket):
    host = _vhost(server, bucket)
    put = raw_request(server, "PUT", "/dir/v%20key.txt", host=host, body=b"via virtual host")
    assert put.status == 200, put.body
    assert put.headers.get("etag") == s3util.quoted_md5(b"via virtual host")

    # Path style sees the same object.
    got = s3.get_object(Bucket=bucket, Key="dir/v key.txt")
    assert got["Body"].read() == b"via virtual host"

    get = raw_request(server, "GET", "/dir/v%20key.txt", host=host)
    assert get.status == 200 and get.body == b"via virtual host"

    ranged = raw_request(server, "GET", "/dir/v%20key.txt", host=host,
                         headers={"Range": "bytes=4-10"})
    assert ranged.status == 206 and ranged.body == b"virtual"

    listing = raw_request(server, "GET", "/", query="list-type=2&prefix=dir%2F", host=host)
    assert listing.status == 200, listing.body
    root = ET.fromstring(listing.body)
    assert root.tag == f"{S3_NS}ListBucketResult"
    assert root.findtext(f"{S3_NS}Name") == bucket
    assert [c.findtext(f"{S3_NS}Key") for c in root.iter(f"{S3_NS}Contents")] == ["dir/v key.txt"]

    head = raw_request(server, "HEAD", "/", host=host)
    assert head.status == 200

    delete = raw_request(server, "DELETE", "/dir/v%20key.txt", host=host)
    assert delete.status == 204
    with expect_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="dir/v key.txt")


def test_virtual_hosted_errors(server, bucket):
    missing = unique_bucket()
    resp = raw_request(server, "GET", "/k", host=_vhost(server, missing))
    err = assert_error_response(resp, "NoSuchBucket", 404)
    assert err.get("BucketName", missing) == missing
    resp = raw_request(server, "GET", "/absent", host=_vhost(server, bucket))
    assert_error_response(resp, "NoSuchKey", 404)
    resp = raw_request(server, "GET", "/absent", host=_vhost(server, bucket),
                       secret_key=WRONG_SECRET)
    assert_error_response(resp, "SignatureDoesNotMatch", 403)


def test_virtual_hosted_signature_covers_host(server, s3, bucket):
    # A request signed for one bucket's host must not be replayable against another bucket.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    good = raw_request(server, "GET", "/k", host=_vhost(server, bucket))
    assert good.status == 200
    other = unique_bucket()
    s3.create_bucket(Bucket=other)
    try:
        headers = s3util.sign_request(server, "GET", "/k", host=_vhost(server, bucket))
        headers["Host"] = _vhost(server, other)
        resp = s3util.send(server, "GET", "/k", headers)
        assert_error_response(resp, "SignatureDoesNotMatch", 403)
    finally:
        s3.delete_bucket(Bucket=other)
