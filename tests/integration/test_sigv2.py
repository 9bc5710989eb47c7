"""AWS Signature Version 2 against a real server: boto3 with signature_version "s3" (objects,
listing, copy, multipart, response overrides) and botocore's SigV2 signer on raw requests
(ListObjectsV2, tagging, DeleteObjects, initiating uploads), presigned GET and PUT URLs made by
botocore's "s3-query" signer (what `aws s3 presign` in awscli v1 does) fetched with curl, s3cmd
with signature_v2 = True, virtual-hosted style, the refusals (expired URL, wrong signature,
unknown key, missing date, skewed clock, malformed header, an added x-amz-* header), and a
server with allow_sigv2 = false refusing SigV2 while SigV4 still works."""

import email.utils
import subprocess
import time
import urllib.parse
import xml.etree.ElementTree as ET

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest

import s3util
from cairn_server import write_config
from s3util import (MiB, assert_error_response, empty_and_delete_bucket, expect_error,
                    make_client, pseudo_random_bytes, s3cmd_runner, send, unique_bucket)

CURL = "/usr/bin/curl"


@pytest.fixture(scope="module")
def s3v2(server):
    return make_client(server, signature_version="s3")


@pytest.fixture
def v2bucket(s3v2):
    name = unique_bucket("sigv2")
    s3v2.create_bucket(Bucket=name)
    yield name
    empty_and_delete_bucket(s3v2, name)


def _credentials(server, access_key=None, secret_key=None):
    return botocore.credentials.Credentials(access_key or server.access_key,
                                            secret_key or server.secret_key)


def _v2_headers(server, method, path, headers=None, host=None, auth_path=None, **keys):
    """Headers for one request signed by botocore's own SigV2 signer (HmacV1Auth), which adds
    Date. `auth_path` is the path botocore signs for virtual-hosted style ("/bucket" + path)."""
    host = host or server.host
    bare = urllib.parse.urlsplit(path).path
    if auth_path is None and bare.count("/") == 1 and bare != "/":
        auth_path = bare + "/"  # a bucket is signed as "/bucket/", as botocore's client does
    request = botocore.awsrequest.AWSRequest(method=method, url=f"http://{host}{path}",
                                             headers=dict(headers or {}))
    request.auth_path = auth_path
    botocore.auth.HmacV1Auth(_credentials(server, **keys)).add_auth(request)
    return dict(request.headers.items(), Host=host)


def _curl(*args):
    """Runs curl; returns (HTTP status, body)."""
    proc = subprocess.run([CURL, "-sS", "-o", "-", "-w", "\n%{http_code}", *args],
                          capture_output=True, timeout=60, check=True)
    body, _, status = proc.stdout.rpartition(b"\n")
    return int(status), body


def _error_code(body):
    return ET.fromstring(body).findtext("Code")


# ---- boto3 with signature_version="s3" ------------------------------------------------------
# botocore 1.28 and later (Debian 12 has 1.29) signs a wrong resource for operations whose URI
# template carries a fixed query -- ListObjectsV2 (?list-type=2), CreateMultipartUpload
# (?uploads), DeleteObjects (?delete), the tagging calls: it signs "/bucket?list-type=2" and
# "/bucket/key?uploads?uploads" (boto/boto3#4433), which S3 refuses as well. Those requests are
# sent here signed by botocore's own HmacV1Auth from their URL, which is what S3 verifies.


def _v2_send(server, method, target, body=b"", headers=None, **kwargs):
    return send(server, method, target, _v2_headers(server, method, target, headers, **kwargs),
                body)


