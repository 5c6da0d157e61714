import type { MessageQueue } from './message-queue';
import { Rotation } from './rotation';

/** What the fair queue needs of a peer: the messages read from it and not yet delivered. */
export interface Inbound<M> {
  readonly inbox: MessageQueue<M>;
}

const hasMessage = (peer: Inbound<unknown>): boolean => peer.inbox.length > 0;

/**
 * libzmq's fair queue (fq_t): messages are taken from the peers in turn,
 * one per peer with something waiting, so a busy peer cannot starve the
 * others.
 */
export class FairQueue<P extends Inbound<unknown>> extends Rotation<P> {
  /** The next peer in turn that has a message waiting, if any. */
  take(): P | undefined {
    return this.next(hasMessage);
  }
}
