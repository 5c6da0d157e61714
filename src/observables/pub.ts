import type { SocketBase, Sending, Dropping, SocketOptions } from './types';
import { ZmqSocket } from './socket';

/** Options of {@link pub}: `bind`/`connect`, rxzmq's options and libzmq's PUB options. */
export type PubOptions = SocketOptions<'pub'>;

/** A PUB socket: sends each message to every subscriber whose topic prefix matches; never receives. */
export interface PubSocket extends SocketBase<'pub'>, Sending, Dropping {}

/**
 * Creates a PUB socket. When its send queue is full it drops the message and counts it in `dropped`, as libzmq does for a slow subscriber.
 *
 * ## Example
 * ```ts
 * import { pub } from 'rxzmq';
 * const feed = pub({ bind: 'tcp://127.0.0.1:5556' });
 * feed.next(['prices', JSON.stringify({ eur: 1.08 })]);
 * ```
 */
export function pub(options: PubOptions = {}): PubSocket {
  return new ZmqSocket('pub', options);
}
