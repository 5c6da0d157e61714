import { concat, concatMap, defer, endWith, ignoreElements, Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { Sendable } from '../engine';
import { framesOf } from './frames';
import type { PeerLiveness } from './heartbeat';
import { deliver, isRouter, PeerList, type RouterTarget, type Target } from './targets';

/** Options of {@link broadcast} over a ROUTER. */
export interface BroadcastConfig {
  /** Liveness changes of the peers (a heartbeat's `peers$`): dead peers stop getting messages. */
  liveness?: Observable<PeerLiveness>;
}

/**
 * Sends each value to every target: aiomsg's publish send mode.
 *
 * - Over a list of targets (sockets, Subjects, any Observer): to each, in order.
 * - Over a ROUTER socket: to every peer it has heard from while the operator
 *   was subscribed (or that `liveness` reports alive). With no peer known,
 *   the value goes nowhere, as with PUB.
 *
 * Each value is emitted once every target has taken it.
 *
 * ```
 * source:  -a-b-|
 * broadcast([x, y])
 * x gets:  -a-b--
 * y gets:  -a-b--
 * result:  -a-b-|
 * ```
 *
 * ## Example
 * ```ts
 * import { router } from 'rxzmq';
 * import { broadcast } from 'rxzmq/operators';
 * import { of } from 'rxjs';
 *
 * const server = router({ bind: 'tcp://127.0.0.1:5562' });
 * of('shutdown').pipe(broadcast(server)).subscribe();
 * ```
 *
 * @see roundRobin, toPeer
 * @param targets A ROUTER socket, or a list of targets.
 * @param config Liveness feed (ROUTER only).
 * @returns An operator that emits each value once all targets took it.
 */
export function broadcast(router: RouterTarget, config?: BroadcastConfig): MonoTypeOperatorFunction<Sendable>;
export function broadcast<T>(targets: readonly Target<T>[]): MonoTypeOperatorFunction<T>;
export function broadcast<T>(
  targets: RouterTarget | readonly Target<T>[],
  config: BroadcastConfig = {},
): MonoTypeOperatorFunction<T> | MonoTypeOperatorFunction<Sendable> {
  if (isRouter(targets)) {
    const router = targets;
    return (source: Observable<Sendable>) =>
      new Observable<Sendable>((subscriber) => {
        const peers = new PeerList(router, config.liveness);
        const subscription = peers.watch((err) => subscriber.error(err));
        const toAll = (payload: Sendable): Observable<Sendable> =>
          toEach(
            peers.peers.map((id) => [id, ...framesOf(payload)]),
            (msg) => deliver<Sendable>(router, msg),
            payload,
          );
        subscription.add(source.pipe(concatMap(toAll)).subscribe(subscriber));
        return subscription;
      });
  }
  if (!Array.isArray(targets)) throw new TypeError('rxzmq: broadcast needs a ROUTER socket or a list of targets');
  const list = targets as readonly Target<T>[];
  return (source: Observable<T>) =>
    defer(() => source.pipe(concatMap((value) => toEach(list, (target) => deliver(target, value), value))));
}

/** Runs `send` for each item in order, then emits `value` once. */
function toEach<I, V>(items: readonly I[], send: (item: I) => Observable<unknown>, value: V): Observable<V> {
  return concat(...items.map(send)).pipe(ignoreElements(), endWith(value));
}
