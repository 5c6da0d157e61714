/** CurveZMQ's short nonces: an 8-byte big-endian counter, per direction, starting at 1. */

const TWO_32 = 2 ** 32;

/** The 8 bytes of short nonce `n`. */
export function shortNonce(n: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  writeShortNonce(out, 0, n);
  return out;
}

/** Writes short nonce `n` at `offset`. */
export function writeShortNonce(target: Uint8Array, offset: number, n: number): void {
  let high = Math.floor(n / TWO_32);
  let low = n % TWO_32;
  for (let i = 3; i >= 0; i--) {
    target[offset + i] = high & 0xff;
    target[offset + 4 + i] = low & 0xff;
    high = Math.floor(high / 256);
    low = Math.floor(low / 256);
  }
}

/** The short nonce at `offset` (exact below 2^53, which no connection reaches). */
export function readShortNonce(source: Buffer, offset: number): number {
  return source.readUInt32BE(offset) * TWO_32 + source.readUInt32BE(offset + 4);
}
