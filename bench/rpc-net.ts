/**
 * Baseline of bench/rpc.ts: RPC on plain Node `net` over loopback TCP, what
 * NestJS's TCP transport does. A server and a client in this process; each
 * message is a 4-byte big-endian length and a msgpack body, `[id, a, b]` for
 * a request and `[id, result]` for its reply, matched to its caller by id so
 * that many calls can be in flight. Nagle is off (`setNoDelay`) on both sides.
 *
 * Two ways to write: one `socket.write` per frame, as Nest's TCP transport
 * does (its JsonSocket writes each message as it comes), or corked: the
 * first write of a tick corks the socket until `process.nextTick`, so all
 * the frames written in one tick (the replies to one chunk read, the calls
 * that one batch of replies set off) leave in one `writev`.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import { once } from 'node:events';
import * as net from 'node:net';
import { Calls, type Target } from './rpc-harness';

/** Writes length-prefixed frames, one write each or (`coalesce`) the writes of one tick together. */
class FrameWriter {
  private corked = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly coalesce: boolean,
  ) {}

  write(body: Uint8Array): void {
    if (this.coalesce && !this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    const frame = Buffer.allocUnsafe(4 + body.length);
    frame.writeUInt32BE(body.length, 0);
    frame.set(body, 4);
    this.socket.write(frame);
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };
}

/** Calls `handle` with the body of each complete frame that arrives. */
function readFrames(socket: net.Socket, handle: (body: Buffer) => void): void {
  let rest: Buffer | undefined;
  socket.on('data', (chunk: Buffer) => {
    const data = rest ? Buffer.concat([rest, chunk]) : chunk;
    let offset = 0;
    while (data.length - offset >= 4) {
      const end = offset + 4 + data.readUInt32BE(offset);
      if (end > data.length) break;
      handle(data.subarray(offset + 4, end));
      offset = end;
    }
    rest = offset < data.length ? data.subarray(offset) : undefined;
  });
}

/** Starts a `net` server serving `add` and a client connected to it; `coalesce` corks each tick's writes. */
export async function startNet(coalesce: boolean): Promise<Target> {
  const accepted = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted.add(socket);
    socket.on('close', () => accepted.delete(socket));
    socket.setNoDelay(true);
    const decoder = new Decoder();
    const encoder = new Encoder();
    const out = new FrameWriter(socket, coalesce);
    readFrames(socket, (body) => {
      const [id, a, b] = decoder.decode(body) as [number, number, number];
      out.write(encoder.encode([id, a + b]));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;

  const client = net.connect(port, '127.0.0.1');
  await once(client, 'connect');
  client.setNoDelay(true);
  const decoder = new Decoder();
  const encoder = new Encoder();
  const out = new FrameWriter(client, coalesce);
  const calls = new Calls();
  readFrames(client, (body) => {
    const [id, result] = decoder.decode(body) as [number, number];
    calls.settle(id, result, 'net');
  });

  return {
    add: (a, b) => calls.call((id) => out.write(encoder.encode([id, a, b]))),
    async close() {
      client.destroy();
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
