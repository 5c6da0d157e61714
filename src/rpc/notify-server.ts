import type { Message } from '../engine';
import type { PullSocket, SubSocket } from '../observables';
import type { Codec } from '../operators';
import { decodeNotify, decodePublish, type AiozmqPacker, type TranslationTable } from './aiozmq';
import { createDispatcher, type Handler } from './dispatch';
import { checkHeader, decodePackets, Kind, ProtocolError } from './protocol';
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

/**
 * The body of `servePipeline` and `servePubSub` once their socket is ready:
 * reads notifications in the chosen protocol (pub-sub messages start with
 * the topic frame) and runs them.
 */
export function startNotifyService<S extends PullSocket | SubSocket>(
  socket: S,
  handler: Handler,
  config: NotifyServerConfig,
  pubsub: boolean,
): NotifyService<S> {
  const { protocol, translationTable, logErrors, logExclude, maxMessageSize, concurrency } = config;
  const runner = new CallRunner(createDispatcher(handler), { logErrors, logExclude });
  const max = maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const read =
    protocol === 'aiozmq'
      ? aiozmqReader(aiozmqValues(translationTable), pubsub, max)
      : nativeReader(valuesCodec(translationTable), pubsub ? 1 : 0, max);
  serveNotifications(socket, runner, read, concurrency ?? 64);
  return service(socket, runner.stats);
}

/** The service object over a socket: endpoints, stats, close. */
export function service<S extends { bindings: readonly string[]; connections: readonly string[]; close(): Promise<void>; closed: Promise<Error | undefined> }>(
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
