import type { SocketBase, Receiving, Sending, Dropping, ManualTopics, SocketOptions } from './types';
import { ZmqSocket } from './socket';

/** Options of {@link xpub}: `bind`/`connect`, rxzmq's options and libzmq's XPUB options. */
export type XPubOptions = SocketOptions<'xpub'>;

/**
 * An XPUB socket: a PUB that also receives its subscribers' subscription
 * messages (`\x01topic`, `\x00topic`) and whatever else they send (an
 * XSUB's own messages). With `manual: true` it decides itself what each
 * subscriber gets ({@link ManualTopics}).
 */
export interface XPubSocket extends SocketBase<'xpub'>, Receiving, Sending, Dropping, ManualTopics {}

/**
 * Creates a XPUB socket. Like PUB it drops and counts what its full queue cannot take.
 *
 * ## Example
 * ```ts
 * import { xpub } from 'rxzmq';
 * const broker = xpub({ bind: 'tcp://127.0.0.1:5557' });
 * broker.subscribe(([s]) => console.log(s[0] === 1 ? 'subscribe' : 'cancel', s.subarray(1).toString()));
 *
 * // manual: a subscriber asking for 'prices' gets 'prices.public' only
 * const gate = xpub({ bind: 'tcp://127.0.0.1:5558', manual: true });
 * gate.subscribe(([s]) => {
 *   if (s[0] === 1 && s.subarray(1).toString() === 'prices') gate.addTopics('prices.public');
 * });
 * ```
 */
export function xpub(options: XPubOptions = {}): XPubSocket {
  return new ZmqSocket('xpub', options);
}
