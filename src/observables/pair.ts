import type { SocketBase, Receiving, Sending, SocketOptions } from './types';
import { ZmqSocket } from './socket';

/** Options of {@link pair}: `bind`/`connect`, rxzmq's options and libzmq's PAIR options. */
export type PairOptions = SocketOptions<'pair'>;

/** A PAIR socket: one exclusive, two-way connection to another PAIR. */
export interface PairSocket extends SocketBase<'pair'>, Receiving, Sending {}

/**
 * Creates a PAIR socket. Mostly used over `inproc://` between parts of one program.
 *
 * ## Example
 * ```ts
 * import { pair } from 'rxzmq';
 * const left = pair({ bind: 'inproc://link' });
 * const right = pair({ connect: 'inproc://link' });
 * right.subscribe(([m]) => console.log(m.toString()));
 * left.next('hi');
 * ```
 */
export function pair(options: PairOptions = {}): PairSocket {
  return new ZmqSocket('pair', options);
}
