import { asyncScheduler, isObservable, Observable, Subscription, type SchedulerLike, type Subscriber } from 'rxjs';
import type { Frame, Message, Sendable } from '../engine';
import { ClosedError, ZmqError } from '../observables/errors';
import type { Sending } from '../observables/types';
import { framesOf } from './frames';
import { captureCaller } from './caller-stack';
import { checkFraming, ID_LENGTH, unwrapReply, wrapRequest, type RequestFraming } from './request-framing';

/** Options of {@link requestReply}. */
export interface RequestReplyConfig {
  /**
   * How long (ms) each attempt waits for its reply, counted from the moment
   * the attempt is handed to the socket. Required, finite and above 0.
   */
  timeout: number;
  /**
   * How many times a request is sent again after a timeout, with the same
   * correlation id (the Lazy Pirate pattern). A reply to any attempt
   * satisfies the request. Over REQ this needs the socket option
   * `relaxed: true`. Default 0.
   */
  retries?: number;
  /**
   * The wire framing. `'rxzmq'` (default): `['', id, ...body]` from a DEALER,
   * `[id, ...body]` from a REQ; served by `replyWith` on ROUTER or REP.
   * `'txzmq'` (DEALER only): `[id, '', ...body]` with a 16-byte id, as
   * txZMQ's `ZmqREQConnection` sends.
   */
  framing?: 'rxzmq' | 'txzmq';
  /** Runs the timeouts. Default `asyncScheduler` (virtual time inside `TestScheduler.run`). */
  scheduler?: SchedulerLike;
  /**
   * Capture the caller's stack when a request is made, so a
   * RequestTimeoutError's stack points at the caller rather than at a
   * timer. Default true; false saves a few microseconds per request
   * (V8 walks the async frames), as nats.js's `noAsyncTraces` does.
   */
  callerStack?: boolean;
}

/**
 * What {@link requestReply} needs of a socket: a DEALER or REQ (or anything
 * shaped like one) that is an Observable of received messages with `send$`.
 */
export type RequestReplySocket = Observable<Message> & Pick<Sending, 'send$'> & { readonly type: 'dealer' | 'req' };

/** Sends requests over one socket; see {@link requestReply}. */
export interface Requester {
  /**
   * A cold Observable of the reply to `request`: each subscription sends the
   * request and emits the reply's payload frames once, then completes.
   * Unsubscribing cancels the request.
   */
  (request: Sendable): Observable<Message>;
  /** Replies dropped: unknown, malformed, after a timeout or for a cancelled request. */
  readonly late: number;
  /** Requests subscribed to and not yet settled (over REQ, queued ones too). */
  readonly inFlight: number;
}

/**
 * No reply came in time: each of the request's `attempts` waited `timeout`
 * ms. Its `stack` is the stack of the call that made the request, not of the
 * timer that fired.
 */
export class RequestTimeoutError extends ZmqError {
  override name = 'RequestTimeoutError';
  /** The time (ms) each attempt waited. */
  readonly timeout: number;
  /** How many times the request was sent: 1 plus the retries used. */
  readonly attempts: number;
  /** The request's correlation id. */
  readonly id: Buffer | undefined;

  constructor(timeout: number, attempts: number, details: { id?: Buffer; callerStack?: string } = {}) {
    super(`rxzmq: no reply within ${timeout} ms (${attempts} ${attempts === 1 ? 'attempt' : 'attempts'})`, {
      code: 'ETIMEDOUT',
    });
    this.timeout = timeout;
    this.attempts = attempts;
    this.id = details.id;
    const frames = details.callerStack?.indexOf('\n') ?? -1;
    if (frames >= 0) this.stack = `${this.name}: ${this.message}${details.callerStack!.slice(frames)}`;
  }
}

