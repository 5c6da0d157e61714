import type { SocketBase, Receiving, Sending, Topics, SocketOptions, TopicOptions } from './types';
import { ZmqSocket } from './socket';

/** Options of {@link xsub}: `bind`/`connect`, rxzmq's options and libzmq's XSUB options and `topics`. */
export type XSubOptions = SocketOptions<'xsub'> & TopicOptions;

/** A XSUB socket: a SUB that sends its subscriptions as messages and may send other messages upstream. */
export interface XSubSocket extends SocketBase<'xsub'>, Receiving, Sending, Topics {}

/**
 * Creates an XSUB socket. Topics (the `topics` option, `addTopics`) go out as `\x01topic` messages through its send queue.
 *
 * ## Example
 * ```ts
 * import { xsub } from 'rxzmq';
 * const upstream = xsub({ connect: 'tcp://127.0.0.1:5556', topics: [''] });
 * upstream.subscribe((msg) => console.log(msg.length, 'frames'));
 * ```
 */
export function xsub(options: XSubOptions = {}): XSubSocket {
  return new ZmqSocket('xsub', options);
}
