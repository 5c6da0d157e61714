import { readSubscription, subscriptionMessage } from '../../subscription-message';
import { engineError } from '../errors';
import type { Peer } from '../peer';
import { Subscriptions } from '../routing/subscriptions';
import { BasePattern, type SendResult } from './pattern';

/**
 * SUB: tells every publisher of its topics (SUBSCRIBE/CANCEL commands to a
 * ZMTP 3.1 peer, `\x01topic`/`\x00topic` messages to a 3.0 peer), again to
 * each new one, and delivers only messages whose first frame starts with a
 * topic (with `invertMatching`, those matching none). Cannot send. With no
 * topic it receives nothing.
 */
export class SubPattern extends BasePattern {
  protected readonly publishers = new Set<Peer>();
  private readonly topics = new Subscriptions();
  private readonly invert: boolean;

  /** `invertMatching` (ZMQ_INVERT_MATCHING): deliver the messages that match *no* topic. */
  constructor(options: { invertMatching?: boolean } = {}) {
    super();
    this.invert = options.invertMatching === true;
  }

  attach(peer: Peer): boolean {
    this.publishers.add(peer);
    for (const topic of this.topics.list()) tell(peer, topic, true);
    return true;
  }

  detach(peer: Peer): void {
    this.publishers.delete(peer);
  }

  send(_frames: Buffer[]): SendResult {
    return engineError('ENOTSUP', 'a SUB socket cannot send');
  }

  override unwrap(_peer: Peer, frames: Buffer[]): Buffer[] | undefined {
    return this.topics.matches(frames[0]) !== this.invert ? frames : undefined;
  }

  /**
   * Every subscription goes to the publishers, a repeated one too (as
   * libzmq's XSUB sends them: an XPUB with `verbosity` counts them); a
   * cancellation only when it ends the topic.
   */
  addTopic(topic: Buffer): void {
    this.topics.add(topic);
    for (const peer of this.publishers) tell(peer, topic, true);
  }

  removeTopic(topic: Buffer): void {
    if (!this.topics.remove(topic)) return;
    for (const peer of this.publishers) tell(peer, topic, false);
  }
}

/**
 * XSUB: subscriptions are messages the application sends (`\x01topic`,
 * `\x00topic`), forwarded to every publisher (as SUB does, and to new ones);
 * other messages it sends go to every publisher; everything that arrives is
 * delivered (the publishers filter).
 */
export class XSubPattern extends SubPattern {
  override send(frames: Buffer[]): SendResult {
    const subscription = readSubscription(frames);
    if (subscription) {
      if (subscription.add) this.addTopic(subscription.topic);
      else this.removeTopic(subscription.topic);
      return undefined;
    }
    for (const peer of this.publishers) peer.offer(frames);
    return undefined;
  }

  override unwrap(_peer: Peer, frames: Buffer[]): Buffer[] | undefined {
    return frames;
  }
}

function tell(peer: Peer, topic: Buffer, add: boolean): void {
  if (peer.speaks31) peer.sendCommand(add ? 'SUBSCRIBE' : 'CANCEL', topic);
  else peer.send([subscriptionMessage(add, topic)]);
}
