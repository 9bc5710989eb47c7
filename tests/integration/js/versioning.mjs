// S3 versioning through the AWS SDK for JavaScript v3 against a running cairn serve:
// PutBucketVersioning/GetBucketVersioning, a version id on every PutObject, GetObject and
// HeadObject by VersionId, a lib-storage multipart upload into the versioned bucket, delete
// markers, DeleteObject by VersionId (a version gone for good, a marker removed), CopyObject
// from an older version, DeleteObjects with VersionIds, and ListObjectVersions paged by hand
// with KeyMarker/VersionIdMarker (1 and 3 entries a page) against the whole listing.
//
// Runs on Node 18 (Debian 12): no zlib.crc32, nothing newer than Node 18 has. Reads
// CAIRN_ENDPOINT, CAIRN_ACCESS_KEY, CAIRN_SECRET_KEY and CAIRN_BUCKET (created here, deleted at
// the end); exits non-zero on the first failure.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";

import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

const MiB = 1024 * 1024;

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
}

// Deterministic, incompressible bytes (xorshift32).
function pseudoRandomBytes(size, seed) {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

function streamOf(data) {
  const chunks = [];
  for (let off = 0, n = 0; off < data.length; n++) {
    const len = Math.min(data.length - off, 65536 + ((n * 7919) % 50000));
    chunks.push(data.subarray(off, off + len));
    off += len;
  }
  return Readable.from(chunks);
}

async function bodyOf(response) {
  return Buffer.from(await response.Body.transformToByteArray());
}

// Runs `promise`, which must fail with HTTP `status` (and S3 error `name` when given).
async function rejects(promise, status, name) {
  try {
    await promise;
  } catch (err) {
    assert.equal(err.$metadata?.httpStatusCode, status, `${err.name}: ${err.message}`);
    if (name) assert.equal(err.name, name);
    return err;
  }
  assert.fail(`expected HTTP ${status} ${name ?? ""}, but the call succeeded`);
}

// One entry per page (MaxKeys 1) keeps the order of versions and delete markers, which the SDK
// returns in two separate arrays: [key, versionId, isLatest, isDeleteMarker].
function entriesOf(page) {
  return [
    ...(page.Versions ?? []).map((v) => [v.Key, v.VersionId, v.IsLatest, false]),
    ...(page.DeleteMarkers ?? []).map((d) => [d.Key, d.VersionId, d.IsLatest, true]),
  ];
}

// Pages through ListObjectVersions with KeyMarker/VersionIdMarker; returns the entries of each
// page and checks the markers S3 hands back.
async function listVersionPages(client, bucket, maxKeys, extra = {}) {
  const pages = [];
  let keyMarker;
  let versionIdMarker;
  for (;;) {
    const page = await client.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        MaxKeys: maxKeys,
        KeyMarker: keyMarker,
        VersionIdMarker: versionIdMarker,
        ...extra,
      }),
    );
    const entries = entriesOf(page);
    assert.ok(entries.length <= maxKeys, JSON.stringify(page));
    assert.equal(page.MaxKeys, maxKeys);
    pages.push(entries);
    if (!page.IsTruncated) break;
    assert.ok(entries.length > 0, "a truncated page with no entries");
    assert.ok(page.NextKeyMarker, "IsTruncated without NextKeyMarker");
    assert.ok(page.NextVersionIdMarker, "IsTruncated without NextVersionIdMarker");
    if (maxKeys === 1) {
      // The markers name the page's last (only) entry.
      assert.deepEqual([page.NextKeyMarker, page.NextVersionIdMarker], entries[0].slice(0, 2));
    }
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
    assert.ok(pages.length < 200, "ListObjectVersions kept paging");
  }
  return pages;
}

