import {
  catchError,
  concatMap,
  defaultIfEmpty,
  defer,
  map,
  Observable,
  of,
  take,
  type OperatorFunction,
} from 'rxjs';
import type { Message, Sendable } from '../engine';
import { ZmqError } from '../observables/errors';
import type { Receiving, Sending } from '../observables/types';
import { toObservable } from '../observables/consume';
import { buffersOf, checkFraming, unwrapRequest, type RequestFraming } from './request-framing';

/** Options of {@link replyWith}. */
export interface ReplyWithConfig {
  /**
   * Requests handled at once. The socket reads the next request only when a
   * handler finishes below this, so a slow handler pushes back on clients
   * through the high-water marks. Default 16 on a ROUTER; a REP handles one
   * request at a time, so there it must be 1 (its default).
   */
  concurrency?: number;
  /**
   * The wire framing, as the clients send it. `'rxzmq'` (default): a ROUTER
   * reads `[identity, ..., '', id, ...body]` and replies
   * `[identity, ..., '', id, ...reply]`; a REP reads `[id, ...body]` and
   * replies `[id, ...reply]`. `'txzmq'` (ROUTER only): reads
   * `[routing..., id, '', ...body]` and replies `[routing..., id, '', ...reply]`,
   * as txZMQ's `ZmqREPConnection`.
   */
  framing?: 'rxzmq' | 'txzmq';
}

/** What a handler learns of a request besides its body. */
export interface ReplyContext {
  /** The request's correlation id. */
  readonly id: Buffer;
  /** The routing frames before the id (ROUTER rxzmq: up to and including the empty delimiter; REP: none). */
  readonly envelope: readonly Buffer[];
}

/**
 * Answers one request: the reply's payload frames, a promise of them, or an
 * Observable whose first value is the reply (one that completes empty sends
 * no reply).
 */
export type ReplyHandler = (
  body: Buffer[],
  context: ReplyContext,
) => Sendable | PromiseLike<Sendable> | Observable<Sendable>;

/** One request handled by {@link replyWith}. */
export interface ReplyRecord {
  /** The request's payload frames (a malformed request: all its frames). */
  request: Buffer[];
  /** The reply's payload frames, once sent. Absent when no reply went out. */
  reply?: Buffer[];
  /** Why no reply went out: the handler's error, a `MalformedRequestError`, or the send's error. */
  error?: unknown;
}

/** A request whose frames do not follow the framing: no delimiter, or no id. */
export class MalformedRequestError extends ZmqError {
  override name = 'MalformedRequestError';
  /** The request as received, every frame. */
  readonly frames: Buffer[];

  constructor(reason: string, frames: Buffer[]) {
    super(`rxzmq: malformed request (${reason}) of ${frames.length} frames`, { code: 'EPROTO' });
    this.frames = frames;
  }
}

/** What {@link replyWith} needs of its source: a ROUTER or REP socket. */
type ServerSocket = Observable<Message> &
  Pick<Receiving, 'consume'> &
  Pick<Sending, 'send$'> & { readonly type: 'router' | 'rep' };

const isServerSocket = (source: unknown): source is ServerSocket => {
  const s = source as Partial<ServerSocket> | null;
  return (
    (s?.type === 'router' || s?.type === 'rep') && typeof s.send$ === 'function' && typeof s.consume === 'function'
  );
};

/** The reply a REP sends when it has none: an id-less frame that every requester drops, which frees REP to read on. */
const NO_REPLY = [Buffer.alloc(0)];

