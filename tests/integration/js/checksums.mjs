// Every S3 checksum through the AWS SDK for JavaScript v3: PutObject and a multipart upload
// for CRC32, CRC32C, SHA1 and SHA256 (computed by the SDK) and CRC64NVME (client-s3 3.758
// computes it only with the native @aws-sdk/crc64-nvme-crt package, so the value is computed
// here, crc.mjs, and sent as ChecksumCRC64NVME), COMPOSITE and FULL_OBJECT types, a wrong
// checksum refused with BadDigest and nothing stored. Prints "checksums: all ok".
import assert from "node:assert/strict";
import { createHash } from "node:crypto";

import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";

import { crc32Base64, crc64nvmeBase64 } from "./crc.mjs";

const env = (name) => {
  if (!process.env[name]) throw new Error(`environment variable ${name} is not set`);
  return process.env[name];
};
const PART = 5 * 1024 * 1024;
const bytes = (size, seed) => {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
};
const sha = (name) => (data) => createHash(name).update(data).digest("base64");
const COMPUTE = { CRC32: crc32Base64, CRC64NVME: crc64nvmeBase64, SHA1: sha("sha1"),
                  SHA256: sha("sha256") };

const client = new S3Client({
  endpoint: env("CAIRN_ENDPOINT"),
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: env("CAIRN_ACCESS_KEY"), secretAccessKey: env("CAIRN_SECRET_KEY") },
});
const bucket = env("CAIRN_BUCKET");

// The SDK computes every checksum but CRC64NVME; that one is given as a value.
function checksumArgs(algorithm, data) {
  if (algorithm === "CRC64NVME") return { ChecksumCRC64NVME: crc64nvmeBase64(data) };
  return { ChecksumAlgorithm: algorithm };
}

async function readAll(body) {
  return Buffer.from(await body.transformToByteArray());
}

async function putObject(algorithm) {
  const key = `put-${algorithm}`;
  const data = bytes(200_000, 7);
  const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data,
                                                       ...checksumArgs(algorithm, data) }));
  const field = `Checksum${algorithm}`;
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key,
                                                       ChecksumMode: "ENABLED" }));
  assert.deepEqual(await readAll(got.Body), data);
  assert.ok(put[field], `${algorithm}: no ${field} in ${JSON.stringify(put)}`);
  assert.equal(got[field], put[field]);
  if (COMPUTE[algorithm]) assert.equal(put[field], COMPUTE[algorithm](data));
  // A wrong value: BadDigest, the object unchanged.
  await assert.rejects(
    client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from("other"),
                                       [field]: put[field] })),
    (e) => e.name === "BadDigest" || e.Code === "BadDigest");
  const after = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  assert.deepEqual(await readAll(after.Body), data);
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

async function multipart(algorithm, type) {
  const key = `mp-${algorithm}-${type}`;
  const parts = [bytes(PART, 11), bytes(4321, 12)];
  const created = await client.send(new CreateMultipartUploadCommand({
    Bucket: bucket, Key: key, ChecksumAlgorithm: algorithm, ChecksumType: type }));
  assert.equal(created.ChecksumAlgorithm, algorithm);
  const field = `Checksum${algorithm}`;
  const done = [];
  for (const [i, data] of parts.entries()) {
    const resp = await client.send(new UploadPartCommand({
      Bucket: bucket, Key: key, UploadId: created.UploadId, PartNumber: i + 1, Body: data,
      ...checksumArgs(algorithm, data) }));
    if (COMPUTE[algorithm]) assert.equal(resp[field], COMPUTE[algorithm](data));
    done.push({ PartNumber: i + 1, ETag: resp.ETag, [field]: resp[field] });
  }
  const listed = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key,
                                                          UploadId: created.UploadId }));
  assert.equal(listed.ChecksumAlgorithm, algorithm);
  assert.deepEqual(listed.Parts.map((p) => p[field]), done.map((p) => p[field]));
  const whole = Buffer.concat(parts);
  const extra = {};
  if (type === "FULL_OBJECT") {
    extra.ChecksumType = type;
    if (COMPUTE[algorithm]) extra[field] = COMPUTE[algorithm](whole);
  }
  const completed = await client.send(new CompleteMultipartUploadCommand({
    Bucket: bucket, Key: key, UploadId: created.UploadId, MultipartUpload: { Parts: done },
    ...extra }));
  assert.equal(completed.ChecksumType, type);
  if (type === "COMPOSITE") {
    assert.match(completed[field], /-2$/, JSON.stringify(completed));
  } else if (COMPUTE[algorithm]) {
    assert.equal(completed[field], COMPUTE[algorithm](whole));
  } else {
    assert.doesNotMatch(completed[field], /-/, JSON.stringify(completed));
  }
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key,
                                                         ChecksumMode: "ENABLED" }));
  assert.equal(head[field], completed[field]);
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  assert.deepEqual(await readAll(got.Body), whole);
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

async function main() {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const algorithm of ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]) {
    await putObject(algorithm);
  }
  for (const algorithm of ["CRC32", "CRC32C", "SHA1", "SHA256"]) {
    await multipart(algorithm, "COMPOSITE");
  }
  for (const algorithm of ["CRC32", "CRC32C", "CRC64NVME"]) {
    await multipart(algorithm, "FULL_OBJECT");
  }
  const left = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  assert.equal(left.KeyCount, 0);
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  console.log("checksums: all ok");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
