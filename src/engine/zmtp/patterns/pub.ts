import type { Peer } from '../peer';
import { distribute } from '../routing/distributor';
import { Subscriptions } from '../routing/subscriptions';
import { BasePattern, type SendResult } from './pattern';

/**
 * PUB: each message to every peer subscribed to a prefix of its first
 * frame; a full peer misses it (never held). Subscriptions arrive as
 * SUBSCRIBE/CANCEL commands (ZMTP 3.1) or as `\x01topic`/`\x00topic`
 * messages (ZMTP 3.0 peers and XSUB); other messages are dropped.
 */
export class PubPattern extends BasePattern {
  private readonly peers = new Set<Peer>();
  /** Messages a full subscriber missed. */
  dropped = 0;

  attach(peer: Peer): boolean {
    this.peers.add(peer);
    return true;
  }

  detach(peer: Peer): void {
    this.peers.delete(peer);
  }

  send(frames: Buffer[]): SendResult {
    this.dropped += distribute(this.peers, frames);
    return undefined;
  }

  override accept(peer: Peer, frames: Buffer[]): boolean {
    const first = frames[0]!;
    if (frames.length === 1 && first.length > 0 && first[0]! <= 1) {
      return this.subscribe(peer, first.subarray(1), first[0] === 1) !== undefined;
    }
    return false;
  }

  override command(peer: Peer, name: string, data: Buffer): Buffer[] | undefined {
    if (name === 'SUBSCRIBE') return this.subscribe(peer, data, true);
    if (name === 'CANCEL') return this.subscribe(peer, data, false);
    return undefined;
  }

  /** Applies a subscription change of `peer`; returns the message an XPUB's application gets for it, if any. */
  protected subscribe(peer: Peer, topic: Buffer, add: boolean): Buffer[] | undefined {
    if (add) peer.subscriptions.add(topic);
    else peer.subscriptions.remove(topic);
    return undefined;
  }
}

/**
 * XPUB: a PUB whose application also receives the subscriptions, as
 * `\x01topic` for the first subscription to a topic across its peers and
 * `\x00topic` when the last one is cancelled (libzmq without XPUB_VERBOSE).
 * A peer that leaves takes its subscriptions with it, silently, as libzmq does.
 */
export class XPubPattern extends PubPattern {
  private readonly all = new Subscriptions();

  protected override subscribe(peer: Peer, topic: Buffer, add: boolean): Buffer[] | undefined {
    super.subscribe(peer, topic, add);
    const changed = add ? this.all.add(topic) : this.all.remove(topic);
    return changed ? [Buffer.concat([Buffer.of(add ? 1 : 0), topic])] : undefined;
  }
}
