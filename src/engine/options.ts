/**
 * Socket options per socket type, derived from zeromq.js's own option types
 * (`SocketOptions<Dealer>` and so on) so every libzmq option keeps its name,
 * type and documentation. Only the *shape* is borrowed (a type-only import):
 * the values are plain numbers, strings and buffers that any engine reads.
 */
import type * as zmq from 'zeromq';
import type { SocketType } from './types';

/**
 * zeromq.js's options minus `context` and `receiveTimeout`: an rxzmq socket
 * is a stream, with no `receive()` call for a timeout to end (RxJS's
 * `timeout()` on the stream, or `requestReply`'s, are the way).
 */
type Plain<S extends zmq.Socket> = Omit<zmq.SocketOptions<S>, 'context' | 'receiveTimeout'>;

/** The libzmq options each socket type accepts, keyed by {@link SocketType}. */
export interface SocketOptionsByType {
  pair: Plain<zmq.Pair>;
  pub: Plain<zmq.Publisher>;
  sub: Plain<zmq.Subscriber>;
  xpub: Plain<zmq.XPublisher>;
  xsub: Plain<zmq.XSubscriber>;
  req: Plain<zmq.Request>;
  rep: Plain<zmq.Reply>;
  dealer: Plain<zmq.Dealer>;
  router: Plain<zmq.Router>;
  push: Plain<zmq.Push>;
  pull: Plain<zmq.Pull>;
}

/** The libzmq options of one socket type, e.g. `ZmqOptions<'dealer'>`. */
export type ZmqOptions<T extends SocketType> = SocketOptionsByType[T];
