import type { Frame, Message } from '../engine';
import {
  pub,
  pull,
  push,
  sub,
  type PubOptions,
  type PubSocket,
  type PullOptions,
  type PullSocket,
  type PushOptions,
  type PushSocket,
  type SubOptions,
  type SubSocket,
} from '../observables';
import type { Codec } from '../operators';
import { decodeNotify, decodePublish, encodeNotify, encodePublish, type AiozmqPacker, type TranslationTable } from './aiozmq';
import { methodProxy, type NotifyApi, type UntypedApi } from './api';
import { Batcher, DEFAULT_BATCH, type BatchLimits } from './batcher';
import { createDispatcher, type Handler } from './dispatch';
import { splitArgs } from './kwargs';
import { batchMessage, checkHeader, decodePackets, Kind, packetArray, ProtocolError } from './protocol';
import { CallRunner, type ErrorClass, type ErrorLogger, type RpcServiceStats } from './runner';
import { DEFAULT_MAX_MESSAGE_SIZE, type RpcProtocol } from './server';
import { aiozmqValues, valuesCodec } from './values';

/** Options shared by the notify servers (pipeline and pub-sub). */
export interface NotifyServerConfig {
  /** The wire protocol. Default `'rxzmq'`; `'aiozmq'` serves Python aiozmq.rpc clients. */
  protocol?: RpcProtocol;
  /** msgpack extension types for your own classes, as aiozmq's `translation_table`. */
  translationTable?: TranslationTable;
  /** Logs handler exceptions and protocol errors (nobody gets a reply): `true` for `console.error`, or a function. */
  logErrors?: boolean | ErrorLogger;
  /** Error classes not to log. */
  logExclude?: readonly ErrorClass[];
  /** Largest message body in bytes; a bigger one is dropped and counted. Default 16 MiB. */
  maxMessageSize?: number;
  /** Messages handled at once; the socket reads on only below this. Default 64. */
  concurrency?: number;
}

/** Options shared by the notify clients. */
export interface NotifyClientConfig {
  /** The wire protocol. Default `'rxzmq'`; `'aiozmq'` notifies Python aiozmq.rpc servers (no batching). */
  protocol?: RpcProtocol;
  /** msgpack extension types for your own classes, as aiozmq's `translation_table`. */
  translationTable?: TranslationTable;
  /** Bounds of one batch of notifications in one ZeroMQ message (rxzmq protocol). */
  batch?: Partial<BatchLimits>;
}

/** A running pipeline or pub-sub service. */
export interface NotifyService<S> {
  /** The endpoints bound (with `*` ports resolved) and connected. */
  readonly endpoints: readonly string[];
  /** The socket underneath. */
  readonly socket: S;
  /** Live counters (`errors` counts handler failures, which only get logged). */
  readonly stats: Readonly<RpcServiceStats>;
  close(): Promise<void>;
  readonly closed: Promise<Error | undefined>;
}

/** A pipeline client: `await client.notify.log('x')` resolves once the message is sent. */
export interface PipelineClient<Api = UntypedApi> {
  readonly notify: NotifyApi<Api>;
  readonly socket: PushSocket;
  readonly endpoints: readonly string[];
  close(): Promise<void>;
  readonly closed: Promise<Error | undefined>;
}

/** A pub-sub client: `await client.publish('news').update(1)` resolves once the message is sent. */
export interface PubSubClient<Api = UntypedApi> {
  publish(topic: Frame): NotifyApi<Api>;
  readonly socket: PubSocket;
  readonly endpoints: readonly string[];
  close(): Promise<void>;
  readonly closed: Promise<Error | undefined>;
}

