/**
 * Poly1305 (RFC 8439, section 2.5) as CURVE's per-frame MAC: a fresh
 * one-time key per frame, so what matters is the cost of one short
 * message, not the rate over long ones. The 130-bit accumulator lives in
 * ten 13-bit limbs (products stay exact in doubles); nothing is allocated
 * per call. (@noble/ciphers' `poly1305` copies its key and builds an object
 * per call, which is most of the cost of a small frame.)
 */

const MASK = 0x1fff;
const LIMB = 8192;
/** The last partial block, padded (JavaScript runs one call at a time). */
const last = new Uint8Array(16);

/**
 * The 16-byte tag of `msg` under the 32-byte one-time `key` (r, then s),
 * written at `out[offset..]`. The tag may overwrite the key's s half (each
 * byte of s is read before the tag byte at its place is written).
 */
export function poly1305Into(msg: Uint8Array, key: Uint8Array, out: Uint8Array, offset: number): void {
  // r, clamped (RFC 8439 2.5.1), as ten 13-bit limbs.
  const k = (i: number, mask = 0xff): number => key[i] & mask;
  const t0 = k(0) | (k(1) << 8);
  const t1 = k(2) | (k(3, 0x0f) << 8);
  const t2 = k(4, 0xfc) | (k(5) << 8);
  const t3 = k(6) | (k(7, 0x0f) << 8);
  const t4 = k(8, 0xfc) | (k(9) << 8);
  const t5 = k(10) | (k(11, 0x0f) << 8);
  const t6 = k(12, 0xfc) | (k(13) << 8);
  const t7 = k(14) | (k(15, 0x0f) << 8);
  const r0 = t0 & MASK;
  const r1 = ((t0 >>> 13) | (t1 << 3)) & MASK;
  const r2 = ((t1 >>> 10) | (t2 << 6)) & MASK;
  const r3 = ((t2 >>> 7) | (t3 << 9)) & MASK;
  const r4 = ((t3 >>> 4) | (t4 << 12)) & MASK;
  const r5 = (t4 >>> 1) & MASK;
  const r6 = ((t4 >>> 14) | (t5 << 2)) & MASK;
  const r7 = ((t5 >>> 11) | (t6 << 5)) & MASK;
  const r8 = ((t6 >>> 8) | (t7 << 8)) & MASK;
  const r9 = t7 >>> 5;
  // 2^130 = 5 (mod p): the products that wrap are taken with 5r.
  const s1 = 5 * r1, s2 = 5 * r2, s3 = 5 * r3, s4 = 5 * r4, s5 = 5 * r5, s6 = 5 * r6, s7 = 5 * r7, s8 = 5 * r8, s9 = 5 * r9;

  let h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0, h6 = 0, h7 = 0, h8 = 0, h9 = 0;
  const length = msg.length;
  for (let pos = 0; pos < length; pos += 16) {
    let m = msg;
    let p = pos;
    let hibit = 1 << 11;
    if (length - pos < 16) {
      // The last partial block: its bytes, a 1 after them, zeros.
      last.fill(0);
      last.set(msg.subarray(pos));
      last[length - pos] = 1;
      m = last;
      p = 0;
      hibit = 0;
    }
    const w0 = m[p] | (m[p + 1] << 8);
    const w1 = m[p + 2] | (m[p + 3] << 8);
    const w2 = m[p + 4] | (m[p + 5] << 8);
    const w3 = m[p + 6] | (m[p + 7] << 8);
    const w4 = m[p + 8] | (m[p + 9] << 8);
    const w5 = m[p + 10] | (m[p + 11] << 8);
    const w6 = m[p + 12] | (m[p + 13] << 8);
    const w7 = m[p + 14] | (m[p + 15] << 8);
    h0 += w0 & MASK;
    h1 += ((w0 >>> 13) | (w1 << 3)) & MASK;
    h2 += ((w1 >>> 10) | (w2 << 6)) & MASK;
    h3 += ((w2 >>> 7) | (w3 << 9)) & MASK;
    h4 += ((w3 >>> 4) | (w4 << 12)) & MASK;
    h5 += (w4 >>> 1) & MASK;
    h6 += ((w4 >>> 14) | (w5 << 2)) & MASK;
    h7 += ((w5 >>> 11) | (w6 << 5)) & MASK;
    h8 += ((w6 >>> 8) | (w7 << 8)) & MASK;
    h9 += (w7 >>> 5) | hibit;

    // h *= r (mod 2^130 - 5)
    let d0 = h0 * r0 + h1 * s9 + h2 * s8 + h3 * s7 + h4 * s6 + h5 * s5 + h6 * s4 + h7 * s3 + h8 * s2 + h9 * s1;
    let d1 = h0 * r1 + h1 * r0 + h2 * s9 + h3 * s8 + h4 * s7 + h5 * s6 + h6 * s5 + h7 * s4 + h8 * s3 + h9 * s2;
    let d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s9 + h4 * s8 + h5 * s7 + h6 * s6 + h7 * s5 + h8 * s4 + h9 * s3;
    let d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s9 + h5 * s8 + h6 * s7 + h7 * s6 + h8 * s5 + h9 * s4;
    let d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0 + h5 * s9 + h6 * s8 + h7 * s7 + h8 * s6 + h9 * s5;
    let d5 = h0 * r5 + h1 * r4 + h2 * r3 + h3 * r2 + h4 * r1 + h5 * r0 + h6 * s9 + h7 * s8 + h8 * s7 + h9 * s6;
    let d6 = h0 * r6 + h1 * r5 + h2 * r4 + h3 * r3 + h4 * r2 + h5 * r1 + h6 * r0 + h7 * s9 + h8 * s8 + h9 * s7;
    let d7 = h0 * r7 + h1 * r6 + h2 * r5 + h3 * r4 + h4 * r3 + h5 * r2 + h6 * r1 + h7 * r0 + h8 * s9 + h9 * s8;
    let d8 = h0 * r8 + h1 * r7 + h2 * r6 + h3 * r5 + h4 * r4 + h5 * r3 + h6 * r2 + h7 * r1 + h8 * r0 + h9 * s9;
    let d9 = h0 * r9 + h1 * r8 + h2 * r7 + h3 * r6 + h4 * r5 + h5 * r4 + h6 * r3 + h7 * r2 + h8 * r1 + h9 * r0;
    // Carry (the sums exceed 32 bits: divide, exactly, by a power of two).
    let c = Math.floor(d0 / LIMB);
    h0 = d0 - c * LIMB;
    d1 += c; c = Math.floor(d1 / LIMB); h1 = d1 - c * LIMB;
    d2 += c; c = Math.floor(d2 / LIMB); h2 = d2 - c * LIMB;
    d3 += c; c = Math.floor(d3 / LIMB); h3 = d3 - c * LIMB;
    d4 += c; c = Math.floor(d4 / LIMB); h4 = d4 - c * LIMB;
    d5 += c; c = Math.floor(d5 / LIMB); h5 = d5 - c * LIMB;
    d6 += c; c = Math.floor(d6 / LIMB); h6 = d6 - c * LIMB;
    d7 += c; c = Math.floor(d7 / LIMB); h7 = d7 - c * LIMB;
    d8 += c; c = Math.floor(d8 / LIMB); h8 = d8 - c * LIMB;
    d9 += c; c = Math.floor(d9 / LIMB); h9 = d9 - c * LIMB;
    h0 += c * 5;
    c = h0 >>> 13;
    h0 &= MASK;
    h1 += c;
  }

  // Fully carry (twice round the ring), then subtract p if h >= p.
  const h = [h0, h1, h2, h3, h4, h5, h6, h7, h8, h9];
  for (let pass = 0; pass < 2; pass++) {
    let c = 0;
    for (let i = 0; i < 10; i++) {
      h[i] += c;
      c = h[i] >>> 13;
      h[i] &= MASK;
    }
    h[0] += 5 * c;
  }
  const g = new Array<number>(10);
  let c = 5;
  for (let i = 0; i < 10; i++) {
    g[i] = h[i] + c;
    c = g[i] >>> 13;
    g[i] &= MASK;
  }
  // c is 1 when h + 5 >= 2^130, that is h >= p: then h - p is g without its 2^130.
  const f = c === 1 ? g : h;
  const words = [
    f[0] | (f[1] << 13),
    (f[1] >>> 3) | (f[2] << 10),
    (f[2] >>> 6) | (f[3] << 7),
    (f[3] >>> 9) | (f[4] << 4),
    (f[4] >>> 12) | (f[5] << 1) | (f[6] << 14),
    (f[6] >>> 2) | (f[7] << 11),
    (f[7] >>> 5) | (f[8] << 8),
    (f[8] >>> 8) | (f[9] << 5),
  ];
  // tag = (h + s) mod 2^128
  let carry = 0;
  for (let i = 0; i < 8; i++) {
    const sum = (words[i] & 0xffff) + (key[16 + 2 * i] | (key[17 + 2 * i] << 8)) + carry;
    carry = sum >>> 16;
    out[offset + 2 * i] = sum & 0xff;
    out[offset + 2 * i + 1] = (sum >>> 8) & 0xff;
  }
}
