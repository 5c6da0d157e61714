import { catchError, concatMap, defer, map, Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { Sendable } from '../engine';
import { framesOf } from './frames';
import type { PeerLiveness } from './heartbeat';
import { deliver, isRouter, PeerList, type RouterTarget, type Target } from './targets';

/** Options of {@link roundRobin} over a ROUTER. */
export interface RoundRobinConfig {
  /**
   * Liveness changes of the peers (a heartbeat's `peers$`): dead peers leave
   * the rotation, live ones join it before they have sent anything.
   */
  liveness?: Observable<PeerLiveness>;
}

/**
 * Sends each value to exactly one target, taking turns: aiomsg's
 * round-robin send mode.
 *
 * - Over a list of targets (sockets, Subjects, any Observer): value i goes
 *   to target i mod n.
 * - Over a ROUTER socket: to the peers it has heard from, in the order they
 *   first spoke (the operator watches the socket's incoming stream while
 *   subscribed). Until some peer is known, values wait. A peer that turns
 *   out unreachable (with the ROUTER option `mandatory: true`) leaves the
 *   rotation and the value goes to the next one; without `mandatory`,
 *   libzmq drops messages for peers that left, so feed `liveness` from a
 *   heartbeat to keep the rotation current.
 *
 * Values go one at a time and are emitted once sent, so a held socket
 * slows the source down (values of a push source wait, as with `concatMap`).
 *
 * ```
 * source:  -a-b-c-d-|
 * roundRobin([x, y])
 * x gets:  -a---c----
 * y gets:  ---b---d--
 * result:  -a-b-c-d-|
 * ```
 *
 * ## Example
 * ```ts
 * import { router } from 'rxzmq';
 * import { roundRobin } from 'rxzmq/operators';
 * import { interval, map } from 'rxjs';
 *
 * const server = router({ bind: 'tcp://127.0.0.1:5561' });
 * interval(100).pipe(map((i) => `job ${i}`), roundRobin(server)).subscribe();
 * ```
 *
 * @see broadcast to send each value to every peer, toPeer to address one peer.
 * @param targets A ROUTER socket, or a list of targets.
 * @param config Liveness feed (ROUTER only).
 * @returns An operator that emits each value once it was delivered.
 */
export function roundRobin(router: RouterTarget, config?: RoundRobinConfig): MonoTypeOperatorFunction<Sendable>;
export function roundRobin<T>(targets: readonly Target<T>[]): MonoTypeOperatorFunction<T>;
export function roundRobin<T>(
  targets: RouterTarget | readonly Target<T>[],
  config: RoundRobinConfig = {},
): MonoTypeOperatorFunction<T> | MonoTypeOperatorFunction<Sendable> {
  if (isRouter(targets)) return overPeers(targets, config);
  if (!Array.isArray(targets) || targets.length === 0) {
    throw new TypeError('rxzmq: roundRobin needs a ROUTER socket or a non-empty list of targets');
  }
  const list = targets as readonly Target<T>[];
  return (source: Observable<T>) =>
    defer(() => {
      let turn = 0;
      return source.pipe(concatMap((value) => deliver(list[turn++ % list.length]!, value)));
    });
}

function overPeers(router: RouterTarget, config: RoundRobinConfig): MonoTypeOperatorFunction<Sendable> {
  return (source) =>
    new Observable<Sendable>((subscriber) => {
      const peers = new PeerList(router, config.liveness);
      let turn = 0;
      const sendOne = (payload: Sendable): Observable<Sendable> =>
        peers.known$.pipe(
          concatMap(() => {
            const list = peers.peers;
            const index = turn % list.length;
            turn = index + 1;
            const id = list[index]!;
            return deliver<Sendable>(router, [id, ...framesOf(payload)]).pipe(
              catchError((err: { code?: string }) => {
                if (err?.code !== 'EHOSTUNREACH') throw err;
                peers.remove(id);
                return sendOne(payload);
              }),
            );
          }),
        );
      const subscription = peers.watch((err) => subscriber.error(err));
      subscription.add(source.pipe(concatMap((payload) => sendOne(payload).pipe(map(() => payload)))).subscribe(subscriber));
      return subscription;
    });
}
