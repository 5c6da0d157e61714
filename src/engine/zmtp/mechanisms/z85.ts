/**
 * Z85 (ZeroMQ RFC 32): binary as printable text, 4 bytes to 5 characters,
 * used for CURVE keys (a 32-byte key is 40 characters).
 */

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
/** Character code to digit value, -1 for characters outside the alphabet. */
const DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGITS[ALPHABET.charCodeAt(i)] = i;

/** The size of a CURVE key in bytes, and as Z85 text. */
const KEY_BYTES = 32;
const KEY_CHARS = 40;

/**
 * Encodes bytes as Z85 text.
 *
 * @throws TypeError when the length is not a multiple of 4 (RFC 32 leaves padding to the caller)
 */
export function z85Encode(data: Uint8Array): string {
  if (data.length % 4 !== 0) throw new TypeError(`Z85 encodes a multiple of 4 bytes, got ${data.length}`);
  let out = '';
  for (let i = 0; i < data.length; i += 4) {
    let value = ((data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3]) >>> 0;
    const chunk = new Array<string>(5);
    for (let j = 4; j >= 0; j--) {
      chunk[j] = ALPHABET[value % 85];
      value = Math.floor(value / 85);
    }
    out += chunk.join('');
  }
  return out;
}

/**
 * Decodes Z85 text.
 *
 * @throws TypeError when the length is not a multiple of 5, a character is outside the alphabet, or a group overflows 32 bits
 */
export function z85Decode(text: string): Buffer {
  if (text.length % 5 !== 0) throw new TypeError(`Z85 text is a multiple of 5 characters, got ${text.length}`);
  const out = Buffer.allocUnsafe((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const code = text.charCodeAt(i + j);
      const digit = code < 128 ? DIGITS[code] : -1;
      if (digit < 0) throw new TypeError(`invalid Z85 character ${JSON.stringify(text[i + j])} at ${i + j}`);
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) throw new TypeError(`Z85 group at ${i} overflows 32 bits`);
    out.writeUInt32BE(value, o);
  }
  return out;
}

/**
 * A CURVE key as 32 bytes, from a 40-character Z85 string or 32 bytes
 * (copied). `name` labels the error.
 *
 * @throws TypeError for anything else
 */
export function curveKey(key: unknown, name: string): Buffer {
  if (typeof key === 'string' && key.length === KEY_CHARS) return z85Decode(key);
  if (key instanceof Uint8Array && key.length === KEY_BYTES) return Buffer.from(key);
  throw new TypeError(`${name} must be a 40-character Z85 string or ${KEY_BYTES} bytes`);
}
