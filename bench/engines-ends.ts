/**
 * The two ends bench/engines.ts measures, for each implementation: a sink
 * (PULL counting what arrives) and an echo server (ROUTER sending each
 * message back), which may live in a child process; and a source (PUSH) and
 * a caller (DEALER), which live in the benchmark's own process.
 *
 * An implementation is rxzmq on the zmtp engine, rxzmq on the libzmq engine,
 * or raw zeromq.js. The rxzmq ends use the public API only: factories from
 * `src`, `await send()`, `next()` and `subscribe`. The raw ends use the same
 * idioms as bench/rpc-raw.ts: one receive loop, one send at a time.
 */
import * as zmq from 'zeromq';
import { dealer, pull, push, router } from '../src';
import { MessageQueue } from '../src/engine/zmtp/routing/message-queue';
import { Counter } from './counter';
import { startNetCaller, startNetEcho } from './engines-net';
import type { Target } from './rpc-harness';
import { receiveLoop, SendQueue } from './rpc-raw';

/**
 * Who moves the bytes at one end. `net` (plain Node sockets, no ZeroMQ, see
 * bench/engines-net.ts) has request-reply ends only: the ceiling.
 */
export type Impl = 'zmtp' | 'libzmq' | 'raw' | 'net';

/** The implementations with stream ends (a sink and a source). */
export type StreamImpl = Exclude<Impl, 'net'>;

/** A CURVE key pair as zeromq.js makes them (Z85 text). */
export interface KeyPair {
  readonly publicKey: string;
  readonly secretKey: string;
}

/** The keys of one CURVE pairing: the server's (the receiving end) and the client's. */
export interface CurveKeys {
  readonly server: KeyPair;
  readonly client: KeyPair;
}

/** Fresh keys for a CURVE pairing. */
export function curveKeys(): CurveKeys {
  return { server: zmq.curveKeyPair(), client: zmq.curveKeyPair() };
}

/** zeromq.js's options for the CURVE server end (the sink, which binds). */
const serverOptions = (keys: CurveKeys | undefined): Record<string, unknown> =>
  keys ? { curveServer: true, curveSecretKey: keys.server.secretKey } : {};

/** zeromq.js's options for the CURVE client end (the source, which connects). */
const clientOptions = (keys: CurveKeys | undefined): Record<string, unknown> =>
  keys
    ? { curveServerKey: keys.server.publicKey, curvePublicKey: keys.client.publicKey, curveSecretKey: keys.client.secretKey }
    : {};

/** Where the server ends listen: loopback TCP on a port the OS picks. */
const ANY_PORT = 'tcp://127.0.0.1:*';

