import type { PeerInfo } from './connection';

/** What a {@link Link} reports to the peer that owns it. */
export interface LinkEvents {
  /** The handshake is done: messages may flow. */
  onReady(info: PeerInfo): void;
  /** A message from the other side. */
  onMessage(frames: Buffer[]): void;
  /** A command other than the handshake's and heartbeats' (SUBSCRIBE, CANCEL, ...). */
  onCommand(name: string, data: Buffer): void;
  /** Room opened up after the link was full (sends held back may go now). */
  onWritten(): void;
  /** The link ended; `error` says why when it was not a clean close. */
  onClose(error?: Error): void;
}

/**
 * One connection to a peer, whatever carries it: a ZMTP stream over tcp or
 * ipc ({@link StreamLink}), or an in-process pipe with no bytes at all
 * (`InprocEnd`). The routing parts see only this.
 */
export interface Link {
  /**
   * ZMQ_CONFLATE on this link: the socket keeps only the last message
   * waiting from it, and no high-water mark holds it back.
   */
  readonly conflates: boolean;
  /** True when the handshake is done and the link takes another message without passing its high-water mark. */
  readonly hasRoom: boolean;
  /** Queues a message (callers check `hasRoom` when they care). */
  send(frames: readonly Buffer[]): void;
  /** Sends a command (SUBSCRIBE, CANCEL). */
  sendCommand(name: string, data: Buffer): void;
  /** Stops taking messages from the other side, so it fills up and holds back. */
  pauseReading(): void;
  resumeReading(): void;
  /** The socket is done with one message or command this link delivered (an in-process pipe counts them). */
  consumed(): void;
  /** Ends the link; `linger` ms (-1: no limit, 0: drop at once) for what is still queued. */
  close(linger: number): void;
}
