import { router, type RouterOptions, type RouterSocket } from '../observables';
import type { TranslationTable } from './aiozmq';
import { AiozmqServer } from './aiozmq-server';
import type { BatchLimits } from './batcher';
import { createDispatcher, type Handler } from './dispatch';
import { NativeServer } from './native-server';
import { CallRunner, type ErrorClass, type ErrorLogger, type RpcServiceStats } from './runner';
import { aiozmqValues, valuesCodec } from './values';

/** The wire protocols: rxzmq's own (docs/PROTOCOL.md) or Python aiozmq.rpc's. */
export type RpcProtocol = 'rxzmq' | 'aiozmq';

/** RPC options of {@link serveRpc}, on top of the ROUTER socket's options (`bind`, `connect`, `linger`, ...). */
export interface RpcServerConfig {
  /** The wire protocol. Default `'rxzmq'`; `'aiozmq'` serves Python aiozmq.rpc clients. */
  protocol?: RpcProtocol;
  /** msgpack extension types for your own classes, as aiozmq's `translation_table`; clients need the same. */
  translationTable?: TranslationTable;
  /** Send the remote stack text with errors (it can leak internals). Default false. */
  exposeStack?: boolean;
  /** Logs handler exceptions: `true` for `console.error`, or a function. Default: no logging. */
  logErrors?: boolean | ErrorLogger;
  /** Error classes not to log (expected failures such as validation errors). */
  logExclude?: readonly ErrorClass[];
  /** Ms a call may run before its AbortSignal fires and the caller gets RpcTimeoutError. Default: no limit. */
  timeout?: number;
  /** Largest request in bytes; a bigger one gets an error reply and is not decoded. Default 16 MiB. */
  maxMessageSize?: number;
  /** Request messages handled at once; the socket reads on only below this. Default 64. */
  concurrency?: number;
  /** Bounds of one batch of replies in one ZeroMQ message (rxzmq protocol). Default 256 replies, 256 KiB. */
  batch?: Partial<BatchLimits>;
}

/** Options of {@link serveRpc}. */
export type ServeRpcOptions = RouterOptions & RpcServerConfig;

/** A running RPC service. */
export interface RpcService {
  /** The endpoints bound (with `*` ports resolved) and connected. */
  readonly endpoints: readonly string[];
  /** The ROUTER socket underneath, for dynamic `bind`/`connect` and `events$`. */
  readonly socket: RouterSocket;
  /** Live counters. */
  readonly stats: Readonly<RpcServiceStats>;
  /** Stops serving: running calls are aborted, the socket closes. */
  close(): Promise<void>;
  /** Resolves (never rejects) when the service has closed. */
  readonly closed: Promise<Error | undefined>;
}

/** The default largest request: 16 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

/**
 * Serves a handler over request-reply (a ROUTER socket): plain objects
 * (nested ones are namespaces), class instances with `@remote` methods, or a
 * function that resolves dotted names. Methods may return a value, a
 * Promise or an Observable (streamed to `client.stream` callers). Malformed
 * requests get an error reply when the sender is known and never stop the
 * server.
 *
 * ## Example
 * ```ts
 * import { serveRpc } from 'rxzmq/rpc';
 *
 * const service = await serveRpc(
 *   { add: (a: number, b: number) => a + b, math: { mul: (a: number, b: number) => a * b } },
 *   { bind: 'tcp://127.0.0.1:*' },
 * );
 * console.log('serving on', service.endpoints[0]);
 * ```
 *
 * @param handler What to serve.
 * @param options `bind` (or `connect`) and the ROUTER's socket options, plus {@link RpcServerConfig}.
 * @returns The service, once its socket has bound (or connected).
 */
export async function serveRpc(handler: Handler, options: ServeRpcOptions): Promise<RpcService> {
  const {
    protocol = 'rxzmq',
    translationTable,
    exposeStack = false,
    logErrors,
    logExclude,
    timeout,
    maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE,
    concurrency = 64,
    batch,
    ...socketOptions
  } = options;
  if (protocol !== 'rxzmq' && protocol !== 'aiozmq') throw new TypeError(`rxzmq: unknown RPC protocol '${String(protocol)}'`);
  const runner = new CallRunner(createDispatcher(handler), { timeout, logErrors, logExclude });
  const socket = router(socketOptions);
  await socket.ready;
  const core =
    protocol === 'aiozmq'
      ? new AiozmqServer(socket, runner, aiozmqValues(translationTable), { exposeStack, maxMessageSize })
      : new NativeServer(socket, runner, valuesCodec(translationTable), { exposeStack, maxMessageSize, batch });
  const stop = (): void => (core instanceof NativeServer ? core.abortAll() : undefined);
  socket.consume((msg) => core.receive(msg), { concurrency }).subscribe({ error: stop, complete: stop });
  return {
    get endpoints() {
      return [...socket.bindings, ...socket.connections];
    },
    socket,
    stats: runner.stats,
    close: () => socket.close(),
    closed: socket.closed,
  };
}

export type { ErrorClass, ErrorLogger, RpcServiceStats };
