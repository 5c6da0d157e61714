import type { Peer } from '../peer';

/** A send that waits: no peer can take the message now; the socket retries when one can. */
export const HOLD = Symbol('hold');

/** What routing an outgoing message came to: taken (undefined), refused (an Error), or held. */
export type SendResult = undefined | Error | typeof HOLD;

/**
 * The routing rules of one socket type (RFC 28-31), built from the parts
 * in `../routing`. It sees peers and frames, never bytes: the socket feeds
 * it peers as their handshakes finish and leave, and messages as they are
 * sent and delivered.
 */
export interface Pattern {
  /** A peer finished its handshake; false refuses it (the socket then closes it). */
  attach(peer: Peer): boolean;
  /**
   * A peer left (its unread messages may still be delivered); may return
   * messages for the application about it (an XPUB's cancellations).
   */
  detach(peer: Peer): Buffer[][] | void;
  /** Routes an outgoing message. */
  send(frames: Buffer[]): SendResult;
  /** A message read from `peer`: false when the pattern consumed or dropped it, rather than queue it for the application. */
  accept(peer: Peer, frames: Buffer[]): boolean;
  /** Whether the application may take the next message now (a REP owes a reply first). */
  readonly receiving: boolean;
  /** The message as the application sees it (envelopes applied), or undefined to drop it. */
  unwrap(peer: Peer, frames: Buffer[]): Buffer[] | undefined;
  /**
   * A command other than the handshake's and heartbeats' (SUBSCRIBE,
   * CANCEL); returns a message for the application when the command is one
   * to it (an XPUB hears of subscriptions), else undefined.
   */
  command(peer: Peer, name: string, data: Buffer): Buffer[] | undefined;
  /** The application's topics, for the types that take them (SUB, XSUB, a manual XPUB). */
  addTopic?(topic: Buffer): void;
  removeTopic?(topic: Buffer): void;
}

/** Defaults for the parts of {@link Pattern} most types do not use. */
export abstract class BasePattern implements Pattern {
  get receiving(): boolean {
    return true;
  }
  abstract attach(peer: Peer): boolean;
  abstract detach(peer: Peer): Buffer[][] | void;
  abstract send(frames: Buffer[]): SendResult;
  accept(_peer: Peer, _frames: Buffer[]): boolean {
    return true;
  }
  unwrap(_peer: Peer, frames: Buffer[]): Buffer[] | undefined {
    return frames;
  }
  command(_peer: Peer, _name: string, _data: Buffer): Buffer[] | undefined {
    // ignored, as libzmq ignores commands a socket type has no use for
    return undefined;
  }
}

/** True when the peer can take a message now. */
export const hasRoom = (peer: Peer): boolean => peer.hasRoom;
