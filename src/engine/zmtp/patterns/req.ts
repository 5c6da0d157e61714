import { engineError } from '../errors';
import type { Peer } from '../peer';
import { LoadBalancer } from '../routing/load-balancer';
import { BasePattern, HOLD, hasRoom, type SendResult } from './pattern';

const DELIMITER = Buffer.alloc(0);

/**
 * REQ: a request goes, behind an empty delimiter frame, to the next peer in
 * turn (held while none has room); then only that peer's reply is
 * delivered, without the delimiter, and anything else is dropped. A second
 * request before the reply fails with EFSM, unless `relaxed`.
 */
export class ReqPattern extends BasePattern {
  private readonly peers = new LoadBalancer<Peer>();
  private waiting = false;
  private askedPeer: Peer | undefined;

  constructor(private readonly relaxed: boolean) {
    super();
  }

  attach(peer: Peer): boolean {
    this.peers.add(peer);
    return true;
  }

  detach(peer: Peer): void {
    this.peers.remove(peer);
    // A strict REQ whose peer left stays waiting for good, as in libzmq.
    if (this.askedPeer === peer) this.askedPeer = undefined;
  }

  send(frames: Buffer[]): SendResult {
    if (this.waiting && !this.relaxed) {
      return engineError('EFSM', 'a REQ socket must receive the reply before it sends again');
    }
    const peer = this.peers.pick(hasRoom);
    if (!peer) return HOLD;
    peer.send([DELIMITER, ...frames]);
    this.waiting = true;
    this.askedPeer = peer;
    return undefined;
  }

  override unwrap(peer: Peer, frames: Buffer[]): Buffer[] | undefined {
    if (!this.waiting || peer !== this.askedPeer || frames.length < 2 || frames[0]!.length !== 0) return undefined;
    this.waiting = false;
    this.askedPeer = undefined;
    return frames.slice(1);
  }
}
