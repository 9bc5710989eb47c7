"""Every S3 additional checksum (CRC32, CRC32C, CRC64NVME, SHA1, SHA256): single PUT, multipart
COMPOSITE and FULL_OBJECT, a wrong checksum refused with nothing stored, the client's
whole-object checksum at Complete, ListParts, part re-uploads (also overlapping ones), copies,
and GetObjectAttributes.

Debian's boto3 1.26 knows CRC32, CRC32C (value given), SHA1 and SHA256 but neither CRC64NVME nor
x-amz-checksum-type, so those requests are raw signed ones, with the values computed here."""

import base64
import hashlib
import time
import xml.etree.ElementTree as ET
import zlib

import pytest

import rawhttp
import s3util
from s3util import S3_NS, MiB, assert_error_response, expect_error, pseudo_random_bytes


def _reflected_crc(poly, width):
    """A table-driven reflected CRC with all-ones init and xorout (CRC32C, CRC64NVME)."""
    mask = (1 << width) - 1
    table = []
    for b in range(256):
        c = b
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)

    def crc(data):
        c = mask
        for byte in data:
            c = (c >> 8) ^ table[(c ^ byte) & 0xFF]
        return (c ^ mask).to_bytes(width // 8, "big")
    return crc


_crc32c = _reflected_crc(0x82F63B78, 32)
_crc64nvme = _reflected_crc(0x9A6C9329AC4BC9B5, 64)

RAW = {
    "CRC32": lambda d: zlib.crc32(d).to_bytes(4, "big"),
    "CRC32C": _crc32c,
    "CRC64NVME": _crc64nvme,
    "SHA1": lambda d: hashlib.sha1(d).digest(),
    "SHA256": lambda d: hashlib.sha256(d).digest(),
}
ALGORITHMS = list(RAW)
FULL_OBJECT = ["CRC32", "CRC32C", "CRC64NVME"]
COMPOSITE = ["CRC32", "CRC32C", "SHA1", "SHA256"]
PART = 5 * MiB


def b64(algorithm, data):
    return base64.b64encode(RAW[algorithm](data)).decode()


def composite(algorithm, parts):
    raw = b"".join(RAW[algorithm](p) for p in parts)
    return f"{base64.b64encode(RAW[algorithm](raw)).decode()}-{len(parts)}"


def header(algorithm):
    return f"x-amz-checksum-{algorithm.lower()}"


def test_crc_helpers_match_the_check_values():
    assert RAW["CRC32C"](b"123456789").hex() == "e3069283"
    assert RAW["CRC64NVME"](b"123456789").hex() == "ae8b14860a799888"


def req(server, method, key_path, query="", headers=None, body=b""):
    return s3util.raw_request(server, method, key_path, query, headers or {}, body)


def xml_of(resp):
    assert resp.status == 200, resp
    return ET.fromstring(resp.body)


def text(root, path):
    el = root.find(_ns(path))
    return None if el is None else el.text


def _ns(path):
    return "/".join(S3_NS + p for p in path.split("/"))


# --- Single PUT ----------------------------------------------------------------------------------

@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_put_checksum_is_verified_stored_and_returned(server, s3, bucket, algorithm):
    data = pseudo_random_bytes(100_000, 1)
    resp = req(server, "PUT", f"/{bucket}/k", headers={header(algorithm): b64(algorithm, data)},
               body=data)
    assert resp.status == 200, resp
    assert resp.headers[header(algorithm)] == b64(algorithm, data)
    assert resp.headers["x-amz-checksum-type"] == "FULL_OBJECT"
    refused = req(server, "PUT", f"/{bucket}/k", body=data,
                  headers={header(algorithm): b64(algorithm, data),
                           "x-amz-checksum-type": "COMPOSITE"})
    assert_error_response(refused, "InvalidRequest", 400)
    head = req(server, "HEAD", f"/{bucket}/k", headers={"x-amz-checksum-mode": "ENABLED"})
    assert head.headers[header(algorithm)] == b64(algorithm, data)
    assert head.headers["x-amz-checksum-type"] == "FULL_OBJECT"
    got = req(server, "GET", f"/{bucket}/k", headers={"x-amz-checksum-mode": "ENABLED"})
    assert got.body == data and got.headers[header(algorithm)] == b64(algorithm, data)
    assert header(algorithm) not in req(server, "HEAD", f"/{bucket}/k").headers


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_wrong_checksum_is_bad_digest_and_stores_nothing(server, s3, bucket, algorithm):
    s3.put_object(Bucket=bucket, Key="k", Body=b"old bytes")
    for size in (10, 200_000):  # inline and erasure-coded
        data = pseudo_random_bytes(size, 2)
        resp = req(server, "PUT", f"/{bucket}/k",
                   headers={header(algorithm): b64(algorithm, b"other")}, body=data)
        assert_error_response(resp, "BadDigest", 400)
        assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"old bytes"
        resp = req(server, "PUT", f"/{bucket}/new", headers={header(algorithm): b64(algorithm, b"x")},
                   body=data)
        assert_error_response(resp, "BadDigest", 400)
        with expect_error(None, 404):
            s3.head_object(Bucket=bucket, Key="new")


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256"])
def test_put_through_boto3(s3, bucket, algorithm):
    data = pseudo_random_bytes(70_000, 3)
    field = f"Checksum{algorithm}"
    # boto3 1.26 computes CRC32, SHA1 and SHA256 itself; CRC32C needs awscrt, so give the value.
    extra = {field: b64(algorithm, data)} if algorithm == "CRC32C" else {
        "ChecksumAlgorithm": algorithm}
    resp = s3.put_object(Bucket=bucket, Key="b", Body=data, **extra)
    assert resp[field] == b64(algorithm, data)
    head = s3.head_object(Bucket=bucket, Key="b", ChecksumMode="ENABLED")
    assert head[field] == b64(algorithm, data)
    with expect_error("BadDigest", 400):
        s3.put_object(Bucket=bucket, Key="b", Body=b"changed", **{field: b64(algorithm, data)})
    assert s3.get_object(Bucket=bucket, Key="b")["Body"].read() == data


def test_crc64nvme_in_an_aws_chunked_trailer(server, s3, bucket):
    data = pseudo_random_bytes(150_000, 4)
    for value, status in ((b64("CRC64NVME", b"wrong"), 400), (b64("CRC64NVME", data), 200)):
        body = (f"{len(data):x}\r\n".encode() + data + b"\r\n0\r\n" +
                f"x-amz-checksum-crc64nvme:{value}\r\n\r\n".encode())
        headers = rawhttp.signed_headers(server, "PUT", f"/{bucket}/t", {
            "Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data)),
            "x-amz-trailer": "x-amz-checksum-crc64nvme"},
            payload="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        headers["Content-Length"] = str(len(body))
        resp = s3util.send(server, "PUT", f"/{bucket}/t", headers, body)
        assert resp.status == status, resp
        if status == 400:
            assert_error_response(resp, "BadDigest", 400)
            with expect_error(None, 404):
                s3.head_object(Bucket=bucket, Key="t")
    head = req(server, "HEAD", f"/{bucket}/t", headers={"x-amz-checksum-mode": "ENABLED"})
    assert head.headers["x-amz-checksum-crc64nvme"] == b64("CRC64NVME", data)


# --- Multipart -----------------------------------------------------------------------------------

def create(server, bucket, key, algorithm=None, ctype=None):
    headers = {}
    if algorithm:
        headers["x-amz-checksum-algorithm"] = algorithm
    if ctype:
        headers["x-amz-checksum-type"] = ctype
    return req(server, "POST", f"/{bucket}/{key}", "uploads", headers)


def upload_part(server, bucket, key, upload_id, number, data, algorithm):
    resp = req(server, "PUT", f"/{bucket}/{key}", f"partNumber={number}&uploadId={upload_id}",
               {header(algorithm): b64(algorithm, data)}, data)
    assert resp.status == 200, resp
    assert resp.headers[header(algorithm)] == b64(algorithm, data)
    return resp.headers["etag"]


def complete(server, bucket, key, upload_id, parts, headers=None):
    """`parts`: (number, etag, {xml element: value}) tuples."""
    xml = "<CompleteMultipartUpload>"
    for number, etag, extra in parts:
        xml += f"<Part><PartNumber>{number}</PartNumber><ETag>{etag}</ETag>"
        xml += "".join(f"<{k}>{v}</{k}>" for k, v in extra.items()) + "</Part>"
    xml += "</CompleteMultipartUpload>"
    return req(server, "POST", f"/{bucket}/{key}", f"uploadId={upload_id}", headers, xml.encode())


CASES = [(a, "COMPOSITE") for a in COMPOSITE] + [(a, "FULL_OBJECT") for a in FULL_OBJECT]


@pytest.mark.parametrize("algorithm,ctype", CASES)
def test_multipart_checksum_types(server, s3, bucket, algorithm, ctype):
    key = "mp"
    parts = [pseudo_random_bytes(PART, 10), pseudo_random_bytes(PART + 17, 11),
             pseudo_random_bytes(1234, 12)]
    created = create(server, bucket, key, algorithm, ctype)
    root = xml_of(created)
    assert created.headers["x-amz-checksum-algorithm"] == algorithm
    assert created.headers["x-amz-checksum-type"] == ctype
    upload_id = text(root, "UploadId")
    done = []
    element = f"Checksum{algorithm}"
    for number, data in enumerate(parts, start=1):
        etag = upload_part(server, bucket, key, upload_id, number, data, algorithm)
        done.append((number, etag, {element: b64(algorithm, data)}))

    listed = xml_of(req(server, "GET", f"/{bucket}/{key}", f"uploadId={upload_id}"))
    assert text(listed, "ChecksumAlgorithm") == algorithm
    assert text(listed, "ChecksumType") == ctype
    assert [p.find(S3_NS + element).text for p in listed.findall(S3_NS + "Part")] == \
        [b64(algorithm, p) for p in parts]

    whole = b"".join(parts)
    expected = b64(algorithm, whole) if ctype == "FULL_OBJECT" else composite(algorithm, parts)
    # A part checksum in the XML that is not the stored one: InvalidPart.
    wrong = [done[0], (2, done[1][1], {element: b64(algorithm, b"not part 2")}), done[2]]
    assert_error_response(complete(server, bucket, key, upload_id, wrong), "InvalidPart", 400)
    # The whole-object checksum the client sends must match; the type must be the upload's.
    other = "COMPOSITE" if ctype == "FULL_OBJECT" else "FULL_OBJECT"
    resp = complete(server, bucket, key, upload_id, done, {"x-amz-checksum-type": other})
    assert_error_response(resp, "InvalidRequest", 400)
    wrong_value = (b64(algorithm, b"nope") if ctype == "FULL_OBJECT"
                   else composite(algorithm, [b"nope"] * 3))
    resp = complete(server, bucket, key, upload_id, done, {header(algorithm): wrong_value})
    assert_error_response(resp, "BadDigest", 400)
    other_alg = "SHA256" if algorithm != "SHA256" else "CRC32"
    resp = complete(server, bucket, key, upload_id, done, {header(other_alg): b64(other_alg, whole)})
    assert_error_response(resp, "InvalidRequest", 400)
    with expect_error(None, 404):
        s3.head_object(Bucket=bucket, Key=key)

    resp = complete(server, bucket, key, upload_id, done,
                    {header(algorithm): expected, "x-amz-checksum-type": ctype})
    root = xml_of(resp)
    assert text(root, element) == expected
    assert text(root, "ChecksumType") == ctype

    got = req(server, "GET", f"/{bucket}/{key}", headers={"x-amz-checksum-mode": "ENABLED"})
    assert got.body == whole
    assert got.headers[header(algorithm)] == expected
    assert got.headers["x-amz-checksum-type"] == ctype
    # partNumber reads return the part's own checksum.
    part2 = req(server, "HEAD", f"/{bucket}/{key}", "partNumber=2",
                {"x-amz-checksum-mode": "ENABLED"})
    assert part2.headers[header(algorithm)] == b64(algorithm, parts[1])


def test_full_object_without_parts_in_the_xml_checksums(server, bucket):
    parts = [pseudo_random_bytes(PART, 13), pseudo_random_bytes(10, 14)]
    upload_id = text(xml_of(create(server, bucket, "f", "CRC64NVME")), "UploadId")
    done = [(n, upload_part(server, bucket, "f", upload_id, n, d, "CRC64NVME"), {})
            for n, d in enumerate(parts, start=1)]
    root = xml_of(complete(server, bucket, "f", upload_id, done))
    # CRC64NVME defaults to FULL_OBJECT.
    assert text(root, "ChecksumCRC64NVME") == b64("CRC64NVME", b"".join(parts))
    assert text(root, "ChecksumType") == "FULL_OBJECT"


@pytest.mark.parametrize("algorithm,ctype,why", [
    ("SHA1", "FULL_OBJECT", "digests do not combine"),
    ("SHA256", "FULL_OBJECT", "digests do not combine"),
    ("CRC64NVME", "COMPOSITE", "S3 has no composite CRC64NVME"),
    ("CRC32", "PARTIAL", "unknown type"),
    (None, "COMPOSITE", "a type without an algorithm"),
    ("MD5", None, "unknown algorithm"),
])
def test_create_refuses_what_s3_refuses(server, s3, bucket, algorithm, ctype, why):
    assert_error_response(create(server, bucket, "r", algorithm, ctype), "InvalidRequest", 400)
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_boto3_multipart_and_list_parts(s3, bucket):
    created = s3.create_multipart_upload(Bucket=bucket, Key="b", ChecksumAlgorithm="SHA1")
    assert created["ChecksumAlgorithm"] == "SHA1"
    assert created["ResponseMetadata"]["HTTPHeaders"]["x-amz-checksum-type"] == "COMPOSITE"
    upload_id = created["UploadId"]
    parts = [pseudo_random_bytes(PART, 15), b"tail"]
    done = []
    for n, data in enumerate(parts, start=1):
        resp = s3.upload_part(Bucket=bucket, Key="b", UploadId=upload_id, PartNumber=n, Body=data,
                              ChecksumAlgorithm="SHA1")
        done.append({"PartNumber": n, "ETag": resp["ETag"], "ChecksumSHA1": resp["ChecksumSHA1"]})
    listed = s3.list_parts(Bucket=bucket, Key="b", UploadId=upload_id)
    assert [p["ChecksumSHA1"] for p in listed["Parts"]] == [b64("SHA1", p) for p in parts]
    resp = s3.complete_multipart_upload(Bucket=bucket, Key="b", UploadId=upload_id,
                                        MultipartUpload={"Parts": done})
    assert resp["ChecksumSHA1"] == composite("SHA1", parts)


def test_part_reupload_replaces_its_checksum(server, s3, bucket):
    upload_id = text(xml_of(create(server, bucket, "re", "CRC32C")), "UploadId")
    upload_part(server, bucket, "re", upload_id, 1, b"first version", "CRC32C")
    etag = upload_part(server, bucket, "re", upload_id, 1, b"second version", "CRC32C")
    listed = xml_of(req(server, "GET", f"/{bucket}/re", f"uploadId={upload_id}"))
    assert [p.find(S3_NS + "ChecksumCRC32C").text for p in listed.findall(S3_NS + "Part")] == \
        [b64("CRC32C", b"second version")]
    root = xml_of(complete(server, bucket, "re", upload_id,
                           [(1, etag, {"ChecksumCRC32C": b64("CRC32C", b"second version")})]))
    assert text(root, "ChecksumCRC32C") == composite("CRC32C", [b"second version"])
    assert s3.get_object(Bucket=bucket, Key="re")["Body"].read() == b"second version"


def test_overlapping_part_sends_the_later_finishing_wins_whole(server, s3, bucket):
    """Send A of part 1 starts, send B of part 1 starts and finishes, then A finishes: A is the
    part (its bytes, ETag and checksum together), and B's shards are gone with it."""
    key = "race"
    upload_id = text(xml_of(create(server, bucket, key, "CRC64NVME")), "UploadId")
    data_a = pseudo_random_bytes(PART + 100, 20)
    data_b = pseudo_random_bytes(PART + 200, 21)
    target = f"/{bucket}/{key}?partNumber=1&uploadId={upload_id}"
    headers = rawhttp.signed_headers(server, "PUT", target, {
        "x-amz-checksum-crc64nvme": b64("CRC64NVME", data_a)},
        payload=hashlib.sha256(data_a).hexdigest())
    headers["Content-Length"] = str(len(data_a))
    sock = rawhttp.connect(server)
    try:
        sock.sendall(rawhttp.head_bytes("PUT", target, headers) + data_a[:MiB])
        time.sleep(0.3)  # A is in flight, its first stripe being written
        etag_b = upload_part(server, bucket, key, upload_id, 1, data_b, "CRC64NVME")
        listed = xml_of(req(server, "GET", f"/{bucket}/{key}", f"uploadId={upload_id}"))
        assert text(listed, "Part/ETag") == etag_b
        sock.sendall(data_a[MiB:])
        resp = rawhttp.read_response(sock)
    finally:
        sock.close()
    assert resp.status == 200, resp
    etag_a = resp.headers["etag"]
    listed = xml_of(req(server, "GET", f"/{bucket}/{key}", f"uploadId={upload_id}"))
    assert len(listed.findall(S3_NS + "Part")) == 1
    assert text(listed, "Part/ETag") == etag_a
    assert text(listed, "Part/ChecksumCRC64NVME") == b64("CRC64NVME", data_a)
    # B's ETag no longer names the part.
    assert_error_response(complete(server, bucket, key, upload_id, [(1, etag_b, {})]),
                          "InvalidPart", 400)
    root = xml_of(complete(server, bucket, key, upload_id, [(1, etag_a, {})]))
    assert text(root, "ChecksumCRC64NVME") == b64("CRC64NVME", data_a)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == data_a


# --- Copies --------------------------------------------------------------------------------------

def test_copy_object_keeps_or_computes_the_checksum(server, s3, bucket):
    data = pseudo_random_bytes(300_000, 30)
    s3.put_object(Bucket=bucket, Key="src", Body=data, ChecksumAlgorithm="SHA256")
    resp = s3.copy_object(Bucket=bucket, Key="same", CopySource=f"{bucket}/src")
    assert resp["CopyObjectResult"]["ChecksumSHA256"] == b64("SHA256", data)
    head = s3.head_object(Bucket=bucket, Key="same", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == b64("SHA256", data)
    # A new algorithm is computed while copying (CRC64NVME through a raw request).
    resp = req(server, "PUT", f"/{bucket}/new", headers={
        "x-amz-copy-source": f"/{bucket}/src", "x-amz-checksum-algorithm": "CRC64NVME"})
    assert text(xml_of(resp), "ChecksumCRC64NVME") == b64("CRC64NVME", data)
    head = req(server, "HEAD", f"/{bucket}/new", headers={"x-amz-checksum-mode": "ENABLED"})
    assert head.headers["x-amz-checksum-crc64nvme"] == b64("CRC64NVME", data)
    assert "x-amz-checksum-sha256" not in head.headers
    resp = req(server, "PUT", f"/{bucket}/bad", headers={
        "x-amz-copy-source": f"/{bucket}/src", "x-amz-checksum-algorithm": "MD5"})
    assert_error_response(resp, "InvalidRequest", 400)
    # A composite multipart source copied in one piece gets a full-object checksum.
    created = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="CRC32")
    parts = [pseudo_random_bytes(PART, 31), b"end"]
    done = []
    for n, d in enumerate(parts, start=1):
        r = s3.upload_part(Bucket=bucket, Key="mp", UploadId=created["UploadId"], PartNumber=n,
                           Body=d, ChecksumAlgorithm="CRC32")
        done.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=created["UploadId"],
                                 MultipartUpload={"Parts": done})
    resp = s3.copy_object(Bucket=bucket, Key="flat", CopySource=f"{bucket}/mp")
    assert resp["CopyObjectResult"]["ChecksumCRC32"] == b64("CRC32", b"".join(parts))


@pytest.mark.parametrize("algorithm", ["CRC64NVME", "SHA256"])
def test_upload_part_copy_computes_the_part_checksum(server, s3, bucket, algorithm):
    source = pseudo_random_bytes(PART + 5000, 40)
    s3.put_object(Bucket=bucket, Key="src", Body=source)
    upload_id = text(xml_of(create(server, bucket, "dst", algorithm)), "UploadId")
    element = f"Checksum{algorithm}"
    resp = req(server, "PUT", f"/{bucket}/dst", f"partNumber=1&uploadId={upload_id}",
               {"x-amz-copy-source": f"/{bucket}/src", "x-amz-copy-source-range": f"bytes=0-{PART - 1}"})
    root = xml_of(resp)
    assert text(root, element) == b64(algorithm, source[:PART])
    etag1 = text(root, "ETag")
    resp = req(server, "PUT", f"/{bucket}/dst", f"partNumber=2&uploadId={upload_id}",
               {"x-amz-copy-source": f"/{bucket}/src", "x-amz-copy-source-range": f"bytes={PART}-{len(source) - 1}"})
    root = xml_of(resp)
    assert text(root, element) == b64(algorithm, source[PART:])
    root = xml_of(complete(server, bucket, "dst", upload_id,
                           [(1, etag1, {}), (2, text(root, "ETag"), {})]))
    parts = [source[:PART], source[PART:]]
    expected = b64(algorithm, source) if algorithm == "CRC64NVME" else composite(algorithm, parts)
    assert text(root, element) == expected
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == source


# --- GetObjectAttributes -------------------------------------------------------------------------

ALL_ATTRIBUTES = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]


