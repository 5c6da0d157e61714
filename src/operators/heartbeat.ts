import {
  asyncScheduler,
  Observable,
  Subject,
  type MonoTypeOperatorFunction,
  type OperatorFunction,
  type SchedulerAction,
  type SchedulerLike,
  type Subscriber,
  type Subscription,
} from 'rxjs';
import type { Frame, Message, Sendable } from '../engine';
import { ZmqError } from '../observables/errors';

/** The default heartbeat frame. Treat it as read-only: {@link heartbeat} copies it when it is built. */
export const HEARTBEAT: Buffer = Buffer.from('rxzmq-heartbeat');

/** The longest delay a timer can wait; Node fires longer ones after 1 ms. */
const MAX_DELAY = 2 ** 31 - 1;

/** Options of {@link heartbeat}. */
export interface HeartbeatConfig {
  /**
   * Ms of outgoing silence after which `outgoing()` sends a heartbeat, and
   * again every `interval` ms while the stream stays idle. Required, > 0.
   */
  interval: number;
  /**
   * Ms of incoming silence after which the peer counts as dead. Default
   * `3 * interval`, so that one or two lost heartbeats are not a death.
   * Must be > 0; keep it above the peer's `interval`, or a live but idle
   * peer will seem to die between its heartbeats.
   */
  timeout?: number;
  /** The heartbeat frame. Default {@link HEARTBEAT} (`'rxzmq-heartbeat'`). Both ends must agree on it. */
  message?: Frame;
  /**
   * ROUTER mode: frame 0 of every message, in and out, is the peer's routing
   * id, and liveness and heartbeats are tracked per peer. Default false.
   */
  perPeer?: boolean;
  /** The scheduler of the timers. Default `asyncScheduler` (so `TestScheduler.run` drives it in virtual time). */
  scheduler?: SchedulerLike;
}

/** A change of a peer's liveness, as {@link Heartbeat.peers$} reports it. */
export interface PeerLiveness {
  /** The peer's routing id in per-peer mode; `undefined` in single-peer mode. */
  peer: Buffer | undefined;
  /** True: the peer sends again (or for the first time). False: it is dead, or no longer watched. */
  alive: boolean;
}

/** The two operators and the liveness feed that {@link heartbeat} builds; they share what they know of the peers. */
export interface Heartbeat {
  /**
   * The operator for the incoming stream (what the socket receives): removes
   * heartbeats and counts every message as a sign of life. Single-peer mode
   * errors with {@link PeerTimeoutError} after `timeout` ms of silence;
   * per-peer mode reports dead peers on `peers$` and never errors for them.
   */
  incoming(): MonoTypeOperatorFunction<Message>;
  /**
   * The operator for the outgoing stream (what you send to the socket):
   * passes every value through at once and adds a heartbeat message after
   * `interval` ms without one (per peer in per-peer mode).
   */
  outgoing<T extends Sendable>(): OperatorFunction<T, T | Buffer[]>;
  /**
   * Liveness changes as `incoming()` sees them: hot (late subscribers see
   * only later changes) and never completes. It emits only on change, so
   * for each peer `alive: true` and `alive: false` alternate. When the last
   * `incoming()` subscription ends, every peer still alive is reported
   * `alive: false`, since nothing watches it any more.
   */
  readonly peers$: Observable<PeerLiveness>;
}

/**
 * The peer sent nothing, not even a heartbeat, for `timeout` ms. Its stack
 * points at the code that called `incoming()`, not at the timer that fired.
 */
export class PeerTimeoutError extends ZmqError {
  override name = 'PeerTimeoutError';
  /** The silence, in ms, after which the peer counted as dead. */
  readonly timeout: number;
  /** The peer's routing id, when it is known. */
  readonly peer?: Buffer;

