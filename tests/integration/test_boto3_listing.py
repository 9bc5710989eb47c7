"""ListObjects (v1) and ListObjectsV2 through boto3: prefix, delimiter, CommonPrefixes, paging
with max-keys / marker / continuation-token / start-after, fetch-owner and EncodingType=url.

boto3 silently adds EncodingType=url to every listing it sends and decodes the answer itself,
so every test here also checks that the server encodes keys (botocore decodes with unquote_plus,
so a literal '+' in a key must come back as %2B)."""

import urllib.parse

import pytest

from s3util import empty_and_delete_bucket, expect_error, unique_bucket

PAGE_KEYS = [f"page/key-{i:02d}" for i in range(25)]
TREE_KEYS = [
    "photos/2023/jan/a.jpg",
    "photos/2023/jan/b.jpg",
    "photos/2023/feb/c.jpg",
    "photos/2024/mar/d.jpg",
    "photos/index.html",
    "photos.txt",
    "readme",
    "zeta/z",
]
ENC_KEYS = ["enc/with space", "enc/plus+sign", "enc/é-accent", "enc/amp&lt<", "enc/ctl\x01char"]
ALL_KEYS = sorted(PAGE_KEYS + TREE_KEYS + ENC_KEYS, key=lambda k: k.encode("utf-8"))


@pytest.fixture(scope="module")
def listing(s3):
    name = unique_bucket("list")
    s3.create_bucket(Bucket=name)
    for key in ALL_KEYS:
        s3.put_object(Bucket=name, Key=key, Body=key.encode("utf-8"))
    yield name
    empty_and_delete_bucket(s3, name)


def _keys(resp):
    return [o["Key"] for o in resp.get("Contents", [])]


def _prefixes(resp):
    return [p["Prefix"] for p in resp.get("CommonPrefixes", [])]


def test_v2_lists_everything_in_utf8_order(s3, listing):
    resp = s3.list_objects_v2(Bucket=listing)
    assert _keys(resp) == ALL_KEYS
    assert resp["KeyCount"] == len(ALL_KEYS)
    assert resp["IsTruncated"] is False
    assert resp["Name"] == listing
    assert resp["MaxKeys"] == 1000
    first = resp["Contents"][0]
    assert first["Size"] == len(first["Key"].encode("utf-8"))
    assert first["ETag"].startswith('"') and first["ETag"].endswith('"')
    assert first["StorageClass"] == "STANDARD"
    assert first["LastModified"].tzinfo is not None
    assert "Owner" not in first, "ListObjectsV2 omits Owner unless fetch-owner=true"


def test_v2_fetch_owner(s3, listing):
    resp = s3.list_objects_v2(Bucket=listing, FetchOwner=True, Prefix="readme")
    assert _keys(resp) == ["readme"]
    assert resp["Contents"][0]["Owner"]["ID"]


def test_v2_paging_with_max_keys(s3, listing):
    pages = []
    token = None
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        resp = s3.list_objects_v2(Bucket=listing, Prefix="page/", MaxKeys=7, **kwargs)
        assert resp["MaxKeys"] == 7
        assert resp["KeyCount"] == len(resp.get("Contents", []))
        if token:
            assert resp["ContinuationToken"] == token
        pages.append(_keys(resp))
        if not resp["IsTruncated"]:
            assert "NextContinuationToken" not in resp
            break
        token = resp["NextContinuationToken"]
        assert token
        assert len(pages) < 10, "paging does not end"
    assert [len(p) for p in pages] == [7, 7, 7, 4]
    assert sum(pages, []) == PAGE_KEYS


def test_v2_paginator(s3, listing):
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=listing, PaginationConfig={"PageSize": 7}):
        keys += _keys(page)
    assert keys == ALL_KEYS


def test_v2_start_after(s3, listing):
    resp = s3.list_objects_v2(Bucket=listing, Prefix="page/", StartAfter="page/key-20")
    assert resp["StartAfter"] == "page/key-20"
    assert _keys(resp) == PAGE_KEYS[21:]
    # start-after need not be an existing key
    resp = s3.list_objects_v2(Bucket=listing, StartAfter="page/key-235")
    assert _keys(resp)[0] == "page/key-24"


def test_v2_delimiter_at_root(s3, listing):
    resp = s3.list_objects_v2(Bucket=listing, Delimiter="/")
    assert resp["Delimiter"] == "/"
    assert _prefixes(resp) == ["enc/", "page/", "photos/", "zeta/"]
    assert _keys(resp) == ["photos.txt", "readme"]
    assert resp["KeyCount"] == 6, "KeyCount counts keys and common prefixes"


