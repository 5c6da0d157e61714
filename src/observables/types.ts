import type { Observable, Observer } from 'rxjs';
import type {
  Engine,
  EngineName,
  Frame,
  Message,
  Sendable,
  SocketEvent,
  SocketType,
  ZapHandler,
  ZmqOptions,
} from '../engine';
import type { ConsumeConfig, ConsumeResult } from './consume';
import type { Context } from './context';
import type { ZmqError } from './errors';

/** Options every rxzmq socket takes, on top of its type's libzmq options. */
export interface CommonOptions {
  /** Endpoint(s) to bind at creation, e.g. `'tcp://127.0.0.1:*'`. */
  bind?: string | readonly string[];
  /** Endpoint(s) to connect at creation. */
  connect?: string | readonly string[];
  /** The engine that moves bytes: a shipped engine's name or an engine. Default: the process default. */
  engine?: EngineName | Engine;
  /** The rxzmq {@link Context} that tracks the socket for `closeAll`-style shutdown. Default: `defaultContext`. */
  context?: Context;
  /**
   * Messages rxzmq queues in front of the engine before it refuses (or, for
   * PUB and XPUB, drops) more. Default: `sendHighWaterMark` (its 0 is
   * libzmq's "no limit": then none here either), else 1000.
   */
  sendQueueHighWaterMark?: number;
  /** `writable$` turns true again when the queue is down to this. Default: half the high mark. */
  sendQueueLowWaterMark?: number;
  /**
   * A PLAIN or CURVE server's in-process ZAP handler (RFC 27), called once
   * per client with its credentials: true (or a reply with a user id)
   * lets it in; false, a refusal or a throw keeps it out. Both engines.
   *
   * ## Example
   * ```ts
   * import { pull, curveKeyPair, z85Encode } from 'rxzmq';
   * const server = curveKeyPair();
   * const allowed = new Set<string>([]);
   * pull({ bind: 'tcp://127.0.0.1:*', curveServer: true, curveSecretKey: server.secretKey,
   *   authenticate: ({ credentials }) => 'publicKey' in credentials && allowed.has(z85Encode(credentials.publicKey)) });
   * ```
   */
  authenticate?: ZapHandler;
  /**
   * Busy polling (zmtp engine), `'auto'` (the default where the process
   * may use two CPUs or more, its cgroup CPU quota counted; 0, off, below)
   * or microseconds: after each read or
   * write on one of the socket's tcp or ipc connections, Node's event loop
   * keeps polling for I/O without sleeping for this long, so a reply that
   * lands meanwhile is read at once instead of after the process (and, on a
   * VM, its virtual CPU) has gone to sleep and been woken. Like Linux's
   * SO_BUSY_POLL it trades CPU for latency: while traffic flows the process
   * stays busy, and it spins at most this long after the last of it.
   * Everything else on the event loop runs as usual meanwhile. Measured
   * between two processes on loopback, one request at a time, 50 at both
   * ends: about 4x the round trips per second of 0 (docs/ENGINES.md). The
   * libzmq engine refuses it (ENOTSUP): its own I/O thread sleeps regardless.
   *
   * `'auto'` spins only where it pays: a REQ or DEALER, after sending a
   * lone request while its replies have been coming back within 250 µs,
   * until the reply is read (at most twice the last reply's wait, 100 µs),
   * so a spin costs no more CPU than the wait it shortens; batches,
   * streams, slow peers and every other socket type never spin. Measured:
   * one request at a time about 2.5 times the round trips of 0, nothing
   * changed with 100 in flight, and a client paced at a request per ms
   * uses about 4 points more of a core. Give `busyPoll: 0` to never spin;
   * `setDefaultBusyPoll` changes the default for every socket made afterwards.
   *
   * ## Example
   * ```ts
   * import { dealer } from 'rxzmq';
   * const client = dealer({ connect: 'tcp://127.0.0.1:5555', busyPoll: 50 });
   * const quiet = dealer({ connect: 'tcp://127.0.0.1:5555', busyPoll: 0 });
   * ```
   */
  busyPoll?: number | 'auto';
}

/**
 * The options of a socket type: `bind`/`connect`, rxzmq's own options, and
 * that type's libzmq options with zeromq.js's names and types
 * (`sendHighWaterMark`, `receiveHighWaterMark`, `linger`, `routingId`,
 * `reconnectInterval`, `heartbeatInterval`, `curveServerKey`, ...).
 *
 * `linger` defaults to 1000 ms in rxzmq (libzmq's default, forever, would
 * keep the process alive while a message waits for a peer that never comes).
 */
export type SocketOptions<T extends SocketType> = ZmqOptions<T> & CommonOptions;

/** SUB and XSUB: the topics to receive. A SUB with no topic receives nothing. */
export interface TopicOptions {
  /** Topic prefixes to subscribe to at creation; `''` receives everything. */
  topics?: Frame | readonly Frame[];
}

