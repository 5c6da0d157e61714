/**
 * The zmtp engine: ZeroMQ's wire protocol (ZMTP 3.1, talking to 3.0 peers)
 * in TypeScript over Node's `net` sockets, with libzmq's socket semantics.
 *
 * The NULL, PLAIN and CURVE mechanisms with in-process ZAP; tcp, ipc and
 * inproc (between zmtp sockets); every socket type. Options and transports
 * it does not honour throw an error naming the libzmq engine
 * (docs/ENGINES.md).
 */
import type { Engine, EngineSocket, SocketType } from '../types';
import { ZmtpSocket } from './socket';

/**
 * The zmtp engine, registered as `'zmtp'`: the default engine.
 *
 * ## Example
 * ```ts
 * import { push } from 'rxzmq';
 * const jobs = push({ engine: 'zmtp', bind: 'tcp://127.0.0.1:*' });
 * ```
 */
export const zmtpEngine: Engine = {
  name: 'zmtp',
  createSocket(type: SocketType, options: Record<string, unknown>): EngineSocket {
    return new ZmtpSocket(type, options);
  },
};

export { ZmtpSocket } from './socket';
export { getDefaultBusyPoll, setDefaultBusyPoll } from './options';
export { curveKeyPair, z85Decode, z85Encode } from './mechanisms';
export type { ZapHandler, ZapReply, ZapRequest } from './mechanisms';
