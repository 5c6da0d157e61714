import type { SocketBase, Receiving, Sending, SocketOptions } from './types';
import { ZmqSocket } from './socket';

/** Options of {@link router}: `bind`/`connect`, rxzmq's options and libzmq's ROUTER options. */
export type RouterOptions = SocketOptions<'router'>;

/** A ROUTER socket: receives each message prefixed with the sender's routing id, and routes what it sends by that first frame. */
export interface RouterSocket extends SocketBase<'router'>, Receiving, Sending {}

/**
 * Creates a ROUTER socket. Set `mandatory` to get an error instead of a silent drop for unknown peers.
 *
 * ## Example
 * ```ts
 * import { router } from 'rxzmq';
 * const server = router({ bind: 'tcp://127.0.0.1:5560' });
 * server.subscribe(([id, ...body]) => server.next([id, ...body]));
 * ```
 */
export function router(options: RouterOptions = {}): RouterSocket {
  return new ZmqSocket('router', options);
}
