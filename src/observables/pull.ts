import type { SocketBase, Receiving, SocketOptions } from './types';
import { ZmqSocket } from './socket';

/** Options of {@link pull}: `bind`/`connect`, rxzmq's options and libzmq's PULL options. */
export type PullOptions = SocketOptions<'pull'>;

/** A PULL socket: fair-queues messages from every connected PUSH; never sends. */
export interface PullSocket extends SocketBase<'pull'>, Receiving {}

/**
 * Creates a PULL socket. Messages that arrive before the first subscriber wait in libzmq and go to that subscriber.
 *
 * ## Example
 * ```ts
 * import { pull } from 'rxzmq';
 * const jobs = pull({ connect: 'tcp://127.0.0.1:5558' });
 * for await (const [job] of jobs) console.log(job.toString());
 * ```
 */
export function pull(options: PullOptions = {}): PullSocket {
  return new ZmqSocket('pull', options);
}
