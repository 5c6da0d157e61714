/**
 * One ZmtpConnection (Node net socket) against real libzmq (zeromq.js):
 *
 *   ZmtpConnection PUSH --tcp--> zeromq.js Pull (bound)
 *   zeromq.js Push (connects) --tcp--> net server + ZmtpConnection PULL
 *   ZmtpConnection DEALER (routingId) <--tcp--> zeromq.js Router: identity and reply
 *   ZmtpConnection PUB --tcp--> zeromq.js Pull: refused (incompatible types)
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import * as zmq from 'zeromq';
import type { SocketType } from '../../src';
import { ZmtpConnection, type ConnectionOptions, type PeerInfo } from '../../src/engine/zmtp/connection';

const WAIT = 5000;
const sizes = [0, 255, 256, 70000];
const payload = (size: number, seed: number): Buffer => Buffer.alloc(size, seed);

describe('ZmtpConnection against libzmq', () => {
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  /** A connection to `endpoint` (tcp://host:port), with its events as promises. */
  function dial(endpoint: string, socketType: SocketType, extra: Partial<ConnectionOptions> = {}) {
    const { hostname, port } = new URL(endpoint.replace('tcp://', 'http://'));
    const socket = connect(Number(port), hostname);
    return wrap(socket, socketType, extra);
  }

  function wrap(socket: Socket, socketType: SocketType, extra: Partial<ConnectionOptions> = {}) {
    const messages: Buffer[][] = [];
    let ready!: (peer: PeerInfo) => void;
    let closed!: (err?: Error) => void;
    const readyP = new Promise<PeerInfo>((r) => (ready = r));
    const closedP = new Promise<Error | undefined>((r) => (closed = r));
    const connection = new ZmtpConnection(socket, {
      socketType,
      onReady: ready,
      onMessage: (frames) => messages.push(frames.map((f) => Buffer.from(f))),
      onClose: closed,
      ...extra,
    });
    closers.push(() => (connection.close(), socket.destroy()));
    // Bounded waits are made when asked for, so an event a test does not wait for leaves no timer behind.
    return {
      connection,
      messages,
      get ready() {
        return withTimeout(readyP);
      },
      get closed() {
        return withTimeout(closedP);
      },
    };
  }

  it('zmtp connection - a PUSH delivers multipart messages byte for byte to a libzmq PULL', async () => {
    const pull = new zmq.Pull({ linger: 0 });
    closers.push(() => pull.close());
    await pull.bind('tcp://127.0.0.1:*');
    const { connection, ready } = dial(pull.lastEndpoint!, 'push');
    expect((await ready).socketType).toBe('PULL');
    const frames = sizes.map((size, i) => payload(size, i + 1));
    connection.send(frames);
    connection.send([Buffer.from('second')]);
    const first = await withTimeout(pull.receive());
    expect(first.map((f) => f.length)).toEqual(sizes);
    expect(first).toEqual(frames);
    expect((await withTimeout(pull.receive()))[0]!.toString()).toBe('second');
  });

  it('zmtp connection - a libzmq PUSH delivers to a ZmtpConnection PULL behind a net server', async () => {
    let accepted!: ReturnType<typeof wrap>;
    const gotConnection = new Promise<void>((resolve) => {
      const server: Server = createServer((socket) => {
        accepted = wrap(socket, 'pull');
        resolve();
      });
      closers.push(() => new Promise((r) => server.close(r)));
      server.listen(0, '127.0.0.1', async () => {
        const { port } = server.address() as { port: number };
        const push = new zmq.Push({ linger: 0 });
        closers.push(() => push.close());
        push.connect(`tcp://127.0.0.1:${port}`);
        await push.send(sizes.map((size, i) => payload(size, 10 + i)));
      });
    });
    await withTimeout(gotConnection);
    expect((await accepted.ready).socketType).toBe('PUSH');
    await waitUntil(() => accepted.messages.length === 1);
    expect(accepted.messages[0]).toEqual(sizes.map((size, i) => payload(size, 10 + i)));
  });

  it('zmtp connection - a DEALER gives a ROUTER its routing id and gets the reply', async () => {
    const router = new zmq.Router({ linger: 0 });
    closers.push(() => router.close());
    await router.bind('tcp://127.0.0.1:*');
    const { connection, messages, ready } = dial(router.lastEndpoint!, 'dealer', { identity: Buffer.from('client-7') });
    expect((await ready).socketType).toBe('ROUTER');
    connection.send([Buffer.from('hello')]);
    const [id, body] = await withTimeout(router.receive());
    expect(id!.toString()).toBe('client-7');
    expect(body!.toString()).toBe('hello');
    await router.send([id!, 'world']);
    await waitUntil(() => messages.length === 1);
    expect(messages[0]!.map(String)).toEqual(['world']);
  });

  it('zmtp connection - incompatible socket types end the handshake with an error', async () => {
    const pull = new zmq.Pull({ linger: 0 });
    closers.push(() => pull.close());
    await pull.bind('tcp://127.0.0.1:*');
    const { closed } = dial(pull.lastEndpoint!, 'pub');
    const err = await closed;
    expect(err?.name).toBe('ZmtpProtocolError');
    expect(err?.message).toMatch(/PUB.*PULL|PULL.*PUB/);
  });

  it('zmtp connection - garbage instead of a greeting closes the connection with an error', async () => {
    const gotConnection = new Promise<ReturnType<typeof wrap>>((resolve) => {
      const server: Server = createServer((socket) => resolve(wrap(socket, 'pull')));
      closers.push(() => new Promise((r) => server.close(r)));
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        const client = connect(port, '127.0.0.1', () => client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        client.on('error', () => undefined);
        closers.push(() => client.destroy());
      });
    });
    const accepted = await withTimeout(gotConnection);
    const err = await accepted.closed;
    expect(err?.name).toBe('ZmtpProtocolError');
  });
});

function withTimeout<T>(promise: Promise<T>, ms = WAIT): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))),
  ]);
}

async function waitUntil(check: () => boolean, ms = WAIT): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