/**
 * Sends requests over a DEALER or REQ socket and hands each caller its own
 * reply, matched by a correlation id, with a timeout and retries per request.
 *
 * ```
 * request('a'):   ^-----------        subscribed at frame 0; timeout 5, retries 1
 * socket sends:   A----A------        A = ['', id, 'a'], sent again at the timeout
 * socket reads:   -------R----        R = ['', id, 'r'], the reply to either attempt
 * result:         -------(r|)         r = ['r']
 *
 * no reply at all:
 * result:         ----------#         RequestTimeoutError at (retries + 1) * timeout
 * ```
 *
 * Many requests may be in flight over one DEALER; replies may come in any
 * order. While at least one request is in flight the requester holds one
 * subscription to the socket, shared by all of them, and routes each reply by
 * its id; with none in flight it lets go, so replies that arrive then wait in
 * the socket's queue and are read (and dropped as late) with the next request.
 * Replies that are malformed, carry an unknown id, arrive after their request
 * timed out or was cancelled are dropped and counted in `late`: they never
 * reach another caller and never fail the shared stream.
 *
 * Timeouts are per request rather than on the socket's stream: that stream is
 * shared by every request in flight, and one slow or lost reply must fail
 * only the caller who waits for it, not the others.
 *
 * Ids are 8 bytes (16 with `'txzmq'`): a random prefix drawn once per
 * requester, then a 32-bit counter, so they are unique among the requests in
 * flight and are not reused within 2^32 requests. Use one requester per
 * socket: replies meant for another requester count as late.
 *
 * A REQ socket allows one outstanding request (libzmq's strict alternation),
 * so over REQ requests queue and go one at a time; the timer of a queued
 * request starts when it is sent. After a timeout or a cancel, a strict REQ
 * refuses the next send (EFSM) until the old reply arrives; create the socket
 * with `relaxed: true` for retries and to carry on after a timeout.
 *
 * The request errors with `RequestTimeoutError` when its last attempt times
 * out, with the socket's `HighWaterMarkError`/`ClosedError`/`SendError` when
 * its send fails, and with `ClosedError` when the socket's stream ends while
 * it waits.
 *
 * ## Example
 * ```ts
 * import { dealer, router } from 'rxzmq';
 * import { requestReply, replyWith } from 'rxzmq/operators';
 * import { firstValueFrom } from 'rxjs';
 *
 * const server = router({ bind: 'tcp://127.0.0.1:5555' });
 * server.pipe(replyWith(([name]) => `hello ${name}`)).subscribe();
 *
 * const client = dealer({ connect: 'tcp://127.0.0.1:5555' });
 * const request = requestReply(client, { timeout: 1000, retries: 2 });
 * const [greeting] = await firstValueFrom(request('world'));
 * console.log(greeting.toString(), request.late, request.inFlight);
 * ```
 *
 * @see replyWith
 * @param socket A DEALER or REQ socket (`type`, `send$`, and an Observable of messages).
 * @param config A {@link RequestReplyConfig}, or just the timeout in ms.
 * @returns A {@link Requester}: `(request) => Observable<Message>` with `late` and `inFlight`.
 * @throws TypeError when the socket or the config is not usable.
 */
export function requestReply(socket: RequestReplySocket, config: RequestReplyConfig | number): Requester {
  const settings = typeof config === 'number' ? { timeout: config } : config;
  const correlator = new Correlator(socket, settings);
  const callerStack = settings.callerStack !== false;
  const requester = (request: Sendable): Observable<Message> => {
    const frames = framesOf(request);
    // The caller's stack, taken now: the timeout fires later, from a timer.
    const holder = captureCaller(callerStack, requester);
    return new Observable<Message>((subscriber) => correlator.open(frames, subscriber, holder));
  };
  return Object.defineProperties(requester, {
    late: { get: () => correlator.late, enumerable: true },
    inFlight: { get: () => correlator.inFlight, enumerable: true },
  }) as Requester;
}

/** One request from subscription to reply, timeout, failure or cancel. */
interface Pending {
  readonly key: string;
  readonly id: Buffer;
  readonly frames: Frame[];
  readonly subscriber: Subscriber<Message>;
  /** Holds the caller's stack, captured at the call, formatted only when a timeout reads it. */
  readonly caller: { stack?: string };
  attempts: number;
  done: boolean;
  timer?: Subscription;
  sending?: Subscription;
}

/** The state behind one {@link Requester}. */
class Correlator {
  late = 0;
  private readonly timeout: number;
  private readonly retries: number;
  private readonly framing: RequestFraming;
  private readonly scheduler: SchedulerLike;
  private readonly type: 'dealer' | 'req';
  private readonly pending = new Map<string, Pending>();
  /** REQ: requests waiting for their turn, and the one outstanding. */
  private readonly queue: Pending[] = [];
  private active: Pending | undefined;
  private replies: Subscription | undefined;
  private readonly idPrefix: Buffer;
  private counter = 0;

