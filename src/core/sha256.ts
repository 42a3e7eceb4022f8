/**
 * HMAC-SHA256 in plain JavaScript (FIPS 180-4, RFC 2104). Pseudonymising a district's
 * users signs thousands of ids per execution; doing it in-script avoids a service call per
 * id (Utilities.computeHmacSha256Signature gives the same bytes, as signed values).
 */

// Int32 (ToInt32 wraps the constants above 2^31): see compress.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
  0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/**
 * UTF-8 bytes of `s` written into the start of `buf`; returns their count, or -1 when
 * `buf` is too short (the caller grows it and tries again).
 */
function utf8Into(s: string, buf: Uint8Array): number {
  let o = 0;
  const cap = buf.length;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (o + 4 > cap) return -1;
    if (c < 0x80) {
      buf[o++] = c;
    } else if (c < 0x800) {
      buf[o++] = 0xc0 | (c >> 6);
      buf[o++] = 0x80 | (c & 63);
    } else if (c < 0x10000) {
      buf[o++] = 0xe0 | (c >> 12);
      buf[o++] = 0x80 | ((c >> 6) & 63);
      buf[o++] = 0x80 | (c & 63);
    } else {
      buf[o++] = 0xf0 | (c >> 18);
      buf[o++] = 0x80 | ((c >> 12) & 63);
      buf[o++] = 0x80 | ((c >> 6) & 63);
      buf[o++] = 0x80 | (c & 63);
    }
  }
  return o;
}

/** UTF-8 bytes of a string (no TextEncoder in Apps Script). */
export function utf8(s: string): number[] {
  // A UTF-16 unit encodes to at most 3 bytes (a surrogate pair: 4 for 2 units).
  const buf = new Uint8Array(3 * s.length + 4);
  return Array.from(buf.subarray(0, utf8Into(s, buf)));
}

const IV = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
  0x1f83d9ab, 0x5be0cd19,
];

/**
 * One 64-byte block of `msg` at `off` into the state `h` (w: 64 words of scratch). The
 * words live in Int32Arrays: a Uint32Array read above 2^31 is a double in V8, while the
 * same bits as int32 keep every step in integer arithmetic (the sums end in | 0).
 */
function compress(
  h: Int32Array,
  w: Int32Array,
  msg: Uint8Array,
  off: number,
): void {
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    w[i] = (msg[j] << 24) | (msg[j + 1] << 16) | (msg[j + 2] << 8) | msg[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15];
    const b = w[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = h[0];
  let b = h[1];
  let c = h[2];
  let d = h[3];
  let e = h[4];
  let f = h[5];
  let g = h[6];
  let k = h[7];
  for (let i = 0; i < 64; i++) {
    const S1 =
      ((e >>> 6) | (e << 26)) ^
      ((e >>> 11) | (e << 21)) ^
      ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (k + S1 + ch + K[i] + w[i]) | 0;
    const S0 =
      ((a >>> 2) | (a << 30)) ^
      ((a >>> 13) | (a << 19)) ^
      ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    k = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + b) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
  h[5] = (h[5] + f) | 0;
  h[6] = (h[6] + g) | 0;
  h[7] = (h[7] + k) | 0;
}

/** Bytes a message of `n` bytes takes once padded: whole 64-byte blocks. */
function paddedLength(n: number): number {
  return (((n + 9 + 63) / 64) | 0) * 64;
}

/**
 * SHA-256 padding after the `n` message bytes in `msg`: 0x80, zeros, then the bit length
 * of the whole message (`prefix` bytes already compressed plus these), to `total` bytes.
 */
function pad(msg: Uint8Array, n: number, prefix: number, total: number): void {
  msg[n] = 0x80;
  msg.fill(0, n + 1, total);
  const bits = (prefix + n) * 8;
  msg[total - 5] = Math.floor(bits / 0x100000000) & 0xff;
  msg[total - 4] = (bits >>> 24) & 0xff;
  msg[total - 3] = (bits >>> 16) & 0xff;
  msg[total - 2] = (bits >>> 8) & 0xff;
  msg[total - 1] = bits & 0xff;
}

/** The state `h` as 32 big-endian digest bytes, written into `out` (returned). */
function digestInto(h: Int32Array, out: Uint8Array): Uint8Array {
  for (let i = 0; i < 8; i++) {
    const v = h[i];
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = (v >>> 16) & 0xff;
    out[i * 4 + 2] = (v >>> 8) & 0xff;
    out[i * 4 + 3] = v & 0xff;
  }
  return out;
}

/**
 * Hashes `bytes` onward from state `h`, after `prefix` bytes already compressed into it
 * (a multiple of 64), and returns the digest. `h` is left modified.
 */
function finish(
  h: Int32Array,
  w: Int32Array,
  bytes: ArrayLike<number>,
  prefix: number,
): Uint8Array {
  const n = bytes.length;
  const total = paddedLength(n);
  const msg = new Uint8Array(total);
  for (let i = 0; i < n; i++) msg[i] = bytes[i] & 0xff;
  pad(msg, n, prefix, total);
  for (let off = 0; off < total; off += 64) compress(h, w, msg, off);
  return digestInto(h, new Uint8Array(32));
}

export function sha256(bytes: ArrayLike<number>): Uint8Array {
  return finish(new Int32Array(IV), new Int32Array(64), bytes, 0);
}

/**
 * A signer for one key. The key's padded blocks are compressed once, so each message
 * costs two compressions for a short id instead of four (HMAC's usual midstate reuse).
 * The message and the outer block live in buffers kept between calls: a district's ids
 * are signed by the hundred thousand, and per-call arrays were most of the cost.
 */
export function hmacSha256(key: string): (message: string) => Uint8Array {
  let k = utf8(key);
  if (k.length > 64) k = Array.from(sha256(k));
  const ipad = new Uint8Array(64);
  const opad = new Uint8Array(64);
  for (let i = 0; i < 64; i++) {
    const b = k[i] ?? 0;
    ipad[i] = b ^ 0x36;
    opad[i] = b ^ 0x5c;
  }
  const w = new Int32Array(64);
  const inner0 = new Int32Array(IV);
  compress(inner0, w, ipad, 0);
  const outer0 = new Int32Array(IV);
  compress(outer0, w, opad, 0);
  const h = new Int32Array(8);
  let msg = new Uint8Array(128);
  // The outer message is always the 32-byte inner digest after the 64-byte opad block:
  // one block whose padding and length (96 bytes = 768 bits) never change.
  const outerBlock = new Uint8Array(64);
  pad(outerBlock, 32, 64, 64);
  return message => {
    let n = utf8Into(message, msg);
    while (n < 0) {
      msg = new Uint8Array(msg.length * 2);
      n = utf8Into(message, msg);
    }
    const total = paddedLength(n);
    if (total > msg.length) {
      const grown = new Uint8Array(total);
      grown.set(msg.subarray(0, n));
      msg = grown;
    }
    pad(msg, n, 64, total);
    h.set(inner0);
    for (let off = 0; off < total; off += 64) compress(h, w, msg, off);
    digestInto(h, outerBlock);
    h.set(outer0);
    compress(h, w, outerBlock, 0);
    return digestInto(h, new Uint8Array(32));
  };
}
