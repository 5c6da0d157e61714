/**
 * aiozmq.rpc's binary headers: 16 bytes in front of every request
 * (`struct "=HHLd"`) and 17 in front of every reply (`"=HHLd?"`), in the
 * little-endian byte order of the machines aiozmq runs on.
 */
import { randomInt } from 'node:crypto';
import { AiozmqProtocolError } from './protocol-error';

/** Bytes in a request header. */
export const REQUEST_HEADER_SIZE = 16;
/** Bytes in a reply header. */
export const REPLY_HEADER_SIZE = 17;
/** The last request id; the one after it is 0. */
export const MAX_REQUEST_ID = 0xffffffff;

/** The two fields that name the sender of a header, fixed for the life of a client or server. */
export interface HeaderPrefix {
  /** The process id modulo 65536 (u16). */
  readonly pid: number;
  /** A random u16 drawn once per client or server. */
  readonly random: number;
}

/** A request header, field by field. */
export interface RequestHeader extends HeaderPrefix {
  /** The request id (u32): 1 for a client's first call. */
  readonly requestId: number;
  /** Seconds since the epoch when the call was made (f64), as Python's `time.time()`. */
  readonly time: number;
}

/** A reply header: the **server's** prefix and time, the echoed request id, and whether the body is an error. */
export interface ReplyHeader extends RequestHeader {
  readonly isError: boolean;
}

/**
 * The prefix a new client or server stamps on its headers, as aiozmq makes
 * it: `os.getpid() % 0x10000` and `random.randrange(0x10000)`.
 *
 * @param pid The process id; default `process.pid`.
 * @param random The random half; default a fresh random u16.
 */
export function createHeaderPrefix(pid: number = process.pid, random: number = randomInt(0x10000)): HeaderPrefix {
  return { pid: pid % 0x10000, random };
}

/**
 * The id after `current`: ids start at 1 (after an initial 0) and wrap to 0
 * after 0xFFFFFFFF, as aiozmq's client counter does.
 */
export function nextRequestId(current: number): number {
  return current >= MAX_REQUEST_ID ? 0 : current + 1;
}

/** The current time as aiozmq writes it: seconds since the epoch, fractional. */
export function headerTime(): number {
  return Date.now() / 1000;
}

/**
 * Packs a request header into its 16 bytes.
 *
 * @throws RangeError if a field does not fit its size (u16, u16, u32).
 */
export function packRequestHeader(header: RequestHeader): Buffer {
  const bytes = Buffer.alloc(REQUEST_HEADER_SIZE);
  writeFields(bytes, header);
  return bytes;
}

/**
 * Packs a reply header into its 17 bytes.
 *
 * @throws RangeError if a field does not fit its size.
 */
export function packReplyHeader(header: ReplyHeader): Buffer {
  const bytes = Buffer.alloc(REPLY_HEADER_SIZE);
  writeFields(bytes, header);
  bytes.writeUInt8(header.isError ? 1 : 0, 16);
  return bytes;
}

/**
 * Reads a request header.
 *
 * @throws AiozmqProtocolError (`'header'`) unless `bytes` is exactly 16 bytes long.
 */
export function unpackRequestHeader(bytes: Uint8Array): RequestHeader {
  checkSize(bytes, REQUEST_HEADER_SIZE, 'request');
  return readFields(asBuffer(bytes));
}

/**
 * Reads a reply header; any nonzero last byte means an error, as Python's `?` does.
 *
 * @throws AiozmqProtocolError (`'header'`) unless `bytes` is exactly 17 bytes long.
 */
export function unpackReplyHeader(bytes: Uint8Array): ReplyHeader {
  checkSize(bytes, REPLY_HEADER_SIZE, 'reply');
  const buffer = asBuffer(bytes);
  return { ...readFields(buffer), isError: buffer.readUInt8(16) !== 0 };
}

function checkField(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`aiozmq: header field ${name} must be an integer from 0 to ${max}, got ${value}`);
  }
}

function writeFields(bytes: Buffer, header: RequestHeader): void {
  checkField('pid', header.pid, 0xffff);
  checkField('random', header.random, 0xffff);
  checkField('requestId', header.requestId, MAX_REQUEST_ID);
  bytes.writeUInt16LE(header.pid, 0);
  bytes.writeUInt16LE(header.random, 2);
  bytes.writeUInt32LE(header.requestId, 4);
  bytes.writeDoubleLE(header.time, 8);
}

function readFields(bytes: Buffer): RequestHeader {
  return {
    pid: bytes.readUInt16LE(0),
    random: bytes.readUInt16LE(2),
    requestId: bytes.readUInt32LE(4),
    time: bytes.readDoubleLE(8),
  };
}

function checkSize(bytes: Uint8Array, size: number, kind: string): void {
  if (bytes.byteLength !== size) {
    throw new AiozmqProtocolError('header', `a ${kind} header has ${size} bytes, got ${bytes.byteLength}`);
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
