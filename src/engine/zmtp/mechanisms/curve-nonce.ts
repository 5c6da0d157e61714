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
  const view = Buffer.isBuffer(target) ? target : Buffer.from(target.buffer, target.byteOffset, target.byteLength);
  view.writeUInt32BE(Math.floor(n / TWO_32), offset);
  view.writeUInt32BE(n % TWO_32, offset + 4);
}

/** The short nonce at `offset` (exact below 2^53, which no connection reaches). */
export function readShortNonce(source: Buffer, offset: number): number {
  return source.readUInt32BE(offset) * TWO_32 + source.readUInt32BE(offset + 4);
}
