/**
 * rxzmq/rpc: remote calls over ZeroMQ in three patterns (request-reply,
 * pipeline, pub-sub), in rxzmq's own protocol or Python aiozmq.rpc's.
 */
export { connectRpc } from './client';
export { serveRpc } from './server';
export { connectPipeline, servePipeline } from './pipeline';
export { connectPubSub, servePubSub } from './pubsub';
export { kwargs, Kwargs } from './kwargs';
export { expose, method, remote } from './method';
export {
  GenericError,
  NotFoundError,
  ParameterError,
  ResultError,
  RpcError,
  RpcTimeoutError,
  RpcValidationError,
  ServiceClosedError,
  ValueError,
} from './errors';

export type { CallApi, NotifyApi, StreamApi, UntypedApi } from './api';
export type { TranslationTable, Translator } from './aiozmq';
export type { BatchLimits } from './batcher';
export type { ConnectRpcOptions, RpcClient, RpcClientConfig } from './client';
export type { Handler, HandlerResolver } from './dispatch';
export type { ErrorTable } from './errors';
export type { MethodSpec } from './method';
export type { NotifyClientConfig } from './notify-client';
export type { NotifyServerConfig, NotifyService } from './notify-server';
export type { PipelineClient } from './pipeline';
export type { PubSubClient } from './pubsub';
export type { ErrorClass, ErrorLogger, RpcServiceStats } from './runner';
export type { RpcProtocol, RpcServerConfig, RpcService, ServeRpcOptions } from './server';
export type { StandardSchemaV1 } from './standard-schema';
export type { CallRequest, Dispatcher, WireError } from './types';
