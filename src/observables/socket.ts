import { Observable } from 'rxjs';
import {
  resolveEngine,
  type EngineSocket,
  type Frame,
  type Message,
  type Sendable,
  type SocketEvent,
  type SocketType,
} from '../engine';
import { subscriptionMessage } from '../engine/subscription-message';
import { messageIterator } from './async-iterator';
import { consume, type ConsumeConfig, type ConsumeResult } from './consume';
import { defaultContext, type Context } from './context';
import { asyncDispose } from './dispose';
import { BindError, ClosedError, ConnectError, ZmqError, detailsOf, messageOf } from './errors';
import { Receiver } from './receiver';
import { SendQueue } from './send-queue';
import type { CommonOptions, Dropping, Receiving, Sending, SocketBase, SocketOptions, Topics } from './types';

/** rxzmq's default linger (ms): long enough to deliver, short enough to exit. */
const DEFAULT_LINGER = 1000;
/** libzmq's default send high-water mark. */
const DEFAULT_HWM = 1000;

/** Socket types that drop instead of refusing when their queue is full. */
const DROPPING: ReadonlySet<SocketType> = new Set(['pub', 'xpub']);

/**
 * The bound of the queue in front of the engine: `sendQueueHighWaterMark`,
 * else the engine's `sendHighWaterMark` (whose 0 is libzmq's "no limit", so
 * no limit here either), else libzmq's default.
 */
function queueHighWaterMark(queue: number | undefined, engine: number | undefined): number {
  if (queue !== undefined) {
    if (!(queue >= 1)) throw new TypeError(`rxzmq: sendQueueHighWaterMark must be at least 1, got ${queue}`);
    return queue;
  }
  if (engine === undefined) return DEFAULT_HWM;
  if (!(engine >= 0)) throw new TypeError(`rxzmq: sendHighWaterMark must be 0 (no limit) or more, got ${engine}`);
  return engine === 0 ? Infinity : engine;
}

const asList = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

const topicKey = (topic: Frame): string =>
  typeof topic === 'string' ? `s:${topic}` : `b:${Buffer.from(topic).toString('hex')}`;

/**
 * The one implementation behind every socket factory. It is an Observable
 * (the receiving half), an Observer (the sending half) and a lifecycle
 * object at once; each factory returns it typed with just the halves its
 * socket type has.
 */
