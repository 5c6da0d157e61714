import type { SocketBase, Receiving, Sending, SocketOptions } from './types';
import { ZmqSocket } from './socket';

/** Options of {@link req}: `bind`/`connect`, rxzmq's options and libzmq's REQ options. */
export type ReqOptions = SocketOptions<'req'>;

/** A REQ socket: strict request-reply client: send one request, then receive its reply. */
export interface ReqSocket extends SocketBase<'req'>, Receiving, Sending {}

/**
 * Creates a REQ socket. libzmq enforces the alternation; for many requests in flight use a DEALER.
 *
 * ## Example
 * ```ts
 * import { req } from 'rxzmq';
 * import { firstValueFrom } from 'rxjs';
 * const client = req({ connect: 'tcp://127.0.0.1:5559' });
 * await client.send('ping');
 * const [reply] = await firstValueFrom(client);
 * ```
 */
export function req(options: ReqOptions = {}): ReqSocket {
  return new ZmqSocket('req', options);
}
