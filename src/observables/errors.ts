/**
 * rxzmq's socket errors, all in one place. Each is a plain `Error` subclass
 * with a `name`, the underlying `cause`, and ZeroMQ's error `code` and
 * `errno` (`EADDRINUSE`, `EAGAIN`, ...) and the `endpoint` where there is one.
 */

/** What the structured fields of a {@link ZmqError} may hold. */
export interface ZmqErrorDetails {
  /** ZeroMQ's (or the OS's) error code, such as `EADDRINUSE`. */
  code?: string;
  /** The numeric errno that goes with `code`. */
  errno?: number;
  /** The endpoint the failure concerns. */
  endpoint?: string;
  /** The error this one wraps. */
  cause?: unknown;
}

/**
 * The base class of every rxzmq socket error.
 *
 * ## Example
 * ```ts
 * import { ZmqError } from 'rxzmq';
 * socket.errors$.subscribe((e: ZmqError) => console.warn(e.name, e.code, e.endpoint));
 * ```
 */
export class ZmqError extends Error {
  override name = 'ZmqError';
  readonly code?: string;
  readonly errno?: number;
  readonly endpoint?: string;

  constructor(message: string, details: ZmqErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.errno = details.errno;
    this.endpoint = details.endpoint;
  }
}

/** The socket is closed: `send` after `close()`, or sends discarded by it. */
export class ClosedError extends ZmqError {
  override name = 'ClosedError';
  constructor(message = 'rxzmq: socket is closed', details: ZmqErrorDetails = {}) {
    super(message, { code: 'ENOTSOCK', ...details });
  }
}

/**
 * The bounded queue in front of the socket is full, so a message was
 * refused (every socket type except PUB and XPUB, which drop and count).
 */
export class HighWaterMarkError extends ZmqError {
  override name = 'HighWaterMarkError';
  /** The bound that was reached. */
  readonly highWaterMark: number;
  constructor(highWaterMark: number) {
    super(`rxzmq: send queue is full (${highWaterMark} messages waiting)`, { code: 'EAGAIN' });
    this.highWaterMark = highWaterMark;
  }
}

/** `bind` failed: address in use, bad endpoint, unsupported transport... */
export class BindError extends ZmqError {
  override name = 'BindError';
}

/** `connect` (or `disconnect`/`unbind`) failed, typically on a bad endpoint. */
export class ConnectError extends ZmqError {
  override name = 'ConnectError';
}

/** Sending failed for a reason other than a full queue or a closed socket. */
export class SendError extends ZmqError {
  override name = 'SendError';
}

/** Reading failed; the socket's Observable errors with this. */
export class ReceiveError extends ZmqError {
  override name = 'ReceiveError';
}

/** Copies `code`, `errno` and `address` off an error thrown by an engine. */
export function detailsOf(err: unknown, endpoint?: string): ZmqErrorDetails {
  const e = err as { code?: unknown; errno?: unknown; address?: unknown };
  return {
    code: typeof e?.code === 'string' ? e.code : undefined,
    errno: typeof e?.errno === 'number' ? e.errno : undefined,
    endpoint: endpoint ?? (typeof e?.address === 'string' ? e.address : undefined),
    cause: err,
  };
}

/** The message of an unknown thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
