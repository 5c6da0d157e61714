/**
 * aiozmq.rpc requests (client DEALER to server ROUTER): a 16-byte header,
 * then the call's name, args and kwargs; the server sees the routing
 * envelope in front.
 *
 * ```
 * client sends : header(16) | name | args | kwargs
 * server gets  : routing id ... | header(16) | name | args | kwargs
 * ```
 */
import { decodeCall, encodeCall, type AiozmqCall, type AiozmqCallInput } from './call';
import { REQUEST_HEADER_SIZE, packRequestHeader, unpackRequestHeader, type RequestHeader } from './header';
import { AiozmqProtocolError } from './protocol-error';
import { defaultPacker, type AiozmqPacker } from './values';

/** A request to encode: its header (fields, or 16 bytes as they are) and its call. */
export interface AiozmqRequestInput extends AiozmqCallInput {
  readonly header: RequestHeader | Uint8Array;
}

/** A request as a server decoded it. */
export interface DecodedRequest extends AiozmqCall {
  /** The frames before the last four (routing ids, a REQ's empty delimiter): the reply goes out behind them. */
  readonly envelope: Buffer[];
  /** The header as received; its id bytes go back verbatim in the reply. */
  readonly headerBytes: Buffer;
  /** The header's fields. */
  readonly header: RequestHeader;
  /** The request id, the only field an aiozmq server uses. */
  readonly requestId: number;
}

const REQUEST_FRAMES = 4;

/**
 * The 4 frames a client sends.
 *
 * ## Example
 * ```ts
 * const prefix = createHeaderPrefix();
 * let id = 0;
 * id = nextRequestId(id);
 * const frames = encodeRequest({
 *   header: { ...prefix, requestId: id, time: headerTime() },
 *   method: 'add',
 *   args: [1, 2],
 * });
 * await dealerSocket.send(frames);
 * ```
 *
 * @throws TypeError for header bytes that are not 16, a bad method name, args, kwargs or a
 * value that cannot be packed; RangeError for header fields out of range.
 */
export function encodeRequest(request: AiozmqRequestInput, packer: AiozmqPacker = defaultPacker): Buffer[] {
  const { header } = request;
  if (header instanceof Uint8Array && header.byteLength !== REQUEST_HEADER_SIZE) {
    throw new TypeError(`aiozmq: a request header has 16 bytes, got ${header.byteLength}`);
  }
  const headerBytes = header instanceof Uint8Array ? Buffer.from(header) : packRequestHeader(header);
  return [headerBytes, ...encodeCall(request, packer)];
}

/**
 * Reads a request as a ROUTER received it: the last four frames are the
 * request, the frames before them the envelope.
 *
 * @throws AiozmqProtocolError `'frame-count'` (fewer than 4 frames),
 * `'header'` (not 16 bytes), or one of {@link decodeCall}'s reasons; past
 * the header, the error carries `requestId`, `headerBytes` and `envelope`,
 * so the caller can still be answered (aiozmq itself drops such requests).
 */
export function decodeRequest(frames: readonly Buffer[], packer: AiozmqPacker = defaultPacker): DecodedRequest {
  if (frames.length < REQUEST_FRAMES) {
    throw new AiozmqProtocolError('frame-count', `a request has at least 4 frames, got ${frames.length}`);
  }
  const split = frames.length - REQUEST_FRAMES;
  const envelope = frames.slice(0, split);
  const [headerBytes, name, args, kwargs] = frames.slice(split);
  let header: RequestHeader;
  try {
    header = unpackRequestHeader(headerBytes);
  } catch (err) {
    throw err instanceof AiozmqProtocolError ? err.withDetails({ envelope }) : err;
  }
  try {
    return { envelope, headerBytes, header, requestId: header.requestId, ...decodeCall(name, args, kwargs, packer) };
  } catch (err) {
    if (!(err instanceof AiozmqProtocolError)) throw err;
    throw err.withDetails({ envelope, headerBytes, requestId: header.requestId });
  }
}
