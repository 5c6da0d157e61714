import type { Link, LinkEvents } from './link';
import type { LinkOpener } from './peer';
import { MessageQueue } from './routing/message-queue';

/** What a session tells its socket about the connections that come and go under it. */
export interface SessionHooks {
  /** A connection under the session ended (the session stays): `error` says why, `handshook` whether it got that far. */
  lost(error: Error | undefined, handshook: boolean): void;
}

/**
 * A `connect()`ed peer as libzmq keeps one by default (ZMQ_IMMEDIATE off):
 * it exists from `connect()` on, so the socket routes to it at once; while
 * no connection is up it holds up to the send high-water mark of messages,
 * which go out when one is; and it outlives its connections, so what it
 * holds waits across reconnections. (Messages already handed to a
 * connection that drops are lost, as libzmq loses what its engine took.)
 * Closed while it holds messages, it lingers: they still go out if a
 * connection comes up within `linger` ms.
 */
export class Session implements Link {
  private inner: Link | undefined;
  private innerReady = false;
  private readonly held = new MessageQueue<Buffer[]>();
  private readingPaused = false;
  private closing = false;
  /**
   * Items (messages, commands) the current connection delivered that the
   * socket has not taken yet, and those of earlier connections: a take is
   * reported to the connection that delivered the item (an inproc pipe
   * counts them against its high-water mark), not to a later one.
   */
  private untaken = 0;
  private untakenOfEarlier = 0;
  /** Closed, but holding messages that wait for a connection (up to `linger` ms). */
  private waiting = false;
  private linger = 0;
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly events: LinkEvents,
    private readonly sendHwm: number,
    private readonly hooks: SessionHooks,
    /** ZMQ_CONFLATE: hold only the last message while there is no connection, and no more room is needed. */
    readonly conflates = false,
  ) {}

  /** A connection is up (not yet through its handshake): it carries the session from now on. */
  plug(open: LinkOpener): void {
    if (this.closing && !this.waiting) return;
    const link: Link = open({
      onReady: (info) => {
        this.innerReady = true;
        while (this.held.length > 0) link.send(this.held.shift());
        this.events.onReady(info);
        if (this.waiting) {
          this.waiting = false;
          clearTimeout(this.lingerTimer);
          link.close(this.linger);
        }
      },
      onMessage: (frames) => {
        this.untaken++;
        this.events.onMessage(frames);
      },
      onCommand: (name, data) => {
        this.untaken++;
        this.events.onCommand(name, data);
      },
      onWritten: () => this.events.onWritten(),
      onClose: (error) => {
        const handshook = this.innerReady;
        if (this.inner === link) {
          this.inner = undefined;
          this.innerReady = false;
          this.untakenOfEarlier += this.untaken;
          this.untaken = 0;
        }
        if (this.closing && !this.waiting) this.finish(error);
        else this.hooks.lost(error, handshook);
      },
    });
    this.inner = link;
    if (this.readingPaused) link.pauseReading();
  }

  get hasRoom(): boolean {
    return this.innerReady ? this.inner!.hasRoom : this.conflates || this.held.length < this.sendHwm;
  }

  send(frames: readonly Buffer[]): void {
    if (this.innerReady) this.inner!.send(frames);
    else {
      if (this.conflates) this.held.clear();
      this.held.push(frames as Buffer[]);
    }
  }

  sendCommand(name: string, data: Buffer): void {
    if (this.innerReady) this.inner!.sendCommand(name, data);
  }

  pauseReading(): void {
    this.readingPaused = true;
    this.inner?.pauseReading();
  }

  resumeReading(): void {
    this.readingPaused = false;
    this.inner?.resumeReading();
  }

  consumed(): void {
    if (this.untakenOfEarlier > 0) {
      this.untakenOfEarlier--;
      return;
    }
    this.untaken--;
    this.inner?.consumed();
  }

  /** True while closed but waiting for a connection to hand its messages to. */
  get lingering(): boolean {
    return this.waiting;
  }

  /**
   * Ends the session. Its connection (if up) closes with `linger`; messages
   * it holds for want of a connection wait up to `linger` ms (-1: no limit,
   * 0: dropped at once) for one.
   */
  close(linger: number): void {
    if (this.closing) return;
    this.closing = true;
    if (this.held.length > 0 && linger !== 0 && !this.innerReady) {
      this.waiting = true;
      this.linger = linger;
      if (linger > 0) this.lingerTimer = setTimeout(() => this.giveUp(), linger);
      return;
    }
    this.held.clear();
    if (this.inner) this.inner.close(linger);
    else this.finish(undefined);
  }

  /** The linger ran out with no connection: what is held is dropped. */
  private giveUp(): void {
    this.waiting = false;
    this.held.clear();
    if (this.inner) this.inner.close(0);
    else this.finish(undefined);
  }

  private finish(error: Error | undefined): void {
    clearTimeout(this.lingerTimer);
    this.events.onClose(error);
  }
}
