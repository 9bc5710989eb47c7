"""Multipart uploads through boto3: Create/UploadPart/UploadPartCopy/Complete/Abort, ListParts,
ListMultipartUploads (prefix, delimiter, markers, paging), the errors S3 returns (EntityTooSmall,
InvalidPart, InvalidPartOrder, NoSuchUpload, PreconditionFailed), resuming
after a client crash, concurrent uploads of one key, partNumber and ranged reads, and flexible
checksums (header and aws-chunked trailer, composite "<b64>-N" object checksums). The multipart
ETag is the MD5 of the concatenated binary part MD5s, then "-N". Tests that count shard files
use their own server, so nothing else writes while they count."""

import base64
import hashlib
import signal
import threading
import time
import zlib
from datetime import datetime, timedelta, timezone

import pytest

import s3util
from cairn_server import start_server, write_config
from s3util import MiB, expect_error, md5_b64, multipart_etag, pseudo_random_bytes, quoted_md5

PART = 5 * MiB  # the smallest size S3 accepts for every part but the last


def _upload(s3, bucket, key, parts, **create_args):
    """Uploads `parts` (a list of bytes) and returns (upload_id, [{PartNumber, ETag}])."""
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **create_args)["UploadId"]
    done = []
    for number, data in enumerate(parts, start=1):
        resp = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number,
                              Body=data)
        assert resp["ETag"] == quoted_md5(data)
        done.append({"PartNumber": number, "ETag": resp["ETag"]})
    return upload_id, done


def test_complete_round_trip(s3, bucket):
    parts = [pseudo_random_bytes(PART, 1), pseudo_random_bytes(PART, 2),
             pseudo_random_bytes(MiB + 3, 3)]
    upload_id, done = _upload(s3, bucket, "big", parts, ContentType="application/x-mp",
                              Metadata={"from": "multipart"})
    resp = s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload_id,
                                        MultipartUpload={"Parts": done})
    assert resp["ETag"] == multipart_etag(parts)
    assert resp["Key"] == "big"
    assert resp["Bucket"] == bucket

    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["ETag"] == multipart_etag(parts)
    assert got["ContentLength"] == sum(map(len, parts))
    assert got["ContentType"] == "application/x-mp"
    assert got["Metadata"] == {"from": "multipart"}
    assert got["Body"].read() == b"".join(parts)

    # A range spanning the boundary between part 1 and part 2.
    ranged = s3.get_object(Bucket=bucket, Key="big", Range=f"bytes={PART - 10}-{PART + 9}")
    assert ranged["Body"].read() == (parts[0] + parts[1])[PART - 10:PART + 10]

    # The upload is gone once completed.
    with expect_error("NoSuchUpload", 404):
        s3.list_parts(Bucket=bucket, Key="big", UploadId=upload_id)


def test_single_small_part_is_allowed(s3, bucket):
    parts = [b"only part, below 5 MiB"]
    upload_id, done = _upload(s3, bucket, "one", parts)
    resp = s3.complete_multipart_upload(Bucket=bucket, Key="one", UploadId=upload_id,
                                        MultipartUpload={"Parts": done})
    assert resp["ETag"] == multipart_etag(parts)
    assert s3.get_object(Bucket=bucket, Key="one")["Body"].read() == parts[0]


def test_part_overwrite_and_subset(s3, bucket):
    # Re-uploading a part number replaces it; parts left out of Complete are discarded.
    upload_id, _ = _upload(s3, bucket, "k", [pseudo_random_bytes(PART, 9), b"old-2", b"unused"])
    new1 = pseudo_random_bytes(PART, 10)
    e1 = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=new1)
    e2 = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=2, Body=b"new-2")
    s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1["ETag"]},
                                   {"PartNumber": 2, "ETag": e2["ETag"]}]})
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == new1 + b"new-2"
    assert got["ETag"] == multipart_etag([new1, b"new-2"])


def test_entity_too_small(s3, bucket):
    parts = [b"a" * MiB, b"b" * MiB]
    upload_id, done = _upload(s3, bucket, "small", parts)
    with expect_error("EntityTooSmall", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key="small", UploadId=upload_id,
                                     MultipartUpload={"Parts": done})
    with expect_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="small")
    s3.abort_multipart_upload(Bucket=bucket, Key="small", UploadId=upload_id)


