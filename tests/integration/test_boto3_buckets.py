"""Bucket operations through boto3: ListBuckets, CreateBucket, DeleteBucket, HeadBucket,
GetBucketLocation, with the status codes and error codes AWS S3 returns."""

import datetime

import pytest

from s3util import empty_and_delete_bucket, expect_error, unique_bucket


def test_create_list_head_delete(s3):
    name = unique_bucket()
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    resp = s3.create_bucket(Bucket=name)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert resp["Location"] == f"/{name}"
    try:
        listing = s3.list_buckets()
        assert listing["Owner"]["ID"], listing
        mine = [b for b in listing["Buckets"] if b["Name"] == name]
        assert len(mine) == 1, listing["Buckets"]
        assert mine[0]["CreationDate"] >= before
        names = [b["Name"] for b in listing["Buckets"]]
        assert names == sorted(names), "ListBuckets is sorted by name"

        head = s3.head_bucket(Bucket=name)
        assert head["ResponseMetadata"]["HTTPStatusCode"] == 200
    finally:
        resp = s3.delete_bucket(Bucket=name)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    with expect_error(None, 404):
        s3.head_bucket(Bucket=name)
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.mark.parametrize(
    "name",
    [
        "ab",  # shorter than 3
        "a" * 64,  # longer than 63
        "UpperCase-bucket",
        "under_score",
        "-leading-dash",
        "trailing-dash-",
        ".leading-dot",
        "double..dot",
        "dash.-dot",
        "192.168.10.1",  # formatted like an IP address
    ],
)
def test_create_invalid_name(s3, name):
    with expect_error("InvalidBucketName", 400):
        s3.create_bucket(Bucket=name)


def test_create_twice_in_us_east_1_answers_200_and_changes_nothing(s3, bucket):
    # S3's legacy us-east-1 answer to the owner; other regions answer 409
    # BucketAlreadyOwnedByYou (test_s3_semantics.py).
    s3.put_object(Bucket=bucket, Key="kept", Body=b"kept")
    assert s3.create_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_object(Bucket=bucket, Key="kept")["Body"].read() == b"kept"


def test_location_default_region(s3, bucket):
    # AWS reports us-east-1 as a null LocationConstraint.
    resp = s3.get_bucket_location(Bucket=bucket)
    assert resp["LocationConstraint"] is None


def test_location_constraint_us_east_1_is_rejected(s3):
    # AWS refuses an explicit us-east-1 constraint: that region is the one without a constraint.
    name = unique_bucket()
    with expect_error("InvalidLocationConstraint", 400):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "us-east-1"})


def test_location_constraint_unknown_region(s3):
    name = unique_bucket()
    with expect_error("InvalidLocationConstraint", 400):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "nowhere-9"})
    with expect_error(None, 404):
        s3.head_bucket(Bucket=name)


def test_location_of_missing_bucket(s3):
    with expect_error("NoSuchBucket", 404):
        s3.get_bucket_location(Bucket=unique_bucket())


def test_delete_not_empty(s3, bucket):
    s3.put_object(Bucket=bucket, Key="keep", Body=b"x")
    with expect_error("BucketNotEmpty", 409):
        s3.delete_bucket(Bucket=bucket)
    assert s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_delete_after_aborted_upload(s3):
    name = unique_bucket()
    s3.create_bucket(Bucket=name)
    try:
        up = s3.create_multipart_upload(Bucket=name, Key="k")
        s3.abort_multipart_upload(Bucket=name, Key="k", UploadId=up["UploadId"])
        assert s3.delete_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 204
    finally:
        empty_and_delete_bucket(s3, name)


def test_delete_missing(s3):
    with expect_error("NoSuchBucket", 404):
        s3.delete_bucket(Bucket=unique_bucket())


def test_head_missing(s3):
    with expect_error(None, 404):
        s3.head_bucket(Bucket=unique_bucket())


def test_recreate_after_delete(s3):
    name = unique_bucket()
    s3.create_bucket(Bucket=name)
    s3.delete_bucket(Bucket=name)
    try:
        s3.create_bucket(Bucket=name)
        assert s3.list_objects_v2(Bucket=name)["KeyCount"] == 0
    finally:
        empty_and_delete_bucket(s3, name)


def test_valid_edge_names(s3):
    for name in ("abc", "a" * 63, f"dots.{unique_bucket()}", f"{unique_bucket()}-9"):
        try:
            s3.create_bucket(Bucket=name)
            assert s3.head_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 200
        finally:
            empty_and_delete_bucket(s3, name)