def test_get_object_attributes_of_a_single_put(s3, bucket):
    data = b"A" * 1024
    resp = s3.put_object(Bucket=bucket, Key="one", Body=data, ChecksumAlgorithm="SHA256")
    attrs = s3.get_object_attributes(Bucket=bucket, Key="one", ObjectAttributes=ALL_ATTRIBUTES)
    assert attrs["ETag"] == resp["ETag"].strip('"')
    assert attrs["ObjectSize"] == 1024
    assert attrs["StorageClass"] == "STANDARD"
    assert attrs["Checksum"]["ChecksumSHA256"] == b64("SHA256", data)
    assert "ObjectParts" not in attrs
    assert "LastModified" in attrs
    only = s3.get_object_attributes(Bucket=bucket, Key="one", ObjectAttributes=["ObjectSize"])
    assert only["ObjectSize"] == 1024 and "ETag" not in only and "Checksum" not in only
    with expect_error("NoSuchKey", 404):
        s3.get_object_attributes(Bucket=bucket, Key="absent", ObjectAttributes=["ETag"])


def test_get_object_attributes_of_a_multipart_object(s3, bucket):
    created = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="CRC32")
    parts = [pseudo_random_bytes(PART, 50 + i) for i in range(5)] + [b"last"]
    done = []
    for n, d in enumerate(parts, start=1):
        r = s3.upload_part(Bucket=bucket, Key="mp", UploadId=created["UploadId"], PartNumber=n,
                           Body=d, ChecksumAlgorithm="CRC32")
        done.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
    completed = s3.complete_multipart_upload(Bucket=bucket, Key="mp",
                                             UploadId=created["UploadId"],
                                             MultipartUpload={"Parts": done})
    attrs = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=ALL_ATTRIBUTES)
    assert attrs["ETag"] == completed["ETag"].strip('"')
    assert attrs["ObjectSize"] == sum(map(len, parts))
    assert attrs["Checksum"]["ChecksumCRC32"] == composite("CRC32", parts)
    op = attrs["ObjectParts"]
    assert op["TotalPartsCount"] == 6 and op["IsTruncated"] is False
    assert [(p["PartNumber"], p["Size"], p["ChecksumCRC32"]) for p in op["Parts"]] == \
        [(n, len(d), b64("CRC32", d)) for n, d in enumerate(parts, start=1)]
    page = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts"],
                                    MaxParts=2, PartNumberMarker=3)["ObjectParts"]
    assert page["PartNumberMarker"] == 3 and page["MaxParts"] == 2
    assert page["IsTruncated"] is True and page["NextPartNumberMarker"] == 5
    assert [p["PartNumber"] for p in page["Parts"]] == [4, 5]


def test_get_object_attributes_refusals(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    resp = req(server, "GET", f"/{bucket}/k", "attributes")
    assert_error_response(resp, "InvalidArgument", 400)
    resp = req(server, "GET", f"/{bucket}/k", "attributes",
               {"x-amz-object-attributes": "ETag,Colour"})
    assert_error_response(resp, "InvalidArgument", 400)
    resp = req(server, "GET", f"/{bucket}/k", "attributes",
               {"x-amz-object-attributes": "ETag", "x-amz-max-parts": "-1"})
    assert_error_response(resp, "InvalidArgument", 400)
    resp = req(server, "GET", f"/{bucket}/k", "attributes&versionId=v1",
               {"x-amz-object-attributes": "ETag"})
    assert_error_response(resp, "InvalidArgument", 400)  # not a version id Cairn issues
    resp = req(server, "GET", f"/{bucket}/k", "attributes&versionId=0000000000000001",
               {"x-amz-object-attributes": "ETag"})
    assert_error_response(resp, "NoSuchVersion", 404)
