import { BehaviorSubject, Observable, Subject } from 'rxjs';
import type { EngineSocket, Sendable } from '../engine';
import { ClosedError, HighWaterMarkError, SendError, ZmqError, detailsOf, messageOf } from './errors';

/** How the queue in front of the engine behaves. */
export interface SendQueueConfig {
  /** Messages the queue holds (including the one being handed over). */
  highWaterMark: number;
  /** `writable$` turns true again once the queue is down to this many. */
  lowWaterMark: number;
  /** PUB/XPUB: drop and count when full, instead of refusing with an error. */
  dropWhenFull: boolean;
}

type Settle = (err?: Error) => void;

/** The typed error for an engine's send failure. */
const sendError = (err: Error): SendError => new SendError(`rxzmq: send failed: ${messageOf(err)}`, detailsOf(err));

/**
 * The sending half of a socket: a bounded FIFO that hands messages to the
 * engine one at a time, in order. Messages and their (optional) completion
 * callbacks live in two parallel arrays read from `head`, so `next()` costs
 * no allocation beyond the array slot.
 */
export class SendQueue {
  private messages: (Sendable | undefined)[] = [];
  private settles: (Settle | undefined)[] = [];
  private head = 0;
  private inFlight = false;
  private pumping = false;
  private ending = false;
  private done = false;
  private dropCount = 0;
  private isWritable = true;
  private readonly writable = new BehaviorSubject<boolean>(true);
  private readonly errors = new Subject<ZmqError>();

  /** True while the queue is below its high mark (see {@link SendQueueConfig}). */
  readonly writable$: Observable<boolean> = this.writable.asObservable();
  /** Errors from `next()` sends that have no promise to carry them. */
  readonly errors$: Observable<ZmqError> = this.errors.asObservable();

  constructor(
    private readonly engine: EngineSocket,
    private readonly config: SendQueueConfig,
    /** Called once, when `end()` has been asked for and the queue is empty. */
    private readonly onDrained: () => void,
  ) {}

  /** Messages queued, counting the one being handed to the engine. */
  get size(): number {
    return this.messages.length - this.head;
  }

  /** Messages dropped because the queue was full (PUB/XPUB only). */
  get dropped(): number {
    return this.dropCount;
  }

  /** True once `end()` or `close()` was called: nothing more is accepted. */
  get closed(): boolean {
    return this.ending || this.done;
  }

  /** Queues `msg`; a failure goes to `errors$`, never to the caller's stack. */
  push(msg: Sendable): void {
    if (this.closed) return;
    if (this.size >= this.config.highWaterMark) {
      this.refuse(undefined);
      return;
    }
    this.enqueue(msg, undefined);
  }

  /** Queues `msg` and resolves when the engine has taken it. */
  send(msg: Sendable): Promise<void> {
    if (this.engine.sendAsync && !this.closed && !this.inFlight && this.size === 0) {
      return this.sendNow(msg, this.engine.sendAsync);
    }
    return new Promise((resolve, reject) => this.submit(msg, (err) => (err ? reject(err) : resolve())));
  }

  /**
   * Queues `msg` and calls `settle` once the engine has taken it, or with the
   * error that refused it. No promise is involved, so an engine that takes
   * messages synchronously (the in-memory model) settles in the same turn.
   */
  submit(msg: Sendable, settle: Settle): void {
    if (this.closed) settle(new ClosedError());
    else if (this.size >= this.config.highWaterMark) this.refuse(settle);
    else this.enqueue(msg, settle);
  }

  /**
   * `send()` on an idle queue, the `await socket.send(msg)` loop: returns the
   * engine's promise chained once, instead of a new Promise, its executor and
   * a settle closure per message. The message counts in `size` while the
   * engine holds it, as on the queued path; `close()` meanwhile still makes
   * it reject with ClosedError.
   */
  private sendNow(msg: Sendable, sendAsync: (msg: Sendable) => Promise<void>): Promise<void> {
    this.add(msg, undefined);
    this.inFlight = true;
    let pending: Promise<void>;
    try {
      pending = sendAsync.call(this.engine, msg);
    } catch (err) {
      return Promise.reject(this.settleNow(err as Error));
    }
    return pending.then(this.sentNow, this.failedNow);
  }

  private readonly sentNow = (): void => {
    const failure = this.settleNow(undefined);
    if (failure) throw failure;
  };

  private readonly failedNow = (err: Error): never => {
    throw this.settleNow(err);
  };

  /** Frees the slot of a `sendNow` message; returns the error its promise rejects with, if any. */
  private settleNow(err: Error | undefined): Error | undefined {
    if (this.done) return new ClosedError('rxzmq: socket closed before the message was sent');
    this.onSent(); // no settle recorded for this slot, so nothing goes to errors$
    return err && sendError(err);
  }

  /** Flushes what is queued, then calls `onDrained`. */
  end(): void {
    if (this.closed) return;
    this.ending = true;
    this.drainIfEnded();
  }

  /** Stops at once: queued messages are rejected with {@link ClosedError}. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.ending = true;
    const settles = this.settles;
    const head = this.head;
    this.messages = [];
    this.settles = [];
    this.head = 0;
    for (let i = head; i < settles.length; i++) settles[i]?.(new ClosedError('rxzmq: socket closed before the message was sent'));
    this.writable.complete();
    this.errors.complete();
  }

  private refuse(settle: Settle | undefined): void {
    if (this.config.dropWhenFull) {
      this.dropCount++;
      settle?.();
      return;
    }
    const err = new HighWaterMarkError(this.config.highWaterMark);
    if (settle) settle(err);
    else this.errors.next(err);
  }

  private enqueue(msg: Sendable, settle: Settle | undefined): void {
    this.add(msg, settle);
    this.pump();
  }

  /** Appends a message to the queue and turns `writable$` false at the high mark. */
  private add(msg: Sendable, settle: Settle | undefined): void {
    this.messages.push(msg);
    this.settles.push(settle);
    if (this.isWritable && this.size >= this.config.highWaterMark) this.setWritable(false);
  }

  /** Hands messages over while the engine takes them synchronously. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    while (!this.inFlight && !this.done && this.head < this.messages.length) {
      this.inFlight = true;
      this.engine.send(this.messages[this.head]!, this.onSent);
    }
    this.pumping = false;
    this.drainIfEnded();
  }

  private readonly onSent = (err?: Error): void => {
    if (this.done) return;
    const settle = this.settles[this.head];
    this.messages[this.head] = undefined;
    this.settles[this.head] = undefined;
    this.head++;
    this.inFlight = false;
    this.compact();
    if (!this.isWritable && this.size <= this.config.lowWaterMark) this.setWritable(true);
    const failure = err && sendError(err);
    if (settle) settle(failure);
    else if (failure) this.errors.next(failure);
    this.pump();
  };

  private setWritable(writable: boolean): void {
    this.isWritable = writable;
    this.writable.next(writable);
  }

  /** Drops the consumed prefix of the arrays once it outweighs the rest. */
  private compact(): void {
    if (this.head < 1024 || this.head * 2 < this.messages.length) return;
    this.messages = this.messages.slice(this.head);
    this.settles = this.settles.slice(this.head);
    this.head = 0;
  }

  private drainIfEnded(): void {
    if (this.ending && !this.done && !this.inFlight && this.size === 0) {
      this.close();
      this.onDrained();
    }
  }
}
