"""Versioning on the distributed setup (tests/integration/cluster.py: 3 etcd members, 9 storage
nodes in 3 zones, 2 gateways with meta=etcd): versioning enabled through one gateway and seen by
the other, versions of one key written alternately through both (inline, one stripe, several
stripes), listed with every marker through each, read by versionId through both, a delete
marker, a version deleted for good (its shards freed on the nodes), and scrub passes (through
the admin API and `cairn admin scrub --now`) that repair a lost shard of a noncurrent version,
count every version's shards as referenced (orphan grace 0) and find nothing lost.

The module has its own cluster: its gateways run with orphan_grace_seconds = 0 and
free_delay_seconds = 1, which the other cluster tests do not expect."""

import os
import subprocess
import time

import pytest
from botocore.exceptions import ClientError

import cluster as cluster_module
import s3util
from cairn_server import ROOT_ACCESS_KEY, ROOT_SECRET_KEY, cairn_binary
from cluster import Cluster, repair_queued

# Inline (in the etcd record), one stripe, several stripes of 6 x 1 MiB, inline again.
SIZES = (100, 200 * 1024, 3 * s3util.MiB + 17, 50)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    original = cluster_module.render

    def render(template, values):
        text = original(template, values)
        if template == "gateway.toml":
            assert "orphan_grace_seconds = 86400\n" in text
            text = text.replace("orphan_grace_seconds = 86400\n",
                                "orphan_grace_seconds = 0\nfree_delay_seconds = 1\n")
        return text

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cluster_module, "render", render)
        c = Cluster(tmp_path_factory.mktemp("vcluster")).start()
    for g in c.gateways:
        assert "orphan_grace_seconds = 0" in (g.data_dir / "gateway.toml").read_text()
    yield c
    c.stop()


@pytest.fixture(scope="module")
def clients(cluster):
    return [s3util.make_client(g, read_timeout=30) for g in cluster.gateways]


@pytest.fixture(autouse=True)
def _show_logs_on_failure(request, cluster):
    failed_before = request.session.testsfailed
    yield
    if request.session.testsfailed > failed_before:
        print(cluster.logs())


def shard_files(cluster):
    return {p for n in cluster.nodes for p in (cluster.root / n.name / "drives").rglob("c*.s*")
            if p.is_file()}


def versions(client, bucket):
    """[(key, version id, is latest, is delete marker)] in listing order, one entry a page, so
    NextKeyMarker and NextVersionIdMarker are followed after every entry."""
    out = []
    pages = client.get_paginator("list_object_versions").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 1})
    for page in pages:
        entries = [(v, False) for v in page.get("Versions", [])] + \
                  [(d, True) for d in page.get("DeleteMarkers", [])]
        assert len(entries) <= 1, page
        out += [(e["Key"], e["VersionId"], e["IsLatest"], dm) for e, dm in entries]
    return out


def read(client, bucket, key, version=None):
    kwargs = {"VersionId": version} if version else {}
    got = client.get_object(Bucket=bucket, Key=key, **kwargs)
    return got["VersionId"], got["Body"].read()


