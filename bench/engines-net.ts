/**
 * The ceiling of bench/engines.ts's request-reply cells: the same harness
 * (a promise per call, every result checked) over plain Node `net` on
 * loopback TCP, with no ZeroMQ and no messaging library at all. Requests
 * and replies are fixed 16-byte frames, the cheapest protocol there is: the
 * server writes back each chunk as it reads it; the client slices replies
 * by 16 bytes and writes its requests as the zmtp engine writes: the
 * requests of one tick in one write, and, while answering a batch of
 * replies, a write every 50 requests.
 *
 * What a Node implementation of any protocol can reach on this machine with
 * this harness, so the zmtp engine's figures can be read against it as well
 * as against raw zeromq.js.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { keepAwake } from '../src/engine/busy-poll';
import { MessageQueue } from '../src/engine/zmtp/routing/message-queue';
import type { BusyPoll, ServerEnd } from './engines-ends';
import type { Target } from './rpc-harness';

const FRAME = 16;
/** While answering what it read, the client writes every this many requests (as the zmtp engine does). */
const WRITE_EVERY = 50;

/**
 * With `busyPoll` (µs), each read and write keeps the event loop awake as
 * the zmtp engine's `busyPoll` does (same code, src/engine/busy-poll.ts);
 * `'auto'` is the zmtp engine's own and refused here.
 */
function poller(busyPoll: BusyPoll): () => void {
  if (busyPoll === 'auto') throw new TypeError("the plain-net ends take busyPoll in µs, not 'auto'");
  return busyPoll ? () => keepAwake(busyPoll) : () => undefined;
}

/** Binds a plain TCP echo server on loopback, on a port the OS picks. */
export async function startNetEcho(busyPoll?: BusyPoll): Promise<ServerEnd> {
  const awake = poller(busyPoll);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('data', (chunk) => {
      awake();
      socket.write(chunk);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `tcp://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Connects to a {@link startNetEcho} server and offers it as the harness's `add(a, b)`, like `startCaller`. */
export async function startNetCaller(endpoint: string, busyPoll?: BusyPoll): Promise<Target> {
  const awake = poller(busyPoll);
  const port = Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.setNoDelay(true);
  const waiting = new MessageQueue<(reply: Buffer) => void>();
  let rest: Buffer = Buffer.alloc(0);
  let answering = false;
  socket.on('data', (chunk: Buffer) => {
    awake();
    answering = true;
    const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let at = 0;
    for (; at + FRAME <= data.length; at += FRAME) waiting.shift()(data.subarray(at, at + FRAME));
    rest = data.subarray(at);
  });
  let batch: Buffer[] = [];
  let scheduled = false;
  const write = (data: Buffer): void => {
    awake();
    socket.write(data);
  };
  const flush = (): void => {
    scheduled = false;
    answering = false;
    if (batch.length === 0) return;
    write(batch.length === 1 ? batch[0]! : Buffer.concat(batch));
    batch = [];
  };
  const send = (body: Buffer): void => {
    batch.push(body);
    if (answering && batch.length >= WRITE_EVERY) {
      write(Buffer.concat(batch));
      batch = [];
    }
    if (!scheduled) {
      scheduled = true;
      process.nextTick(flush);
    }
  };
  return {
    add: (a, b) =>
      new Promise((resolve) => {
        waiting.push((reply) => resolve(reply.readDoubleLE(0) + b));
        const body = Buffer.alloc(FRAME);
        body.writeDoubleLE(a, 0);
        send(body);
      }),
    async close() {
      socket.destroy();
    },
  };
}
