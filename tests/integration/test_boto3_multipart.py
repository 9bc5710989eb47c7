"""Multipart uploads through boto3: Create/UploadPart/Complete/Abort, ListParts,
ListMultipartUploads, and the errors S3 returns (EntityTooSmall, InvalidPart, InvalidPartOrder,
NoSuchUpload). The multipart ETag is the MD5 of the concatenated binary part MD5s, then "-N"."""

import pytest

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
