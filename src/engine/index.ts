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
export { zmtpEngine } from './zmtp';
export { engines, getDefaultEngine, setDefaultEngine, resolveEngine } from './registry';
export type { EngineName } from './registry';
