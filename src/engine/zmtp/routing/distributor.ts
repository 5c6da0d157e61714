import type { Subscriptions } from './subscriptions';

/** What the distributor needs of a peer: its subscriptions and a way to take a message. */
export interface Subscriber<M> {
  readonly subscriptions: Subscriptions;
  /** Takes `msg` unless the peer is full; false when dropped. */
  offer(msg: M): boolean;
}

/**
 * libzmq's distributor (dist_t) with per-peer filtering, as PUB uses it:
 * a message goes to every peer subscribed to a prefix of its first frame;
 * a full peer misses it (PUB never holds the sender). With `invert`, it
 * goes to the peers *not* subscribed to such a prefix (ZMQ_INVERT_MATCHING).
 * Returns the drops.
 */
export function distribute<M extends readonly Buffer[]>(peers: Iterable<Subscriber<M>>, msg: M, invert = false): number {
  let dropped = 0;
  for (const peer of peers) {
    if (peer.subscriptions.matches(msg[0]) !== invert && !peer.offer(msg)) dropped++;
  }
  return dropped;
}
