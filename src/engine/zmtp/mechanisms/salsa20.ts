/**
 * Salsa20/20 (D. J. Bernstein, "Salsa20 specification") as a keystream
 * XOR with one key and an 8-byte nonce per call, written for CURVE's
 * per-frame use: the key's words are read once, the state and the block
 * live in preallocated arrays, nothing is allocated per call. (@noble/ciphers'
 * `salsa20` copies the key and allocates views and padding on every call,
 * which is most of the cost of sealing a small frame.)
 *
 * Little-endian platforms only (as @noble/ciphers itself requires).
 */

const SIGMA0 = 0x61707865;
const SIGMA1 = 0x3320646e;
const SIGMA2 = 0x79622d32;
const SIGMA3 = 0x6b206574;

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('rxzmq: CURVE needs a little-endian platform');

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

/** Salsa20 keystream under one 32-byte key. */
export class Salsa20 {
  private readonly input = new Uint32Array(16);
  private readonly block = new Uint32Array(16);
  private readonly blockBytes = new Uint8Array(this.block.buffer);

  constructor(key: Uint8Array) {
    const input = this.input;
    const k = (i: number): number => (key[i] | (key[i + 1] << 8) | (key[i + 2] << 16) | (key[i + 3] << 24)) >>> 0;
    input[0] = SIGMA0;
    input[1] = k(0);
    input[2] = k(4);
    input[3] = k(8);
    input[4] = k(12);
    input[5] = SIGMA1;
    input[10] = SIGMA2;
    input[11] = k(16);
    input[12] = k(20);
    input[13] = k(24);
    input[14] = k(28);
    input[15] = SIGMA3;
  }

  /**
   * XORs `data` in place with the keystream of `nonce` (8 bytes), `data[0]`
   * meeting keystream byte `start`.
   */
  xor(nonce: Uint8Array, data: Uint8Array, start = 0): void {
    const input = this.input;
    input[6] = (nonce[0] | (nonce[1] << 8) | (nonce[2] << 16) | (nonce[3] << 24)) >>> 0;
    input[7] = (nonce[4] | (nonce[5] << 8) | (nonce[6] << 16) | (nonce[7] << 24)) >>> 0;
    const bytes = this.blockBytes;
    let counter = Math.floor(start / 64);
    let skip = start % 64;
    for (let pos = 0; pos < data.length; counter++) {
      input[8] = counter >>> 0;
      input[9] = Math.floor(counter / 0x100000000) >>> 0;
      this.core();
      const n = Math.min(64 - skip, data.length - pos);
      for (let i = 0; i < n; i++) data[pos + i] ^= bytes[skip + i];
      pos += n;
      skip = 0;
    }
  }

  /** The first `n` (at most 64) keystream bytes of `nonce`, into `out`. */
  head(nonce: Uint8Array, out: Uint8Array): void {
    out.fill(0);
    this.xor(nonce, out);
  }

  /** One block: 20 rounds over `input`, plus `input`, into `block`. */
  private core(): void {
    const j = this.input;
    let x0 = j[0], x1 = j[1], x2 = j[2], x3 = j[3], x4 = j[4], x5 = j[5], x6 = j[6], x7 = j[7];
    let x8 = j[8], x9 = j[9], x10 = j[10], x11 = j[11], x12 = j[12], x13 = j[13], x14 = j[14], x15 = j[15];
    for (let r = 0; r < 20; r += 2) {
      // column round
      x4 ^= rotl((x0 + x12) | 0, 7);
      x8 ^= rotl((x4 + x0) | 0, 9);
      x12 ^= rotl((x8 + x4) | 0, 13);
      x0 ^= rotl((x12 + x8) | 0, 18);
      x9 ^= rotl((x5 + x1) | 0, 7);
      x13 ^= rotl((x9 + x5) | 0, 9);
      x1 ^= rotl((x13 + x9) | 0, 13);
      x5 ^= rotl((x1 + x13) | 0, 18);
      x14 ^= rotl((x10 + x6) | 0, 7);
      x2 ^= rotl((x14 + x10) | 0, 9);
      x6 ^= rotl((x2 + x14) | 0, 13);
      x10 ^= rotl((x6 + x2) | 0, 18);
      x3 ^= rotl((x15 + x11) | 0, 7);
      x7 ^= rotl((x3 + x15) | 0, 9);
      x11 ^= rotl((x7 + x3) | 0, 13);
      x15 ^= rotl((x11 + x7) | 0, 18);
      // row round
      x1 ^= rotl((x0 + x3) | 0, 7);
      x2 ^= rotl((x1 + x0) | 0, 9);
      x3 ^= rotl((x2 + x1) | 0, 13);
      x0 ^= rotl((x3 + x2) | 0, 18);
      x6 ^= rotl((x5 + x4) | 0, 7);
      x7 ^= rotl((x6 + x5) | 0, 9);
      x4 ^= rotl((x7 + x6) | 0, 13);
      x5 ^= rotl((x4 + x7) | 0, 18);
      x11 ^= rotl((x10 + x9) | 0, 7);
      x8 ^= rotl((x11 + x10) | 0, 9);
      x9 ^= rotl((x8 + x11) | 0, 13);
      x10 ^= rotl((x9 + x8) | 0, 18);
      x12 ^= rotl((x15 + x14) | 0, 7);
      x13 ^= rotl((x12 + x15) | 0, 9);
      x14 ^= rotl((x13 + x12) | 0, 13);
      x15 ^= rotl((x14 + x13) | 0, 18);
    }
    const b = this.block;
    b[0] = x0 + j[0]; b[1] = x1 + j[1]; b[2] = x2 + j[2]; b[3] = x3 + j[3];
    b[4] = x4 + j[4]; b[5] = x5 + j[5]; b[6] = x6 + j[6]; b[7] = x7 + j[7];
    b[8] = x8 + j[8]; b[9] = x9 + j[9]; b[10] = x10 + j[10]; b[11] = x11 + j[11];
    b[12] = x12 + j[12]; b[13] = x13 + j[13]; b[14] = x14 + j[14]; b[15] = x15 + j[15];
  }
}
