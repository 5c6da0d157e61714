import type { Peer } from '../peer';
import { distribute } from '../routing/distributor';
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
    if (first.length > 0 && first[0]! <= 1) this.subscribe(peer, first.subarray(1), first[0] === 1);
    return false;
  }

  override command(peer: Peer, name: string, data: Buffer): void {
    if (name === 'SUBSCRIBE') this.subscribe(peer, data, true);
    else if (name === 'CANCEL') this.subscribe(peer, data, false);
  }

  private subscribe(peer: Peer, topic: Buffer, add: boolean): void {
    if (add) peer.subscriptions.add(topic);
    else peer.subscriptions.remove(topic);
  }
}