export class ZmqSocket<T extends SocketType = SocketType>
  extends Observable<Message>
  implements SocketBase<T>, Receiving, Sending, Topics, Dropping
{
  readonly ready: Promise<void>;
  readonly closed: Promise<Error | undefined>;
  private readonly engine: EngineSocket;
  private readonly receiver: Receiver;
  private readonly queue: SendQueue;
  private readonly context: Context;
  private readonly topicSet = new Map<string, Frame>();
  private resolveClosed!: (err: Error | undefined) => void;
  private closing = false;
  private events?: Observable<SocketEvent>;

  readonly type: T;

  constructor(type: T, options: SocketOptions<T> & { topics?: Frame | readonly Frame[] }) {
    // The subscribe function runs only after construction, once `receiver` exists.
    const self: { receiver?: Receiver } = {};
    super((subscriber) => self.receiver!.messages$.subscribe(subscriber));
    this.type = type;
    const { bind, connect, engine, context, sendQueueHighWaterMark, sendQueueLowWaterMark, topics, ...zmqOptions } =
      options as SocketOptions<T> & CommonOptions & { topics?: Frame | readonly Frame[] };
    const high = queueHighWaterMark(sendQueueHighWaterMark, (zmqOptions as { sendHighWaterMark?: number }).sendHighWaterMark);
    if ((zmqOptions as { receiveTimeout?: unknown }).receiveTimeout !== undefined) {
      throw new TypeError(
        'rxzmq: receiveTimeout does not apply: a socket is a stream with no receive() call to time out; ' +
          "use RxJS timeout() on it, or requestReply's timeout",
      );
    }
    const linger = (zmqOptions as { linger?: number }).linger ?? DEFAULT_LINGER;
    this.engine = resolveEngine(engine).createSocket(type, { ...zmqOptions, linger });
    this.context = context ?? defaultContext;
    this.context.track(this);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.receiver = self.receiver = new Receiver(this.engine);
    this.queue = new SendQueue(
      this.engine,
      {
        highWaterMark: high,
        lowWaterMark: Math.min(sendQueueLowWaterMark ?? Math.floor(high / 2), high - 1),
        dropWhenFull: DROPPING.has(type),
      },
      () => this.shutdown(undefined),
    );
    if (topics !== undefined) this.addTopics(...(typeof topics === 'string' || topics instanceof Uint8Array ? [topics] : topics));
    this.ready = this.start(asList(bind), asList(connect));
    this.ready.catch(() => undefined); // failures also reach the Observable and `closed`
  }

  private async start(binds: readonly string[], connects: readonly string[]): Promise<void> {
    try {
      for (const endpoint of connects) this.connect(endpoint);
      await Promise.all(binds.map((endpoint) => this.bind(endpoint)));
    } catch (err) {
      this.shutdown(err as Error);
      throw err;
    }
  }

  // Lifecycle and endpoints.

  get isClosed(): boolean {
    return this.closing;
  }

  get bindings(): readonly string[] {
    return this.engine.bindings;
  }

  get connections(): readonly string[] {
    return this.engine.connections;
  }

  async bind(endpoint: string): Promise<string> {
    this.assertOpen();
    try {
      return await this.engine.bind(endpoint);
    } catch (err) {
      throw new BindError(`rxzmq: cannot bind ${endpoint}: ${messageOf(err)}`, detailsOf(err, endpoint));
    }
  }

  async unbind(endpoint: string): Promise<void> {
    this.assertOpen();
    try {
      await this.engine.unbind(endpoint);
    } catch (err) {
      throw new BindError(`rxzmq: cannot unbind ${endpoint}: ${messageOf(err)}`, detailsOf(err, endpoint));
    }
  }

  connect(endpoint: string): void {
    this.changeConnection('connect', endpoint);
  }

  disconnect(endpoint: string): void {
    this.changeConnection('disconnect', endpoint);
  }

  /** `connect`/`disconnect` with the engine's error turned into a ConnectError. */
  private changeConnection(verb: 'connect' | 'disconnect', endpoint: string): void {
    this.assertOpen();
    try {
      this.engine[verb](endpoint);
    } catch (err) {
      throw new ConnectError(`rxzmq: cannot ${verb} ${endpoint}: ${messageOf(err)}`, detailsOf(err, endpoint));
    }
  }

  get events$(): Observable<SocketEvent> {
    this.events ??= new Observable<SocketEvent>((subscriber) => {
      if (this.engine.closed) {
        subscriber.complete();
        return;
      }
      const stop = this.engine.monitor((event) => {
        subscriber.next(event);
        if (event.type === 'monitorStopped') subscriber.complete();
      });
      return stop;
    });
    return this.events;
  }

  close(): Promise<void> {
    this.shutdown(undefined);
    return this.closed.then(() => undefined);
  }

  [asyncDispose](): Promise<void> {
    return this.close();
  }

  private assertOpen(): void {
    if (this.closing) throw new ClosedError();
  }

  /** Closes the engine socket and ends both halves; `err` is the failure that closed it. */
  private shutdown(err: Error | undefined, linger?: number): void {
    if (this.closing) return;
    this.closing = true;
    this.queue.close();
    this.engine.close(linger);
    if (err) this.receiver.fail(err);
    else this.receiver.complete();
    this.context.untrack(this);
    this.resolveClosed(err);
  }

  // Receiving.

  consume<R>(handler: (msg: Message) => ConsumeResult<R>, config?: ConsumeConfig): Observable<R> {
    return consume(this.receiver, handler, config);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Message> {
    return messageIterator(this.receiver);
  }

  // Sending.

  next(msg: Sendable): void {
    this.queue.push(msg);
  }

  send(msg: Sendable): Promise<void> {
    return this.queue.send(msg);
  }

  send$(msg: Sendable): Observable<void> {
    return new Observable<void>((subscriber) =>
      this.queue.submit(msg, (err) => {
        if (err) subscriber.error(err);
        else {
          subscriber.next();
          subscriber.complete();
        }
      }),
    );
  }

  complete(): void {
    this.queue.end();
  }

  error(err: unknown): void {
    const failure = err instanceof Error ? err : new ZmqError(messageOf(err), { cause: err });
    this.shutdown(failure, 0);
  }

  get writable$(): Observable<boolean> {
    return this.queue.writable$;
  }

  get errors$(): Observable<ZmqError> {
    return this.queue.errors$;
  }

  get queued(): number {
    return this.queue.size;
  }

  get dropped(): number {
    return this.queue.dropped;
  }

  // Topics (SUB and XSUB).

  get topics(): readonly Frame[] {
    return [...this.topicSet.values()];
  }

  addTopics(...topics: Frame[]): void {
    // A manual XPUB's topics are per subscriber (the one of the last message taken): libzmq keeps them.
    if (this.type === 'xpub') {
      for (const topic of topics) this.engine.addTopic(topic);
      return;
    }
    for (const topic of topics) {
      const key = topicKey(topic);
      if (this.topicSet.has(key)) continue;
      this.topicSet.set(key, topic);
      this.changeTopic(topic, true);
    }
  }

  removeTopics(...topics: Frame[]): void {
    if (this.type === 'xpub') {
      for (const topic of topics) this.engine.removeTopic(topic);
      return;
    }
    for (const topic of topics) {
      if (!this.topicSet.delete(topicKey(topic))) continue;
      this.changeTopic(topic, false);
    }
  }

  /** SUB filters in the engine; XSUB sends `\x01topic` / `\x00topic` through its queue, in order with its messages. */
  private changeTopic(topic: Frame, add: boolean): void {
    if (this.type === 'xsub') {
      this.queue.push(subscriptionMessage(add, typeof topic === 'string' ? Buffer.from(topic) : topic));
    } else if (add) this.engine.addTopic(topic);
    else this.engine.removeTopic(topic);
  }
}