@pytest.mark.parametrize(
    "prefix,prefixes,keys",
    [
        ("photos/", ["photos/2023/", "photos/2024/"], ["photos/index.html"]),
        ("photos/2023/", ["photos/2023/feb/", "photos/2023/jan/"], []),
        ("photos/2023/jan/", [], ["photos/2023/jan/a.jpg", "photos/2023/jan/b.jpg"]),
        ("photos", ["photos/"], ["photos.txt"]),
        ("nothing-here/", [], []),
    ],
)
def test_v2_prefix_and_delimiter(s3, listing, prefix, prefixes, keys):
    resp = s3.list_objects_v2(Bucket=listing, Prefix=prefix, Delimiter="/")
    assert resp["Prefix"] == prefix
    assert _prefixes(resp) == prefixes
    assert _keys(resp) == keys
    assert resp["KeyCount"] == len(prefixes) + len(keys)


def test_v2_other_delimiter(s3, listing):
    resp = s3.list_objects_v2(Bucket=listing, Prefix="page/key", Delimiter="-")
    assert _prefixes(resp) == ["page/key-"]
    assert _keys(resp) == []


def test_v2_delimiter_paging_counts_prefixes(s3, listing):
    # Common prefixes count against max-keys and each is returned exactly once.
    pages = []
    token = None
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        resp = s3.list_objects_v2(Bucket=listing, Delimiter="/", MaxKeys=2, **kwargs)
        pages.append(sorted(_prefixes(resp) + _keys(resp)))
        if not resp["IsTruncated"]:
            break
        token = resp["NextContinuationToken"]
        assert len(pages) < 10
    assert pages == [["enc/", "page/"], ["photos.txt", "photos/"], ["readme", "zeta/"]]


def test_v2_bad_continuation_token(s3, listing):
    with expect_error("InvalidArgument", 400):
        s3.list_objects_v2(Bucket=listing, ContinuationToken="%%% not a token %%%")


def test_v2_missing_bucket(s3):
    with expect_error("NoSuchBucket", 404):
        s3.list_objects_v2(Bucket=unique_bucket())


def test_v2_explicit_encoding_type_url(s3, listing):
    # With EncodingType given by the caller, botocore leaves the answer encoded.
    resp = s3.list_objects_v2(Bucket=listing, Prefix="enc/", EncodingType="url")
    assert resp["EncodingType"] == "url"
    raw = _keys(resp)
    for key in raw:
        assert " " not in key and "\x01" not in key and "<" not in key, key
        assert all(ord(c) < 128 for c in key), f"not percent-encoded: {key!r}"
    assert [urllib.parse.unquote_plus(k) for k in raw] == [k for k in ALL_KEYS
                                                           if k.startswith("enc/")]


def test_v2_encoded_common_prefixes(s3, listing):
    resp = s3.list_objects_v2(Bucket=listing, Prefix="enc/with", Delimiter=" ")
    assert _prefixes(resp) == ["enc/with "]


def test_v1_lists_with_owner(s3, listing):
    resp = s3.list_objects(Bucket=listing)
    assert _keys(resp) == ALL_KEYS
    assert resp["IsTruncated"] is False
    assert resp["Contents"][0]["Owner"]["ID"], "ListObjects v1 always returns Owner"


def test_v1_paging_with_marker(s3, listing):
    pages = []
    marker = ""
    while True:
        resp = s3.list_objects(Bucket=listing, Prefix="page/", MaxKeys=7, Marker=marker)
        assert resp["MaxKeys"] == 7
        assert resp.get("Marker", "") == marker
        keys = _keys(resp)
        pages.append(keys)
        if not resp["IsTruncated"]:
            break
        # Without a delimiter S3 sends no NextMarker: the client continues from the last key.
        marker = resp.get("NextMarker", keys[-1])
        assert marker == keys[-1]
        assert len(pages) < 10
    assert [len(p) for p in pages] == [7, 7, 7, 4]
    assert sum(pages, []) == PAGE_KEYS


def test_v1_delimiter_next_marker(s3, listing):
    resp = s3.list_objects(Bucket=listing, Delimiter="/", MaxKeys=2)
    assert resp["IsTruncated"] is True
    assert _prefixes(resp) == ["enc/", "page/"]
    # With a delimiter S3 returns NextMarker: the last key or common prefix of the page.
    assert resp["NextMarker"] == "page/"
    resp = s3.list_objects(Bucket=listing, Delimiter="/", MaxKeys=2, Marker=resp["NextMarker"])
    assert sorted(_prefixes(resp) + _keys(resp)) == ["photos.txt", "photos/"]


def test_v1_explicit_encoding_type_url(s3, listing):
    resp = s3.list_objects(Bucket=listing, Prefix="enc/", EncodingType="url")
    assert resp["EncodingType"] == "url"
    assert [urllib.parse.unquote_plus(k) for k in _keys(resp)] == [k for k in ALL_KEYS
                                                                   if k.startswith("enc/")]


def test_v1_missing_bucket(s3):
    with expect_error("NoSuchBucket", 404):
        s3.list_objects(Bucket=unique_bucket())


def test_max_keys_zero(s3, listing):
    resp = s3.list_objects_v2(Bucket=listing, MaxKeys=0)
    assert resp["KeyCount"] == 0
    assert _keys(resp) == []
