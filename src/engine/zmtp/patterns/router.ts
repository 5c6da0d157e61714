import { engineError } from '../errors';
import type { Peer } from '../peer';
import { IdentityTable } from '../routing/identities';
import { BasePattern, HOLD, type SendResult } from './pattern';

/**
 * ROUTER: received messages get the sender's routing id as their first
 * frame; a sent message's first frame names the peer it goes to. An
 * unknown id drops the message, or with `mandatory` fails with
 * EHOSTUNREACH; a full peer drops it, or with `mandatory` holds it. A
 * newcomer announcing a routing id already in use is refused, or with
 * `handover` takes the id over: the old peer is disconnected, and what it
 * sent that still waits is delivered under a generated id (as libzmq does).
 */
export class RouterPattern extends BasePattern {
  private readonly ids = new IdentityTable<Peer>();
  /**
   * The peers by the very Buffer of their id: a reply usually carries the
   * id object the request was delivered with, found here without reading
   * its bytes.
   */
  private readonly byIdObject = new WeakMap<Buffer, Peer>();

  constructor(
    private readonly mandatory: boolean,
    private readonly handover = false,
  ) {
    super();
  }

  attach(peer: Peer): boolean {
    const wanted = peer.info?.identity;
    const holder = wanted && this.handover ? this.ids.get(wanted) : undefined;
    if (holder) {
      this.ids.remove(wanted!);
      this.byIdObject.delete(holder.identity);
      holder.identity = this.ids.generate();
      holder.close(0);
    }
    const id = this.ids.add(peer, wanted);
    if (!id) return false;
    peer.identity = id;
    this.byIdObject.set(id, peer);
    return true;
  }

  detach(peer: Peer): void {
    this.byIdObject.delete(peer.identity);
    if (this.ids.get(peer.identity) === peer) this.ids.remove(peer.identity);
  }

  send(frames: Buffer[]): SendResult {
    const first = frames[0];
    const peer = first === undefined ? undefined : (this.byIdObject.get(first) ?? this.ids.get(first));
    if (!peer) return this.mandatory ? engineError('EHOSTUNREACH', 'no peer with that routing id') : undefined;
    if (frames.length < 2) return undefined;
    if (!peer.hasRoom) return this.mandatory ? HOLD : undefined;
    peer.send(frames.slice(1));
    return undefined;
  }

  override unwrap(peer: Peer, frames: Buffer[]): Buffer[] {
    frames.unshift(peer.identity);
    return frames;
  }
}
