/**
 * rxzmq: reactive ZeroMQ. Every socket is a hot RxJS Observable of multipart
 * messages and an Observer that sends.
 *
 * ## Example
 * ```ts
 * import { pull, push } from 'rxzmq';
 * const out = push({ bind: 'tcp://127.0.0.1:*' });
 * await out.ready;
 * const inp = pull({ connect: out.bindings[0] });
 * inp.subscribe(([frame]) => console.log(frame.toString()));
 * out.next('hello');
 * ```
 */
export * from './observables';
// The operators' errors, so that every rxzmq error class is importable from the root.
export { DecodeError, EncodeError, MalformedRequestError, PeerTimeoutError, RequestTimeoutError } from './operators';
export {
  curveKeyPair,
  engines,
  getDefaultBusyPoll,
  getDefaultEngine,
  libzmqEngine,
  setDefaultBusyPoll,
  setDefaultEngine,
  z85Decode,
  z85Encode,
  zmtpEngine,
} from './engine';
export type {
  Engine,
  EngineName,
  EngineSocket,
  Frame,
  Message,
  ReceiveHandler,
  Sendable,
  SocketEvent,
  SocketEventType,
  SocketOptionsByType,
  SocketType,
  ZapHandler,
  ZapReply,
  ZapRequest,
  ZmqOptions,
} from './engine';
