import { map, type OperatorFunction } from 'rxjs';
import type { Frame, Sendable } from '../engine';
import { framesOf } from './frames';

/**
 * Addresses each payload to one peer of a ROUTER socket, by its routing id:
 * aiomsg's send-to-identity mode. The result is ready for the ROUTER's
 * `next`/`send`/`sendTo`.
 *
 * ```
 * source:  -a-----b-----|
 * toPeer('w1')
 * result:  -[w1,a]-[w1,b]-|
 * ```
 *
 * ## Example
 * ```ts
 * import { router } from 'rxzmq';
 * import { sendTo, toPeer } from 'rxzmq/operators';
 * import { of } from 'rxjs';
 *
 * const server = router({ bind: 'tcp://127.0.0.1:5563' });
 * of('hello').pipe(toPeer('worker-1'), sendTo(server)).subscribe();
 * ```
 *
 * @see roundRobin, broadcast
 * @param identity The peer's routing id (its `routingId` option, or the id frame its messages arrive with).
 * @returns An operator from payloads to ROUTER messages.
 */
export function toPeer(identity: Frame): OperatorFunction<Sendable, Frame[]> {
  if (typeof identity !== 'string' && !(identity instanceof Uint8Array)) {
    throw new TypeError('rxzmq: toPeer needs a routing id (string or bytes)');
  }
  if (identity.length === 0) throw new TypeError('rxzmq: a routing id cannot be empty');
  return map((payload) => [identity, ...framesOf(payload)]);
}
