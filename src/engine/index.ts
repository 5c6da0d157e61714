export type {
  Engine,
  EngineSocket,
  Frame,
  Message,
  ReceiveHandler,
  Sendable,
  SocketEvent,
  SocketEventType,
  SocketType,
} from './types';
export type { SocketOptionsByType, ZmqOptions } from './options';
export { libzmqEngine } from './libzmq';
export { curveKeyPair, getDefaultBusyPoll, setDefaultBusyPoll, z85Decode, z85Encode, zmtpEngine } from './zmtp';
export type { ZapHandler, ZapReply, ZapRequest } from './zmtp';
export { engines, getDefaultEngine, setDefaultEngine, resolveEngine } from './registry';
export type { EngineName } from './registry';
