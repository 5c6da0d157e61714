import { ZmtpProtocolError } from './errors';
import { encodeCommand } from './frames';
import { encodeMetadata } from './metadata';

/** The most context a PING carries and a PONG echoes (RFC 37). */
const MAX_PING_CONTEXT = 16;
const MAX_TTL = 0xffff;
const MAX_REASON = 255;

/**
 * READY: the NULL handshake's command, carrying our metadata
 * (`{ 'Socket-Type': 'DEALER', Identity: id }`); see {@link encodeMetadata}.
 */
export function encodeReady(properties: Readonly<Record<string, string | Buffer>>): Buffer[] {
  return encodeCommand('READY', encodeMetadata(properties));
}

/**
 * ERROR: a fatal refusal, with a reason that can be logged. The grammar
 * allows at most 255 printable ASCII characters, so the reason is cut to 255
 * and anything else in it becomes `?` (this runs on error paths: it never
 * throws).
 */
export function encodeError(reason: string): Buffer[] {
  const text = reason.slice(0, MAX_REASON).replace(/[^\x20-\x7e]/g, '?');
  const data = Buffer.allocUnsafe(1 + text.length);
  data[0] = text.length;
  data.write(text, 1, 'latin1');
  return encodeCommand('ERROR', data);
}

/**
 * The reason in an ERROR command's data. Bytes after the reason are
 * ignored, as libzmq does.
 *
 * @throws ZmtpProtocolError `'bad-command'` when the reason is truncated
 */
export function parseError(data: Buffer): string {
  if (data.length < 1 || data[0] > data.length - 1) {
    throw new ZmtpProtocolError('bad-command', 'a truncated ZMTP ERROR command');
  }
  return data.toString('latin1', 1, 1 + data[0]);
}

/** SUBSCRIBE (ZMTP 3.1): messages starting with `topic` (all, when empty). `topic` is not copied. */
export function encodeSubscribe(topic: Buffer): Buffer[] {
  return encodeCommand('SUBSCRIBE', topic);
}

/** CANCEL (ZMTP 3.1): undoes one SUBSCRIBE of the same `topic`. `topic` is not copied. */
export function encodeCancel(topic: Buffer): Buffer[] {
  return encodeCommand('CANCEL', topic);
}

/**
 * PING (ZMTP 3.1): a heartbeat. The peer answers with a PONG echoing
 * `context`, and may close the connection if nothing arrives within the TTL.
 *
 * @param ttlDeciseconds time to live in tenths of a second, 0 to 65535 (0: none)
 * @param context 0 to 16 bytes the PONG echoes
 * @throws TypeError for a TTL outside 0-65535 or a context over 16 bytes
 */
export function encodePing(ttlDeciseconds: number, context: Buffer = Buffer.alloc(0)): Buffer[] {
  if (!Number.isInteger(ttlDeciseconds) || ttlDeciseconds < 0 || ttlDeciseconds > MAX_TTL) {
    throw new TypeError(`a ZMTP PING TTL is 0 to ${MAX_TTL} deciseconds, got ${ttlDeciseconds}`);
  }
  checkContext(context);
  const data = Buffer.allocUnsafe(2 + context.length);
  data.writeUInt16BE(ttlDeciseconds, 0);
  context.copy(data, 2);
  return encodeCommand('PING', data);
}

/**
 * A PING's TTL (deciseconds) and context (a slice of `data`). A context
 * longer than 16 bytes is cut to 16, as libzmq does.
 *
 * @throws ZmtpProtocolError `'bad-command'` when the TTL is missing
 */
export function parsePing(data: Buffer): { ttl: number; context: Buffer } {
  if (data.length < 2) throw new ZmtpProtocolError('bad-command', 'a ZMTP PING without a TTL');
  return { ttl: data.readUInt16BE(0), context: data.subarray(2, 2 + MAX_PING_CONTEXT) };
}

/**
 * PONG (ZMTP 3.1): the answer to a PING, echoing its context.
 *
 * @throws TypeError for a context over 16 bytes
 */
export function encodePong(context: Buffer): Buffer[] {
  checkContext(context);
  return encodeCommand('PONG', context);
}

function checkContext(context: Buffer): void {
  if (context.length > MAX_PING_CONTEXT) {
    throw new TypeError(`a ZMTP ping context is at most ${MAX_PING_CONTEXT} bytes, got ${context.length}`);
  }
}
