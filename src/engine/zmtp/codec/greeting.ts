import { ZmtpProtocolError } from './errors';

/** A ZMTP 3.x greeting is always 64 bytes. */
export const GREETING_SIZE = 64;

/**
 * The signature (`%xFF`, 8 bytes of padding, `%x7F`) opens the greeting.
 * libzmq reads these ten bytes first, so that garbage is refused before the
 * rest of a greeting is awaited.
 */
export const SIGNATURE_SIZE = 10;

/** The security mechanisms the codec knows. */
export type ZmtpMechanism = 'NULL' | 'PLAIN' | 'CURVE';

/** What a peer's greeting says. */
export interface Greeting {
  /** Major version: 3 or higher (a higher one must be accepted, RFC 37). */
  readonly major: number;
  /** Minor version: 0 for ZMTP 3.0, 1 for ZMTP 3.1. */
  readonly minor: number;
  readonly mechanism: ZmtpMechanism;
  /** Whether the peer acts as server for the security handshake. */
  readonly asServer: boolean;
}

/** What {@link encodeGreeting} writes. */
export interface GreetingOptions {
  /** The mechanism: `'NULL'`, `'PLAIN'` or `'CURVE'` (any name the grammar allows is written). */
  mechanism: string;
  /** Whether we act as server for the security handshake (false for NULL). */
  asServer: boolean;
  /** Minor version to announce: 1 (ZMTP 3.1, the default) or 0 (ZMTP 3.0). */
  minor?: number;
}

const MAJOR = 3;
const MAJOR_OFFSET = 10;
const MINOR_OFFSET = 11;
const MECHANISM_OFFSET = 12;
const MECHANISM_SIZE = 20;
const AS_SERVER_OFFSET = MECHANISM_OFFSET + MECHANISM_SIZE;
const KNOWN_MECHANISMS: readonly string[] = ['NULL', 'PLAIN', 'CURVE'];
/** mechanism-char, RFC 37: "A"-"Z" | DIGIT | "-" | "_" | "." | "+" (the %x0 padding aside). */
const MECHANISM_NAME = /^[A-Z0-9\-_.+]{1,20}$/;

/**
 * The 64-byte greeting: signature, version 3.`minor`, the mechanism
 * null-padded to 20 bytes, as-server, and 31 zero bytes of filler.
 *
 * @throws TypeError for a mechanism name the grammar does not allow or a minor outside 0-255
 */
export function encodeGreeting(options: GreetingOptions): Buffer {
  const { mechanism, asServer, minor = 1 } = options;
  if (!MECHANISM_NAME.test(mechanism)) throw new TypeError(`invalid ZMTP mechanism name: ${JSON.stringify(mechanism)}`);
  if (!Number.isInteger(minor) || minor < 0 || minor > 255) throw new TypeError(`invalid ZMTP minor version: ${minor}`);
  const greeting = Buffer.alloc(GREETING_SIZE);
  greeting[0] = 0xff;
  greeting[SIGNATURE_SIZE - 1] = 0x7f;
  greeting[MAJOR_OFFSET] = MAJOR;
  greeting[MINOR_OFFSET] = minor;
  greeting.write(mechanism, MECHANISM_OFFSET, 'latin1');
  greeting[AS_SERVER_OFFSET] = asServer ? 1 : 0;
  return greeting;
}

/**
 * Checks the signature as its bytes arrive: give it the first bytes received
 * (1 to 10; more are ignored) and it throws as soon as byte 0 or byte 9 is
 * wrong. The padding in between is not significant (RFC 37).
 *
 * @throws ZmtpProtocolError `'bad-signature'`
 */
export function checkSignature(first10: Buffer): void {
  if (first10.length > 0 && first10[0] !== 0xff) throw badSignature(0, first10[0]);
  if (first10.length >= SIGNATURE_SIZE && first10[SIGNATURE_SIZE - 1] !== 0x7f) {
    throw badSignature(SIGNATURE_SIZE - 1, first10[SIGNATURE_SIZE - 1]);
  }
}

/**
 * Parses a peer's 64-byte greeting. Accepts any major version from 3 up
 * and any minor; the filler is not checked, and any non-zero as-server byte
 * counts as true (as libzmq reads it).
 *
 * @throws RangeError when `buf` is not exactly 64 bytes (a caller's mistake)
 * @throws ZmtpProtocolError `'bad-signature'`, `'bad-version'`, `'bad-mechanism'`, `'unknown-mechanism'`
 */
export function parseGreeting(buf: Buffer): Greeting {
  if (buf.length !== GREETING_SIZE) throw new RangeError(`a ZMTP greeting is ${GREETING_SIZE} bytes, got ${buf.length}`);
  checkSignature(buf);
  const major = buf[MAJOR_OFFSET];
  if (major < MAJOR) {
    throw new ZmtpProtocolError('bad-version', `ZMTP ${major}.x peers are not supported (3.0 or later required)`);
  }
  return {
    major,
    minor: buf[MINOR_OFFSET],
    mechanism: parseMechanism(buf.subarray(MECHANISM_OFFSET, MECHANISM_OFFSET + MECHANISM_SIZE)),
    asServer: buf[AS_SERVER_OFFSET] !== 0,
  };
}

function parseMechanism(field: Buffer): ZmtpMechanism {
  let end = field.indexOf(0);
  if (end < 0) end = field.length;
  const name = field.toString('latin1', 0, end);
  // Nothing but padding may follow the first zero byte.
  if (!MECHANISM_NAME.test(name) || field.subarray(end).some((b) => b !== 0)) {
    throw new ZmtpProtocolError('bad-mechanism', `malformed mechanism field in greeting: ${field.toString('hex')}`);
  }
  if (!KNOWN_MECHANISMS.includes(name)) throw new ZmtpProtocolError('unknown-mechanism', `unknown security mechanism ${name}`);
  return name as ZmtpMechanism;
}

function badSignature(offset: number, byte: number): ZmtpProtocolError {
  const hex = byte.toString(16).padStart(2, '0');
  return new ZmtpProtocolError('bad-signature', `not a ZMTP 3 peer: byte ${offset} of the greeting is 0x${hex}`);
}