def test_boto3_objects_listing_copy_delete(s3v2, v2bucket):
    body = b"signed with signature version 2\n"
    put = s3v2.put_object(Bucket=v2bucket, Key="dir/a b+c.txt", Body=body,
                          ContentType="text/plain", Metadata={"Color": " blue ", "n": "1"})
    assert put["ETag"] == s3util.quoted_md5(body)

    got = s3v2.get_object(Bucket=v2bucket, Key="dir/a b+c.txt")
    assert got["Body"].read() == body
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"color": "blue", "n": "1"}
    ranged = s3v2.get_object(Bucket=v2bucket, Key="dir/a b+c.txt", Range="bytes=0-5")
    assert ranged["Body"].read() == b"signed"
    # response-* overrides are sub-resources: signed, with their values decoded.
    override = s3v2.get_object(Bucket=v2bucket, Key="dir/a b+c.txt",
                               ResponseContentType="application/x-test; a=b",
                               ResponseContentDisposition='attachment; filename="x y.txt"')
    assert override["ContentType"] == "application/x-test; a=b"
    assert override["ContentDisposition"] == 'attachment; filename="x y.txt"'
    assert s3v2.head_object(Bucket=v2bucket, Key="dir/a b+c.txt")["ContentLength"] == len(body)

    s3v2.copy_object(Bucket=v2bucket, Key="copy.txt",
                     CopySource={"Bucket": v2bucket, "Key": "dir/a b+c.txt"})
    assert s3v2.get_object(Bucket=v2bucket, Key="copy.txt")["Body"].read() == body

    listed = s3v2.list_objects(Bucket=v2bucket)
    assert [o["Key"] for o in listed["Contents"]] == ["copy.txt", "dir/a b+c.txt"]
    listed = s3v2.list_objects(Bucket=v2bucket, Prefix="dir/", Delimiter="/")
    assert [o["Key"] for o in listed["Contents"]] == ["dir/a b+c.txt"]
    assert v2bucket in [b["Name"] for b in s3v2.list_buckets()["Buckets"]]
    s3v2.head_bucket(Bucket=v2bucket)

    s3v2.delete_object(Bucket=v2bucket, Key="copy.txt")
    with expect_error("NoSuchKey", 404):
        s3v2.get_object(Bucket=v2bucket, Key="copy.txt")


def test_sub_resources_list_v2_tagging_multi_delete(server, s3v2, v2bucket):
    s3v2.put_object(Bucket=v2bucket, Key="a", Body=b"1")
    s3v2.put_object(Bucket=v2bucket, Key="b", Body=b"2")

    resp = _v2_send(server, "GET", f"/{v2bucket}?list-type=2&prefix=a")
    assert resp.status == 200, resp.body
    keys = [k.text for k in ET.fromstring(resp.body).iter(f"{s3util.S3_NS}Key")]
    assert keys == ["a"]

    tagging = (b'<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>')
    resp = _v2_send(server, "PUT", f"/{v2bucket}/a?tagging", tagging,
                    {"Content-MD5": s3util.md5_b64(tagging)})
    assert resp.status == 200, resp.body
    resp = _v2_send(server, "GET", f"/{v2bucket}/a?tagging")
    assert resp.status == 200 and b"<Value>v</Value>" in resp.body, resp.body

    delete = (b"<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object>"
              b"<Object><Key>b</Key></Object></Delete>")
    resp = _v2_send(server, "POST", f"/{v2bucket}?delete", delete,
                    {"Content-MD5": s3util.md5_b64(delete), "Content-Type": "application/xml"})
    assert resp.status == 200, resp.body
    assert "Contents" not in s3v2.list_objects(Bucket=v2bucket)


def test_multipart(server, s3v2, v2bucket):
    resp = _v2_send(server, "POST", f"/{v2bucket}/mp?uploads")
    assert resp.status == 200, resp.body
    upload = ET.fromstring(resp.body).findtext(f"{s3util.S3_NS}UploadId")
    parts_data = [pseudo_random_bytes(5 * MiB, seed=1), b"tail of the object"]
    parts = []
    for number, data in enumerate(parts_data, start=1):
        etag = s3v2.upload_part(Bucket=v2bucket, Key="mp", UploadId=upload, PartNumber=number,
                                Body=data)["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    listed = s3v2.list_parts(Bucket=v2bucket, Key="mp", UploadId=upload)
    assert [p["PartNumber"] for p in listed["Parts"]] == [1, 2]
    resp = _v2_send(server, "GET", f"/{v2bucket}?uploads")
    assert resp.status == 200 and upload.encode() in resp.body, resp.body
    done = s3v2.complete_multipart_upload(Bucket=v2bucket, Key="mp", UploadId=upload,
                                          MultipartUpload={"Parts": parts})
    assert done["ETag"] == s3util.multipart_etag(parts_data)
    assert s3v2.get_object(Bucket=v2bucket, Key="mp")["Body"].read() == b"".join(parts_data)

    resp = _v2_send(server, "POST", f"/{v2bucket}/gone?uploads")
    aborted = ET.fromstring(resp.body).findtext(f"{s3util.S3_NS}UploadId")
    s3v2.abort_multipart_upload(Bucket=v2bucket, Key="gone", UploadId=aborted)
    with expect_error("NoSuchUpload", 404):
        s3v2.list_parts(Bucket=v2bucket, Key="gone", UploadId=aborted)


# ---- presigned URLs (botocore's s3-query signer) and curl -----------------------------------


def test_presigned_put_and_get_with_curl(s3v2, v2bucket, tmp_path):
    put_url = s3v2.generate_presigned_url("put_object", Params={"Bucket": v2bucket, "Key": "p/q r"},
                                          ExpiresIn=300)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(put_url).query)
    assert set(query) == {"AWSAccessKeyId", "Signature", "Expires"}, put_url
    data = pseudo_random_bytes(100_000, seed=7)
    src = tmp_path / "upload.bin"
    src.write_bytes(data)
    status, body = _curl("-T", str(src), put_url)
    assert status == 200, body

    get_url = s3v2.generate_presigned_url("get_object", Params={"Bucket": v2bucket, "Key": "p/q r"},
                                          ExpiresIn=300)
    status, body = _curl(get_url)
    assert status == 200 and body == data

    # An override in a presigned URL is signed too.
    url = s3v2.generate_presigned_url(
        "get_object", ExpiresIn=300,
        Params={"Bucket": v2bucket, "Key": "p/q r", "ResponseContentDisposition": "inline; x=1"})
    status, headers = _curl("-D", "-", "-o", "/dev/null", url)
    assert status == 200 and b"content-disposition: inline; x=1" in headers.lower(), headers

    # Whoever holds the URL cannot add an x-amz-* header, or change the key or the operation.
    status, body = _curl("-H", "x-amz-meta-added: 1", "-T", str(src), put_url)
    assert status == 403 and _error_code(body) == "SignatureDoesNotMatch", body
    status, body = _curl(get_url.replace("/p/q%20r?", "/p/other?"))
    assert status == 403 and _error_code(body) == "SignatureDoesNotMatch", body
    status, body = _curl("-X", "DELETE", get_url)
    assert status == 403 and _error_code(body) == "SignatureDoesNotMatch", body