def test_invalid_part_wrong_etag(s3, bucket):
    upload_id, done = _upload(s3, bucket, "k", [pseudo_random_bytes(PART, 4), b"tail"])
    done[1]["ETag"] = '"0123456789abcdef0123456789abcdef"'
    with expect_error("InvalidPart", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                     MultipartUpload={"Parts": done})


def test_invalid_part_never_uploaded(s3, bucket):
    # Part 1 is full size so that only the missing part 7 is wrong.
    upload_id, done = _upload(s3, bucket, "k", [pseudo_random_bytes(PART, 8)])
    done.append({"PartNumber": 7, "ETag": quoted_md5(b"tail")})
    with expect_error("InvalidPart", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                     MultipartUpload={"Parts": done})


def test_invalid_part_order(s3, bucket):
    parts = [pseudo_random_bytes(PART, 5), pseudo_random_bytes(PART, 6)]
    upload_id, done = _upload(s3, bucket, "k", parts)
    with expect_error("InvalidPartOrder", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                     MultipartUpload={"Parts": list(reversed(done))})
    # The failed Complete leaves the upload usable.
    resp = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                        MultipartUpload={"Parts": done})
    assert resp["ETag"] == multipart_etag(parts)


def test_abort(s3, bucket):
    upload_id, _ = _upload(s3, bucket, "k", [b"part"])
    resp = s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    with expect_error("NoSuchUpload", 404):
        s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    with expect_error("NoSuchUpload", 404):
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=2, Body=b"x")
    with expect_error("NoSuchUpload", 404):
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": quoted_md5(b"part")}]})
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
    with expect_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="k")


@pytest.mark.parametrize("op", ["upload_part", "list_parts", "complete", "abort"])
def test_no_such_upload(s3, bucket, op):
    bogus = "bogus-upload-id-0000"
    with expect_error("NoSuchUpload", 404):
        if op == "upload_part":
            s3.upload_part(Bucket=bucket, Key="k", UploadId=bogus, PartNumber=1, Body=b"x")
        elif op == "list_parts":
            s3.list_parts(Bucket=bucket, Key="k", UploadId=bogus)
        elif op == "complete":
            s3.complete_multipart_upload(
                Bucket=bucket, Key="k", UploadId=bogus,
                MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": quoted_md5(b"x")}]})
        else:
            s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=bogus)


def test_upload_id_belongs_to_its_key(s3, bucket):
    upload_id, _ = _upload(s3, bucket, "k", [b"part"])
    with expect_error("NoSuchUpload", 404):
        s3.list_parts(Bucket=bucket, Key="other-key", UploadId=upload_id)


def test_list_parts_paging(s3, bucket):
    data = [f"part-{n}".encode() for n in range(1, 6)]
    upload_id, done = _upload(s3, bucket, "k", data)
    resp = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    assert [p["PartNumber"] for p in resp["Parts"]] == [1, 2, 3, 4, 5]
    assert [p["ETag"] for p in resp["Parts"]] == [d["ETag"] for d in done]
    assert [p["Size"] for p in resp["Parts"]] == [len(d) for d in data]
    assert resp["IsTruncated"] is False
    assert resp["UploadId"] == upload_id
    assert resp["Key"] == "k"

    page1 = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2)
    assert [p["PartNumber"] for p in page1["Parts"]] == [1, 2]
    assert page1["IsTruncated"] is True
    assert page1["NextPartNumberMarker"] == 2
    page2 = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2,
                          PartNumberMarker=page1["NextPartNumberMarker"])
    assert [p["PartNumber"] for p in page2["Parts"]] == [3, 4]
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)


def test_list_multipart_uploads(s3, bucket):
    ids = {}
    for key in ("dir/a", "dir/b", "other"):
        ids[key] = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    resp = s3.list_multipart_uploads(Bucket=bucket)
    assert sorted((u["Key"], u["UploadId"]) for u in resp["Uploads"]) == sorted(ids.items())
    resp = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in resp.get("CommonPrefixes", [])] == ["dir/"]
    assert [u["Key"] for u in resp["Uploads"]] == ["other"]
    resp = s3.list_multipart_uploads(Bucket=bucket, Prefix="dir/")
    assert [u["Key"] for u in resp["Uploads"]] == ["dir/a", "dir/b"]
    for key, upload_id in ids.items():
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)


def test_upload_part_bad_digest(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    with expect_error("BadDigest", 400):
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"data",
                       ContentMD5=md5_b64(b"other"))
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)


