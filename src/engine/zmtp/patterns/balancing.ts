import type { Peer } from '../peer';
import { LoadBalancer } from '../routing/load-balancer';
import { BasePattern, HOLD, hasRoom, type SendResult } from './pattern';

/**
 * PUSH, DEALER and PAIR: each message to the next peer in turn that has
 * room, held while none has (no peer, or all at their high-water mark).
 * DEALER and PAIR receive fair-queued; PUSH drops what it is sent. A PAIR
 * takes one peer and refuses the others, as libzmq does.
 */
export class BalancingPattern extends BasePattern {
  private readonly peers = new LoadBalancer<Peer>();

  constructor(private readonly type: 'push' | 'dealer' | 'pair') {
    super();
  }

  attach(peer: Peer): boolean {
    if (this.type === 'pair' && this.peers.size > 0) return false;
    this.peers.add(peer);
    return true;
  }

  detach(peer: Peer): void {
    this.peers.remove(peer);
  }

  send(frames: Buffer[]): SendResult {
    const peer = this.peers.pick(hasRoom);
    if (!peer) return HOLD;
    peer.send(frames);
    return undefined;
  }

  override accept(): boolean {
    return this.type !== 'push';
  }
}