def test_presigned_url_expired(server, s3v2, v2bucket):
    s3v2.put_object(Bucket=v2bucket, Key="k", Body=b"x")
    request = botocore.awsrequest.AWSRequest(method="GET",
                                             url=f"{server.endpoint}/{v2bucket}/k", headers={})
    botocore.auth.HmacV1QueryAuth(_credentials(server), expires=-5).add_auth(request)
    status, body = _curl(request.url)
    assert status == 403, body
    root = ET.fromstring(body)
    assert root.findtext("Code") == "AccessDenied"
    assert root.findtext("Message") == "Request has expired"


# ---- refusals -------------------------------------------------------------------------------


def test_wrong_secret_and_unknown_key(server, v2bucket):
    wrong = make_client(server, secret_key="not-the-secret", signature_version="s3")
    with expect_error("SignatureDoesNotMatch", 403):
        wrong.get_object(Bucket=v2bucket, Key="k")
    unknown = make_client(server, access_key="NOSUCHACCESSKEY00001", signature_version="s3")
    with expect_error("InvalidAccessKeyId", 403):
        unknown.list_objects_v2(Bucket=v2bucket)


def test_date_required_skew_and_malformed_header(server, v2bucket):
    path = f"/{v2bucket}/"
    headers = _v2_headers(server, "GET", path)
    del headers["Date"]
    resp = send(server, "GET", path, headers)
    err = assert_error_response(resp, "AccessDenied", 403)
    assert err["Message"] == "AWS authentication requires a valid Date or x-amz-date header"

    an_hour_ago = email.utils.formatdate(time.time() - 3600, usegmt=True)
    # Signed an hour ago: the signature is right, the clock is not.
    request = botocore.awsrequest.AWSRequest(method="GET", url=f"http://{server.host}{path}")
    auth = botocore.auth.HmacV1Auth(_credentials(server))
    auth._get_date = lambda: an_hour_ago
    auth.add_auth(request)
    resp = send(server, "GET", path, dict(request.headers.items(), Host=server.host))
    assert_error_response(resp, "RequestTimeTooSkewed", 403)

    for value in ("AWS " + server.access_key, "AWS :abc", "AWS"):
        headers = _v2_headers(server, "GET", path)
        headers["Authorization"] = value
        resp = send(server, "GET", path, headers)
        assert_error_response(resp, "InvalidArgument", 400)

    # One mechanism per request.
    headers = _v2_headers(server, "GET", path)
    resp = send(server, "GET", path + "?Signature=abc", headers)
    assert_error_response(resp, "InvalidArgument", 400)


def test_amz_date_header_s3cmd_style(server, s3v2, v2bucket):
    # x-amz-date replaces Date (in s3cmd's "+0000" form) and is signed among the amz headers,
    # with an empty Date line.
    s3v2.put_object(Bucket=v2bucket, Key="k", Body=b"dated")
    amz_date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
    path = f"/{v2bucket}/k"
    string_to_sign = f"GET\n\n\n\nx-amz-date:{amz_date}\n{path}"
    signature = botocore.auth.HmacV1Auth(_credentials(server)).sign_string(string_to_sign)
    headers = {"Host": server.host, "x-amz-date": amz_date,
               "Authorization": f"AWS {server.access_key}:{signature}"}
    resp = send(server, "GET", path, headers)
    assert resp.status == 200 and resp.body == b"dated", resp.body


