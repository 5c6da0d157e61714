/**
 * Baseline of bench/rpc.ts: RPC on raw zeromq.js with one call per ZeroMQ
 * message, the per-message ceiling. A DEALER (client) and a ROUTER (server)
 * in this process over tcp://127.0.0.1; a request is one frame, msgpack
 * `[id, a, b]`, its reply msgpack `[id, result]`, matched to its caller by
 * id so that many calls can be in flight. Each socket has one receive loop
 * and one send at a time (zeromq.js rejects a second concurrent send with
 * EBUSY), the others waiting in a small queue.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import * as zmq from 'zeromq';
import { Calls, type Target } from './rpc-harness';

/** A zeromq.js socket that sends: what {@link SendQueue} needs of it. */
export interface RawWritable {
  send(msg: zmq.MessageLike[]): Promise<void>;
  readonly closed: boolean;
}

/** A zeromq.js socket that receives: what {@link receiveLoop} needs of it. */
export interface RawReadable {
  receive(): Promise<Buffer[]>;
  readonly closed: boolean;
}

/** One `send` in flight per socket; messages that come meanwhile wait their turn, each still its own message. */
export class SendQueue {
  private busy = false;
  private readonly waiting: zmq.MessageLike[][] = [];

  constructor(private readonly socket: RawWritable) {}

  send(msg: zmq.MessageLike[]): void {
    if (this.busy) {
      this.waiting.push(msg);
      return;
    }
    this.busy = true;
    this.socket.send(msg).then(this.next, this.fail);
  }

  private readonly next = (): void => {
    const msg = this.waiting.shift();
    if (msg === undefined) {
      this.busy = false;
      return;
    }
    this.socket.send(msg).then(this.next, this.fail);
  };

  private readonly fail = (err: unknown): void => {
    if (this.socket.closed) return;
    // A failed send in a benchmark is a bug: fail loudly.
    process.nextTick(() => {
      throw err;
    });
  };
}

/** Reads messages until the socket closes. */
export async function receiveLoop(socket: RawReadable, handle: (msg: Buffer[]) => void): Promise<void> {
  try {
    for (;;) handle(await socket.receive());
  } catch (err) {
    if (!socket.closed) throw err;
  }
}

/** Starts a raw DEALER/ROUTER pair serving `add`. */
export async function startRaw(): Promise<Target> {
  const server = new zmq.Router({ linger: 0 });
  const client = new zmq.Dealer({ linger: 0 });
  await server.bind('tcp://127.0.0.1:*');
  client.connect(server.lastEndpoint!);

  const serverIn = new Decoder();
  const serverOut = new Encoder();
  const replies = new SendQueue(server);
  const serving = receiveLoop(server, ([peer, body]) => {
    const [id, a, b] = serverIn.decode(body!) as [number, number, number];
    replies.send([peer!, serverOut.encode([id, a + b])]);
  });

  const clientIn = new Decoder();
  const clientOut = new Encoder();
  const requests = new SendQueue(client);
  const calls = new Calls();
  const reading = receiveLoop(client, ([body]) => {
    const [id, result] = clientIn.decode(body!) as [number, number];
    calls.settle(id, result, 'raw');
  });

  return {
    add: (a, b) => calls.call((id) => requests.send([clientOut.encode([id, a, b])])),
    async close() {
      client.close();
      server.close();
      await Promise.all([serving, reading]);
    },
  };
}
