import type { SocketBase, Sending, SocketOptions } from './types';
import { ZmqSocket } from './socket';

/** Options of {@link push}: `bind`/`connect`, rxzmq's options and libzmq's PUSH options. */
export type PushOptions = SocketOptions<'push'>;

/** A PUSH socket: sends each message to one connected PULL, round robin; never receives. */
export interface PushSocket extends SocketBase<'push'>, Sending {}

/**
 * Creates a PUSH socket. With no peer, libzmq holds messages; once rxzmq's send queue is full too, sends fail with `HighWaterMarkError`.
 *
 * ## Example
 * ```ts
 * import { push } from 'rxzmq';
 * const jobs = push({ bind: 'tcp://127.0.0.1:5558' });
 * await jobs.send('job 1');
 * ```
 */
export function push(options: PushOptions = {}): PushSocket {
  return new ZmqSocket('push', options);
}