# ---- virtual-hosted style -------------------------------------------------------------------


def test_virtual_hosted_signs_bucket_in_resource(server, s3v2, v2bucket):
    s3v2.put_object(Bucket=v2bucket, Key="v k", Body=b"virtual")
    host = f"{v2bucket}.localhost:{server.port}"
    headers = _v2_headers(server, "GET", "/v%20k", host=host, auth_path=f"/{v2bucket}/v%20k")
    resp = send(server, "GET", "/v%20k", headers)
    assert resp.status == 200 and resp.body == b"virtual", resp.body

    # The same signature replayed against another bucket's host does not match.
    other = unique_bucket("sigv2")
    s3v2.create_bucket(Bucket=other)
    try:
        headers["Host"] = f"{other}.localhost:{server.port}"
        assert_error_response(send(server, "GET", "/v%20k", headers), "SignatureDoesNotMatch",
                              403)
    finally:
        s3v2.delete_bucket(Bucket=other)


# ---- s3cmd with signature_v2 = True ---------------------------------------------------------


def test_s3cmd_signature_v2(server, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    # --debug shows which signature s3cmd used; it falls back to nothing silently otherwise.
    s3cmd = s3cmd_runner(server, home, signature_v2=True, extra_args=("--debug",))

    bucket = unique_bucket("s3cmd-v2")
    small = tmp_path / "small.txt"
    small.write_text("hello from s3cmd v2\n")
    big = tmp_path / "big.bin"
    big.write_bytes(pseudo_random_bytes(7 * MiB, seed=4))  # two parts of 5 MiB chunks
    try:
        made = s3cmd("mb", f"s3://{bucket}")
        assert b"Using signature v2" in made.stderr
        assert b"Using signature v4" not in made.stderr
        s3cmd("put", small, f"s3://{bucket}/dir/small.txt")
        s3cmd("put", big, f"s3://{bucket}/dir/big.bin")
        listing = s3cmd("ls", f"s3://{bucket}/dir/").stdout.decode()
        assert f"s3://{bucket}/dir/small.txt" in listing and f"s3://{bucket}/dir/big.bin" in listing
        head = make_client(server).head_object(Bucket=bucket, Key="dir/big.bin")
        assert head["ETag"].endswith('-2"'), head["ETag"]
        for name, src in (("small.txt", small), ("big.bin", big)):
            dst = tmp_path / f"got-{name}"
            s3cmd("get", f"s3://{bucket}/dir/{name}", dst)
            assert dst.read_bytes() == src.read_bytes(), name
        s3cmd("del", f"s3://{bucket}/dir/small.txt", f"s3://{bucket}/dir/big.bin")
        s3cmd("rb", f"s3://{bucket}")
        assert bucket not in s3cmd("ls").stdout.decode()
    finally:
        empty_and_delete_bucket(make_client(server), bucket)


# ---- allow_sigv2 = false --------------------------------------------------------------------


@pytest.fixture(scope="module")
def v4_only_server(server_factory, tmp_path_factory):
    config = write_config(tmp_path_factory.mktemp("sigv2-off") / "cairn.toml",
                          {"auth": {"sigv4": {"allow_sigv2": False}}})
    return server_factory("sigv2-off", config=config)


def test_sigv2_turned_off(v4_only_server):
    server = v4_only_server
    v4 = make_client(server)
    bucket = unique_bucket("sigv2-off")
    v4.create_bucket(Bucket=bucket)
    try:
        v4.put_object(Bucket=bucket, Key="k", Body=b"x")
        message = ("The authorization mechanism you have provided is not supported. Please use "
                   "AWS4-HMAC-SHA256.")
        v2 = make_client(server, signature_version="s3")
        with expect_error("InvalidRequest", 400):
            v2.get_object(Bucket=bucket, Key="k")
        resp = send(server, "GET", f"/{bucket}/k", _v2_headers(server, "GET", f"/{bucket}/k"))
        assert assert_error_response(resp, "InvalidRequest", 400)["Message"] == message

        url = v2.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"},
                                        ExpiresIn=300)
        status, body = _curl(url)
        assert status == 400 and _error_code(body) == "InvalidRequest", body
        # SigV4 presigned URLs still work.
        status, body = _curl(v4.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=300))
        assert status == 200 and body == b"x"
    finally:
        empty_and_delete_bucket(v4, bucket)
