import type { Observable } from 'rxjs';
import type { Frame } from '../engine';

/** Bounds of one batch. */
export interface BatchLimits {
  /** Packets in one message. */
  maxPackets: number;
  /** Bytes of encoded packets in one message (a single larger packet still goes, alone). */
  maxBytes: number;
}

/** The default bounds: enough to amortise a ZeroMQ message, small enough to keep latency flat. */
export const DEFAULT_BATCH: BatchLimits = { maxPackets: 256, maxBytes: 256 * 1024 };

/** Called once the packet's message was sent, or with the error that lost it. */
export type Settle = (err?: unknown) => void;

interface Queue {
  readonly route: readonly Frame[];
  packets: Buffer[];
  settles: (Settle | undefined)[];
}

/**
 * Packs packets into as few ZeroMQ messages as it can without waiting on a
 * timer. The first packet of a turn of the event loop goes at once, alone,
 * so a lone call pays no latency. Packets queued while that send is in
 * flight go together when it completes; the rest of the turn's packets (a
 * burst: many replies read in one turn, each issuing a call) go together at
 * the end of the turn (`setImmediate`), instead of one message each.
 * Packets are grouped by route (a ROUTER peer's identity; one route for a
 * client), one message per route at a time.
 */
export class Batcher {
  private readonly queues = new Map<string, Queue>();
  private sending = false;
  private flushing = false;
  /** A message already went in this turn of the event loop: more packets wait for the turn's end. */
  private busyTurn = false;

  constructor(
    /** Sends one message; the Batcher waits for it to complete before the next. */
    private readonly send: (frames: Frame[]) => Observable<void>,
    /** Turns a route and encoded packets into a message's frames. */
    private readonly frame: (route: readonly Frame[], packets: readonly Buffer[]) => Frame[],
    private readonly limits: BatchLimits = DEFAULT_BATCH,
  ) {}

  /**
   * Queues an encoded packet for `route` (identified by `key`), and sends now
   * if the socket is idle; `settle` hears when its message went (or failed).
   */
  push(key: string, route: readonly Frame[], packet: Buffer, settle?: Settle): void {
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = { route, packets: [], settles: [] }));
    queue.packets.push(packet);
    queue.settles.push(settle);
    if (this.busyTurn) return;
    this.startTurn();
    this.flush();
  }

  private startTurn(): void {
    this.busyTurn = true;
    setImmediate(this.endTurn);
  }

  /** The turn is over: what the burst queued goes now (and opens a new turn). */
  private readonly endTurn = (): void => {
    this.busyTurn = false;
    if (this.queues.size === 0) return;
    this.startTurn();
    this.flush();
  };

  /** Sends while the socket takes messages at once; a send that completes later calls back in. */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    while (!this.sending) {
      const next = this.queues.entries().next();
      if (next.done) break;
      const [key, queue] = next.value;
      const count = this.count(queue);
      const packets = queue.packets.splice(0, count);
      const settles = queue.settles.splice(0, count);
      // Re-inserting moves this route to the back of the line, so routes take turns.
      this.queues.delete(key);
      if (queue.packets.length > 0) this.queues.set(key, queue);
      this.sending = true;
      const settle = (err?: unknown): void => {
        for (const one of settles) one?.(err);
        this.sent();
      };
      this.send(this.frame(queue.route, packets)).subscribe({ complete: () => settle(), error: settle });
    }
    this.flushing = false;
  }

  private readonly sent = (): void => {
    this.sending = false;
    this.flush();
  };

  /** How many of a queue's first packets fit in one message. */
  private count(queue: Queue): number {
    let count = 0;
    let bytes = 0;
    while (count < queue.packets.length && count < this.limits.maxPackets) {
      const size = queue.packets[count]!.length;
      if (count > 0 && bytes + size > this.limits.maxBytes) break;
      bytes += size;
      count++;
    }
    return count;
  }
}