def admin_cli(gateway, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
    run = subprocess.run(
        [str(cairn_binary()), "admin", *args, "--endpoint", f"127.0.0.1:{gateway.port}",
         "--access-key", ROOT_ACCESS_KEY, "--secret-key", ROOT_SECRET_KEY],
        capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    return run.returncode, run.stdout + run.stderr


def test_versions_through_two_gateways(cluster, clients):
    a, b = clients
    bucket = s3util.unique_bucket("clv")
    a.create_bucket(Bucket=bucket)
    a.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert b.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"

    # Versions of one key, written alternately through the two gateways.
    written = []  # (version id, bytes, the shard files its PUT created), oldest first
    for i, size in enumerate(SIZES):
        data = s3util.pseudo_random_bytes(size, seed=i)
        before = shard_files(cluster)
        version = clients[i % 2].put_object(Bucket=bucket, Key="k", Body=data)["VersionId"]
        assert version and version != "null"
        written.append((version, data, shard_files(cluster) - before))
    assert len({v for v, _, _ in written}) == len(SIZES)
    assert [len(files) for _, _, files in written] == [0, 9, 9, 0], "inline or one chunk each"
    ids = [v for v, _, _ in written]

    newest_first = [("k", v, i == 0, False) for i, v in enumerate(reversed(ids))]
    assert versions(b, bucket) == newest_first
    assert versions(a, bucket) == newest_first
    for version, data, _ in written:
        for c in clients:
            assert read(c, bucket, "k", version) == (version, data)
            assert c.head_object(Bucket=bucket, Key="k", VersionId=version)["ContentLength"] == \
                len(data)
    assert read(b, bucket, "k") == (ids[-1], written[-1][1])

    # A delete marker through one gateway hides the key from the other.
    marker = a.delete_object(Bucket=bucket, Key="k")
    assert marker["DeleteMarker"] is True
    with s3util.expect_error("NoSuchKey", 404):
        b.get_object(Bucket=bucket, Key="k")
    assert b.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    assert versions(b, bucket) == [("k", marker["VersionId"], True, True)] + \
        [(k, v, False, dm) for k, v, _, dm in newest_first]

    # The one-stripe version, deleted for good through b: gone for a, its shards freed.
    gone_id, _, gone_files = written[1]
    b.delete_object(Bucket=bucket, Key="k", VersionId=gone_id)
    with s3util.expect_error("NoSuchVersion", 404):
        a.get_object(Bucket=bucket, Key="k", VersionId=gone_id)
    assert [v for _, v, _, _ in versions(a, bucket)] == \
        [marker["VersionId"], ids[3], ids[2], ids[0]]
    deadline = time.monotonic() + 15
    while gone_files & shard_files(cluster):
        assert time.monotonic() < deadline, \
            f"shards of the deleted version still there: {sorted(gone_files & shard_files(cluster))}"
        time.sleep(0.2)
    kept = written[2][2]
    assert kept <= shard_files(cluster), "the other version's shards must stay"

    # One shard of the noncurrent multi-stripe version lost on its node: a scrub pass rebuilds
    # it, and with zero orphan grace it removes the one orphan planted beside it (so the sweep
    # did run) and no shard of any version.
    lost = sorted(kept)[0]
    lost.unlink()
    orphan = lost.parents[2] / "ff" / ("ff" * 16) / "c0.s0"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"no object refers to this")
    os.utime(orphan, (time.time() - 60, time.time() - 60))
    progress = cluster.gateways[0].run_scrub()
    print(f"scrub after losing {lost}: {progress}")
    assert progress["unrecoverable"] == [] and progress["errors"] == []
    assert progress["shards_repaired"] == 1, progress
    assert progress["orphans_removed"] == 1, "a version's shard was taken for an orphan?"
    assert not orphan.exists()
    assert progress["objects_checked"] >= 3 and progress["shards_checked"] >= 9, progress
    for version, data, _ in (written[0], written[2], written[3]):
        for c in clients:
            assert read(c, bucket, "k", version) == (version, data)

    # `cairn admin scrub --now` through the other gateway: everything intact, nothing to do.
    status, out = admin_cli(cluster.gateways[1], "scrub", "--now")
    assert status == 0, out
    assert "OK: every object checked is intact" in out, out
    for line in ("shards repaired", "orphans removed", "unrecoverable"):
        assert any(l.split() == line.split() + ["0"] for l in out.splitlines()), (line, out)
    assert [repair_queued(g) for g in cluster.gateways] == [0, 0]

    # Removing the marker through b brings the newest version back for a.
    b.delete_object(Bucket=bucket, Key="k", VersionId=marker["VersionId"])
    assert read(a, bucket, "k") == (ids[3], written[3][1])
    assert [(v, latest) for _, v, latest, _ in versions(b, bucket)] == \
        [(ids[3], True), (ids[2], False), (ids[0], False)]
    s3util.empty_and_delete_bucket(a, bucket)
    with pytest.raises(ClientError) as err:
        b.head_bucket(Bucket=bucket)
    assert s3util.status_of(err.value) == 404
