import { Observable, type Subscriber } from 'rxjs';
import type { EngineSocket, Message, ReceiveHandler } from '../engine';
import { ReceiveError, detailsOf, messageOf } from './errors';

/**
 * The receiving half of a socket: one read loop shared by every subscriber.
 *
 * It reads from the engine only while someone is subscribed and nobody has
 * asked to hold reading (demand-driven consumers do, see `hold()`); with no
 * reader, messages wait in the engine, bounded by its receive high-water
 * mark. A message that arrives after reading stopped (an engine may have had
 * one read in flight) is kept and handed to the next subscriber, so nothing
 * read is lost.
 *
 * The subscribers sit in an array of its own rather than an RxJS Subject:
 * every message passes here, and rxjs 7's CommonJS `Subject.next` allocates
 * a closure and an iterator per message. The semantics are a Subject's: a
 * message goes to the subscribers present when it arrives, and a subscriber
 * that comes after the end gets the end.
 */
export class Receiver implements ReceiveHandler {
  /** Replaced, never changed in place, so a delivery in progress keeps its list. */
  private observers: readonly Subscriber<Message>[] = [];
  private readonly kept: Message[] = [];
  /** Why the stream ended, once it has (`undefined` with `ended`: completed). */
  private failure: Error | undefined;
  private holds = 0;
  private reading = false;
  private ended = false;

  readonly messages$: Observable<Message> = new Observable((subscriber) => this.attach(subscriber));

  constructor(private readonly engine: EngineSocket) {}

  /** Stops reading until `release()`: the caller has all it can handle. */
  hold(): void {
    this.holds++;
    this.update();
  }

  /** Undoes one `hold()`. */
  release(): void {
    this.holds--;
    this.update();
  }

  /**
   * A switch over one hold, for a consumer that holds and releases as its
   * buffer fills and drains: `set(true)` holds, `set(false)` releases, and
   * repeating either is a no-op.
   */
  holdSwitch(): (on: boolean) => void {
    let holding = false;
    return (on) => {
      if (on === holding) return;
      holding = on;
      if (on) this.hold();
      else this.release();
    };
  }

  /**
   * Gives back messages a subscriber took but did not use (an async
   * iterator's read-ahead when its loop breaks): when nobody else is
   * subscribed, they go first to the next subscriber; otherwise the others
   * have seen them already.
   */
  unread(msgs: readonly Message[]): void {
    if (this.observers.length === 0 && !this.ended) this.kept.unshift(...msgs);
  }

  /** The socket closed: complete every subscriber. */
  complete(): void {
    if (this.ended) return;
    this.ended = true;
    for (const observer of this.observers) observer.complete();
  }

  /** The socket failed: error every subscriber, now and later. */
  fail(err: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = err;
    for (const observer of this.observers) observer.error(err);
  }

  // ReceiveHandler, called by the engine.
  message(msg: Message): void {
    const observers = this.observers;
    if (observers.length === 1) observers[0]!.next(msg);
    else if (observers.length === 0) this.kept.push(msg);
    else for (const observer of observers) observer.next(msg);
  }

  error(err: unknown): void {
    this.fail(new ReceiveError(`rxzmq: receive failed: ${messageOf(err)}`, detailsOf(err)));
  }

  private attach(subscriber: Subscriber<Message>): () => void {
    if (this.ended) {
      if (this.failure) subscriber.error(this.failure);
      else subscriber.complete();
      return () => undefined;
    }
    this.observers = [...this.observers, subscriber];
    while (this.kept.length > 0 && !subscriber.closed) this.message(this.kept.shift()!);
    this.update();
    return () => {
      this.observers = this.observers.filter((observer) => observer !== subscriber);
      this.update();
    };
  }

  private update(): void {
    const want = this.observers.length > 0 && this.holds === 0 && !this.ended && !this.engine.closed;
    if (want === this.reading) return;
    this.reading = want;
    if (want) this.engine.startReceive(this);
    else if (!this.engine.closed) this.engine.pauseReceive();
  }
}