/**
 * Serves requests on a ROUTER or REP socket: the operator is applied to the
 * socket itself, calls `handler` with each request's payload frames and sends
 * its reply back to the caller with the request's envelope and id.
 *
 * ```
 * socket reads:   -a--b--------c---|      a, b, c = [identity, '', id, ...body]; | the socket closes
 * handler(a):     -^-------A              ^ called, A its reply (after 8 frames)
 * handler(b):     ----^-B                 (after 2 frames)
 * handler(c):     -------------#          (throws)
 * socket sends:   ------B--A--------      [identity, '', id, ...reply]
 * output:         ------r--r---e---|      r = { request, reply }, e = { request, error }
 * ```
 *
 * Requests are read with the socket's demand-driven `consume`, at most
 * `concurrency` at a time, so a slow handler pushes back instead of filling
 * the heap. A handler that throws, rejects or errors, or a malformed request
 * (`MalformedRequestError`: no empty delimiter, or no id), does not end the
 * stream: it gives a record with `error` and no reply goes out, so the client
 * times out. Each client times out on its own, per request, because one
 * failed or slow request must not take down a server (or client stream)
 * shared by everyone else. Over REP, whose strict alternation would stall
 * without a reply, the reply is then a single empty frame, which every
 * requester drops as carrying no known id.
 *
 * The output emits a {@link ReplyRecord} per request handled. It completes
 * when the socket closes, once the handlers running then have finished (their
 * replies cannot go out: they show as records with `ClosedError`); it errors
 * if the socket fails, and with `TypeError` at subscription if its source is
 * not a ROUTER or REP socket. Unsubscribing stops serving and unsubscribes
 * the handlers' Observables still running.
 *
 * ## Example
 * ```ts
 * import { dealer, router } from 'rxzmq';
 * import { requestReply, replyWith } from 'rxzmq/operators';
 * import { timer, map } from 'rxjs';
 *
 * const server = router({ bind: 'tcp://127.0.0.1:5555' });
 * server
 *   .pipe(replyWith((body) => timer(10).pipe(map(() => ['echo', ...body])), { concurrency: 64 }))
 *   .subscribe(({ request, error }) => error && console.warn('not answered', request, error));
 *
 * const request = requestReply(dealer({ connect: 'tcp://127.0.0.1:5555' }), 1000);
 * request(['ping']).subscribe(([echo, ping]) => console.log(`${echo} ${ping}`));
 * ```
 *
 * @see requestReply
 * @param handler Builds the reply from the request's payload frames and its `{ id, envelope }`.
 * @param config A {@link ReplyWithConfig}.
 * @returns An operator for a ROUTER or REP socket, emitting a {@link ReplyRecord} per request.
 * @throws TypeError when the handler or the config is not usable.
 */
export function replyWith(handler: ReplyHandler, config: ReplyWithConfig = {}): OperatorFunction<Message, ReplyRecord> {
  if (typeof handler !== 'function') throw new TypeError('rxzmq: replyWith needs a handler function');
  const framing = checkFraming(config.framing, 'replyWith');
  const { concurrency } = config;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new TypeError(`rxzmq: replyWith concurrency must be a positive integer, got ${concurrency}`);
  }
  return (source) =>
    new Observable<ReplyRecord>((subscriber) => {
      if (!isServerSocket(source)) {
        subscriber.error(new TypeError('rxzmq: replyWith must be applied to a ROUTER or REP socket'));
        return;
      }
      if (source.type === 'rep' && ((concurrency ?? 1) !== 1 || framing === 'txzmq')) {
        subscriber.error(new TypeError("rxzmq: replyWith on a REP socket needs concurrency 1 and framing 'rxzmq'"));
        return;
      }
      const limit = concurrency ?? (source.type === 'rep' ? 1 : 16);
      return source.consume((msg) => serve(source, framing, handler, msg), { concurrency: limit }).subscribe(subscriber);
    });
}

/** Handles one request; the Observable never errors, so one request cannot end the stream. */
function serve(socket: ServerSocket, framing: RequestFraming, handler: ReplyHandler, msg: Message): Observable<ReplyRecord> {
  const parsed = unwrapRequest(framing, socket.type, msg);
  const record$: Observable<ReplyRecord> =
    typeof parsed === 'string'
      ? of({ request: msg, error: new MalformedRequestError(parsed, msg) })
      : defer(() => toObservable(handler(parsed.body, { id: parsed.id, envelope: parsed.envelope }))).pipe(
          take(1),
          concatMap((value) => {
            const reply = buffersOf(value);
            return socket.send$([...parsed.head, ...reply]).pipe(map((): ReplyRecord => ({ request: parsed.body, reply })));
          }),
          defaultIfEmpty<ReplyRecord, ReplyRecord>({ request: parsed.body }),
          catchError((error: unknown) => of<ReplyRecord>({ request: parsed.body, error })),
        );
  if (socket.type !== 'rep') return record$;
  return record$.pipe(
    concatMap((record) =>
      record.reply
        ? of(record)
        : socket.send$(NO_REPLY).pipe(
            map(() => record),
            catchError(() => of(record)),
          ),
    ),
  );
}
