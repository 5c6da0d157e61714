import type { PeerInfo } from './connection';
import type { Link, LinkEvents } from './link';
import { MessageQueue } from './routing/message-queue';
import { Subscriptions } from './routing/subscriptions';

/** What a socket hears from its peers. */
export interface PeerEvents {
  /** The handshake is done. */
  ready(peer: Peer): void;
  message(peer: Peer, frames: Buffer[]): void;
  /** A command other than READY, PING, PONG and ERROR (SUBSCRIBE, CANCEL, ...). */
  command(peer: Peer, name: string, data: Buffer): void;
  /** Room opened up towards the peer (held sends may go). */
  written(peer: Peer): void;
  /** The connection ended; `error` says why when it was not a clean close. */
  closed(peer: Peer, error: Error | undefined): void;
}

/** Opens the link a peer talks through, given the events it reports to. */
export type LinkOpener = (events: LinkEvents) => Link;

const EMPTY = Buffer.alloc(0);

/**
 * One connected peer of a socket: a {@link Link} (a ZMTP stream or an
 * in-process pipe) plus what the routing parts keep per peer (the messages
 * read and not yet delivered, its routing id, its subscriptions).
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
  /** True while the socket's routing pattern has it. */
  attached = false;
  private readonly link: Link;

  constructor(
    /** The endpoint it came through (bound or connected), for events. */
    readonly endpoint: string,
    events: PeerEvents,
    open: LinkOpener,
  ) {
    this.link = open({
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

  /** ZMQ_CONFLATE on this peer's link: only its last waiting message is kept. */
  get conflates(): boolean {
    return this.link.conflates;
  }

  /** True when the handshake is done and the peer takes another message without passing its high-water mark. */
  get hasRoom(): boolean {
    return this.link.hasRoom;
  }

  /** The peer speaks ZMTP 3.1 (commands for subscriptions) rather than 3.0. */
  get speaks31(): boolean {
    return (this.info?.minor ?? 0) >= 1;
  }

  /** Queues a message (the caller checked `hasRoom` if it cares). */
  send(frames: readonly Buffer[]): void {
    this.link.send(frames);
  }

  /** Queues a message unless the peer is full; false when it is. */
  offer(frames: readonly Buffer[]): boolean {
    if (!this.link.hasRoom) return false;
    this.link.send(frames);
    return true;
  }

  sendCommand(name: string, data: Buffer): void {
    this.link.sendCommand(name, data);
  }

  /** Stops taking messages from the peer, so it fills up and holds back. */
  pauseReading(): void {
    if (!this.gone) this.link.pauseReading();
  }

  resumeReading(): void {
    this.link.resumeReading();
  }

  /** The socket is done with one message or command from this peer (delivered or dropped). */
  consumed(): void {
    this.link.consumed();
  }

  /** Closes the link; `linger` ms (-1: no limit, 0: at once) for what is still queued. */
  close(linger: number): void {
    if (this.closing) return;
    this.closing = true;
    this.link.close(linger);
  }
}
