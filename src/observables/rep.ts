import type { SocketBase, Receiving, Sending, SocketOptions } from './types';
import { ZmqSocket } from './socket';

/** Options of {@link rep}: `bind`/`connect`, rxzmq's options and libzmq's REP options. */
export type RepOptions = SocketOptions<'rep'>;

/** A REP socket: strict request-reply server: receive one request, then send its reply. */
export interface RepSocket extends SocketBase<'rep'>, Receiving, Sending {}

/**
 * Creates a REP socket. libzmq routes each reply back to the sender of the last request.
 *
 * ## Example
 * ```ts
 * import { rep } from 'rxzmq';
 * const server = rep({ bind: 'tcp://127.0.0.1:5559' });
 * server.subscribe(([request]) => server.next(`pong ${request}`));
 * ```
 */
export function rep(options: RepOptions = {}): RepSocket {
  return new ZmqSocket('rep', options);
}
