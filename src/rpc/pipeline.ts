import { pull, push, type PullOptions, type PullSocket, type PushOptions, type PushSocket } from '../observables';
import { methodProxy, type NotifyApi, type UntypedApi } from './api';
import type { Handler } from './dispatch';
import { NotifySender, type NotifyClientConfig } from './notify-client';
import { service, startNotifyService, type NotifyServerConfig, type NotifyService } from './notify-server';

/** A pipeline client: `await client.notify.log('x')` resolves once the message is sent. */
export interface PipelineClient<Api = UntypedApi> {
  readonly notify: NotifyApi<Api>;
  readonly socket: PushSocket;
  readonly endpoints: readonly string[];
  close(): Promise<void>;
  readonly closed: Promise<Error | undefined>;
}

/**
 * Serves a handler over a pipeline (a PULL socket): each notification runs
 * its method; nothing is replied, failures are only logged.
 *
 * ## Example
 * ```ts
 * import { servePipeline } from 'rxzmq/rpc';
 * const logger = await servePipeline({ log: (line: string) => console.log(line) }, { bind: 'tcp://127.0.0.1:*' });
 * ```
 *
 * @param handler What to serve (see serveRpc).
 * @param options `bind` (or `connect`), the PULL's socket options, and {@link NotifyServerConfig}.
 * @returns The service, once bound (or connected).
 */
export async function servePipeline(handler: Handler, options: PullOptions & NotifyServerConfig): Promise<NotifyService<PullSocket>> {
  const { protocol, translationTable, logErrors, logExclude, maxMessageSize, concurrency, ...socketOptions } = options;
  const socket = pull(socketOptions);
  await socket.ready;
  return startNotifyService(socket, handler, { protocol, translationTable, logErrors, logExclude, maxMessageSize, concurrency }, false);
}

/**
 * Connects a pipeline client (a PUSH socket): `await client.notify.log('x')`
 * resolves once the notification is sent; it goes to one server.
 *
 * ## Example
 * ```ts
 * import { connectPipeline } from 'rxzmq/rpc';
 * const client = await connectPipeline({ connect: 'tcp://127.0.0.1:5557' });
 * await client.notify.log('started');
 * ```
 *
 * @param options `connect` (or `bind`), the PUSH's socket options, and {@link NotifyClientConfig}.
 * @returns The client, once connected.
 */
export async function connectPipeline<Api = UntypedApi>(options: PushOptions & NotifyClientConfig): Promise<PipelineClient<Api>> {
  const { protocol, translationTable, batch, ...socketOptions } = options;
  const socket = push(socketOptions);
  await socket.ready;
  const sender = new NotifySender(socket, { protocol, translationTable, batch });
  return {
    notify: methodProxy<NotifyApi<Api>>((method, args) => sender.notify(undefined, method, args)),
    ...service(socket, { messages: 0, calls: 0, errors: 0, malformed: 0 }),
  };
}
