import type { Socket } from 'node:net';
import type { SocketType } from '../types';
import { ZmtpConnection, type PeerInfo } from './connection';
import type { Security } from './mechanisms';
import { MessageQueue } from './routing/message-queue';
import { Subscriptions } from './routing/subscriptions';

/** What a socket hears from its peers. */
export interface PeerEvents {
  /** The handshake is done. */
  ready(peer: Peer): void;
  message(peer: Peer, frames: Buffer[]): void;
  /** A command other than READY, PING, PONG and ERROR (SUBSCRIBE, CANCEL, ...). */
  command(peer: Peer, name: string, data: Buffer): void;
  /** Messages counted against the send high-water mark reached the kernel. */
  written(peer: Peer): void;
  /** The connection ended; `error` says why when it was not a clean close. */
  closed(peer: Peer, error: Error | undefined): void;
}

/** A peer's settings, from the socket's options. */
export interface PeerOptions {
  socketType: SocketType;
  /** Our routing id, announced in READY. */
  identity?: Buffer;
  maxMessageSize?: number;
  /** Messages queued towards the peer (not yet in the kernel) before it counts as full. */
  sendHighWaterMark: number;
  /** ZMTP heartbeats, when enabled (see ConnectionOptions.heartbeat). */
  heartbeat?: { interval: number; timeout: number; ttl: number };
  /** Ms the handshake may take (0: no limit). */
  handshakeInterval?: number;
  /** The security mechanism (default NULL). */
  security?: Security;
}

const EMPTY = Buffer.alloc(0);

/**
 * One connected peer of a socket: a {@link ZmtpConnection} plus what the
 * routing parts keep per peer (the messages read and not yet delivered,
 * its routing id, its subscriptions). The connection counts messages not
 * yet written to the kernel; that count against the send high-water mark
 * says whether the peer has room. Reading is paused (so TCP pushes back on
 * the sender) while too many read messages wait.
 */
export class Peer {
  readonly inbox = new MessageQueue<Buffer[]>();
  /** PUB: what this subscriber asked for. */
  readonly subscriptions = new Subscriptions(false);
  /** ROUTER: the routing id it goes by (given or generated). */
  identity: Buffer = EMPTY;
  /** Set once the handshake is done. */
  info: PeerInfo | undefined;
  /** True once the connection ended (messages may still wait in `inbox`). */
  gone = false;
  /** True once this side chose to close it. */
  closing = false;
  private readingPaused = false;
  private readonly connection: ZmtpConnection;
  private readonly sendHwm: number;

  constructor(
    readonly socket: Socket,
    /** The endpoint it came through (bound or connected), for events. */
    readonly endpoint: string,
    options: PeerOptions,
    events: PeerEvents,
  ) {
    this.sendHwm = options.sendHighWaterMark;
    this.connection = new ZmtpConnection(socket, {
      socketType: options.socketType,
      identity: options.identity,
      maxMessageSize: options.maxMessageSize,
      heartbeat: options.heartbeat,
      handshakeInterval: options.handshakeInterval,
      security: options.security,
      onReady: (info) => {
        this.info = info;
        events.ready(this);
      },
      onMessage: (frames) => events.message(this, frames),
      onCommand: (name, data) => events.command(this, name, data),
      onWritten: () => events.written(this),
      onClose: (error) => {
        this.gone = true;
        events.closed(this, error);
      },
    });
  }

  /** True when the handshake is done and fewer than the send high-water mark of messages wait to be written. */
  get hasRoom(): boolean {
    return this.connection.ready && this.connection.pending < this.sendHwm;
  }

  /** The peer speaks ZMTP 3.1 (commands for subscriptions) rather than 3.0. */
  get speaks31(): boolean {
    return (this.info?.minor ?? 0) >= 1;
  }

  /** Queues a message (the caller checked `hasRoom` if it cares). */
  send(frames: readonly Buffer[]): void {
    this.connection.send(frames);
  }

  /** Queues a message unless the peer is full; false when it is. */
  offer(frames: readonly Buffer[]): boolean {
    if (!this.hasRoom) return false;
    this.connection.send(frames);
    return true;
  }

  sendCommand(chunks: readonly Buffer[]): void {
    this.connection.sendCommand(chunks);
  }

  /** Stops reading from the socket, so the kernel's buffers and then the sender fill up. */
  pauseReading(): void {
    if (this.readingPaused || this.gone) return;
    this.readingPaused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.readingPaused) return;
    this.readingPaused = false;
    this.socket.resume();
  }

  /**
   * Closes the connection. With `linger` 0 it is destroyed at once;
   * otherwise what is queued is flushed and the socket ended, and after
   * `linger` ms (-1: no limit) whatever is left is destroyed.
   */
  close(linger: number): void {
    if (this.closing) return;
    this.closing = true;
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
