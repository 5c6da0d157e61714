import type { SocketBase, Receiving, Sending, SocketOptions } from './types';
import { ZmqSocket } from './socket';

/** Options of {@link dealer}: `bind`/`connect`, rxzmq's options and libzmq's DEALER options. */
export type DealerOptions = SocketOptions<'dealer'>;

/** A DEALER socket: sends round robin over its peers and fair-queues what they send back, with no envelope rules. */
export interface DealerSocket extends SocketBase<'dealer'>, Receiving, Sending {}

/**
 * Creates a DEALER socket. The building block for asynchronous request-reply.
 *
 * ## Example
 * ```ts
 * import { dealer } from 'rxzmq';
 * const client = dealer({ connect: 'tcp://127.0.0.1:5560', routingId: 'client-1' });
 * client.next(['', 'hello']);
 * ```
 */
export function dealer(options: DealerOptions = {}): DealerSocket {
  return new ZmqSocket('dealer', options);
}