@pytest.mark.parametrize("number", [0, 10001])
def test_part_number_out_of_range(s3, bucket, number):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    with expect_error("InvalidArgument", 400):
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number, Body=b"x")
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)


def test_complete_with_no_parts_is_malformed(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    with expect_error("MalformedXML", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                     MultipartUpload={"Parts": []})
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)


def test_create_on_missing_bucket(s3):
    with expect_error("NoSuchBucket", 404):
        s3.create_multipart_upload(Bucket="it-no-such-bucket-0000000000", Key="k")


# --- Resuming, listing uploads ---------------------------------------------------------------


def test_resume_after_client_crash(s3, bucket):
    """A client uploads some parts and dies; a new one finds the upload with
    ListMultipartUploads, learns which parts arrived with ListParts (paged), uploads the rest
    and completes. The object is byte-identical to the source."""
    key = "resume/data.bin"
    parts = [pseudo_random_bytes(PART, 40 + n) for n in range(4)] + [pseudo_random_bytes(999, 44)]
    s3.create_multipart_upload(Bucket=bucket, Key="resume/other")  # a decoy upload
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    for number in (1, 3):  # a parallel uploader got parts 1 and 3 through, then crashed
        s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number,
                       Body=parts[number - 1])
    del upload_id

    found = [u for u in s3.list_multipart_uploads(Bucket=bucket, Prefix="resume/")["Uploads"]
             if u["Key"] == key]
    assert len(found) == 1, found
    upload_id = found[0]["UploadId"]
    listed = []
    for page in s3.get_paginator("list_parts").paginate(
            Bucket=bucket, Key=key, UploadId=upload_id, PaginationConfig={"PageSize": 1}):
        listed += page.get("Parts", [])
    assert [p["PartNumber"] for p in listed] == [1, 3]
    done = {}
    for p in listed:
        local = parts[p["PartNumber"] - 1]
        assert p["Size"] == len(local)
        if p["ETag"] == quoted_md5(local):  # what a resuming client checks before trusting it
            done[p["PartNumber"]] = p["ETag"]
    for number in range(1, len(parts) + 1):
        if number not in done:
            data = parts[number - 1]
            done[number] = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id,
                                          PartNumber=number, Body=data,
                                          ContentMD5=md5_b64(data))["ETag"]
    resp = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in sorted(done.items())]})
    assert resp["ETag"] == multipart_etag(parts)
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["ContentLength"] == sum(map(len, parts))
    assert got["Body"].read() == b"".join(parts)
    assert [u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket)["Uploads"]] == [
        "resume/other"]


def _create_uploads(s3, bucket, keys):
    """Creates one upload per entry of `keys` (repeats allowed) in order; returns [(key, id)]."""
    created = []
    for key in keys:
        created.append((key, s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]))
        time.sleep(0.01)  # distinct initiation times, whatever the clock's resolution
    return created


def _listed(resp):
    return [(u["Key"], u["UploadId"]) for u in resp.get("Uploads", [])]


