import type { Socket } from 'node:net';
import { encodeCommand } from './codec';
import { ZmtpConnection, type ConnectionOptions } from './connection';
import type { Link, LinkEvents } from './link';

/** A stream link's settings: the connection's, plus the send high-water mark. */
export type StreamLinkOptions = Omit<ConnectionOptions, keyof LinkEvents> & {
  /** Messages queued towards the peer (not yet in the kernel) before it counts as full. */
  sendHighWaterMark: number;
  /** ZMQ_CONFLATE: no send high-water mark (the socket keeps one message per peer waiting to be read). */
  conflate: boolean;
};

/**
 * A {@link Link} over a Node stream socket (tcp, ipc): a
 * {@link ZmtpConnection} for the protocol, plus the socket's flow control
 * (reading paused so TCP pushes back on the sender) and its closing with
 * linger. The connection counts messages not yet written to the kernel;
 * that count against the send high-water mark says whether there is room.
 */
export class StreamLink implements Link {
  private readonly connection: ZmtpConnection;
  private readonly sendHwm: number;
  readonly conflates: boolean;
  private readingPaused = false;
  private ended = false;

  constructor(
    private readonly socket: Socket,
    options: StreamLinkOptions,
    events: LinkEvents,
  ) {
    this.sendHwm = options.conflate ? Infinity : options.sendHighWaterMark;
    this.conflates = options.conflate;
    this.connection = new ZmtpConnection(socket, {
      ...options,
      onReady: (info) => events.onReady(info),
      onMessage: (frames) => events.onMessage(frames),
      onCommand: (name, data) => events.onCommand(name, data),
      onWritten: () => events.onWritten(),
      onClose: (error) => {
        this.ended = true;
        events.onClose(error);
      },
    });
  }

  get hasRoom(): boolean {
    return this.connection.ready && this.connection.pending < this.sendHwm;
  }

  send(frames: readonly Buffer[]): void {
    this.connection.send(frames);
  }

  sendCommand(name: string, data: Buffer): void {
    this.connection.sendCommand(encodeCommand(name, data));
  }

  pauseReading(): void {
    if (this.readingPaused || this.ended) return;
    this.readingPaused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.readingPaused) return;
    this.readingPaused = false;
    this.socket.resume();
  }

  consumed(): void {
    // the kernel's buffers and reading paused carry the flow control here
  }

  /**
   * With `linger` 0 the socket is destroyed at once; otherwise what is
   * queued is flushed and the socket ended, and after `linger` ms (-1: no
   * limit) whatever is left is destroyed.
   */
  close(linger: number): void {
    this.connection.close();
    if (linger === 0) {
      this.socket.destroy();
      return;
    }
    // Read on to the peer's FIN, so the socket can finish closing.
    this.socket.resume();
    if (linger > 0 && !this.socket.destroyed) {
      const timer = setTimeout(() => this.socket.destroy(), linger);
      timer.unref();
      this.socket.once('close', () => clearTimeout(timer));
    }
  }
}
