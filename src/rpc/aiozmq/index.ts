/**
 * aiozmq.rpc's wire format as pure functions (no sockets), for the RPC
 * core's `protocol: 'aiozmq'` mode. See docs/rpc/aiozmq.md.
 */
export { AiozmqProtocolError } from './protocol-error';
export type { AiozmqProtocolErrorDetails, AiozmqProtocolErrorReason } from './protocol-error';
export {
  MAX_REQUEST_ID,
  REPLY_HEADER_SIZE,
  REQUEST_HEADER_SIZE,
  createHeaderPrefix,
  headerTime,
  nextRequestId,
  packReplyHeader,
  packRequestHeader,
  unpackReplyHeader,
  unpackRequestHeader,
} from './header';
export type { HeaderPrefix, ReplyHeader, RequestHeader } from './header';
export { ExtData, createPacker, defaultPacker } from './values';
export type { AiozmqPacker, AiozmqPackerConfig, TranslationTable, Translator } from './values';
export { decodeCall, encodeCall } from './call';
export type { AiozmqCall, AiozmqCallInput } from './call';
export { decodeRequest, encodeRequest } from './request';
export type { AiozmqRequestInput, DecodedRequest } from './request';
export { decodeReply, encodeReply } from './reply';
export type { AiozmqReplyInput, DecodedReply, ServerHeaderFields } from './reply';
export { decodeNotify, encodeNotify } from './notify';
export { decodePublish, encodePublish, topicFrame } from './publish';
export type { AiozmqPublishInput, AiozmqTopic, DecodedPublish } from './publish';
export {
  AIOZMQ_GENERIC_ERROR,
  AIOZMQ_NOT_FOUND_ERROR,
  AIOZMQ_PARAMETERS_ERROR,
  PYTHON_BUILTIN_EXCEPTIONS,
  exceptionMessage,
  exceptionRepr,
  fromPythonName,
  toPythonName,
} from './errors';
export { pythonRepr, pythonStr } from './repr';
