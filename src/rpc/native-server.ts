import type { Message } from '../engine';
import type { RouterSocket } from '../observables';
import type { Codec } from '../operators';
import { Batcher, DEFAULT_BATCH, type BatchLimits } from './batcher';
import { toWireError } from './errors';
import { batchMessage, checkHeader, decodePackets, Kind, packetArray, ProtocolError, type Packet } from './protocol';
import type { CallRunner, CallSink, RunningCall } from './runner';

const DONE = Promise.resolve();

/** Options of the rxzmq-protocol server core. */
export interface NativeServerConfig {
  exposeStack: boolean;
  maxMessageSize: number;
  batch?: Partial<BatchLimits>;
}

/**
 * The server side of rxzmq's protocol: reads batches of calls, runs them,
 * sends the replies batched per peer, and cancels calls on CANCEL.
 */
export class NativeServer {
  private readonly batcher: Batcher;
  /** Cancel functions of running calls, by peer identity (hex) and call id. */
  private readonly running = new Map<string, Map<number, RunningCall>>();

  constructor(
    socket: RouterSocket,
    private readonly runner: CallRunner,
    private readonly codec: Codec,
    private readonly config: NativeServerConfig,
  ) {
    this.batcher = new Batcher(
      (frames) => socket.send$(frames),
      (route, packets) => [...route, ...batchMessage(packets)],
      { ...DEFAULT_BATCH, ...config.batch },
    );
  }

  /** Handles one message; resolves when its plain calls have replied (streams run on), which paces reading. */
  receive(msg: Message): Promise<void> {
    const stats = this.runner.stats;
    stats.messages++;
    const [identity] = msg;
    const peer = identity?.toString('hex') ?? '';
    let packets: ReturnType<typeof decodePackets>;
    try {
      if (msg.length !== 3) throw new ProtocolError(`expected 3 frames (identity, header, body), got ${msg.length}`);
      checkHeader(msg[1]);
      const body = msg[2]!;
      if (body.length > this.config.maxMessageSize) {
        throw new ProtocolError(`request of ${body.length} bytes is over the limit of ${this.config.maxMessageSize}`);
      }
      packets = decodePackets(body, this.codec);
    } catch (err) {
      stats.malformed++;
      if (identity && identity.length > 0) this.reply(identity, peer, this.errorPacket(null, err));
      return DONE;
    }
    // One promise per message (not per call), settled when its plain calls have replied.
    let waiting = 1;
    let release: (() => void) | undefined;
    const settled = (): void => {
      if (--waiting === 0) release?.();
    };
    for (const packet of packets) {
      if (!('kind' in packet)) {
        stats.malformed++;
        this.reply(identity!, peer, this.errorPacket(packet.id, packet.error));
      } else if (packet.kind === Kind.Call) {
        waiting++;
        this.run(identity!, peer, packet, settled);
      } else if (packet.kind === Kind.Cancel) this.cancel(peer, packet.id);
      else stats.malformed++;
    }
    settled();
    return waiting === 0 ? DONE : new Promise<void>((resolve) => (release = resolve));
  }

  /** Aborts every running call (the service closes). */
  abortAll(): void {
    for (const calls of this.running.values()) for (const running of calls.values()) running.cancel(new Error('rxzmq: the service closed'));
    this.running.clear();
  }

  /** Runs one call; `settled` is called once, when a plain call has replied (at once for a stream). */
  private run(identity: Buffer, peer: string, call: Extract<Packet, { kind: Kind.Call }>, settled: () => void): void {
    const calls = this.running.get(peer) ?? new Map<number, RunningCall>();
    this.running.set(peer, calls);
    const previous = calls.get(call.id);
    if (previous) {
      calls.delete(call.id);
      previous.cancel(new Error('rxzmq: replaced by a call with the same id'));
    }
    const reply = new CallReply(this, identity, peer, call.id, call.stream, calls, settled);
    const running = this.runner.run(call, call.stream, reply);
    if (!running.ended) {
      calls.set(call.id, running);
      reply.running = running;
    } else if (calls.size === 0 && this.running.get(peer) === calls) this.running.delete(peer);
    if (call.stream) reply.release(); // a stream does not hold the reading of further requests
  }

  /** @internal A call of `peer` ended: forget it. */
  forget(peer: string, calls: Map<number, RunningCall>, id: number, running: RunningCall | undefined): void {
    if (running && calls.get(id) === running) calls.delete(id);
    if (calls.size === 0 && this.running.get(peer) === calls) this.running.delete(peer);
  }

  private cancel(peer: string, id: number): void {
    const calls = this.running.get(peer);
    const running = calls?.get(id);
    if (!calls || !running) return;
    calls.delete(id);
    if (calls.size === 0) this.running.delete(peer);
    running.cancel(new Error('rxzmq: the caller cancelled the call'));
  }

  /** @internal Queues a reply packet for a peer. */
  reply(identity: Buffer, peer: string, packet: Packet): void {
    let encoded: Buffer;
    try {
      encoded = this.codec.encode(packetArray(packet));
    } catch (err) {
      if (packet.kind === Kind.Error || !('id' in packet)) return;
      this.runner.stats.errors++;
      const cause = new TypeError(`rxzmq: cannot encode the result: ${(err as Error).message}`, { cause: err });
      encoded = this.codec.encode(packetArray(this.errorPacket(packet.id, cause)));
    }
    this.batcher.push(peer, [identity], encoded);
  }

  /** @internal An ERROR packet for `err`. */
  errorPacket(id: number | null, err: unknown): Packet {
    return { kind: Kind.Error, id, error: toWireError(err, { exposeStack: this.config.exposeStack }) };
  }
}

/** Where one call's outcome goes: reply packets to its peer, then its slot in the message's pacing. */
class CallReply implements CallSink {
  running: RunningCall | undefined;
  private released = false;

  constructor(
    private readonly server: NativeServer,
    private readonly identity: Buffer,
    private readonly peer: string,
    private readonly id: number,
    private readonly stream: boolean,
    private readonly calls: Map<number, RunningCall>,
    private readonly settled: () => void,
  ) {}

  next(value: unknown): void {
    if (this.stream) {
      this.server.reply(this.identity, this.peer, { kind: Kind.Next, id: this.id, value });
      return;
    }
    this.done();
    this.server.reply(this.identity, this.peer, { kind: Kind.Result, id: this.id, value });
    this.release();
  }

  complete(): void {
    this.done();
    if (this.stream) this.server.reply(this.identity, this.peer, { kind: Kind.Complete, id: this.id });
    this.release();
  }

  error(err: unknown): void {
    this.done();
    this.server.reply(this.identity, this.peer, this.server.errorPacket(this.id, err));
    this.release();
  }

  /** Frees the call's slot in its message's pacing, once. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.settled();
  }

  private done(): void {
    this.server.forget(this.peer, this.calls, this.id, this.running);
  }
}