def test_list_multipart_uploads_paging_and_markers(s3, bucket):
    created = _create_uploads(s3, bucket, ["a", "b", "b", "b", "c/1", "c/2", "d"])
    full = s3.list_multipart_uploads(Bucket=bucket)
    assert full["IsTruncated"] is False
    everything = _listed(full)
    assert sorted(everything) == sorted(created)
    assert [k for k, _ in everything] == ["a", "b", "b", "b", "c/1", "c/2", "d"]
    for upload in full["Uploads"]:
        assert upload["Initiated"] > datetime.now(timezone.utc) - timedelta(minutes=10)
        assert upload["StorageClass"] == "STANDARD"

    # max-uploads pages, followed with NextKeyMarker/NextUploadIdMarker, list each upload once.
    pages, kwargs = [], {}
    while True:
        resp = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2, **kwargs)
        assert resp["MaxUploads"] == 2
        pages.append(_listed(resp))
        if not resp["IsTruncated"]:
            break
        kwargs = {"KeyMarker": resp["NextKeyMarker"], "UploadIdMarker": resp["NextUploadIdMarker"]}
        assert len(pages) < 10, pages
    assert [len(p) for p in pages] == [2, 2, 2, 1]
    assert [u for p in pages for u in p] == everything

    # key-marker alone skips every upload of that key; with upload-id-marker it resumes inside.
    resp = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="b")
    assert [k for k, _ in _listed(resp)] == ["c/1", "c/2", "d"]
    assert resp["KeyMarker"] == "b"
    b_uploads = [u for u in everything if u[0] == "b"]
    resp = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="b", UploadIdMarker=b_uploads[0][1])
    assert _listed(resp) == b_uploads[1:] + [u for u in everything if u[0] > "b"]

    # A delimiter rolls keys up into CommonPrefixes, which count toward max-uploads.
    resp = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/", MaxUploads=5)
    assert [k for k, _ in _listed(resp)] == ["a", "b", "b", "b"]
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == ["c/"]
    assert resp["IsTruncated"] is True
    # The page ended on the common prefix: NextKeyMarker is "c/", and (as for ListObjects) a
    # marker that is a common prefix stands for everything under it, so "c/" is not repeated.
    assert resp["NextKeyMarker"] == "c/"
    marker = {"KeyMarker": resp["NextKeyMarker"]}
    if resp.get("NextUploadIdMarker"):
        marker["UploadIdMarker"] = resp["NextUploadIdMarker"]
    rest = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/", **marker)
    assert [k for k, _ in _listed(rest)] == ["d"]
    assert "CommonPrefixes" not in rest, rest["CommonPrefixes"]
    resp = s3.list_multipart_uploads(Bucket=bucket, Prefix="c/", Delimiter="/")
    assert [k for k, _ in _listed(resp)] == ["c/1", "c/2"]


def test_list_multipart_uploads_same_key_in_initiation_order(s3, bucket):
    # "uploads are sorted in ascending order within each key by the upload initiation time"
    # (ListMultipartUploads, S3 API reference).
    created = _create_uploads(s3, bucket, ["same"] * 5)
    assert _listed(s3.list_multipart_uploads(Bucket=bucket)) == created


# --- UploadPartCopy ---------------------------------------------------------------------------


@pytest.fixture
def copy_source(s3, bucket):
    """A 6 MiB + 11 B plain object to copy parts from; returns (key, data, etag)."""
    data = pseudo_random_bytes(PART + MiB + 11, 60)
    etag = s3.put_object(Bucket=bucket, Key="src/object", Body=data)["ETag"]
    return "src/object", data, etag


def test_upload_part_copy_whole_and_ranged(s3, bucket, copy_source):
    src_key, src, src_etag = copy_source
    source = {"Bucket": bucket, "Key": src_key}
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="copied")["UploadId"]
    whole = s3.upload_part_copy(Bucket=bucket, Key="copied", UploadId=upload_id, PartNumber=1,
                                CopySource=source, CopySourceIfMatch=src_etag)
    assert whole["CopyPartResult"]["ETag"] == quoted_md5(src)
    first, last = 1000, 1000 + PART - 1
    ranged = s3.upload_part_copy(Bucket=bucket, Key="copied", UploadId=upload_id, PartNumber=2,
                                 CopySource=f"{bucket}/{src_key}",
                                 CopySourceRange=f"bytes={first}-{last}")
    assert ranged["CopyPartResult"]["ETag"] == quoted_md5(src[first:last + 1])
    plain = pseudo_random_bytes(PART, 61)
    uploaded = s3.upload_part(Bucket=bucket, Key="copied", UploadId=upload_id, PartNumber=3,
                              Body=plain)
    tail = s3.upload_part_copy(Bucket=bucket, Key="copied", UploadId=upload_id, PartNumber=4,
                               CopySource=source,
                               CopySourceRange=f"bytes={len(src) - 7}-{len(src) - 1}")
    parts = [src, src[first:last + 1], plain, src[-7:]]

    listed = s3.list_parts(Bucket=bucket, Key="copied", UploadId=upload_id)["Parts"]
    assert [p["Size"] for p in listed] == [len(p) for p in parts]
    etags = [whole["CopyPartResult"]["ETag"], ranged["CopyPartResult"]["ETag"], uploaded["ETag"],
             tail["CopyPartResult"]["ETag"]]
    assert [p["ETag"] for p in listed] == etags
    resp = s3.complete_multipart_upload(
        Bucket=bucket, Key="copied", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]})
    assert resp["ETag"] == multipart_etag(parts)
    assert s3.get_object(Bucket=bucket, Key="copied")["Body"].read() == b"".join(parts)
    # The source is untouched.
    assert s3.get_object(Bucket=bucket, Key=src_key)["Body"].read() == src


