import { randomInt } from 'node:crypto';
import { engineError } from '../errors';
import type { Peer } from '../peer';
import { LoadBalancer } from '../routing/load-balancer';
import { BasePattern, HOLD, hasRoom, type SendResult } from './pattern';

const DELIMITER = Buffer.alloc(0);

/**
 * REQ: a request goes, behind an empty delimiter frame, to the next peer in
 * turn (held while none has room); then only that peer's reply is
 * delivered, without the delimiter, and anything else is dropped. A second
 * request before the reply fails with EFSM, unless `relaxed`. With
 * `correlate` (ZMQ_REQ_CORRELATE), a 4-byte request id goes before the
 * delimiter (counting up from a random start, as libzmq's), and a reply is
 * taken only if it carries the id of the last request: with `relaxed`, the
 * late reply to an abandoned request is dropped even from the same peer.
 */
export class ReqPattern extends BasePattern {
  private readonly peers = new LoadBalancer<Peer>();
  private waiting = false;
  private askedPeer: Peer | undefined;
  /** The id frame of the last request (`correlate`). */
  private requestId = Buffer.alloc(4);
  private nextId = randomInt(0x1_0000_0000);

  constructor(
    private readonly relaxed: boolean,
    private readonly correlate = false,
  ) {
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
    if (this.correlate) {
      this.requestId = Buffer.alloc(4);
      this.requestId.writeUInt32LE(this.nextId);
      this.nextId = (this.nextId + 1) >>> 0;
      peer.send([this.requestId, DELIMITER, ...frames]);
    } else peer.send([DELIMITER, ...frames]);
    this.waiting = true;
    this.askedPeer = peer;
    return undefined;
  }

  override unwrap(peer: Peer, frames: Buffer[]): Buffer[] | undefined {
    if (!this.waiting || peer !== this.askedPeer) return undefined;
    const start = this.correlate ? 1 : 0;
    if (this.correlate && !frames[0]?.equals(this.requestId)) return undefined;
    if (frames.length < start + 2 || frames[start]!.length !== 0) return undefined;
    this.waiting = false;
    this.askedPeer = undefined;
    return frames.slice(start + 1);
  }
}
