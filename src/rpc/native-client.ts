import { Observable, type Subscriber } from 'rxjs';
import type { Message } from '../engine';
import type { DealerSocket } from '../observables';
import type { Codec } from '../operators';
import { Batcher, DEFAULT_BATCH, type BatchLimits } from './batcher';
import type { CallCore } from './call-core';
import { fromWireError, RpcTimeoutError, ServiceClosedError, type ErrorTable } from './errors';
import { splitArgs } from './kwargs';
import { batchMessage, checkHeader, decodePackets, Kind, packetArray, type Packet } from './protocol';

interface PendingCall {
  readonly subscriber: Subscriber<unknown>;
  readonly method: string;
}

/** The client side of rxzmq's protocol: batched calls, replies and streams routed by call id, CANCEL on unsubscribe. */
export class NativeClient implements CallCore {
  late = 0;
  private readonly pending = new Map<number, PendingCall>();
  private readonly batcher: Batcher;
  private nextId = 0;

  constructor(
    readonly socket: DealerSocket,
    private readonly errorTable: ErrorTable | undefined,
    private readonly codec: Codec,
    batch: Partial<BatchLimits> | undefined,
  ) {
    this.batcher = new Batcher(
      (frames) => socket.send$(frames),
      (_route, packets) => batchMessage(packets),
      { ...DEFAULT_BATCH, ...batch },
    );
    socket.subscribe({
      next: (msg) => this.receive(msg),
      error: (err: unknown) => this.closeAll(err),
      complete: () => this.closeAll(undefined),
    });
  }

  /** One call as a cold Observable: sends when subscribed, cancels when unsubscribed early. */
  invoke(method: string, all: unknown[], stream: boolean, timeout: number | undefined): Observable<unknown> {
    // The caller's stack, captured now and formatted only if a timeout reads it.
    const caller: { stack?: string } = {};
    Error.captureStackTrace(caller);
    return new Observable<unknown>((subscriber) => {
      if (this.socket.isClosed) {
        subscriber.error(new ServiceClosedError());
        return;
      }
      const { args, kwargs } = splitArgs(all);
      const id = this.allocateId();
      let packet: Buffer;
      try {
        packet = this.codec.encode(packetArray({ kind: Kind.Call, id, method, args, kwargs, stream }));
      } catch (err) {
        subscriber.error(new TypeError(`rxzmq: cannot encode the arguments of '${method}': ${(err as Error).message}`, { cause: err }));
        return;
      }
      this.pending.set(id, { subscriber, method });
      this.batcher.push('', [], packet, (err) => err !== undefined && this.failSent(id, err));
      const timer =
        timeout === undefined
          ? undefined
          : setTimeout(() => subscriber.error(new RpcTimeoutError(timeout, method, { callerStack: caller.stack })), timeout);
      return () => {
        if (timer) clearTimeout(timer);
        if (this.pending.delete(id) && !this.socket.isClosed) {
          this.batcher.push('', [], this.codec.encode(packetArray({ kind: Kind.Cancel, id })));
        }
      };
    });
  }

  private allocateId(): number {
    do this.nextId = (this.nextId + 1) >>> 0;
    while (this.pending.has(this.nextId));
    return this.nextId;
  }

  private receive(msg: Message): void {
    let packets: ReturnType<typeof decodePackets>;
    try {
      if (msg.length !== 2) throw new Error('wrong frame count');
      checkHeader(msg[0]);
      packets = decodePackets(msg[1]!, this.codec);
    } catch {
      this.late++;
      return;
    }
    for (const packet of packets) this.route(packet);
  }

  private route(packet: Packet | { error: Error; id: number | null }): void {
    const id = 'kind' in packet && 'id' in packet ? packet.id : null;
    const call = id === null ? undefined : this.pending.get(id);
    if (!call || !('kind' in packet)) {
      this.late++;
      return;
    }
    const { subscriber } = call;
    switch (packet.kind) {
      case Kind.Result:
        this.pending.delete(packet.id);
        subscriber.next(packet.value);
        subscriber.complete();
        return;
      case Kind.Next:
        subscriber.next(packet.value);
        return;
      case Kind.Complete:
        this.pending.delete(packet.id);
        subscriber.complete();
        return;
      case Kind.Error:
        this.pending.delete(id!);
        subscriber.error(fromWireError(packet.error, this.errorTable));
        return;
      default:
        this.late++;
    }
  }

  /** The message carrying a call could not be sent (queue full, socket closed): the call fails with that error. */
  private failSent(id: number, err: unknown): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    call.subscriber.error(err);
  }

  private closeAll(cause: unknown): void {
    for (const [id, call] of [...this.pending]) {
      this.pending.delete(id);
      call.subscriber.error(new ServiceClosedError(undefined, { cause }));
    }
  }
}

