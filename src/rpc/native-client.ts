import type { Message } from '../engine';
import type { DealerSocket } from '../observables';
import type { Codec } from '../operators';
import { Batcher, DEFAULT_BATCH, type BatchLimits } from './batcher';
import { PendingCalls } from './call-core';
import { fromWireError, type ErrorTable } from './errors';
import { batchMessage, checkHeader, decodePackets, Kind, packetArray } from './protocol';

/** The client side of rxzmq's protocol: batched calls, replies and streams routed by call id, CANCEL when given up. */
export class NativeClient extends PendingCalls {
  private readonly batcher: Batcher;

  constructor(
    socket: DealerSocket,
    private readonly errorTable: ErrorTable | undefined,
    private readonly codec: Codec,
    batch: Partial<BatchLimits> | undefined,
  ) {
    super(socket);
    this.batcher = new Batcher(
      (frames) => socket.send$(frames),
      (_route, packets) => batchMessage(packets),
      { ...DEFAULT_BATCH, ...batch },
    );
  }

  protected nextId(current: number): number {
    return (current + 1) >>> 0;
  }

  protected send(id: number, method: string, args: unknown[], kwargs: Record<string, unknown>, stream: boolean): void {
    const packet = this.codec.encode(packetArray({ kind: Kind.Call, id, method, args, kwargs, stream }));
    // A batch that cannot be sent (queue full, socket closed) fails the calls it carried.
    this.batcher.push('', [], packet, (err) => err !== undefined && this.fail(id, err));
  }

  protected override abandon(id: number): void {
    this.batcher.push('', [], this.codec.encode(packetArray({ kind: Kind.Cancel, id })));
  }

  protected receive(msg: Message): void {
    let packets: ReturnType<typeof decodePackets>;
    try {
      if (msg.length !== 2) throw new Error('wrong frame count');
      checkHeader(msg[0]);
      packets = decodePackets(msg[1]!, this.codec);
    } catch {
      this.late++;
      return;
    }
    for (const packet of packets) {
      if (!('kind' in packet) || !('id' in packet) || packet.id === null || !this.pending.has(packet.id)) {
        this.late++;
        continue;
      }
      switch (packet.kind) {
        case Kind.Next:
          this.pending.get(packet.id)!.next(packet.value);
          break;
        case Kind.Result: {
          const subscriber = this.take(packet.id)!;
          subscriber.next(packet.value);
          subscriber.complete();
          break;
        }
        case Kind.Complete:
          this.take(packet.id)!.complete();
          break;
        case Kind.Error:
          this.fail(packet.id, fromWireError(packet.error, this.errorTable));
          break;
        default:
          this.late++;
      }
    }
  }
}
