/**
 * NaCl's crypto_box as CurveZMQ (RFC 26) uses it, on libsodium (the
 * reference NaCl, which libzmq links for CURVE): the shared key computed
 * once per peer pair (`beforenm`), and boxes sealed and opened with a
 * 24-byte nonce. A box is the 16-byte Poly1305 tag followed by the
 * ciphertext, as libsodium's `_easy` functions write it.
 *
 * Key pairs come from Node's own X25519 (OpenSSL), so that
 * {@link curveKeyPair} and {@link publicKeyOf} stay synchronous; everything
 * else needs libsodium loaded (see `./sodium.ts`).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { ZmtpProtocolError } from '../codec';
import { sodium } from './sodium';
import { z85Encode } from './z85';

/** The tag in front of every box. */
export const TAG_BYTES = 16;
/** A box holds its plaintext's length plus the tag. */
export const BOX_OVERHEAD = TAG_BYTES;

/** A CURVE key pair as 32-byte buffers. */
export interface RawKeyPair {
  publicKey: Buffer;
  secretKey: Buffer;
}

/** The raw 32 bytes of an X25519 key in JWK form (`d` or `x`). */
const jwkBytes = (value: unknown): Buffer => Buffer.from(String(value), 'base64url');

/** A fresh random X25519 key pair. */
export function rawKeyPair(): RawKeyPair {
  const { privateKey } = generateKeyPairSync('x25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return { secretKey: jwkBytes(jwk.d), publicKey: jwkBytes(jwk.x) };
}

/** PKCS #8 for an X25519 private key (RFC 8410): this DER header, then the 32 raw bytes. */
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** The public key that goes with `secretKey` (32 bytes, as zeromq.js and libsodium derive it). */
export function publicKeyOf(secretKey: Uint8Array): Buffer {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_X25519, secretKey]), format: 'der', type: 'pkcs8' });
  return jwkBytes(createPublicKey(privateKey).export({ format: 'jwk' }).x);
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

/**
 * crypto_box_beforenm: the key two parties share, from one's public key and
 * the other's secret key; compute it once and box with it many times.
 *
 * @throws ZmtpProtocolError `'bad-box'` for a public key of low order (libsodium refuses it), which only a hostile peer sends
 */
export function beforenm(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array {
  try {
    return sodium().crypto_box_beforenm(publicKey, secretKey);
  } catch (cause) {
    throw new ZmtpProtocolError('bad-box', 'a CURVE public key of low order', { cause });
  }
}

/** A box (tag + ciphertext) of `plaintext` under a {@link beforenm} key and a 24-byte nonce. */
export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  return asBuffer(sodium().crypto_box_easy_afternm(plaintext, nonce, key));
}

/** Opens a box sealed by {@link seal} (or by libzmq); undefined when it is forged or damaged. */
export function open(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Buffer | undefined {
  // libsodium-wrappers fails oddly (an allocation error) on a box shorter than its tag: refuse it here.
  if (box.length < TAG_BYTES) return undefined;
  try {
    return asBuffer(sodium().crypto_box_open_easy_afternm(box, nonce, key));
  } catch {
    return undefined;
  }
}

/**
 * crypto_secretbox: a box under a random 32-byte key of our own (the
 * CURVE server's cookie key), sealed and opened like {@link seal}.
 */
export const secretSeal = (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer =>
  asBuffer(sodium().crypto_secretbox_easy(plaintext, nonce, key));

/** Opens a {@link secretSeal} box; undefined when it is forged or damaged. */
export function secretOpen(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Buffer | undefined {
  if (box.length < TAG_BYTES) return undefined;
  try {
    return asBuffer(sodium().crypto_secretbox_open_easy(box, nonce, key));
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

/** `n` random bytes (libsodium's randombytes). */
export const random = (n: number): Buffer => asBuffer(sodium().randombytes_buf(n));

/** A Uint8Array's bytes as a Buffer, without copying. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
