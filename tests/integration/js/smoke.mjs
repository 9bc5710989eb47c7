// Smoke test of the AWS SDK for JavaScript v3 against a running cairn serve.
//
// Uses the SDK's defaults on purpose: a streamed PutObject goes out as aws-chunked with
// x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER and a trailing x-amz-checksum-crc32,
// which is what current JS (and other v3-era) SDKs send to AWS. Reads CAIRN_ENDPOINT,
// CAIRN_ACCESS_KEY, CAIRN_SECRET_KEY and CAIRN_BUCKET; exits non-zero on the first failure.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";

import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

import { crc32Base64 } from "./crc.mjs";

const MiB = 1024 * 1024;

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
}

// Deterministic, incompressible bytes (xorshift32), so a misplaced byte cannot go unnoticed.
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

const md5 = (data) => createHash("md5").update(data).digest("hex");

// Splits a buffer into a stream of uneven chunks, as a file or socket would deliver it.
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

  // Records what actually went on the wire (after checksums and signing) for each command.
  const sent = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ command: context.commandName, headers: { ...args.request.headers } });
      return next(args);
    },
    { step: "deserialize", name: "cairnRecordRequest" },
  );
  const lastSent = (command) => sent.filter((s) => s.command === command).at(-1).headers;

  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  console.log("CreateBucket ok");

  // 1. A small in-memory body.
  const small = Buffer.from("hello from the JS SDK\n");
  const putSmall = await client.send(
    new PutObjectCommand({ Bucket: bucket, Key: "js/small.txt", Body: small, ContentType: "text/plain" }),
  );
  assert.equal(putSmall.ETag, `"${md5(small)}"`);
  console.log("PutObject (buffer) ok");

  // 2. A streamed body: the SDK's default flexible checksum goes in an aws-chunked trailer.
  const streamed = pseudoRandomBytes(3 * MiB + 17, 42);
  const putStream = await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: "js/streamed.bin",
      Body: streamOf(streamed),
      ContentLength: streamed.length,
    }),
  );
  const wire = lastSent("PutObjectCommand");
  assert.equal(wire["x-amz-content-sha256"], "STREAMING-UNSIGNED-PAYLOAD-TRAILER", JSON.stringify(wire));
  assert.equal(wire["x-amz-trailer"], "x-amz-checksum-crc32", JSON.stringify(wire));
  assert.match(wire["content-encoding"] ?? "", /aws-chunked/);
  assert.equal(Number(wire["x-amz-decoded-content-length"]), streamed.length);
  assert.equal(putStream.ETag, `"${md5(streamed)}"`);
  if (putStream.ChecksumCRC32 !== undefined) {
    assert.equal(putStream.ChecksumCRC32, crc32Base64(streamed));
  }
  console.log("PutObject (aws-chunked, trailer checksum) ok");

  // 3. lib-storage's managed multipart upload (parts also carry checksums).
  const big = pseudoRandomBytes(11 * MiB + 5, 7);
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: "js/multipart.bin", Body: streamOf(big) },
    partSize: 5 * MiB,
    queueSize: 2,
  });
  const done = await upload.done();
  assert.match(done.ETag, /^"[0-9a-f]{32}-3"$/);
  console.log("Upload (multipart) ok");

  // GetObject: whole objects and a range.
  assert.deepEqual(await bodyOf(await client.send(new GetObjectCommand({ Bucket: bucket, Key: "js/small.txt" }))), small);
  const gotStream = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "js/streamed.bin" }));
  assert.equal(gotStream.ContentLength, streamed.length);
  assert.ok((await bodyOf(gotStream)).equals(streamed), "streamed object differs");
  assert.ok((await bodyOf(await client.send(new GetObjectCommand({ Bucket: bucket, Key: "js/multipart.bin" })))).equals(big), "multipart object differs");
  const ranged = await client.send(
    new GetObjectCommand({ Bucket: bucket, Key: "js/multipart.bin", Range: `bytes=${5 * MiB - 3}-${5 * MiB + 2}` }),
  );
  assert.equal(ranged.ContentRange, `bytes ${5 * MiB - 3}-${5 * MiB + 2}/${big.length}`);
  assert.ok((await bodyOf(ranged)).equals(big.subarray(5 * MiB - 3, 5 * MiB + 3)));
  console.log("GetObject ok");

  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "js/" }));
  assert.deepEqual(
    (listed.Contents ?? []).map((o) => [o.Key, o.Size]),
    [
      ["js/multipart.bin", big.length],
      ["js/small.txt", small.length],
      ["js/streamed.bin", streamed.length],
    ],
  );
  assert.equal(listed.KeyCount, 3);
  console.log("ListObjectsV2 ok");

  const deleted = await client.send(
    new DeleteObjectsCommand({
      Bucket: bucket,
      Delete: { Objects: [{ Key: "js/small.txt" }, { Key: "js/streamed.bin" }, { Key: "js/multipart.bin" }] },
    }),
  );
  assert.deepEqual((deleted.Deleted ?? []).map((d) => d.Key).sort(), ["js/multipart.bin", "js/small.txt", "js/streamed.bin"]);
  assert.equal((deleted.Errors ?? []).length, 0);
  const after = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  assert.equal(after.KeyCount, 0);
  console.log("DeleteObjects ok");

  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  console.log("DeleteBucket ok");
}

main().then(
  () => console.log("smoke: all ok"),
  (err) => {
    console.error("smoke: FAILED");
    console.error(err?.$metadata ? { name: err.name, message: err.message, metadata: err.$metadata } : err);
    console.error(err?.stack ?? "");
    process.exit(1);
  },
);
