import { concatMap, defer, isObservable, map, Observable, Subscription, tap } from 'rxjs';
import type { Message, Sendable } from '../engine';
import { HighWaterMarkError, type Receiving } from '../observables';

/** What {@link sendTo} sends through: any socket's sending half (only `send$` is used). */
export interface SendTarget {
  send$(msg: Sendable): Observable<void>;
}

/** Options of {@link sendTo}. */
export interface SendToConfig {
  /**
   * Values of a plain Observable source that may wait for their turn; one
   * more errors the result with `HighWaterMarkError`. Default: no bound
   * (as `concatMap`), since a push source cannot be slowed down.
   */
  bufferSize?: number;
}

/** A source {@link sendTo} can read: an Observable, a (possibly async) iterable, or a receiving socket. */
export type SendSource<T> = Observable<T> | AsyncIterable<T> | Iterable<T>;

const isReceiving = (source: unknown): source is Receiving =>
  isObservable(source) && typeof (source as Partial<Receiving>).consume === 'function';

/**
 * Sends every value of the source through `socket.send$`, and emits each
 * value once the socket has taken it. How far back-pressure reaches depends
 * on the source:
 *
 * - a receiving socket (a PULL, a ROUTER, ...) is read demand-driven: the
 *   next message is read only when the previous one was sent, so a slow
 *   target pushes back through both sockets' high-water marks;
 * - an iterable or async iterable is pulled one value at a time, only after
 *   the previous value was sent;
 * - a plain Observable cannot be slowed down: its values wait in order
 *   (as with `concatMap`; bound them with `bufferSize`) and go one at a time.
 *
 * Completes when the source has completed and the last value was sent.
 * Errors when the source errors or a send fails; then the source is
 * unsubscribed (an iterator's `return()` is called). The socket itself is
 * never completed or closed, as it may be shared: add
 * `finalize(() => socket.complete())` for that.
 *
 * ```
 * source:  -a-b-c-|
 * socket takes each at once:
 * result:  -a-b-c-|
 * socket holds b for 3 frames (source is an iterable):
 * result:  a---b-c|
 * ```
 *
 * ## Example
 * ```ts
 * import { pull, push } from 'rxzmq';
 * import { sendTo } from 'rxzmq/operators';
 *
 * // a streamer: forwards jobs at the pace the workers take them
 * const jobs = pull({ bind: 'tcp://127.0.0.1:5557' });
 * const workers = push({ bind: 'tcp://127.0.0.1:5558' });
 * sendTo(workers)(jobs).subscribe();
 *
 * // from an async generator, one value at a time
 * async function* lines() { yield 'a'; yield 'b'; }
 * sendTo(workers)(lines()).subscribe({ complete: () => console.log('all sent') });
 * ```
 *
 * @param socket The socket (or any {@link SendTarget}) to send through.
 * @param config How many values of a push source may wait.
 * @returns A function from a source to the Observable of what was sent; usable in `pipe()`.
 */
export function sendTo<T extends Sendable>(
  socket: SendTarget,
  config: SendToConfig = {},
): (source: SendSource<T>) => Observable<T> {
  if (typeof socket?.send$ !== 'function') throw new TypeError('rxzmq: sendTo needs a socket that can send');
  const bufferSize = config.bufferSize ?? Infinity;
  if (!(bufferSize >= 0)) throw new TypeError(`rxzmq: sendTo bufferSize must be >= 0, got ${config.bufferSize}`);
  const sendOne = (value: T): Observable<T> => socket.send$(value).pipe(map(() => value));
  return (source) => {
    if (isReceiving(source)) return source.consume((msg: Message) => sendOne(msg as unknown as T)) as Observable<T>;
    if (isObservable(source)) return fromPush(source, sendOne, bufferSize);
    if (isAsyncIterable(source)) return fromPull(() => source[Symbol.asyncIterator](), sendOne);
    if (isIterable(source)) return fromPull(() => source[Symbol.iterator](), sendOne);
    throw new TypeError('rxzmq: sendTo reads an Observable, an iterable or an async iterable');
  };
}

const isAsyncIterable = <T>(x: unknown): x is AsyncIterable<T> =>
  typeof (x as AsyncIterable<T>)?.[Symbol.asyncIterator] === 'function';
const isIterable = <T>(x: unknown): x is Iterable<T> => typeof (x as Iterable<T>)?.[Symbol.iterator] === 'function';

/** A push source: values wait in order (at most `bufferSize`) and go one at a time. */
function fromPush<T>(source: Observable<T>, sendOne: (value: T) => Observable<T>, bufferSize: number): Observable<T> {
  return defer(() => {
    let waiting = 0;
    return source.pipe(
      tap(() => {
        if (++waiting > bufferSize) throw new HighWaterMarkError(bufferSize);
      }),
      concatMap((value) => {
        waiting--;
        return sendOne(value);
      }),
    );
  });
}

/** A pull source: the next value is asked for only once the previous one was sent. */
function fromPull<T>(
  open: () => Iterator<T> | AsyncIterator<T>,
  sendOne: (value: T) => Observable<T>,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const iterator = open();
    let current: Subscription | undefined;
    let finished = false;
    // A trampoline: sends that complete synchronously loop here instead of recursing.
    let looping = false;
    let again = false;

    const fail = (err: unknown): void => {
      finished = true;
      subscriber.error(err);
    };

    const handle = (result: IteratorResult<T>): void => {
      if (subscriber.closed) return;
      if (result.done) {
        finished = true;
        subscriber.complete();
        return;
      }
      current = sendOne(result.value).subscribe({
        next: (sent) => subscriber.next(sent),
        error: fail,
        complete: step,
      });
    };

    const step = (): void => {
      if (looping) {
        again = true;
        return;
      }
      looping = true;
      do {
        again = false;
        if (subscriber.closed) break;
        let next: IteratorResult<T> | Promise<IteratorResult<T>>;
        try {
          next = iterator.next();
        } catch (err) {
          fail(err);
          break;
        }
        if (next instanceof Promise) next.then(handle, fail);
        else handle(next);
      } while (again);
      looping = false;
    };

    step();
    return () => {
      current?.unsubscribe();
      if (!finished) void Promise.resolve(iterator.return?.()).catch(() => undefined);
    };
  });
}
