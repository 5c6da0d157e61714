import { Observable, from, isObservable, of, type Subscription } from 'rxjs';
import type { Message } from '../engine';
import type { Receiver } from './receiver';

/** What a {@link consume} handler may return: a value, a promise or an Observable. */
export type ConsumeResult<R> = R | PromiseLike<R> | Observable<R>;

/** Options of `socket.consume()`. */
export interface ConsumeConfig {
  /** Handlers running at once; the socket reads the next message only below this. Default 1. */
  concurrency?: number;
}

/** A handler's result (a value, a promise or an Observable) as an Observable. */
export function toObservable<R>(result: ConsumeResult<R>): Observable<R> {
  if (isObservable(result)) return result;
  if (result !== null && typeof (result as PromiseLike<R>)?.then === 'function') {
    return from(result as PromiseLike<R>);
  }
  return of(result as R);
}

/**
 * Demand-driven reading: runs `handler` on each message with at most
 * `concurrency` handlers in flight, and holds the socket's reading while
 * that many run. The socket's own receive high-water mark then pushes back
 * on the sender, instead of messages piling up in the heap.
 *
 * Reading is held for the whole socket (its stream is shared), so a slow
 * consumer also slows other subscribers of the same socket.
 */
export function consume<R>(
  receiver: Receiver,
  handler: (msg: Message) => ConsumeResult<R>,
  config: ConsumeConfig = {},
): Observable<R> {
  const concurrency = config.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`rxzmq: consume concurrency must be a positive integer, got ${concurrency}`);
  }
  return new Observable<R>((subscriber) => {
    const waiting: Message[] = [];
    const running = new Set<Subscription>();
    let sourceDone = false;

    const hold = receiver.holdSwitch();

    const finishIfIdle = (): void => {
      if (sourceDone && running.size === 0 && waiting.length === 0) subscriber.complete();
    };

    const run = (msg: Message): void => {
      let result: ConsumeResult<R>;
      try {
        result = handler(msg);
      } catch (err) {
        subscriber.error(err);
        return;
      }
      let inner: Subscription | undefined;
      let finished = false;
      const done = (): void => {
        finished = true;
        if (inner) running.delete(inner);
        const next = waiting.shift();
        if (next) run(next);
        else if (running.size < concurrency) hold(false);
        finishIfIdle();
      };
      inner = toObservable(result).subscribe({
        next: (value) => subscriber.next(value),
        error: (err) => subscriber.error(err),
        complete: done,
      });
      // A synchronous handler has already finished (and freed its slot).
      if (!finished) running.add(inner);
      if (running.size >= concurrency) hold(true);
    };

    const source = receiver.messages$.subscribe({
      next: (msg) => (running.size < concurrency ? run(msg) : waiting.push(msg)),
      error: (err) => subscriber.error(err),
      complete: () => {
        sourceDone = true;
        finishIfIdle();
      },
    });

    return () => {
      source.unsubscribe();
      for (const inner of running) inner.unsubscribe();
      running.clear();
      hold(false);
    };
  });
}