def test_upload_part_copy_errors(s3, bucket, copy_source):
    src_key, src, src_etag = copy_source
    source = {"Bucket": bucket, "Key": src_key}
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]

    def copy(**kwargs):
        return s3.upload_part_copy(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1,
                                   **kwargs)

    # A range past the end of the source: AWS answers InvalidRange (416) or InvalidArgument.
    try:
        copy(CopySource=source, CopySourceRange=f"bytes=0-{len(src)}")
        raise AssertionError("a range past the end of the source was accepted")
    except s3util.ClientError as e:
        got = (e.response["Error"]["Code"], s3util.status_of(e))
        assert got in {("InvalidRange", 416), ("InvalidArgument", 400)}, e.response
    with expect_error("InvalidArgument", 400):  # only bytes=first-last is accepted
        copy(CopySource=source, CopySourceRange="bytes=5-")
    with expect_error("PreconditionFailed", 412):
        copy(CopySource=source, CopySourceIfMatch='"0123456789abcdef0123456789abcdef"')
    with expect_error("PreconditionFailed", 412):
        copy(CopySource=source, CopySourceIfNoneMatch=src_etag)
    with expect_error("PreconditionFailed", 412):
        copy(CopySource=source,
             CopySourceIfUnmodifiedSince=datetime.now(timezone.utc) - timedelta(days=1))
    with expect_error("NoSuchKey", 404):
        copy(CopySource={"Bucket": bucket, "Key": "src/absent"})
    with expect_error("NoSuchBucket", 404):
        copy(CopySource={"Bucket": s3util.unique_bucket("absent"), "Key": src_key})
    with expect_error("NoSuchUpload", 404):
        s3.upload_part_copy(Bucket=bucket, Key="k", UploadId="bogus-upload-id-0000",
                            PartNumber=1, CopySource=source)
    # None of the refused copies left a part behind.
    assert "Parts" not in s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)


# --- Reads of multipart objects ---------------------------------------------------------------


@pytest.fixture
def three_parts(s3, bucket):
    """A completed 3-part object "mp" (5 MiB, 5 MiB + 7 B, 1234 B); returns its parts."""
    parts = [pseudo_random_bytes(PART, 71), pseudo_random_bytes(PART + 7, 72),
             pseudo_random_bytes(1234, 73)]
    upload_id, done = _upload(s3, bucket, "mp", parts)
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload_id,
                                 MultipartUpload={"Parts": done})
    return parts


def test_get_and_head_part_number(s3, bucket, three_parts):
    parts = three_parts
    total = sum(map(len, parts))
    etag = multipart_etag(parts)
    start = 0
    for number, data in enumerate(parts, start=1):
        got = s3.get_object(Bucket=bucket, Key="mp", PartNumber=number)
        assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
        assert got["PartsCount"] == 3
        assert got["ContentLength"] == len(data)
        assert got["ContentRange"] == f"bytes {start}-{start + len(data) - 1}/{total}"
        assert got["ETag"] == etag
        assert got["Body"].read() == data
        head = s3.head_object(Bucket=bucket, Key="mp", PartNumber=number)
        assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
        assert (head["PartsCount"], head["ContentLength"]) == (3, len(data))
        start += len(data)

    with expect_error("InvalidPart", 400):
        s3.get_object(Bucket=bucket, Key="mp", PartNumber=4)
    with expect_error(None, 400):
        s3.head_object(Bucket=bucket, Key="mp", PartNumber=4)
    with expect_error("InvalidRequest", 400):
        s3.get_object(Bucket=bucket, Key="mp", PartNumber=1, Range="bytes=0-9")

    # A plain object is a single part, without x-amz-mp-parts-count.
    s3.put_object(Bucket=bucket, Key="plain", Body=b"plain object")
    got = s3.get_object(Bucket=bucket, Key="plain", PartNumber=1)
    assert got["Body"].read() == b"plain object"
    assert "PartsCount" not in got
    with expect_error("InvalidPart", 400):
        s3.get_object(Bucket=bucket, Key="plain", PartNumber=2)