  /**
   * @param timeout The silence in ms.
   * @param details The peer, and the stack (an `Error().stack`) of the code to blame.
   */
  constructor(timeout: number, details: { peer?: Buffer; callerStack?: string } = {}) {
    const who = details.peer ? `peer 0x${details.peer.toString('hex')}` : 'the peer';
    super(`rxzmq: no message from ${who} for ${timeout} ms`, { code: 'ETIMEDOUT' });
    this.timeout = timeout;
    this.peer = details.peer;
    const caller = details.callerStack;
    if (caller !== undefined) this.stack = `${this.name}: ${this.message}\n${caller.slice(caller.indexOf('\n') + 1)}`;
  }
}

/**
 * Idle heartbeats out, dead-peer detection in: keeps a ZeroMQ conversation
 * alive through idle periods and finds out when the other end is gone.
 *
 * `incoming()` drops heartbeat messages (one frame equal to `message`; in
 * per-peer mode `[id, message]`) and counts every message as life. In
 * single-peer mode (DEALER, PAIR, a SUB of a PUB that heartbeats) a silence
 * of `timeout` ms errors the stream with {@link PeerTimeoutError}, as
 * RxJS's `timeout` does: a stream from one peer cannot go on meaningfully
 * without it, so the caller decides (`retry()`, reconnect, give up). The
 * timer starts at subscription.
 *
 * ```
 * interval = 3, timeout = 9 (frames)
 * source    a--h--h--b---------
 * incoming  a--------b--------#      h: heartbeat, dropped; #: PeerTimeoutError
 * peers$    A-----------------D      A: { peer: undefined, alive: true }; D: alive: false
 * ```
 *
 * `outgoing()` passes every value through at once and sends the heartbeat
 * message `[message]` when nothing passed for `interval` ms (counting from
 * subscription, the last value or the last heartbeat), so heartbeats cost
 * nothing while traffic flows. It completes and errors with its source.
 *
 * ```
 * interval = 4 (frames)
 * source    a-b-c------------d--|
 * outgoing  a-b-c---h---h---hd--|    h: [message]
 * ```
 *
 * In per-peer mode (ROUTER), frame 0 is the routing id. `incoming()` reports
 * each peer on `peers$` when it is first seen or comes back, and reports it
 * dead and forgets it after `timeout` ms of silence; it never errors for a
 * dead peer, because one dead peer must not end the stream that all the
 * others share. `outgoing()` sends `[id, message]` to each peer that
 * `incoming()` of the same `Heartbeat` sees alive, after `interval` ms
 * without a message to that peer; a dead peer gets no more heartbeats.
 *
 * REQ and REP cannot carry heartbeats: their strict send/receive alternation
 * has no room for an extra message. Use DEALER and ROUTER. libzmq's own
 * `heartbeatInterval` option (ZMTP PING) closes dead connections but tells
 * the application nothing; this operator does.
 *
 * ## Example
 * ```ts
 * import { dealer } from 'rxzmq';
 * import { heartbeat } from 'rxzmq/operators';
 * import { retry, Subject } from 'rxjs';
 *
 * const client = dealer({ connect: 'tcp://127.0.0.1:5560' });
 * const hb = heartbeat({ interval: 1000 });     // a peer silent for 3 s is dead
 * client.pipe(hb.incoming(), retry({ delay: 1000 })).subscribe(handle);
 * const requests$ = new Subject<string[]>();
 * requests$.pipe(hb.outgoing()).subscribe(client);
 * hb.peers$.subscribe(({ alive }) => console.log(alive ? 'server up' : 'server down'));
 * ```
 *
 * @see {@link PeerTimeoutError}
 * @param config The options, or just `interval` in ms.
 * @returns The `incoming()` and `outgoing()` operators and the `peers$` feed, sharing one view of the peers.
 * @throws TypeError when `interval` or `timeout` is not a positive number of ms, or `message` is not a frame.
 */
export function heartbeat(config: HeartbeatConfig | number): Heartbeat {
  const options = resolve(config);
  const table = new PeerTable(options);
  return {
    peers$: table.changes.asObservable(),
    incoming: () =>
      options.perPeer ? incomingFromMany(options, table) : incomingFromOne(options, table, new Error().stack),
    outgoing: <T extends Sendable>() => (options.perPeer ? outgoingToMany<T>(options, table) : outgoingToOne<T>(options)),
  };
}