/** What every socket has: its lifecycle, endpoints and monitor. */
export interface SocketBase<T extends SocketType = SocketType> extends AsyncDisposable {
  /** The ZeroMQ socket type. */
  readonly type: T;
  /** Resolves once the binds and connects given at creation are done; rejects with a `BindError`/`ConnectError`. */
  readonly ready: Promise<void>;
  /** Resolves (never rejects) when the socket has closed, with the error that closed it, if any. */
  readonly closed: Promise<Error | undefined>;
  /** True once `close()` (or `complete()`/`error()`) has begun. */
  readonly isClosed: boolean;
  /** The endpoints bound now, resolved (`tcp://127.0.0.1:*` shows its port). */
  readonly bindings: readonly string[];
  /** The endpoints connected now. */
  readonly connections: readonly string[];
  /** The socket monitor as an Observable of typed events; started on first subscription. */
  readonly events$: Observable<SocketEvent>;
  /** Binds and resolves the real endpoint; rejects with `BindError`. */
  bind(endpoint: string): Promise<string>;
  /** Unbinds an endpoint as `bindings` shows it. */
  unbind(endpoint: string): Promise<void>;
  /** Connects (ZeroMQ connects in the background and reconnects by itself); throws `ConnectError` on a bad endpoint. */
  connect(endpoint: string): void;
  /** Disconnects a connected endpoint. */
  disconnect(endpoint: string): void;
  /**
   * Closes now: queued messages not yet handed to the engine are rejected
   * with `ClosedError`; those the engine holds get `linger` ms to leave.
   * Completes every subscriber. Closing twice is harmless.
   */
  close(): Promise<void>;
}

/** The receiving half: a hot, shared Observable of multipart messages. */
export interface Receiving extends Observable<Message>, AsyncIterable<Message> {
  /**
   * Demand-driven reading: `handler` runs on each message with at most
   * `concurrency` in flight; the socket reads on only as handlers finish.
   */
  consume<R>(handler: (msg: Message) => ConsumeResult<R>, config?: ConsumeConfig): Observable<R>;
}

/** The sending half: an Observer of sendable messages, plus a lossless `send`. */
export interface Sending extends Observer<Sendable> {
  /** Queues a send; a full queue or failure is reported on `errors$`, never thrown. */
  next(msg: Sendable): void;
  /**
   * `send` as a cold Observable: each subscription queues `msg`; it emits
   * once and completes when the engine has taken the message, or errors as
   * `send` rejects. Unsubscribing does not take back a queued message.
   * Nothing goes through a promise, so a pipeline of `send$` calls runs in
   * `TestScheduler` virtual time over the in-memory model.
   *
   * ## Example
   * ```ts
   * jobs$.pipe(concatMap((job) => socket.send$(job))).subscribe();
   * ```
   */
  send$(msg: Sendable): Observable<void>;
  /** Sends everything queued, then closes. */
  complete(): void;
  /** Closes at once (linger 0); queued messages are dropped. */
  error(err: unknown): void;
  /** Resolves when the engine has taken the message; rejects with `HighWaterMarkError`, `ClosedError` or `SendError`. */
  send(msg: Sendable): Promise<void>;
  /** False once the send queue reaches its high mark, true again at its low mark. */
  readonly writable$: Observable<boolean>;
  /** Failures of `next()` sends, which have no promise to carry them. Completes on close. */
  readonly errors$: Observable<ZmqError>;
  /** Messages waiting in the send queue. */
  readonly queued: number;
}

/** SUB and XSUB: change topics after creation. */
export interface Topics {
  /** The topics subscribed now. */
  readonly topics: readonly Frame[];
  /** Subscribes to more topic prefixes (`''` for everything). */
  addTopics(...topics: Frame[]): void;
  /** Removes topic prefixes added before. */
  removeTopics(...topics: Frame[]): void;
}

/**
 * A manual XPUB (`manual: true`, libzmq's ZMQ_XPUB_MANUAL): its
 * subscribers' subscriptions only reach the application, which decides
 * what each one gets. Both calls apply to the subscriber whose message
 * the application took last: call them from the handler of that
 * subscription message, synchronously. On an XPUB without `manual` they
 * throw a TypeError.
 */
export interface ManualTopics {
  /** Subscribes the subscriber of the last message taken to topic prefixes (`''` for everything). */
  addTopics(...topics: Frame[]): void;
  /** Cancels topic prefixes for the subscriber of the last message taken. */
  removeTopics(...topics: Frame[]): void;
}

/** PUB and XPUB drop messages their full queue cannot take, and count them. */
export interface Dropping {
  /** Messages dropped because the send queue was full. */
  readonly dropped: number;
}