/** A server end: where it listens, and how to close it. */
export interface ServerEnd {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** A PULL that counts what it receives. */
export interface Sink extends ServerEnd {
  readonly counter: Counter;
}

/** Binds a sink; with `keys`, as a CURVE server. Throws (code ENOTSUP) when `impl` cannot do CURVE yet. */
export async function startSink(impl: StreamImpl, keys?: CurveKeys): Promise<Sink> {
  const counter = new Counter();
  if (impl === 'raw') {
    const socket = new zmq.Pull({ linger: 0, ...serverOptions(keys) });
    await socket.bind(ANY_PORT);
    const reading = receiveLoop(socket, counter.hit);
    return { endpoint: socket.lastEndpoint!, counter, close: closeRaw(socket, reading) };
  }
  const socket = pull({ engine: impl, bind: ANY_PORT, linger: 0, ...serverOptions(keys) });
  await socket.ready;
  socket.subscribe(counter.hit);
  return { endpoint: socket.bindings[0]!, counter, close: () => socket.close() };
}

/**
 * Busy polling for the request-reply ends, in microseconds or `'auto'`
 * (rxzmq's `busyPoll`): the zmtp ends take both, the plain-net ends a
 * number (0 or undefined: off). Undefined leaves a zmtp end at its default.
 */
export type BusyPoll = number | 'auto' | undefined;

/** rxzmq's options for `busyPoll`: none when undefined, so that the libzmq engine, which refuses it, is not given it. */
const busy = (busyPoll: BusyPoll): { busyPoll?: number | 'auto' } => (busyPoll === undefined ? {} : { busyPoll });

/** Binds a ROUTER that sends every message straight back to its sender. */
export async function startEcho(impl: Impl, busyPoll?: BusyPoll): Promise<ServerEnd> {
  if (impl === 'net') return startNetEcho(busyPoll);
  if (impl === 'raw') {
    const socket = new zmq.Router({ linger: 0 });
    await socket.bind(ANY_PORT);
    const replies = new SendQueue(socket);
    const serving = receiveLoop(socket, (msg) => replies.send(msg));
    return { endpoint: socket.lastEndpoint!, close: closeRaw(socket, serving) };
  }
  const socket = router({ engine: impl, bind: ANY_PORT, linger: 0, ...busy(busyPoll) });
  await socket.ready;
  socket.subscribe((msg) => socket.next(msg));
  return { endpoint: socket.bindings[0]!, close: () => socket.close() };
}

/** Closes a raw socket and waits for its receive loop to end. */
const closeRaw =
  (socket: zmq.Socket, loop: Promise<void>) =>
  async (): Promise<void> => {
    socket.close();
    await loop;
  };

/** Says, given the messages sent so far, whether to send another. */
export type Go = (sent: number) => boolean;

/** A PUSH that sends one message again and again. */
export interface Source {
  /** Sends `msg` (one `await send()` after another) while `go` says so; resolves with the number sent. */
  sendWhile(msg: Buffer, go: Go): Promise<number>;
  close(): Promise<void>;
}

/** Connects a source to `endpoint`; with `keys`, as a CURVE client. Throws (code ENOTSUP) when `impl` cannot do CURVE yet. */
export function startSource(impl: StreamImpl, endpoint: string, keys?: CurveKeys): Source {
  const socket =
    impl === 'raw'
      ? new zmq.Push({ linger: 0, ...clientOptions(keys) })
      : push({ engine: impl, connect: endpoint, linger: 0, ...clientOptions(keys) });
  if (socket instanceof zmq.Push) socket.connect(endpoint);
  return {
    async sendWhile(msg, go) {
      let sent = 0;
      while (go(sent)) {
        await socket.send(msg);
        sent++;
      }
      return sent;
    },
    async close() {
      await socket.close();
    },
  };
}

/**
 * Connects a DEALER to an echo server and offers it as an `add(a, b)` for
 * bench/rpc-harness.ts: the request is 16 bytes carrying `a`, the echoed
 * reply gives `a` back and the caller adds `b`. One server peer keeps the
 * replies in order, so the waiting calls are settled first come, first
 * served, and the harness's check of every result catches a lost or
 * reordered reply. With `busyPoll`, the caller (zmtp or net) busy-polls.
 */
export async function startCaller(impl: Impl, endpoint: string, busyPoll?: BusyPoll): Promise<Target> {
  if (impl === 'net') return startNetCaller(endpoint, busyPoll);
  const waiting = new MessageQueue<(reply: Buffer) => void>();
  const settle = (msg: Buffer[]): void => waiting.shift()(msg[0]!);
  const request = (a: number): Buffer => {
    const body = Buffer.alloc(16);
    body.writeDoubleLE(a, 0);
    return body;
  };
  const call =
    (send: (body: Buffer) => void) =>
    (a: number, b: number): Promise<number> =>
      new Promise((resolve) => {
        waiting.push((reply) => resolve(reply.readDoubleLE(0) + b));
        send(request(a));
      });
  if (impl === 'raw') {
    const socket = new zmq.Dealer({ linger: 0 });
    socket.connect(endpoint);
    const requests = new SendQueue(socket);
    const reading = receiveLoop(socket, settle);
    return { add: call((body) => requests.send([body])), close: closeRaw(socket, reading) };
  }
  const socket = dealer({ engine: impl, connect: endpoint, linger: 0, ...busy(busyPoll) });
  socket.subscribe(settle);
  return { add: call((body) => socket.next(body)), close: () => socket.close() };
}
