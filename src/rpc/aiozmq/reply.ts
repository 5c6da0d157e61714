/**
 * aiozmq.rpc replies (server ROUTER to client DEALER): a 17-byte header
 * with the server's own prefix and time, the echoed request id and an
 * error flag, then the MessagePack result or `[exc_type, exc_args, exc_repr]`.
 *
 * ```
 * server sends : envelope ... | header(17) | result or [exc_type, exc_args, exc_repr]
 * client gets  : header(17) | body
 * ```
 */
import type { WireError } from '../types';
import { exceptionMessage, exceptionRepr, toPythonName } from './errors';
import { headerTime, packReplyHeader, unpackReplyHeader, type HeaderPrefix, type ReplyHeader } from './header';
import { AiozmqProtocolError } from './protocol-error';
import { defaultPacker, type AiozmqPacker } from './values';

/** The server's side of a reply header: its prefix, and the time (default: now). */
export interface ServerHeaderFields extends HeaderPrefix {
  readonly time?: number;
}

interface ReplyAddress {
  /** The request's envelope, sent in front (none for a reply that needs no routing). */
  readonly envelope?: readonly Buffer[];
  /** The request's header bytes: its 4 id bytes (offset 4) are echoed verbatim. */
  readonly requestHeader: Uint8Array;
  /** The server's pid, random and time for the header. */
  readonly serverHeaderFields: ServerHeaderFields;
}

/**
 * A reply to encode: a `result`, or an `error`. The error's `name` goes
 * through {@link toPythonName} (a dotted name is sent as it is), its
 * `args` become `exc_args`, and `exc_repr` is built as Python's `repr`.
 */
export type AiozmqReplyInput = ReplyAddress & ({ readonly result: unknown } | { readonly error: WireError });

/** A reply as a client decoded it. */
export type DecodedReply =
  | { readonly requestId: number; readonly header: ReplyHeader; readonly isError: false; readonly value: unknown }
  | {
      readonly requestId: number;
      readonly header: ReplyHeader;
      readonly isError: true;
      /** `name` is the Python full name as sent (`'builtins.ValueError'`), `args` its `exc_args`, `message` Python's `str(exc)`. */
      readonly error: WireError;
      /** The sender's `repr(exc)`. */
      readonly repr: string;
    };

const REPLY_FRAMES = 2;
const MIN_REQUEST_HEADER = 8;

function errorBody(error: WireError, packer: AiozmqPacker): Buffer {
  const name = toPythonName(typeof error.name === 'string' && error.name !== '' ? error.name : 'Error');
  const args = Array.isArray(error.args) ? error.args : [];
  try {
    return packer.pack([name, args, exceptionRepr(name, args)]);
  } catch {
    // aiozmq sends nothing when the args cannot be packed, and its caller waits out its timeout; a message can always go.
    const fallback = typeof error.message === 'string' ? [error.message] : [];
    return packer.pack([name, fallback, exceptionRepr(name, fallback)]);
  }
}

/**
 * The frames of a reply: the envelope, the 17-byte header, the body. A
 * result that cannot be packed is answered as aiozmq answers it, with an
 * error (`builtins.TypeError`); error args that cannot be packed are
 * replaced by the error's message.
 *
 * @throws TypeError if `requestHeader` has fewer than 8 bytes; RangeError for header fields out of range.
 */
export function encodeReply(reply: AiozmqReplyInput, packer: AiozmqPacker = defaultPacker): Buffer[] {
  const { envelope = [], requestHeader, serverHeaderFields } = reply;
  if (!(requestHeader instanceof Uint8Array) || requestHeader.byteLength < MIN_REQUEST_HEADER) {
    throw new TypeError('aiozmq: requestHeader must be the request header bytes');
  }
  let isError = 'error' in reply;
  let body: Buffer;
  if ('error' in reply) {
    body = errorBody(reply.error, packer);
  } else {
    try {
      body = packer.pack(reply.result);
    } catch (err) {
      isError = true;
      body = errorBody({ name: 'TypeError', message: (err as Error).message, args: [(err as Error).message] }, packer);
    }
  }
  // Read and written in the same byte order, the 4 id bytes go back exactly as they came, as aiozmq's server sends them.
  const requestId = Buffer.from(requestHeader.buffer, requestHeader.byteOffset, requestHeader.byteLength).readUInt32LE(4);
  const time = serverHeaderFields.time ?? headerTime();
  const header = packReplyHeader({ pid: serverHeaderFields.pid, random: serverHeaderFields.random, requestId, time, isError });
  return [...envelope, header, body];
}

/**
 * Reads a reply as a DEALER received it.
 *
 * @throws AiozmqProtocolError `'frame-count'` (not exactly 2 frames),
 * `'header'` (not 17 bytes), `'msgpack'`/`'map-key'` (the body), or
 * `'error-body'` (an error body that is not `[str, array, str]`); past the
 * header the error carries `requestId`, so the call can fail at once
 * (aiozmq's client leaves it to its timeout).
 */
export function decodeReply(frames: readonly Buffer[], packer: AiozmqPacker = defaultPacker): DecodedReply {
  if (frames.length !== REPLY_FRAMES) {
    throw new AiozmqProtocolError('frame-count', `a reply has 2 frames, got ${frames.length}`);
  }
  const header = unpackReplyHeader(frames[0]);
  const { requestId } = header;
  let body: unknown;
  try {
    body = packer.unpack(frames[1]);
  } catch (err) {
    throw err instanceof AiozmqProtocolError ? err.withDetails({ requestId }) : err;
  }
  if (!header.isError) return { requestId, header, isError: false, value: body };
  if (
    !Array.isArray(body) ||
    body.length !== 3 ||
    typeof body[0] !== 'string' ||
    !Array.isArray(body[1]) ||
    typeof body[2] !== 'string'
  ) {
    throw new AiozmqProtocolError('error-body', 'an error reply is [exc_type, exc_args, exc_repr]', { requestId });
  }
  const [name, args, repr] = body as [string, unknown[], string];
  return { requestId, header, isError: true, error: { name, message: exceptionMessage(name, args), args }, repr };
}
