import { encodeCancel, encodeSubscribe } from '../codec';
import { engineError } from '../errors';
import type { Peer } from '../peer';
import { Subscriptions } from '../routing/subscriptions';
import { BasePattern, type SendResult } from './pattern';

/**
 * SUB: tells every publisher of its topics (SUBSCRIBE/CANCEL commands to a
 * ZMTP 3.1 peer, `\x01topic`/`\x00topic` messages to a 3.0 peer), again to
 * each new one, and delivers only messages whose first frame starts with a
 * topic. Cannot send. With no topic it receives nothing.
 */
export class SubPattern extends BasePattern {
  private readonly peers = new Set<Peer>();
  private readonly topics = new Subscriptions();

  attach(peer: Peer): boolean {
    this.peers.add(peer);
    for (const topic of this.topics.list()) tell(peer, topic, true);
    return true;
  }

  detach(peer: Peer): void {
    this.peers.delete(peer);
  }

  send(): SendResult {
    return engineError('ENOTSUP', 'a SUB socket cannot send');
  }

  override unwrap(_peer: Peer, frames: Buffer[]): Buffer[] | undefined {
    return this.topics.matches(frames[0]) ? frames : undefined;
  }

  addTopic(topic: Buffer): void {
    if (!this.topics.add(topic)) return;
    for (const peer of this.peers) tell(peer, topic, true);
  }

  removeTopic(topic: Buffer): void {
    if (!this.topics.remove(topic)) return;
    for (const peer of this.peers) tell(peer, topic, false);
  }
}

function tell(peer: Peer, topic: Buffer, add: boolean): void {
  if (peer.speaks31) peer.sendCommand(add ? encodeSubscribe(topic) : encodeCancel(topic));
  else peer.send([Buffer.concat([Buffer.of(add ? 1 : 0), topic])]);
}
