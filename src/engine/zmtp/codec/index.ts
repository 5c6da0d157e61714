/**
 * The ZMTP 3.x codec (RFC 23, RFC 37): greeting, frames, commands and
 * metadata as bytes, and an incremental frame parser. It knows nothing of
 * sockets; `../connection.ts` drives it over a Node stream.
 */
export { ZmtpProtocolError } from './errors';
export { GREETING_SIZE, SIGNATURE_SIZE, checkSignature, encodeGreeting, parseGreeting } from './greeting';
export type { Greeting, GreetingOptions, ZmtpMechanism } from './greeting';
export { FLAG_COMMAND, FLAG_LONG, FLAG_MORE, encodeCommand, encodeMessage, frameHeader, headerLength, writeHeader } from './frames';
export { FrameParser } from './parser';
export type { FrameParserOptions } from './parser';
export { encodeMetadata, parseMetadata } from './metadata';
export {
  encodeCancel,
  encodeError,
  encodePing,
  encodePong,
  encodeReady,
  encodeSubscribe,
  parseError,
  parsePing,
} from './commands';
export { SOCKET_TYPE_NAMES, acceptsPeer, compatible } from './socketTypes';
export type { ZmtpSocketTypeName } from './socketTypes';
