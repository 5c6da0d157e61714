import { dealer, type DealerOptions, type DealerSocket } from '../observables';
import type { TranslationTable } from './aiozmq';
import { AiozmqClient } from './aiozmq-client';
import { methodProxy, type CallApi, type StreamApi, type UntypedApi } from './api';
import type { BatchLimits } from './batcher';
import type { CallCore } from './call-core';
import type { ErrorTable } from './errors';
import { NativeClient } from './native-client';
import type { RpcProtocol } from './server';
import { aiozmqValues, valuesCodec } from './values';

/** RPC options of {@link connectRpc}, on top of the DEALER socket's options (`connect`, `bind`, `linger`, ...). */
export interface RpcClientConfig {
  /** The wire protocol. Default `'rxzmq'`; `'aiozmq'` calls Python aiozmq.rpc servers (no streams, no batching). */
  protocol?: RpcProtocol;
  /** Ms a call waits for its reply before it fails with RpcTimeoutError. Default: no limit. */
  timeout?: number;
  /** Error classes by name, so remote errors arrive as those classes (as aiozmq's `error_table`). */
  errorTable?: ErrorTable;
  /** msgpack extension types for your own classes, as aiozmq's `translation_table`; the server needs the same. */
  translationTable?: TranslationTable;
  /** Bounds of one batch of calls in one ZeroMQ message. Default 256 calls, 256 KiB. */
  batch?: Partial<BatchLimits>;
}

/** Options of {@link connectRpc}. */
export type ConnectRpcOptions = DealerOptions & RpcClientConfig;

/** A connected RPC client. */
export interface RpcClient<Api = UntypedApi> {
  /** Calls that resolve with the result: `await client.call.math.add(1, 2)`. */
  readonly call: CallApi<Api>;
  /** Calls whose results stream: `client.stream.ticks(5).subscribe(...)`; unsubscribing cancels the remote work. */
  readonly stream: StreamApi<Api>;
  /** The same client with another per-call timeout. */
  withTimeout(ms: number): RpcClient<Api>;
  /** Replies that matched no waiting call (late, cancelled or unknown), dropped. */
  readonly late: number;
  /** The DEALER socket underneath, for dynamic `connect`/`bind` and `events$`. */
  readonly socket: DealerSocket;
  /** The endpoints the client connected or bound. */
  readonly endpoints: readonly string[];
  /** Closes the socket; calls still waiting fail with ServiceClosedError. */
  close(): Promise<void>;
  /** Resolves (never rejects) when the client has closed. */
  readonly closed: Promise<Error | undefined>;
}

function clientView<Api>(core: CallCore, timeout: number | undefined): RpcClient<Api> {
  if (timeout !== undefined && !(timeout > 0)) throw new TypeError(`rxzmq: an RPC timeout must be > 0 ms, got ${timeout}`);
  const socket = core.socket;
  return {
    call: methodProxy<CallApi<Api>>((method, args) => core.call(method, args, timeout)),
    stream: methodProxy<StreamApi<Api>>((method, args) => core.invoke(method, args, true, timeout)),
    withTimeout: (ms) => clientView<Api>(core, ms),
    get late() {
      return core.late;
    },
    socket,
    get endpoints() {
      return [...socket.connections, ...socket.bindings];
    },
    close: () => socket.close(),
    closed: socket.closed,
  };
}

/**
 * Connects an RPC client (a DEALER socket) to one or more servers. Calls
 * go to one server each (round-robin over those connected) and their
 * replies come back to the caller that made them; many calls may be in
 * flight, and those queued while a send is in flight go together in one
 * ZeroMQ message.
 *
 * ## Example
 * ```ts
 * import { connectRpc } from 'rxzmq/rpc';
 *
 * interface Api { add(a: number, b: number): number; math: { mul(a: number, b: number): number } }
 * const client = await connectRpc<Api>({ connect: 'tcp://127.0.0.1:5555', timeout: 1000 });
 * console.log(await client.call.add(1, 2), await client.call.math.mul(2, 3));
 * await client.close();
 * ```
 *
 * @param options `connect` (or `bind`) and the DEALER's socket options, plus {@link RpcClientConfig}.
 * @returns The client, once its socket has connected (or bound).
 */
export async function connectRpc<Api = UntypedApi>(options: ConnectRpcOptions): Promise<RpcClient<Api>> {
  const { protocol = 'rxzmq', timeout, errorTable, translationTable, batch, ...socketOptions } = options;
  if (protocol !== 'rxzmq' && protocol !== 'aiozmq') throw new TypeError(`rxzmq: unknown RPC protocol '${String(protocol)}'`);
  const socket = dealer(socketOptions);
  await socket.ready;
  const core: CallCore =
    protocol === 'aiozmq'
      ? new AiozmqClient(socket, errorTable, aiozmqValues(translationTable))
      : new NativeClient(socket, errorTable, valuesCodec(translationTable), batch);
  return clientView<Api>(core, timeout);
}