/** A decoded notification. */
interface Notification {
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/**
 * Reads the notifications of one message: rxzmq's protocol (a batch, after
 * `prefix` frames) or aiozmq's (one call per message).
 */
type NotificationReader = (msg: Message) => (Notification | Error)[];

function nativeReader(codec: Codec, prefix: number, maxMessageSize: number): NotificationReader {
  return (msg) => {
    if (msg.length !== prefix + 2) throw new ProtocolError(`expected ${prefix + 2} frames, got ${msg.length}`);
    checkHeader(msg[prefix]);
    const body = msg[prefix + 1]!;
    if (body.length > maxMessageSize) throw new ProtocolError(`message of ${body.length} bytes is over the limit of ${maxMessageSize}`);
    return decodePackets(body, codec).map((packet) =>
      'kind' in packet && packet.kind === Kind.Notify ? packet : 'error' in packet ? packet.error : new ProtocolError('not a notify packet'),
    );
  };
}

function aiozmqReader(packer: AiozmqPacker, pubsub: boolean, maxMessageSize: number): NotificationReader {
  return (msg) => {
    const size = msg.reduce((sum, frame) => sum + frame.length, 0);
    if (size > maxMessageSize) throw new ProtocolError(`message of ${size} bytes is over the limit of ${maxMessageSize}`);
    const { method, args, kwargs } = pubsub ? decodePublish(msg, packer) : decodeNotify(msg, packer);
    return [{ method, args: [...args], kwargs: { ...kwargs } }];
  };
}

/** Runs the notifications that arrive on a PULL or SUB socket; nothing is replied, failures are logged. */
function serveNotifications(socket: PullSocket | SubSocket, runner: CallRunner, read: NotificationReader, concurrency: number): void {
  const stats = runner.stats;
  const quiet = { next: () => undefined, complete: () => undefined, error: () => undefined };
  const receive = (msg: Message): Promise<void> => {
    stats.messages++;
    let notifications: (Notification | Error)[];
    try {
      notifications = read(msg);
    } catch (err) {
      stats.malformed++;
      runner.report(err, '(protocol)');
      return Promise.resolve();
    }
    const runs = notifications.map(
      (notification) =>
        new Promise<void>((done) => {
          if (notification instanceof Error) {
            stats.malformed++;
            runner.report(notification, '(protocol)');
            return done();
          }
          runner.run(notification, false, { ...quiet, complete: done, error: done });
        }),
    );
    return Promise.all(runs).then(() => undefined);
  };
  socket.consume(receive, { concurrency }).subscribe({ error: () => undefined });
}

/** Sends notifications over a PUSH or PUB socket: batched (rxzmq) or one per message (aiozmq). */
class NotifySender {
  private readonly batcher: Batcher | undefined;
  private readonly codec: Codec | undefined;
  private readonly packer: AiozmqPacker | undefined;

  constructor(
    private readonly socket: PushSocket | PubSocket,
    config: NotifyClientConfig,
  ) {
    if (config.protocol === 'aiozmq') {
      this.packer = aiozmqValues(config.translationTable);
      return;
    }
    this.codec = valuesCodec(config.translationTable);
    this.batcher = new Batcher(
      (frames) => socket.send$(frames),
      (route, packets) => [...route, ...batchMessage(packets)],
      { ...DEFAULT_BATCH, ...config.batch },
    );
  }

  /** Resolves once the message carrying the notification was sent. */
  notify(topic: Frame | undefined, method: string, all: unknown[]): Promise<void> {
    const { args, kwargs } = splitArgs(all);
    return new Promise<void>((resolve, reject) => {
      const settle = (err?: unknown): void => (err === undefined ? resolve() : reject(err));
      try {
        if (this.packer) {
          const frames =
            topic === undefined
              ? encodeNotify({ method, args, kwargs }, this.packer)
              : encodePublish({ topic, method, args, kwargs }, this.packer);
          this.socket.send$(frames).subscribe({ complete: () => settle(), error: settle });
          return;
        }
        const packet = this.codec!.encode(packetArray({ kind: Kind.Notify, method, args, kwargs }));
        const route = topic === undefined ? [] : [topic];
        const key = topic === undefined ? '' : Buffer.from(topic).toString('hex');
        this.batcher!.push(key, route, packet, settle);
      } catch (err) {
        reject(new TypeError(`rxzmq: cannot encode the arguments of '${method}': ${(err as Error).message}`, { cause: err }));
      }
    });
  }
}

function service<S extends { bindings: readonly string[]; connections: readonly string[]; close(): Promise<void>; closed: Promise<Error | undefined> }>(
  socket: S,
  stats: RpcServiceStats,
): NotifyService<S> {
  return {
    get endpoints() {
      return [...socket.bindings, ...socket.connections];
    },
    socket,
    stats,
    close: () => socket.close(),
    closed: socket.closed,
  };
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
  const runner = new CallRunner(createDispatcher(handler), { logErrors, logExclude });
  const max = maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const read =
    protocol === 'aiozmq' ? aiozmqReader(aiozmqValues(translationTable), false, max) : nativeReader(valuesCodec(translationTable), 0, max);
  serveNotifications(socket, runner, read, concurrency ?? 64);
  return service(socket, runner.stats);
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
  const runner = new CallRunner(createDispatcher(handler), { logErrors, logExclude });
  const max = maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const read =
    protocol === 'aiozmq' ? aiozmqReader(aiozmqValues(translationTable), true, max) : nativeReader(valuesCodec(translationTable), 1, max);
  serveNotifications(socket, runner, read, concurrency ?? 64);
  return service(socket, runner.stats);
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
