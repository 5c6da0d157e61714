import { ignoreElements, merge, Observable, tap } from 'rxjs';
import type { Message, SocketType } from '../engine';
import type { Receiving } from '../observables';
import { sendTo, type SendTarget } from './sendTo';

/** A socket {@link proxy} can join: its type, and the halves that type has. */
export type ProxySocket = { readonly type: SocketType } & Partial<Receiving> & Partial<SendTarget>;

/** Options of {@link proxy}. */
export interface ProxyConfig {
  /** Gets a copy of every message forwarded, either way (ZeroMQ's capture socket; a PUB or PUSH socket fits). */
  capture?: { next(msg: Message): void };
}

const RECEIVES: ReadonlySet<SocketType> = new Set(['pair', 'sub', 'xsub', 'xpub', 'req', 'rep', 'dealer', 'router', 'pull']);
const SENDS: ReadonlySet<SocketType> = new Set(['pair', 'pub', 'xpub', 'xsub', 'req', 'rep', 'dealer', 'router', 'push']);

/**
 * Joins two sockets as ZeroMQ's built-in proxy does: what `frontend`
 * receives goes out of `backend`, and back the other way where the types
 * allow. The classic devices:
 *
 * - queue (shared request-reply broker): ROUTER frontend, DEALER backend;
 * - forwarder (pub-sub relay): XSUB frontend, XPUB backend (subscriptions
 *   travel back upstream);
 * - streamer (pipeline stage): PULL frontend, PUSH backend.
 *
 * Each direction reads demand-driven and sends one message at a time (see
 * {@link sendTo}), so a slow side pushes back through the high-water marks
 * instead of filling memory. Runs while subscribed; completes when both
 * directions have ended (their sockets closed); errors if a send fails.
 *
 * ```
 * frontend:  -a---b---|
 * backend:   ---x-----|
 * proxy:     ---------|      (a, b go out of backend; x out of frontend)
 * ```
 *
 * ## Example
 * ```ts
 * import { dealer, router } from 'rxzmq';
 * import { proxy } from 'rxzmq/operators';
 *
 * const clients = router({ bind: 'tcp://127.0.0.1:5559' });
 * const workers = dealer({ bind: 'tcp://127.0.0.1:5560' });
 * const broker = proxy(clients, workers).subscribe();
 * ```
 *
 * @param frontend The socket facing clients.
 * @param backend The socket facing services.
 * @param config A capture target.
 * @returns An Observable that forwards while subscribed and emits nothing.
 */
export function proxy(frontend: ProxySocket, backend: ProxySocket, config: ProxyConfig = {}): Observable<never> {
  const forward = (from: ProxySocket, to: ProxySocket): Observable<Message> | undefined => {
    if (!RECEIVES.has(from.type) || !SENDS.has(to.type)) return undefined;
    const sent = sendTo<Message>(to as SendTarget)(from as Receiving);
    return config.capture ? sent.pipe(tap((msg) => config.capture!.next(msg))) : sent;
  };
  const directions = [forward(frontend, backend), forward(backend, frontend)].filter((d) => d !== undefined);
  if (directions.length === 0) {
    throw new TypeError(`rxzmq: nothing can flow between a ${frontend.type.toUpperCase()} and a ${backend.type.toUpperCase()}`);
  }
  return merge(...directions).pipe(ignoreElements());
}
