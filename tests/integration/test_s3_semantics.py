"""The rest of the core S3 surface clients rely on: ListBuckets paging and filters, bucket
tagging, Expect: 100-continue answered with the final error before any body is sent,
ListObjectsV2 with an empty continuation token, control characters in listing prefixes, and
CreateBucket by the bucket's owner in and outside us-east-1."""

import socket
from urllib.parse import quote

import pytest

import s3util
from cairn_server import write_config
from s3util import expect_error


@pytest.fixture(scope="module")
def lister(server_factory, tmp_path_factory):
    """A server of its own, so that ListBuckets sees only this module's buckets."""
    return server_factory("list-buckets")


def test_list_buckets_pages_and_filters(lister):
    s3 = s3util.make_client(lister)
    names = sorted(f"lb-{c}-{s3util.unique_bucket('x')}" for c in "abcde")
    for n in names:
        s3.create_bucket(Bucket=n)
    query = lambda q: s3util.raw_request(lister, "GET", "/", query=q)  # noqa: E731

    def page(q):
        resp = query(q)
        assert resp.status == 200, resp.body
        body = resp.body.decode()
        got = [part.split("</Name>")[0] for part in body.split("<Name>")[1:]]
        token = body.split("<ContinuationToken>")[1].split("<")[0] \
            if "<ContinuationToken>" in body else None
        return got, token, body

    seen, token = [], None
    while True:
        q = "max-buckets=2" + (f"&continuation-token={quote(token, safe='')}" if token else "")
        got, token, _ = page(q)
        assert len(got) <= 2
        seen += got
        if token is None:
            break
    assert seen == names
    got, token, body = page("prefix=lb-c")
    assert got == [names[2]] and token is None and "<Prefix>lb-c</Prefix>" in body
    got, _, body = page("bucket-region=us-east-1")
    assert got == names and "<BucketRegion>us-east-1</BucketRegion>" in body
    assert page("bucket-region=eu-west-3")[0] == []
    for bad in ("max-buckets=0", "max-buckets=10001", "max-buckets=x",
                "continuation-token=%21%21"):
        s3util.assert_error_response(query(bad), "InvalidArgument", 400)
    # Without parameters (Debian's boto3 has none), everything in one answer.
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == names
    for n in names:
        s3.delete_bucket(Bucket=n)


def test_bucket_tagging(s3, bucket):
    with expect_error("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=bucket)
    tags = [{"Key": "team", "Value": "storage"}, {"Key": "cost", "Value": ""}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    tags.reverse()  # answered in key order, as S3 does
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags
    # Objects still write and read while the bucket record changes.
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    with expect_error("InvalidTag", 400):
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": many})
    with expect_error("InvalidTag", 400):
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "1"},
                                                                  {"Key": "a", "Value": "2"}]})
    with expect_error("InvalidTag", 400):
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "x" * 129,
                                                                  "Value": "1"}]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": many[:50]})
    assert len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 50
    s3.delete_bucket_tagging(Bucket=bucket)
    with expect_error("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=bucket)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    with expect_error("NoSuchBucket", 404):
        s3.get_bucket_tagging(Bucket=s3util.unique_bucket("absent"))


def _expect_continue_answer(server, path, headers):
    """Sends a signed PUT head with Expect: 100-continue and no body; returns the status line
    the server answers with before any body byte was sent."""
    signed = s3util.sign_request(server, "PUT", path, headers=dict(
        headers, **{"Content-Length": "1048576", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}))
    head = f"PUT {path} HTTP/1.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in signed.items()) + "Expect: 100-continue\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head.encode())
        return sock.recv(65536).split(b"\r\n", 1)[0].decode()


def test_expect_100_continue_answers_the_final_error_before_the_body(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="exists", Body=b"x")
    absent = s3util.unique_bucket("absent")
    assert _expect_continue_answer(server, f"/{absent}/k", {}).startswith("HTTP/1.1 404")
    assert _expect_continue_answer(server, f"/{bucket}/exists",
                                   {"If-None-Match": "*"}).startswith("HTTP/1.1 412")
    assert _expect_continue_answer(server, f"/{bucket}/k",
                                   {"x-amz-acl": "public-read"}).startswith("HTTP/1.1 400")
    bad = s3util.make_client(server, secret_key="wrong-secret")
    with expect_error("SignatureDoesNotMatch", 403):
        bad.put_object(Bucket=bucket, Key="k", Body=b"y")
    assert _expect_continue_answer(server, f"/{bucket}/k", {}) == "HTTP/1.1 100 Continue"


def test_list_objects_v2_empty_continuation_token(s3, bucket):
    for k in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=k, Body=b"")
    resp = s3.list_objects_v2(Bucket=bucket, ContinuationToken="")
    assert resp["ContinuationToken"] == ""
    assert [o["Key"] for o in resp["Contents"]] == ["a", "b", "c"]
    assert resp["IsTruncated"] is False


@pytest.mark.parametrize("prefix", ["\n", "\t", "a b+c", "%2F"])
def test_listing_prefixes_round_trip_with_url_encoding(s3, bucket, prefix):
    s3.put_object(Bucket=bucket, Key=prefix + "k", Body=b"")
    s3.put_object(Bucket=bucket, Key="other", Body=b"")
    v1 = s3.list_objects(Bucket=bucket, Prefix=prefix)
    v2 = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    for resp in (v1, v2):
        assert resp["Prefix"] == prefix
        assert [o["Key"] for o in resp["Contents"]] == [prefix + "k"]
    d1 = s3.list_objects(Bucket=bucket, Delimiter=prefix)
    d2 = s3.list_objects_v2(Bucket=bucket, Delimiter=prefix)
    for resp in (d1, d2):
        assert resp["Delimiter"] == prefix
        assert [p["Prefix"] for p in resp.get("CommonPrefixes", [])] == [prefix]


def test_create_bucket_twice_outside_us_east_1(server_factory, tmp_path_factory):
    config = write_config(tmp_path_factory.mktemp("eu") / "cairn.toml",
                          {"server": {"region": "eu-west-3"}})
    eu = server_factory("eu", config=config)
    s3 = s3util.make_client(eu)
    name = s3util.unique_bucket("eu")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    s3.put_object(Bucket=name, Key="kept", Body=b"kept")
    with expect_error("BucketAlreadyOwnedByYou", 409):
        s3.create_bucket(Bucket=name,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    assert s3.get_object(Bucket=name, Key="kept")["Body"].read() == b"kept"


def test_object_tags_limits_and_order(s3, bucket):
    eleven = "&".join(f"k{i}=v" for i in range(11))
    with expect_error("InvalidTag", 400):
        s3.put_object(Bucket=bucket, Key="t", Body=b"", Tagging=eleven)
    s3.put_object(Bucket=bucket, Key="t", Body=b"", Tagging="foo=bar&bar")
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [
        {"Key": "bar", "Value": ""}, {"Key": "foo", "Value": "bar"}]


@pytest.mark.parametrize("sent, kept", [("gzip", "gzip"), ("deflate, gzip", "deflate, gzip"),
                                        ("gzip, aws-chunked", "gzip"), ("aws-chunked", None)])
def test_content_encoding_keeps_all_but_aws_chunked(s3, bucket, sent, kept):
    s3.put_object(Bucket=bucket, Key="e", Body=b"x", ContentEncoding=sent)
    assert s3.head_object(Bucket=bucket, Key="e").get("ContentEncoding") == kept