interface Options {
  interval: number;
  timeout: number;
  message: Buffer;
  perPeer: boolean;
  scheduler: SchedulerLike;
}

function resolve(config: HeartbeatConfig | number): Options {
  const c = typeof config === 'number' ? { interval: config } : config;
  if (typeof c !== 'object' || c === null) {
    throw new TypeError(`rxzmq: heartbeat takes a config or an interval in ms, got ${String(config)}`);
  }
  const interval = delayOf('interval', c.interval);
  const message = c.message ?? HEARTBEAT;
  if (typeof message !== 'string' && !(message instanceof Uint8Array)) {
    throw new TypeError('rxzmq: heartbeat message must be a string or a Uint8Array');
  }
  return {
    interval,
    timeout: delayOf('timeout', c.timeout ?? 3 * interval),
    // A copy, so that changing HEARTBEAT or the caller's array cannot change the frame later.
    message: Buffer.from(asBuffer(message)),
    perPeer: c.perPeer ?? false,
    scheduler: c.scheduler ?? asyncScheduler,
  };
}

function delayOf(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || value > MAX_DELAY) {
    throw new TypeError(`rxzmq: heartbeat ${name} must be a number of ms in (0, ${MAX_DELAY}], got ${String(value)}`);
  }
  return value;
}

const asBuffer = (frame: Frame): Buffer =>
  typeof frame === 'string' ? Buffer.from(frame) : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);

/** A map key for a routing id: latin1 maps each byte to one character, so equal keys mean equal bytes. */
const keyOf = (id: Frame): string => asBuffer(id).toString('latin1');

const firstFrame = (value: Sendable): Frame | undefined =>
  typeof value === 'string' || value instanceof Uint8Array ? value : value[0];

/** True for a heartbeat: exactly one frame after `at` leading frames, equal to `beat`. */
const isHeartbeat = (msg: Message, at: number, beat: Buffer): boolean =>
  msg.length === at + 1 && msg[at].equals(beat);

interface IdleTimer {
  /** Records activity now. Cheap: it moves a timestamp, not a timer. */
  touch(): void;
  stop(): void;
}

/**
 * Calls `onIdle` each time `ms` pass without `touch()`, until stopped (also
 * from inside `onIdle`). The timer checks the last touch when it fires and
 * sleeps for the rest, so a busy stream does not reset a timer per message.
 */
function idleTimer(scheduler: SchedulerLike, ms: number, onIdle: () => void): IdleTimer {
  let last = scheduler.now();
  const action = scheduler.schedule(function (this: SchedulerAction<undefined>) {
    if (scheduler.now() - last >= ms) {
      onIdle();
      last = scheduler.now();
    }
    if (!this.closed) this.schedule(undefined, last + ms - scheduler.now());
  }, ms);
  return {
    touch: () => {
      last = scheduler.now();
    },
    stop: () => action.unsubscribe(),
  };
}

/** Subscribes to `source`, handing values to `next` and passing its end on to `subscriber`. */
function forward<T, R>(source: Observable<T>, subscriber: Subscriber<R>, next: (value: T) => void): Subscription {
  return source.subscribe({
    next,
    error: (err: unknown) => subscriber.error(err),
    complete: () => subscriber.complete(),
  });
}

/**
 * What `incoming()` learns, shared with `outgoing()` and `peers$` of the same
 * Heartbeat. Peers are watched only while an `incoming()` is subscribed.
 */
class PeerTable {
  readonly changes = new Subject<PeerLiveness>();
  /** Per-peer mode: the peers alive now, by key, each with the timer that declares it dead. */
  readonly alive = new Map<string, { peer: Buffer; timer: IdleTimer }>();
  /** Single-peer mode: unknown until the first message or timeout. */
  private single: boolean | undefined;
  private watchers = 0;

  constructor(private readonly options: Options) {}

