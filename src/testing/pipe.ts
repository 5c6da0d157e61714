import type { Message } from '../engine';

/** libzmq's `max_wm_delta`: how far below the high mark a large pipe wakes its writer. */
const MAX_WM_DELTA = 1024;

/**
 * The low-water mark libzmq derives from a pipe's high-water mark: the
 * reader tells the writer how much it has read only every `lwm` messages,
 * so a blocked writer resumes after that many reads, not after one.
 */
export function lowWaterMark(hwm: number): number {
  if (!Number.isFinite(hwm)) return 0;
  return hwm > MAX_WM_DELTA * 2 ? hwm - MAX_WM_DELTA : Math.floor((hwm + 1) / 2);
}

/**
 * One direction of a connection: a FIFO of messages from a writer socket to
 * a reader socket, bounded as libzmq bounds its pipes. The writer sees the
 * pipe as full once `hwm` messages are written that it has not been told
 * were read; the reader tells it every `lwm` reads (then `onActivateWrite`
 * runs). Each message carries the virtual time it becomes readable at.
 */
export class Pipe {
  private messages: (Message | undefined)[] = [];
  private readyAt: number[] = [];
  private head = 0;
  private written = 0;
  private read = 0;
  private peersRead = 0;
  private readonly lwm: number;

  constructor(
    /** Messages in flight before the writer is held; `Infinity` for no bound. */
    readonly hwm: number,
    /** Called when the reader has freed room (every `lwm` reads). */
    private readonly onActivateWrite: () => void,
  ) {
    this.lwm = lowWaterMark(hwm);
  }

  /** Messages written and not read yet. */
  get size(): number {
    return this.messages.length - this.head;
  }

  /** True when the writer may not write (it has not yet heard of enough reads). */
  get full(): boolean {
    return this.written - this.peersRead >= this.hwm;
  }

  /** Writes `msg`, readable from `at`; false (and nothing written) when full. */
  write(msg: Message, at: number): boolean {
    if (this.full) return false;
    this.messages.push(msg);
    this.readyAt.push(at);
    this.written++;
    return true;
  }

  /** The time the next message becomes readable, or undefined when empty. */
  get nextAt(): number | undefined {
    return this.head < this.messages.length ? this.readyAt[this.head] : undefined;
  }

  /** True when a message is readable at time `now`. */
  readable(now: number): boolean {
    const at = this.nextAt;
    return at !== undefined && at <= now;
  }

  /** Takes the next message (callers check `readable` first). */
  take(): Message {
    const msg = this.messages[this.head]!;
    this.messages[this.head] = undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.messages.length) {
      this.messages = this.messages.slice(this.head);
      this.readyAt = this.readyAt.slice(this.head);
      this.head = 0;
    }
    this.read++;
    if (this.lwm > 0 && this.read % this.lwm === 0) {
      this.peersRead = this.read;
      this.onActivateWrite();
    }
    return msg;
  }

  /** Drops every message (a connection torn down without linger). */
  clear(): void {
    this.messages = [];
    this.readyAt = [];
    this.head = 0;
  }
}
