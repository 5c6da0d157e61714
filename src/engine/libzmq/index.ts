import * as zmq from 'zeromq';
import type { Engine, EngineSocket, SocketType } from '../types';
import { LibzmqSocket } from './socket';

/**
 * The libzmq engine: sockets through zeromq.js and its prebuilt libzmq.
 * Every transport and option libzmq has is available.
 *
 * Its sockets share one zeromq.js context made with `blocky: false`, so a
 * socket's default linger is 0 rather than forever; rxzmq sets its own
 * default linger on each socket (see `SocketOptions.linger`).
 */
export const libzmqEngine: Engine = {
  name: 'libzmq',
  createSocket(type: SocketType, options: Record<string, unknown>): EngineSocket {
    return new LibzmqSocket(type, options, sharedContext());
  },
};

let context: zmq.Context | undefined;

function sharedContext(): zmq.Context {
  context ??= new zmq.Context({ blocky: false });
  return context;
}