  /** Counts one more `incoming()` subscription; call the function returned when it ends. */
  watch(): () => void {
    this.watchers++;
    return () => {
      if (--this.watchers > 0) return;
      if (this.single) this.mark(false);
      for (const [key, { peer }] of this.alive) this.drop(key, peer);
    };
  }

  /** Single-peer mode: the peer's state now; emits on change. */
  mark(alive: boolean): void {
    if (this.single === alive) return;
    this.single = alive;
    this.changes.next({ peer: undefined, alive });
  }

  /** Per-peer mode: a message came from `id`. */
  seen(id: Buffer): void {
    const key = keyOf(id);
    const known = this.alive.get(key);
    if (known) return known.timer.touch();
    const peer = Buffer.from(id);
    const timer = idleTimer(this.options.scheduler, this.options.timeout, () => this.drop(key, peer));
    this.alive.set(key, { peer, timer });
    this.changes.next({ peer, alive: true });
  }

  private drop(key: string, peer: Buffer): void {
    this.alive.get(key)?.timer.stop();
    this.alive.delete(key);
    this.changes.next({ peer, alive: false });
  }
}

function incomingFromOne(
  options: Options,
  table: PeerTable,
  callerStack: string | undefined,
): MonoTypeOperatorFunction<Message> {
  return (source) =>
    new Observable<Message>((subscriber) => {
      const unwatch = table.watch();
      const timer = idleTimer(options.scheduler, options.timeout, () => {
        table.mark(false);
        subscriber.error(new PeerTimeoutError(options.timeout, { callerStack }));
      });
      const subscription = forward(source, subscriber, (msg: Message) => {
        timer.touch();
        table.mark(true);
        if (!isHeartbeat(msg, 0, options.message)) subscriber.next(msg);
      });
      return () => {
        timer.stop();
        subscription.unsubscribe();
        unwatch();
      };
    });
}

function incomingFromMany(options: Options, table: PeerTable): MonoTypeOperatorFunction<Message> {
  return (source) =>
    new Observable<Message>((subscriber) => {
      const unwatch = table.watch();
      const subscription = forward(source, subscriber, (msg: Message) => {
        if (msg.length > 0) table.seen(msg[0]);
        if (!isHeartbeat(msg, 1, options.message)) subscriber.next(msg);
      });
      return () => {
        subscription.unsubscribe();
        unwatch();
      };
    });
}

function outgoingToOne<T extends Sendable>(options: Options): OperatorFunction<T, T | Buffer[]> {
  return (source) =>
    new Observable<T | Buffer[]>((subscriber) => {
      const timer = idleTimer(options.scheduler, options.interval, () => subscriber.next([options.message]));
      const subscription = forward(source, subscriber, (value: T) => {
        timer.touch();
        subscriber.next(value);
      });
      return () => {
        timer.stop();
        subscription.unsubscribe();
      };
    });
}

function outgoingToMany<T extends Sendable>(options: Options, table: PeerTable): OperatorFunction<T, T | Buffer[]> {
  return (source) =>
    new Observable<T | Buffer[]>((subscriber) => {
      const timers = new Map<string, IdleTimer>();
      const follow = ({ peer, alive }: PeerLiveness): void => {
        if (peer === undefined) return;
        const key = keyOf(peer);
        timers.get(key)?.stop();
        timers.delete(key);
        if (alive) timers.set(key, idleTimer(options.scheduler, options.interval, () => subscriber.next([peer, options.message])));
      };
      for (const { peer } of table.alive.values()) follow({ peer, alive: true });
      const changes = table.changes.subscribe(follow);
      const subscription = forward(source, subscriber, (value: T) => {
        const id = timers.size > 0 ? firstFrame(value) : undefined;
        if (id !== undefined) timers.get(keyOf(id))?.touch();
        subscriber.next(value);
      });
      return () => {
        changes.unsubscribe();
        subscription.unsubscribe();
        for (const timer of timers.values()) timer.stop();
        timers.clear();
      };
    });
}
