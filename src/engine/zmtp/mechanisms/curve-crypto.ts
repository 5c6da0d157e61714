/**
 * NaCl's crypto_box as CurveZMQ (RFC 26) uses it, on @noble/curves (X25519)
 * and @noble/ciphers (HSalsa20, Salsa20, Poly1305): key pairs, the shared
 * key computed once per peer pair (`beforenm`), and boxes sealed and opened
 * with a 24-byte nonce. A box is the 16-byte Poly1305 tag followed by the
 * ciphertext, as NaCl's `crypto_box` writes it without its zero padding.
 */
import { x25519 } from '@noble/curves/ed25519';
import { hsalsa, xsalsa20poly1305 } from '@noble/ciphers/salsa';
import { randomBytes } from 'node:crypto';
import { ZmtpProtocolError } from '../codec';
import { poly1305Into } from './poly1305';
import { Salsa20 } from './salsa20';
import { z85Encode } from './z85';

/** The tag in front of every box. */
export const TAG_BYTES = 16;
/** A box holds its plaintext's length plus the tag. */
export const BOX_OVERHEAD = TAG_BYTES;

/** "expand 32-byte k", Salsa20's constant, as four little-endian words. */
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);

/** A CURVE key pair as 32-byte buffers. */
export interface RawKeyPair {
  publicKey: Buffer;
  secretKey: Buffer;
}

/** A fresh random X25519 key pair. */
export function rawKeyPair(): RawKeyPair {
  const secretKey = Buffer.from(x25519.utils.randomSecretKey());
  return { secretKey, publicKey: publicKeyOf(secretKey) };
}

/** The public key that goes with `secretKey`. */
export function publicKeyOf(secretKey: Uint8Array): Buffer {
  return Buffer.from(x25519.getPublicKey(secretKey));
}

/**
 * A fresh CURVE key pair as 40-character Z85 strings, the form zeromq.js's
 * `curveKeyPair()` returns and the `curve*Key` options take.
 *
 * ## Example
 * ```ts
 * import { curveKeyPair } from 'rxzmq/src/engine/zmtp';
 * const server = curveKeyPair();
 * const rep = rep({ engine: 'zmtp', curveServer: true, curveSecretKey: server.secretKey, bind: 'tcp://127.0.0.1:*' });
 * ```
 */
export function curveKeyPair(): { publicKey: string; secretKey: string } {
  const { publicKey, secretKey } = rawKeyPair();
  return { publicKey: z85Encode(publicKey), secretKey: z85Encode(secretKey) };
}

/** Bytes as little-endian 32-bit words (copied, so alignment does not matter). */
function words(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) {
    const o = i * 4;
    out[i] = (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0;
  }
  return out;
}

function bytesOf(w: Uint32Array): Uint8Array {
  const out = new Uint8Array(w.length * 4);
  for (let i = 0; i < w.length; i++) {
    out[i * 4] = w[i] & 0xff;
    out[i * 4 + 1] = (w[i] >>> 8) & 0xff;
    out[i * 4 + 2] = (w[i] >>> 16) & 0xff;
    out[i * 4 + 3] = w[i] >>> 24;
  }
  return out;
}

/** HSalsa20 of a 32-byte key and a 16-byte input: a derived 32-byte key. */
function hsalsa20(key: Uint8Array, input: Uint8Array): Uint8Array {
  const out = new Uint32Array(8);
  hsalsa(SIGMA, words(key), words(input), out);
  return bytesOf(out);
}

const ZERO16 = new Uint8Array(16);

/**
 * crypto_box_beforenm: the key two parties share, from one's public key and
 * the other's secret key; compute it once and box with it many times.
 *
 * @throws ZmtpProtocolError `'bad-box'` for a public key of low order (X25519 refuses it), which only a hostile peer sends
 */
export function beforenm(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secretKey, publicKey);
  } catch (cause) {
    throw new ZmtpProtocolError('bad-box', 'a CURVE public key of low order', { cause });
  }
  return hsalsa20(shared, ZERO16);
}

/** crypto_secretbox with a 24-byte nonce: the box (tag + ciphertext) of `plaintext`. */
export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const box = xsalsa20poly1305(key, nonce).encrypt(plaintext);
  return Buffer.from(box.buffer, box.byteOffset, box.byteLength);
}

/** Opens a box sealed by {@link seal}; undefined when it is forged or damaged. */
export function open(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Buffer | undefined {
  if (box.length < TAG_BYTES) return undefined;
  try {
    const plain = xsalsa20poly1305(key, nonce).decrypt(box);
    return Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
  } catch {
    return undefined;
  }
}

/** A nonce: a 16- or 8-byte ASCII prefix and the rest. */
export function nonce(prefix: string, rest: Uint8Array): Uint8Array {
  const out = new Uint8Array(24);
  out.set(Buffer.from(prefix, 'latin1'));
  out.set(rest, prefix.length);
  return out;
}

/** `n` random bytes. */
export const random = (n: number): Buffer => randomBytes(n);

/**
 * Boxes whose 24-byte nonces share one 16-byte prefix and end in an 8-byte
 * counter (CurveZMQ's MESSAGE nonces): the prefix's HSalsa20 step is done
 * once, so each box costs Salsa20 and Poly1305 alone (both rxzmq's own,
 * allocation-free). Boxes are sealed and opened in place, inside a region
 * whose first 32 bytes are scratch.
 */
export class PrefixedBox {
  private readonly stream: Salsa20;
  private readonly polyKey = new Uint8Array(32);
  private readonly tag = new Uint8Array(TAG_BYTES);

  /** @param key a {@link beforenm} key; @param prefix the nonces' 16 ASCII bytes */
  constructor(key: Uint8Array, prefix: string) {
    this.stream = new Salsa20(hsalsa20(key, Buffer.from(prefix, 'latin1')));
  }

  /**
   * Seals `region[32..]` in place: afterwards `region[16..32]` holds the
   * tag and `region[32..]` the ciphertext; `region[0..16]` is scratch.
   */
  sealInPlace(short: Uint8Array, region: Uint8Array): void {
    region.fill(0, 0, 32);
    this.stream.xor(short, region);
    // The one-time key is region[0..32]; its tag goes over its s half, region[16..32].
    poly1305Into(region.subarray(32), region, region, 16);
  }

  /**
   * Opens in place the box whose tag is `region[16..32]` and ciphertext
   * `region[32..]`; afterwards `region[32..]` holds the plaintext. False
   * (and nothing decrypted) when the tag does not match.
   */
  openInPlace(short: Uint8Array, region: Uint8Array): boolean {
    this.stream.head(short, this.polyKey);
    const tag = this.tag;
    poly1305Into(region.subarray(32), this.polyKey, tag, 0);
    let diff = 0;
    for (let i = 0; i < TAG_BYTES; i++) diff |= tag[i] ^ region[16 + i];
    if (diff !== 0) return false;
    this.stream.xor(short, region.subarray(32), 32);
    return true;
  }
}