@pytest.mark.parametrize(
    "first,last",
    [(PART - 5, 2 * PART + 7 + 5),      # the end of part 1, all of part 2, the start of part 3
     (PART, 2 * PART + 6),              # exactly part 2
     (PART - 1, PART),                  # the two bytes around the first boundary
     (2 * PART + 7 - 3, None),          # open-ended, from the end of part 2
     (None, 2000)],                     # suffix: the last 2000 bytes span parts 2 and 3
    ids=["three-parts", "exact-part", "boundary", "open", "suffix"])
def test_range_across_part_boundaries(s3, bucket, three_parts, first, last):
    whole = b"".join(three_parts)
    if first is None:
        spec, lo, hi = f"bytes=-{last}", len(whole) - last, len(whole) - 1
    elif last is None:
        spec, lo, hi = f"bytes={first}-", first, len(whole) - 1
    else:
        spec, lo, hi = f"bytes={first}-{last}", first, last
    got = s3.get_object(Bucket=bucket, Key="mp", Range=spec)
    assert got["ContentRange"] == f"bytes {lo}-{hi}/{len(whole)}"
    assert got["Body"].read() == whole[lo:hi + 1]


# --- Flexible checksums -----------------------------------------------------------------------

_CHECKSUMS = {"CRC32": lambda d: zlib.crc32(d).to_bytes(4, "big"),
              "SHA256": lambda d: hashlib.sha256(d).digest()}


def _checksum(algorithm, data):
    return base64.b64encode(_CHECKSUMS[algorithm](data)).decode()


def _composite(algorithm, parts):
    """S3's checksum of a multipart object: the checksum of the parts' raw checksums, "-N"."""
    raw = b"".join(_CHECKSUMS[algorithm](p) for p in parts)
    return f"{base64.b64encode(_CHECKSUMS[algorithm](raw)).decode()}-{len(parts)}"


@pytest.mark.parametrize("algorithm", ["CRC32", "SHA256"])
def test_checksums(s3, bucket, algorithm):
    field = f"Checksum{algorithm}"
    parts = [pseudo_random_bytes(PART, 81), pseudo_random_bytes(777, 82)]
    created = s3.create_multipart_upload(Bucket=bucket, Key="ck", ChecksumAlgorithm=algorithm)
    assert created["ChecksumAlgorithm"] == algorithm
    upload_id = created["UploadId"]

    with expect_error("BadDigest", 400):  # a checksum header that does not match the body
        s3.upload_part(Bucket=bucket, Key="ck", UploadId=upload_id, PartNumber=1, Body=parts[0],
                       **{field: _checksum(algorithm, b"something else")})
    done = []
    for number, data in enumerate(parts, start=1):
        resp = s3.upload_part(Bucket=bucket, Key="ck", UploadId=upload_id, PartNumber=number,
                              Body=data, ChecksumAlgorithm=algorithm)
        assert resp[field] == _checksum(algorithm, data)
        assert resp["ETag"] == quoted_md5(data)
        done.append({"PartNumber": number, "ETag": resp["ETag"], field: resp[field]})

    listed = s3.list_parts(Bucket=bucket, Key="ck", UploadId=upload_id)
    assert listed["ChecksumAlgorithm"] == algorithm
    assert [p.get(field) for p in listed["Parts"]] == [_checksum(algorithm, p) for p in parts]

    wrong = [dict(done[0]), dict(done[1], **{field: _checksum(algorithm, b"not part 2")})]
    with expect_error("InvalidPart", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key="ck", UploadId=upload_id,
                                     MultipartUpload={"Parts": wrong})
    resp = s3.complete_multipart_upload(Bucket=bucket, Key="ck", UploadId=upload_id,
                                        MultipartUpload={"Parts": done})
    assert resp["ETag"] == multipart_etag(parts)
    assert resp[field] == _composite(algorithm, parts)

    got = s3.get_object(Bucket=bucket, Key="ck", ChecksumMode="ENABLED")
    assert got[field] == _composite(algorithm, parts)
    assert got["Body"].read() == b"".join(parts)
    head = s3.head_object(Bucket=bucket, Key="ck", ChecksumMode="ENABLED")
    assert head[field] == _composite(algorithm, parts)
    # Without x-amz-checksum-mode the checksum is not sent.
    assert field not in s3.head_object(Bucket=bucket, Key="ck")


def _checksum_in_trailer(params, **kwargs):
    """botocore puts flexible checksums in an aws-chunked trailer only over HTTPS; this test
    server speaks HTTP, so switch the location by hand (what the SDKs send to AWS)."""
    algorithm = params.get("context", {}).get("checksum", {}).get("request_algorithm")
    if isinstance(algorithm, dict):
        algorithm["in"] = "trailer"


