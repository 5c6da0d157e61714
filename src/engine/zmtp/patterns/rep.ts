import { engineError } from '../errors';
import type { Peer } from '../peer';
import { BasePattern, type SendResult } from './pattern';

/**
 * REP: takes one request at a time, fair-queued; the envelope (routing
 * frames up to the empty delimiter) is kept and put back in front of the
 * reply, which goes to the peer the request came from. A reply without a
 * request fails with EFSM; the next request is delivered only after the
 * reply. A request without a delimiter is dropped.
 */
export class RepPattern extends BasePattern {
  private replyTo: { peer: Peer; envelope: Buffer[] } | undefined;

  override get receiving(): boolean {
    return this.replyTo === undefined;
  }

  attach(): boolean {
    return true;
  }

  detach(): void {
    // a reply owed to a peer that left is dropped when it is sent
  }

  send(frames: Buffer[]): SendResult {
    const to = this.replyTo;
    if (!to) return engineError('EFSM', 'a REP socket must receive a request before it replies');
    this.replyTo = undefined;
    // As libzmq's REP (a ROUTER inside): a reply to a peer that left or is full is dropped.
    if (!to.peer.gone) to.peer.offer([...to.envelope, ...frames]);
    return undefined;
  }

  override unwrap(peer: Peer, frames: Buffer[]): Buffer[] | undefined {
    const delimiter = frames.findIndex((frame) => frame.length === 0);
    if (delimiter < 0 || delimiter === frames.length - 1) return undefined;
    this.replyTo = { peer, envelope: frames.slice(0, delimiter + 1) };
    return frames.slice(delimiter + 1);
  }
}
