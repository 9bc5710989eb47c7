// Streams a generated object through @aws-sdk/lib-storage's Upload with the SDK's default
// checksums (CreateMultipartUpload with CRC32, x-amz-checksum-crc32 on every part, the part
// checksums in CompleteMultipartUpload), then reads it back with GetObject and compares SHA-256
// digests computed on both sides, and the composite CRC32 "<b64>-N" the server reports.
//
// The body is a Readable that generates AES-256-CTR keystream as it is read (never a file, never
// whole in memory). Reads CAIRN_ENDPOINT, CAIRN_ACCESS_KEY, CAIRN_SECRET_KEY, CAIRN_BUCKET (which
// must exist), CAIRN_KEY and CAIRN_SIZE (bytes). Prints one JSON line with what it measured,
// then "upload: all ok"; exits non-zero on the first failure.
import assert from "node:assert/strict";
import { createCipheriv, createHash } from "node:crypto";
import { Readable } from "node:stream";

import { GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

import { crc32 } from "./crc.mjs";

const MiB = 1024 * 1024;
const PART_SIZE = 5 * MiB; // lib-storage's default, stated so the part checksums line up

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
}

function crcBytes(value) {
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(value >>> 0);
  return buf;
}

// A stream of `size` pseudo-random bytes in uneven chunks, as a socket would deliver them.
// `digests` receives the SHA-256 of the whole and the CRC32 of every PART_SIZE slice.
function generatedStream(size, digests) {
  const cipher = createCipheriv("aes-256-ctr", Buffer.alloc(32, 7), Buffer.alloc(16, 0));
  const sha = createHash("sha256");
  let produced = 0;
  let partCrc = 0;
  let n = 0;
  return new Readable({
    read() {
      if (produced === size) {
        if (produced % PART_SIZE !== 0 || size === 0) digests.partCrcs.push(partCrc);
        digests.sha256 = sha.digest("hex");
        this.push(null);
        return;
      }
      let len = Math.min(size - produced, 65536 + ((n++ * 7919) % 50000));
      // Never cross a part boundary inside one chunk, so each part's CRC is easy to track.
      len = Math.min(len, PART_SIZE - (produced % PART_SIZE));
      const chunk = cipher.update(Buffer.alloc(len));
      sha.update(chunk);
      partCrc = crc32(chunk, partCrc);
      produced += len;
      if (produced % PART_SIZE === 0) {
        digests.partCrcs.push(partCrc);
        partCrc = 0;
      }
      this.push(chunk);
    },
  });
}

async function main() {
  const bucket = requireEnv("CAIRN_BUCKET");
  const key = requireEnv("CAIRN_KEY");
  const size = Number(requireEnv("CAIRN_SIZE"));
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
  const sent = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ command: context.commandName, headers: { ...args.request.headers } });
      return next(args);
    },
    { step: "deserialize", name: "cairnRecordRequest" },
  );

  const digests = { sha256: null, partCrcs: [] };
  const started = Date.now();
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: generatedStream(size, digests) },
    partSize: PART_SIZE,
  });
  const done = await upload.done();
  const uploadSeconds = (Date.now() - started) / 1000;
  const parts = Math.ceil(size / PART_SIZE);
  assert.equal(digests.partCrcs.length, parts);
  assert.match(done.ETag, new RegExp(`^"[0-9a-f]{32}-${parts}"$`));

  // The SDK's defaults, as they went on the wire.
  const create = sent.find((s) => s.command === "CreateMultipartUploadCommand");
  assert.equal(create.headers["x-amz-checksum-algorithm"], "CRC32", JSON.stringify(create.headers));
  const uploadParts = sent.filter((s) => s.command === "UploadPartCommand");
  assert.equal(uploadParts.length, parts);
  for (const part of uploadParts) {
    assert.ok(part.headers["x-amz-checksum-crc32"], JSON.stringify(part.headers));
  }
  const composite = crc32(Buffer.concat(digests.partCrcs.map(crcBytes)));
  const expectedCrc = `${crcBytes(composite).toString("base64")}-${parts}`;
  assert.equal(done.ChecksumCRC32, expectedCrc);

  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  assert.equal(head.ContentLength, size);
  assert.equal(head.ETag, done.ETag);

  const got = await client.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }),
  );
  assert.equal(got.ContentLength, size);
  assert.equal(got.ChecksumCRC32, expectedCrc);
  const sha = createHash("sha256");
  let received = 0;
  for await (const chunk of got.Body) {
    sha.update(chunk);
    received += chunk.length;
  }
  const downloaded = sha.digest("hex");
  assert.equal(received, size);
  assert.equal(downloaded, digests.sha256, "the object read back differs from what was sent");

  console.log(
    JSON.stringify({
      size,
      parts,
      etag: done.ETag,
      checksumCRC32: done.ChecksumCRC32,
      uploadedSha256: digests.sha256,
      downloadedSha256: downloaded,
      uploadSeconds,
    }),
  );
}

main().then(
  () => console.log("upload: all ok"),
  (err) => {
    console.error("upload: FAILED");
    console.error(
      err?.$metadata ? { name: err.name, message: err.message, metadata: err.$metadata } : err,
    );
    console.error(err?.stack ?? "");
    process.exit(1);
  },
);
