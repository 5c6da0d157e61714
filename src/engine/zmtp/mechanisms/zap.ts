/**
 * ZAP (ZeroMQ RFC 27), in process: what a PLAIN or CURVE server asks its
 * `authenticate` handler about each client, and how the answer is read.
 */

/** What a server knows about a client when it asks whether to let it in. */
export interface ZapRequest {
  /** The server socket's `zapDomain` ('' when unset). */
  domain: string;
  /** The client's IP address (tcp), or '' (ipc). */
  address: string;
  /** The server socket's own routing id, as libzmq sends it ('' without one). */
  identity: Buffer;
  mechanism: 'PLAIN' | 'CURVE';
  /** PLAIN: the client's user name and password; CURVE: its long-term public key (32 bytes). */
  credentials: { username: string; password: string } | { publicKey: Buffer };
}

/** An approval carrying what the server learns about the client. */
export interface ZapReply {
  /** true lets the client in; false (or a status code) refuses it. Default true. */
  allow?: boolean;
  /** RFC 27 status code: 200 OK, 300 temporary error, 400 refused, 500 internal error. Default 200 or 400. */
  statusCode?: 200 | 300 | 400 | 500;
  /** The user id the connection is known by (libzmq's User-Id message property). */
  userId?: string;
  /** Extra properties of the connection (ZAP's metadata frame). */
  metadata?: Record<string, string | Buffer>;
}

/**
 * An in-process ZAP handler, the `authenticate` socket option: true (or a
 * reply with `allow` not false) lets the client in. A handler that throws or
 * rejects refuses it with status 500.
 *
 * ## Example
 * ```ts
 * const server = rep({
 *   engine: 'zmtp', plainServer: true, bind: 'tcp://127.0.0.1:*',
 *   authenticate: ({ credentials }) => 'username' in credentials && credentials.password === 'secret',
 * });
 * ```
 */
export type ZapHandler = (request: ZapRequest) => boolean | ZapReply | Promise<boolean | ZapReply>;

/** What a ZAP call decided. */
export interface ZapOutcome {
  allowed: boolean;
  /** 200 when allowed; 300, 400 or 500 otherwise. */
  statusCode: number;
  userId?: string;
  metadata?: Record<string, string | Buffer>;
}

const ALLOWED: ZapOutcome = { allowed: true, statusCode: 200 };
const FAILED: ZapOutcome = { allowed: false, statusCode: 500 };

function outcome(answer: boolean | ZapReply | undefined | null): ZapOutcome {
  if (answer === true) return ALLOWED;
  if (answer === false || answer === null || typeof answer !== 'object') return { allowed: false, statusCode: 400 };
  const allowed = answer.allow !== false && (answer.statusCode === undefined || answer.statusCode === 200);
  const statusCode = allowed ? 200 : answer.statusCode !== undefined && answer.statusCode !== 200 ? answer.statusCode : 400;
  return allowed ? { allowed, statusCode, userId: answer.userId, metadata: answer.metadata } : { allowed, statusCode };
}

/**
 * Asks `handler` (none: everyone is let in, as libzmq does without a ZAP
 * handler) and calls `done` with the outcome: at once when the handler
 * answers synchronously, else when its promise settles. It never throws:
 * a handler that throws or rejects counts as a refusal with status 500.
 */
export function callZap(handler: ZapHandler | undefined, request: ZapRequest, done: (outcome: ZapOutcome) => void): void {
  if (!handler) return done(ALLOWED);
  let answer: ReturnType<ZapHandler>;
  try {
    answer = handler(request);
  } catch {
    return done(FAILED);
  }
  if (answer instanceof Promise) {
    answer.then(
      (value) => done(outcome(value)),
      () => done(FAILED),
    );
  } else done(outcome(answer));
}
