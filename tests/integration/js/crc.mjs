// Table-driven CRCs for the JS tests, as the S3 checksums define them: CRC32 (what zlib.crc32
// computes, which needs Node 20.15; Debian 12 ships Node 18) and CRC64NVME (the reflected CRC-64
// with polynomial 0xad93d23594c93659, which the SDK computes only with the native CRT package).

const CRC32_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    table[b] = c >>> 0;
  }
  return table;
})();

// Like zlib.crc32(data, value): continues from a previous CRC32 (0 to start).
export function crc32(data, value = 0) {
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC32_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const MASK64 = (1n << 64n) - 1n;
const CRC64_TABLE = (() => {
  const table = new Array(256);
  for (let b = 0n; b < 256n; b++) {
    let c = b;
    for (let i = 0; i < 8; i++) c = c & 1n ? (c >> 1n) ^ 0x9a6c9329ac4bc9b5n : c >> 1n;
    table[Number(b)] = c;
  }
  return table;
})();

// CRC64NVME of `data`, continuing from `value` (0n to start), as a BigInt.
export function crc64nvme(data, value = 0n) {
  let c = ~value & MASK64;
  for (let i = 0; i < data.length; i++) c = CRC64_TABLE[Number((c ^ BigInt(data[i])) & 0xffn)] ^ (c >> 8n);
  return ~c & MASK64;
}

// The 4 big-endian bytes of a CRC32.
export function crc32Bytes(value) {
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(value >>> 0);
  return buf;
}

export const crc32Base64 = (data) => crc32Bytes(crc32(data)).toString("base64");

export function crc64nvmeBase64(data) {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(crc64nvme(data));
  return buf.toString("base64");
}
