/**
 * The one error of the aiozmq wire format: frames that do not follow
 * aiozmq.rpc's layout. Python's aiozmq logs such messages ("Cannot unpack")
 * and drops them; rxzmq raises this, with whatever could be read before the
 * failure, so the RPC core can answer or count it.
 */

/**
 * Why a message could not be read:
 *
 * - `'frame-count'`: the wrong number of frames (a request needs at least 4,
 *   a reply exactly 2, a notification 3, a publication 4);
 * - `'header'`: a request header that is not 16 bytes, a reply header that is not 17;
 * - `'method'`: a method name that is not valid UTF-8;
 * - `'msgpack'`: a frame that is not one complete MessagePack value;
 * - `'map-key'`: a MessagePack map with a key that is not a string;
 * - `'args'`: positional arguments that are not an array;
 * - `'kwargs'`: keyword arguments that are not a map;
 * - `'error-body'`: an error reply whose body is not `[exc_type, exc_args, exc_repr]`.
 */
export type AiozmqProtocolErrorReason =
  | 'frame-count'
  | 'header'
  | 'method'
  | 'msgpack'
  | 'map-key'
  | 'args'
  | 'kwargs'
  | 'error-body';

/** What was already known about the message when it failed. */
export interface AiozmqProtocolErrorDetails {
  /** The request id, when the header could be read: the server can still answer, the client can still fail the call. */
  requestId?: number;
  /** The request header as received (16 bytes), when there was one. */
  headerBytes?: Buffer;
  /** The frames in front of the request (routing ids), to address an answer. */
  envelope?: readonly Buffer[];
  /** The failure underneath, such as the MessagePack decoder's error. */
  cause?: unknown;
}

/**
 * Frames that do not follow aiozmq.rpc's wire format.
 *
 * ## Example
 * ```ts
 * try {
 *   const call = decodeRequest(frames);
 * } catch (err) {
 *   if (err instanceof AiozmqProtocolError && err.requestId !== undefined) {
 *     // the header was readable: the caller can get an error reply
 *   }
 * }
 * ```
 */
export class AiozmqProtocolError extends Error {
  override name = 'AiozmqProtocolError';
  /** Which rule the message broke. */
  readonly reason: AiozmqProtocolErrorReason;
  /** See {@link AiozmqProtocolErrorDetails.requestId}. */
  readonly requestId?: number;
  /** See {@link AiozmqProtocolErrorDetails.headerBytes}. */
  readonly headerBytes?: Buffer;
  /** See {@link AiozmqProtocolErrorDetails.envelope}. */
  readonly envelope?: readonly Buffer[];

  constructor(reason: AiozmqProtocolErrorReason, message: string, details: AiozmqProtocolErrorDetails = {}) {
    super(`aiozmq: ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.reason = reason;
    this.requestId = details.requestId;
    this.headerBytes = details.headerBytes;
    this.envelope = details.envelope;
  }

  /** The same failure, with more of the message's context filled in. */
  withDetails(details: AiozmqProtocolErrorDetails): AiozmqProtocolError {
    const message = this.message.replace(/^aiozmq: /, '');
    return new AiozmqProtocolError(this.reason, message, {
      requestId: this.requestId,
      headerBytes: this.headerBytes,
      envelope: this.envelope,
      cause: this.cause,
      ...details,
    });
  }
}