def test_checksum_in_trailer(server, bucket):
    s3 = s3util.make_client(server)
    s3.meta.events.register("before-call.s3.UploadPart", _checksum_in_trailer)
    wire = []
    s3.meta.events.register("before-send.s3.UploadPart",
                            lambda request, **kwargs: wire.append(dict(request.headers)))
    parts = [pseudo_random_bytes(PART + 3, 91), pseudo_random_bytes(4321, 92)]
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="tr",
                                           ChecksumAlgorithm="CRC32")["UploadId"]
    done = []
    for number, data in enumerate(parts, start=1):
        resp = s3.upload_part(Bucket=bucket, Key="tr", UploadId=upload_id, PartNumber=number,
                              Body=data, ChecksumAlgorithm="CRC32")
        assert resp["ChecksumCRC32"] == _checksum("CRC32", data)
        done.append({"PartNumber": number, "ETag": resp["ETag"],
                     "ChecksumCRC32": resp["ChecksumCRC32"]})
    headers = {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in wire[-1].items()}
    assert headers.get("x-amz-trailer") == "x-amz-checksum-crc32", headers
    assert headers.get("x-amz-content-sha256") == "STREAMING-UNSIGNED-PAYLOAD-TRAILER", headers
    resp = s3.complete_multipart_upload(Bucket=bucket, Key="tr", UploadId=upload_id,
                                        MultipartUpload={"Parts": done})
    assert resp["ChecksumCRC32"] == _composite("CRC32", parts)
    assert s3.get_object(Bucket=bucket, Key="tr")["Body"].read() == b"".join(parts)


# --- Shards: concurrent uploads and abort free what they replace --------------------------------

SHARDS_PER_PART = 9  # RS 6+3, parts below 64 MiB are one chunk


@pytest.fixture(scope="module")
def own_server(server_factory, tmp_path_factory):
    # A replaced object's shards are freed 1 s after the change (the default waits 15 min for
    # GETs that may still read them); parts are freed at once.
    config = write_config(tmp_path_factory.mktemp("multipart-shards") / "cairn.toml",
                          {"storage": {"free_delay_seconds": 1}})
    return server_factory("multipart-shards", config=config)


@pytest.fixture
def own(own_server):
    """(server, client, bucket) on a server no other test writes to."""
    s3 = s3util.make_client(own_server)
    name = s3util.unique_bucket()
    s3.create_bucket(Bucket=name)
    yield own_server, s3, name
    s3util.empty_and_delete_bucket(s3, name)


def test_concurrent_uploads_last_complete_wins(own):
    server, s3, bucket = own
    base = s3util.shard_count(server)
    up_a = s3.create_multipart_upload(Bucket=bucket, Key="shared")["UploadId"]
    up_b = s3.create_multipart_upload(Bucket=bucket, Key="shared")["UploadId"]
    a = [pseudo_random_bytes(PART, 101), b"a-tail", b"a-unused-part"]
    b = [pseudo_random_bytes(PART, 102), b"b-tail"]
    etags = {up_a: [], up_b: []}
    for number in (1, 2, 3):  # interleaved, as two clients would send them
        for upload_id, parts in ((up_a, a), (up_b, b)):
            if number <= len(parts):
                resp = s3.upload_part(Bucket=bucket, Key="shared", UploadId=upload_id,
                                      PartNumber=number, Body=parts[number - 1])
                etags[upload_id].append({"PartNumber": number, "ETag": resp["ETag"]})
    assert s3util.shard_count(server) == base + 5 * SHARDS_PER_PART
    listed = s3.list_multipart_uploads(Bucket=bucket, Prefix="shared")
    assert sorted(u["UploadId"] for u in listed["Uploads"]) == sorted([up_a, up_b])

    # B completes first, then A (created first, completed last) replaces it.
    s3.complete_multipart_upload(Bucket=bucket, Key="shared", UploadId=up_b,
                                 MultipartUpload={"Parts": etags[up_b]})
    assert s3.get_object(Bucket=bucket, Key="shared")["Body"].read() == b"".join(b)
    assert s3util.shard_count(server) == base + 5 * SHARDS_PER_PART
    resp = s3.complete_multipart_upload(Bucket=bucket, Key="shared", UploadId=up_a,
                                        MultipartUpload={"Parts": etags[up_a][:2]})
    assert resp["ETag"] == multipart_etag(a[:2])
    got = s3.get_object(Bucket=bucket, Key="shared")
    assert got["ETag"] == multipart_etag(a[:2])
    assert got["Body"].read() == b"".join(a[:2])
    # A's part 3 (left out of the Complete) is gone from the drives at once, B's object once
    # its deferred free is due (1 s: it may be gone already).
    assert s3util.shard_count(server) <= base + 4 * SHARDS_PER_PART
    s3util.wait_for_shard_count(server, base + 2 * SHARDS_PER_PART)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
    # B's completion retried (as an SDK does after a lost response) answers as the first one
    # did and changes nothing: A's object stays. Another part list is no retry.
    again = s3.complete_multipart_upload(Bucket=bucket, Key="shared", UploadId=up_b,
                                         MultipartUpload={"Parts": etags[up_b]})
    assert again["ETag"] == multipart_etag(b)
    assert s3.get_object(Bucket=bucket, Key="shared")["ETag"] == multipart_etag(a[:2])
    with expect_error("NoSuchUpload", 404):
        s3.complete_multipart_upload(Bucket=bucket, Key="shared", UploadId=up_b,
                                     MultipartUpload={"Parts": etags[up_b][:1]})

    s3.delete_object(Bucket=bucket, Key="shared")
    s3util.wait_for_shard_count(server, base)


