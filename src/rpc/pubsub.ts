import type { Frame } from '../engine';
import { pub, sub, type PubOptions, type PubSocket, type SubOptions, type SubSocket } from '../observables';
import { methodProxy, type NotifyApi, type UntypedApi } from './api';
import type { Handler } from './dispatch';
import { NotifySender, type NotifyClientConfig } from './notify-client';
import { service, startNotifyService, type NotifyServerConfig, type NotifyService } from './notify-server';

/** A pub-sub client: `await client.publish('news').update(1)` resolves once the message is sent. */
export interface PubSubClient<Api = UntypedApi> {
  publish(topic: Frame): NotifyApi<Api>;
  readonly socket: PubSocket;
  readonly endpoints: readonly string[];
  close(): Promise<void>;
  readonly closed: Promise<Error | undefined>;
}

/**
 * Serves a handler over pub-sub (a SUB socket): notifications published on
 * the `topics` it subscribes to run their methods; the handler never sees
 * the topic. Nothing is replied.
 *
 * ## Example
 * ```ts
 * import { servePubSub } from 'rxzmq/rpc';
 * await servePubSub({ update: (n: number) => console.log(n) }, { bind: 'tcp://127.0.0.1:*', topics: ['news'] });
 * ```
 *
 * @param handler What to serve.
 * @param options `bind`/`connect`, `topics` (prefixes; none receives nothing), the SUB's options, and {@link NotifyServerConfig}.
 * @returns The service, once bound (or connected).
 */
export async function servePubSub(handler: Handler, options: SubOptions & NotifyServerConfig): Promise<NotifyService<SubSocket>> {
  const { protocol, translationTable, logErrors, logExclude, maxMessageSize, concurrency, ...socketOptions } = options;
  const socket = sub(socketOptions);
  await socket.ready;
  return startNotifyService(socket, handler, { protocol, translationTable, logErrors, logExclude, maxMessageSize, concurrency }, true);
}

/**
 * Connects a pub-sub client (a PUB socket): `await client.publish('news').update(1)`
 * resolves once sent, to every server subscribed to a prefix of the topic.
 * A PUB drops what it sends before a subscription has reached it.
 *
 * ## Example
 * ```ts
 * import { connectPubSub } from 'rxzmq/rpc';
 * const client = await connectPubSub({ connect: 'tcp://127.0.0.1:5558' });
 * await client.publish('news').update(1);
 * ```
 *
 * @param options `connect` (or `bind`), the PUB's socket options, and {@link NotifyClientConfig}.
 * @returns The client, once connected.
 */
export async function connectPubSub<Api = UntypedApi>(options: PubOptions & NotifyClientConfig): Promise<PubSubClient<Api>> {
  const { protocol, translationTable, batch, ...socketOptions } = options;
  const socket = pub(socketOptions);
  await socket.ready;
  const sender = new NotifySender(socket, { protocol, translationTable, batch });
  const { stats: _stats, ...rest } = service(socket, { messages: 0, calls: 0, errors: 0, malformed: 0 });
  return {
    publish: (topic) => methodProxy<NotifyApi<Api>>((method, args) => sender.notify(topic, method, args)),
    ...rest,
  };
}
