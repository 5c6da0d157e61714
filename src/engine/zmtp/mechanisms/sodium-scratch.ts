/**
 * CurveZMQ's per-frame boxes straight through libsodium's own functions
 * (the module libsodium-wrappers loads), without the wrappers' allocation
 * and copies around every call: key, nonce and message go into one scratch
 * region of libsodium's memory that all connections share (calls are
 * synchronous, so one at a time), grown when a larger message comes. The
 * crypto is libsodium's crypto_box_easy_afternm / crypto_box_open_easy_afternm,
 * unchanged. libsodium must be loaded (`sodiumReady()`).
 */
import { sodium } from './sodium';

/** The few exports of libsodium's module used here (emscripten: 64-bit lengths as two 32-bit halves). */
interface LibsodiumModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  _crypto_box_easy_afternm(c: number, m: number, mLow: number, mHigh: number, n: number, k: number): number;
  _crypto_box_open_easy_afternm(m: number, c: number, cLow: number, cHigh: number, n: number, k: number): number;
}

const TAG = 16;
const KEY = 32;
const NONCE = 24;
/** Key, then nonce, then the message and the box, each `capacity` + TAG bytes. */
const HEAD = 64;

let lib: LibsodiumModule | undefined;
let base = 0;
let capacity = 0;

/** The scratch region, with room for a message of `bytes` (and its box). */
function scratch(bytes: number): LibsodiumModule {
  lib ??= (sodium() as unknown as { libsodium: LibsodiumModule }).libsodium;
  if (bytes > capacity) {
    if (base) lib._free(base);
    capacity = Math.max(bytes, capacity * 2, 64 * 1024);
    base = lib._malloc(HEAD + 2 * (capacity + TAG));
    if (!base) throw new Error(`rxzmq: libsodium could not allocate ${capacity} bytes for a CURVE box`);
  }
  return lib;
}

/** Puts key, nonce and `data` into the scratch region; where the input and the output go. */
function stage(key: Uint8Array, nonce: Uint8Array, data: Uint8Array): { lib: LibsodiumModule; input: number; output: number } {
  const m = scratch(data.length);
  const input = base + HEAD;
  const heap = m.HEAPU8;
  heap.set(key, base);
  heap.set(nonce, base + KEY);
  heap.set(data, input);
  return { lib: m, input, output: input + capacity + TAG };
}

/**
 * Seals `plaintext` under a beforenm `key` and a 24-byte `nonce`, writing
 * the box (tag, then ciphertext: `plaintext.length + 16` bytes) into `out`
 * at `offset`. `out` may overlap `plaintext`.
 */
export function sealInto(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): void {
  const length = plaintext.length;
  const { lib: m, input, output } = stage(key, nonce, plaintext);
  if (m._crypto_box_easy_afternm(output, input, length, 0, base + KEY, base) !== 0) {
    throw new Error('rxzmq: libsodium failed to seal a CURVE box');
  }
  out.set(m.HEAPU8.subarray(output, output + length + TAG), offset);
}

/** Opens a box sealed under `key` and `nonce`; the plaintext in a new Buffer, or undefined when the box is forged or damaged. */
export function openFrom(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Buffer | undefined {
  const length = box.length;
  if (length < TAG) return undefined;
  const { lib: m, input, output } = stage(key, nonce, box);
  if (m._crypto_box_open_easy_afternm(output, input, length, 0, base + KEY, base) !== 0) return undefined;
  return Buffer.from(m.HEAPU8.subarray(output, output + length - TAG));
}