def test_abort_and_reupload_free_shards(own):
    server, s3, bucket = own
    base = s3util.shard_count(server)
    upload_id, _ = _upload(s3, bucket, "k", [pseudo_random_bytes(PART, 111), b"two", b"three"])
    assert s3util.shard_count(server) == base + 3 * SHARDS_PER_PART
    # Re-uploading a part number replaces the part and frees the old one's shards.
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=2, Body=b"two again")
    assert s3util.shard_count(server) == base + 3 * SHARDS_PER_PART
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)["Parts"]
    assert [p["Size"] for p in listed] == [PART, len(b"two again"), len(b"three")]

    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)
    assert s3util.shard_count(server) == base
    # A copied part is freed the same way.
    s3.put_object(Bucket=bucket, Key="src", Body=b"source bytes")
    base = s3util.shard_count(server)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    s3.upload_part_copy(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1,
                        CopySource={"Bucket": bucket, "Key": "src"})
    assert s3util.shard_count(server) == base + SHARDS_PER_PART
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)
    assert s3util.shard_count(server) == base


# --- Stopping the server in the middle of uploads -------------------------------------------


def test_sigterm_during_part_uploads(server_factory):
    """SIGTERM while parts stream in: the server exits cleanly (status 0, not a crash), and
    after a restart on the same data directory every acknowledged part is still there and the
    upload completes with exactly those bytes."""
    server = server_factory("sigterm")
    s3 = s3util.make_client(server)
    bucket = s3util.unique_bucket()
    s3.create_bucket(Bucket=bucket)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    first = pseudo_random_bytes(PART, 121)
    etag1 = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1,
                           Body=first)["ETag"]

    body = pseudo_random_bytes(32 * MiB, 122)
    stop = threading.Event()

    def keep_uploading(number):
        # A short connect timeout: once the server is gone nothing should wait for it.
        client = s3util.make_client(server, connect_timeout=2)
        while not stop.is_set():
            try:
                client.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number,
                                   Body=body)
            except Exception:  # the server going away mid-request is the point of the test
                return

    threads = [threading.Thread(target=keep_uploading, args=(n,)) for n in (2, 3, 4, 5)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)  # every thread is in the middle of a part by now
        stop.set()  # no new parts after the one in flight
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=30)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    exit_status, log = server.proc.returncode, server.log_tail(4000)

    restarted = start_server(server.data_dir)
    try:
        s3 = s3util.make_client(restarted)
        listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)["Parts"]
        assert listed[0]["PartNumber"] == 1 and listed[0]["ETag"] == etag1
        # A part is either all there or not there at all.
        for part in listed[1:]:
            assert (part["Size"], part["ETag"]) == (len(body), quoted_md5(body)), part
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag1}]})
        assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == first
    finally:
        restarted.stop()
    assert exit_status == 0, (
        f"cairn serve exited with {exit_status} on SIGTERM during uploads; log:\n{log}")