async function main() {
  const bucket = requireEnv("CAIRN_BUCKET");
  const client = new S3Client({
    endpoint: requireEnv("CAIRN_ENDPOINT"),
    region: "us-east-1",
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: {
      accessKeyId: requireEnv("CAIRN_ACCESS_KEY"),
      secretAccessKey: requireEnv("CAIRN_SECRET_KEY"),
    },
  });
  const put = (Key, Body) => client.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
  const get = (Key, VersionId) => client.send(new GetObjectCommand({ Bucket: bucket, Key, VersionId }));

  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  assert.equal((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, undefined);
  await client.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }),
  );
  assert.equal((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, "Enabled");
  console.log("PutBucketVersioning ok");

  // 1. Two PutObjects of one key: two versions, both readable by id.
  const one = Buffer.from("version one\n");
  const two = pseudoRandomBytes(100 * 1024 + 3, 11); // above the 16 KiB inline limit
  const v1 = (await put("doc", one)).VersionId;
  const v2 = (await put("doc", two)).VersionId;
  assert.ok(v1 && v2 && v1 !== v2 && v1 !== "null" && v2 !== "null", `${v1} ${v2}`);
  const current = await get("doc");
  assert.equal(current.VersionId, v2);
  assert.ok((await bodyOf(current)).equals(two));
  const older = await get("doc", v1);
  assert.equal(older.VersionId, v1);
  assert.ok((await bodyOf(older)).equals(one));
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "doc", VersionId: v1 }));
  assert.equal(head.VersionId, v1);
  assert.equal(head.ContentLength, one.length);
  await rejects(get("doc", "0000000000000001"), 404, "NoSuchVersion");
  console.log("PutObject versions, GetObject/HeadObject by VersionId ok");

  // 2. lib-storage multipart into the versioned bucket: a third version, the others intact.
  const big = pseudoRandomBytes(11 * MiB + 5, 7);
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: "doc", Body: streamOf(big) },
    partSize: 5 * MiB,
    queueSize: 2,
  });
  const done = await upload.done();
  assert.match(done.ETag, /^"[0-9a-f]{32}-3"$/);
  const v3 = done.VersionId;
  assert.ok(v3 && ![v1, v2, "null"].includes(v3), `multipart VersionId ${v3}`);
  const afterUpload = await get("doc");
  assert.equal(afterUpload.VersionId, v3);
  assert.equal(sha256(await bodyOf(afterUpload)), sha256(big));
  assert.ok((await bodyOf(await get("doc", v2))).equals(two));
  console.log("Upload (multipart) into a versioned bucket ok");

  // 3. CopyObject from an older version.
  const copied = await client.send(
    new CopyObjectCommand({ Bucket: bucket, Key: "copy", CopySource: `${bucket}/doc?versionId=${v1}` }),
  );
  assert.equal(copied.CopySourceVersionId, v1);
  assert.ok(copied.VersionId && copied.VersionId !== "null");
  assert.ok((await bodyOf(await get("copy"))).equals(one));
  console.log("CopyObject from a version ok");

  // 4. DeleteObject without a version: a delete marker.
  const marked = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: "doc" }));
  assert.equal(marked.DeleteMarker, true);
  const marker = marked.VersionId;
  assert.ok(marker && ![v1, v2, v3, "null"].includes(marker));
  await rejects(get("doc"), 404, "NoSuchKey");
  await rejects(get("doc", marker), 405, "MethodNotAllowed");
  await rejects(client.send(new HeadObjectCommand({ Bucket: bucket, Key: "doc", VersionId: marker })), 405);
  const objects = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  assert.deepEqual((objects.Contents ?? []).map((o) => o.Key), ["copy"]);
  assert.ok((await bodyOf(await get("doc", v3))).length === big.length);
  let whole = entriesOf(await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: "doc" })));
  assert.deepEqual(
    whole.map(([k, v, latest, dm]) => [v, latest, dm]).sort(),
    [[v3, false, false], [v2, false, false], [v1, false, false], [marker, true, true]].sort(),
  );
  console.log("DeleteObject (delete marker) ok");

  // 5. DeleteObject with a VersionId: the marker goes (the object is back), then v3 for good.
  const unmarked = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: "doc", VersionId: marker }));
  assert.equal(unmarked.VersionId, marker);
  assert.equal(unmarked.DeleteMarker, true);
  assert.equal((await get("doc")).VersionId, v3);
  const removed = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: "doc", VersionId: v3 }));
  assert.equal(removed.VersionId, v3);
  assert.notEqual(removed.DeleteMarker, true);
  const now = await get("doc");
  assert.equal(now.VersionId, v2);
  assert.ok((await bodyOf(now)).equals(two));
  await rejects(get("doc", v3), 404, "NoSuchVersion");
  console.log("DeleteObject by VersionId ok");

  // 6. ListObjectVersions paged by hand. Keys p/0..p/5 with 1..3 versions, a delete marker on
  // p/2, plus doc (2 versions) and copy (1).
  const expected = new Map(); // key -> [versionId, isDeleteMarker] newest first
  for (let i = 0; i < 6; i++) {
    const key = `p/${i}`;
    const ids = [];
    for (let n = 0; n <= i % 3; n++) ids.unshift([(await put(key, Buffer.from(`${key} #${n}`))).VersionId, false]);
    if (i === 2) {
      ids.unshift([(await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))).VersionId, true]);
    }
    expected.set(key, ids);
  }
  const onePerPage = (await listVersionPages(client, bucket, 1)).map((p) => {
    assert.equal(p.length, 1);
    return p[0];
  });
  whole = entriesOf(await client.send(new ListObjectVersionsCommand({ Bucket: bucket })));
  assert.equal(onePerPage.length, whole.length);
  assert.deepEqual([...onePerPage].sort(), [...whole].sort());
  const keys = onePerPage.map((e) => e[0]);
  assert.deepEqual([...new Set(keys)], ["copy", "doc", "p/0", "p/1", "p/2", "p/3", "p/4", "p/5"]);
  assert.deepEqual(keys, [...keys].sort(), "keys out of order");
  for (const [key, ids] of expected) {
    const listed = onePerPage.filter((e) => e[0] === key);
    assert.deepEqual(
      listed.map(([, v, latest, dm]) => [v, latest, dm]),
      ids.map(([v, dm], n) => [v, n === 0, dm]),
      key,
    );
  }
  assert.deepEqual(
    onePerPage.filter((e) => e[0] === "doc").map((e) => e[1]),
    [v2, v1],
  );
  const threePerPage = await listVersionPages(client, bucket, 3, { Prefix: "p/" });
  assert.equal(threePerPage.length, Math.ceil(onePerPage.filter((e) => e[0].startsWith("p/")).length / 3));
  assert.deepEqual(threePerPage.flat().sort(), onePerPage.filter((e) => e[0].startsWith("p/")).sort());
  // KeyMarker alone starts after every version of that key; with a VersionIdMarker, after
  // that version of it.
  const afterKey = entriesOf(await client.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: "p/4" })));
  assert.deepEqual(afterKey.map((e) => e[0]), ["p/5", "p/5", "p/5"]);
  const p5 = expected.get("p/5");
  const afterVersion = entriesOf(
    await client.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: "p/5", VersionIdMarker: p5[0][0] })),
  );
  assert.deepEqual(afterVersion.map((e) => e[1]), [p5[1][0], p5[2][0]]);
  const folded = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: "/" }));
  assert.deepEqual((folded.CommonPrefixes ?? []).map((p) => p.Prefix), ["p/"]);
  console.log("ListObjectVersions with KeyMarker/VersionIdMarker ok");

  // 7. DeleteObjects with VersionIds removes exactly those versions; then everything, and the
  // bucket can go.
  const dropped = await client.send(
    new DeleteObjectsCommand({
      Bucket: bucket,
      Delete: { Objects: [{ Key: "doc", VersionId: v2 }, { Key: "p/2", VersionId: expected.get("p/2")[0][0] }] },
    }),
  );
  assert.equal((dropped.Errors ?? []).length, 0);
  assert.deepEqual(
    (dropped.Deleted ?? []).map((d) => [d.Key, d.VersionId]).sort(),
    [["doc", v2], ["p/2", expected.get("p/2")[0][0]]].sort(),
  );
  assert.equal((dropped.Deleted ?? []).find((d) => d.Key === "p/2").DeleteMarker, true);
  assert.equal((await get("doc")).VersionId, v1);
  assert.equal((await get("p/2")).VersionId, expected.get("p/2")[1][0]);
  const everything = entriesOf(await client.send(new ListObjectVersionsCommand({ Bucket: bucket })));
  const all = await client.send(
    new DeleteObjectsCommand({
      Bucket: bucket,
      Delete: { Objects: everything.map(([Key, VersionId]) => ({ Key, VersionId })), Quiet: true },
    }),
  );
  assert.equal((all.Errors ?? []).length, 0);
  assert.deepEqual(entriesOf(await client.send(new ListObjectVersionsCommand({ Bucket: bucket }))), []);
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  console.log("DeleteObjects with VersionIds, DeleteBucket ok");
}

main().then(
  () => console.log("versioning: all ok"),
  (err) => {
    console.error("versioning: FAILED");
    console.error(err?.$metadata ? { name: err.name, message: err.message, metadata: err.$metadata } : err);
    console.error(err?.stack ?? "");
    process.exit(1);
  },
);