  constructor(
    private readonly socket: RequestReplySocket,
    config: RequestReplyConfig,
  ) {
    const s = socket as Partial<RequestReplySocket> | null;
    if (!isObservable(s) || typeof s.send$ !== 'function' || (s.type !== 'dealer' && s.type !== 'req')) {
      throw new TypeError('rxzmq: requestReply needs a DEALER or REQ socket (an Observable with type and send$)');
    }
    const { timeout, retries = 0, scheduler = asyncScheduler } = config ?? {};
    if (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout)) {
      throw new TypeError(`rxzmq: requestReply timeout must be a finite number of ms above 0, got ${timeout}`);
    }
    if (!Number.isInteger(retries) || retries < 0) {
      throw new TypeError(`rxzmq: requestReply retries must be an integer >= 0, got ${retries}`);
    }
    if (typeof scheduler?.schedule !== 'function') throw new TypeError('rxzmq: requestReply scheduler must be a SchedulerLike');
    this.framing = checkFraming(config.framing, 'requestReply');
    if (this.framing === 'txzmq' && s.type !== 'dealer') {
      throw new TypeError("rxzmq: requestReply framing 'txzmq' needs a DEALER socket");
    }
    this.timeout = timeout;
    this.retries = retries;
    this.scheduler = scheduler;
    this.type = s.type;
    this.idPrefix = Buffer.alloc(ID_LENGTH[this.framing] - 4);
    globalThis.crypto.getRandomValues(this.idPrefix);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** A subscription to a request: register it, listen for replies, send (or queue, over REQ). */
  open(body: readonly Frame[], subscriber: Subscriber<Message>, caller: { stack?: string }): () => void {
    const id = this.nextId();
    const key = id.toString('hex');
    const entry: Pending = {
      key,
      id,
      frames: wrapRequest(this.framing, this.type, id, body),
      subscriber,
      caller,
      attempts: 0,
      done: false,
    };
    this.pending.set(key, entry);
    this.listen(); // before sending, so no reply can pass unseen
    if (!entry.done) {
      if (this.type === 'dealer') this.attempt(entry);
      else {
        this.queue.push(entry);
        this.sendNextQueued();
      }
    }
    return () => this.finish(entry);
  }

  /** A fresh id, unique among those in flight: the random prefix, then the counter. */
  private nextId(): Buffer {
    for (;;) {
      this.counter = (this.counter + 1) >>> 0;
      const id = Buffer.allocUnsafe(this.idPrefix.length + 4);
      this.idPrefix.copy(id);
      id.writeUInt32BE(this.counter, this.idPrefix.length);
      if (!this.pending.has(id.toString('hex'))) return id;
    }
  }

  /** Sends (or resends) a request and starts the timer of that attempt. */
  private attempt(entry: Pending): void {
    entry.attempts++;
    entry.timer?.unsubscribe();
    entry.sending?.unsubscribe();
    entry.timer = this.scheduler.schedule(() => this.expire(entry), this.timeout);
    entry.sending = this.socket.send$(entry.frames).subscribe({ error: (err: unknown) => this.finish(entry, { err }) });
  }

  private expire(entry: Pending): void {
    if (entry.done) return;
    if (entry.attempts <= this.retries) this.attempt(entry);
    else {
      const { id, caller } = entry;
      this.finish(entry, { err: new RequestTimeoutError(this.timeout, entry.attempts, { id, callerStack: caller.stack }) });
    }
  }

  /** One shared subscription to the socket while anything is in flight. */
  private listen(): void {
    if (this.replies) return;
    const replies = new Subscription();
    this.replies = replies;
    replies.add(
      this.socket.subscribe({
        next: (msg) => this.route(msg),
        error: (err: unknown) => this.endAll(err),
        complete: () => this.endAll(undefined),
      }),
    );
  }

  private route(msg: Message): void {
    const reply = unwrapReply(this.framing, this.type, msg);
    const entry = reply && this.pending.get(reply.id.toString('hex'));
    // Queued REQ requests (attempts 0) have not been sent: nothing can answer them yet.
    if (!reply || !entry || entry.attempts === 0) this.late++;
    else this.finish(entry, { reply: reply.payload });
  }

  /** The socket's stream ended: every request waiting fails with ClosedError. */
  private endAll(cause: unknown): void {
    const replies = this.replies;
    this.replies = undefined;
    replies?.unsubscribe();
    this.queue.length = 0; // nothing more goes out over a closed socket
    const err = new ClosedError('rxzmq: the socket closed while the request waited for its reply', { cause });
    for (const entry of [...this.pending.values()]) this.finish(entry, { err });
  }

  /** Settles a request once: with its reply, an error, or (neither given) a cancel. */
  private finish(entry: Pending, outcome: { reply?: Message; err?: unknown } = {}): void {
    if (entry.done) return;
    entry.done = true;
    this.pending.delete(entry.key);
    entry.timer?.unsubscribe();
    entry.sending?.unsubscribe();
    if (this.active === entry) this.active = undefined;
    const queued = this.queue.indexOf(entry);
    if (queued >= 0) this.queue.splice(queued, 1);
    if (outcome.err !== undefined) entry.subscriber.error(outcome.err);
    else if (outcome.reply) {
      entry.subscriber.next(outcome.reply);
      entry.subscriber.complete();
    }
    if (this.pending.size === 0 && this.replies) {
      this.replies.unsubscribe();
      this.replies = undefined;
    }
    this.sendNextQueued();
  }

  /** REQ: sends the next queued request once none is outstanding. */
  private sendNextQueued(): void {
    if (this.type !== 'req' || this.active) return;
    const next = this.queue.shift();
    if (!next) return;
    this.active = next;
    this.attempt(next);
  }
}
