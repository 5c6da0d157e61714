import type { SocketBase, Receiving, Topics, SocketOptions, TopicOptions } from './types';
import { ZmqSocket } from './socket';

/** Options of {@link sub}: `bind`/`connect`, rxzmq's options and libzmq's SUB options and `topics`. */
export type SubOptions = SocketOptions<'sub'> & TopicOptions;

/** A SUB socket: receives the messages of the topics it subscribed to; never sends. */
export interface SubSocket extends SocketBase<'sub'>, Receiving, Topics {}

/**
 * Creates a SUB socket. It receives nothing until it has a topic: pass `topics` (`''` for everything) or call `addTopics`.
 *
 * ## Example
 * ```ts
 * import { sub } from 'rxzmq';
 * const prices = sub({ connect: 'tcp://127.0.0.1:5556', topics: ['prices'] });
 * prices.subscribe(([topic, body]) => console.log(topic.toString(), body.toString()));
 * ```
 */
export function sub(options: SubOptions = {}): SubSocket {
  return new ZmqSocket('sub', options);
}
