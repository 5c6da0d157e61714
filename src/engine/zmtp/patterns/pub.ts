import { notManual } from '../../errors';
import { readSubscription, subscriptionMessage } from '../../subscription-message';
import type { Peer } from '../peer';
import { distribute } from '../routing/distributor';
import { Subscriptions } from '../routing/subscriptions';
import { BasePattern, HOLD, type SendResult } from './pattern';

/** libzmq's PUB and XPUB options (zeromq.js names). */
export interface PubOptions {
  /** ZMQ_XPUB_NODROP: hold the sender while a subscriber is full, rather than drop for it. */
  noDrop?: boolean;
  /** ZMQ_INVERT_MATCHING: send to the peers *not* subscribed to a prefix of the message. */
  invertMatching?: boolean;
}

/** XPUB's own options. */
export interface XPubOptions extends PubOptions {
  /**
   * ZMQ_XPUB_VERBOSE / VERBOSER: `'allSubs'` passes every subscription to
   * the application (not only the first per topic), `'allSubsUnsubs'` every
   * cancellation too; null (default) only the first and the last.
   */
  verbosity?: null | 'allSubs' | 'allSubsUnsubs';
  /** ZMQ_XPUB_WELCOME_MSG: a message sent to each new peer (a SUB gets it if subscribed to it). */
  welcomeMessage?: string | Buffer | null;
  /**
   * ZMQ_XPUB_MANUAL: the peers' subscriptions only reach the application
   * (every one of them); what a peer gets is what the application then
   * subscribes it to with `addTopic`/`removeTopic`, which apply to the peer
   * of the message the application took last.
   */
  manual?: boolean;
}

/**
 * PUB: each message to every peer subscribed to a prefix of its first
 * frame (or, with `invertMatching`, to every peer that is not); a full peer
 * misses it, or with `noDrop` the send is held until every such peer has
 * room. Subscriptions arrive as SUBSCRIBE/CANCEL commands (ZMTP 3.1) or as
 * `\x01topic`/`\x00topic` messages (ZMTP 3.0 peers and XSUB); other
 * messages are dropped.
 */
export class PubPattern extends BasePattern {
  protected readonly peers = new Set<Peer>();
  /** Messages a full subscriber missed. */
  dropped = 0;
  private readonly noDrop: boolean;
  private readonly invert: boolean;

  constructor(options: PubOptions = {}) {
    super();
    this.noDrop = options.noDrop === true;
    this.invert = options.invertMatching === true;
  }

  attach(peer: Peer): boolean {
    this.peers.add(peer);
    return true;
  }

  detach(peer: Peer): Buffer[][] | void {
    this.peers.delete(peer);
  }

  send(frames: Buffer[]): SendResult {
    if (this.noDrop) {
      for (const peer of this.peers) if (this.wants(peer, frames) && !peer.hasRoom) return HOLD;
    }
    this.dropped += distribute(this.peers, frames, this.invert);
    return undefined;
  }

  /** A subscription is applied (and passed on if the type says so); anything else goes to the application only on an XPUB. */
  override accept(peer: Peer, frames: Buffer[]): boolean {
    const subscription = readSubscription(frames);
    if (!subscription) return this.passesOtherMessages;
    return this.subscribe(peer, subscription.topic, subscription.add) !== undefined;
  }

  /** PUB drops what its peers send that is not a subscription, as libzmq's does. */
  protected get passesOtherMessages(): boolean {
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

  private wants(peer: Peer, frames: Buffer[]): boolean {
    return peer.subscriptions.matches(frames[0]) !== this.invert;
  }
}

/**
 * XPUB: a PUB whose application also receives the subscriptions, as
 * `\x01topic` for the first subscription to a topic across its peers and
 * `\x00topic` when the last one is cancelled or its last subscriber leaves
 * (as libzmq; `verbosity` passes the others too), and whatever else its
 * peers send (an XSUB's own messages). A `welcomeMessage` goes to each new
 * peer. With `manual`, see {@link XPubOptions.manual}.
 */
export class XPubPattern extends PubPattern {
  /** The peers subscribed to each topic, counted once per peer (libzmq's mtrie). */
  private readonly all = new Subscriptions();
  private readonly verboseSubs: boolean;
  private readonly verboseUnsubs: boolean;
  private readonly welcome: Buffer | undefined;
  private readonly manual: boolean;
  /** Manual mode: what each peer asked for (cancelled to the application when it leaves). */
  private readonly asked = new Map<Peer, Subscriptions>();
  /** Manual mode: the peer of the message the application took last, while it is attached. */
  private last: Peer | undefined;

  constructor(options: XPubOptions = {}) {
    super(options);
    this.verboseSubs = options.verbosity === 'allSubs' || options.verbosity === 'allSubsUnsubs';
    this.verboseUnsubs = options.verbosity === 'allSubsUnsubs';
    const welcome = options.welcomeMessage;
    this.welcome = welcome == null || welcome.length === 0 ? undefined : Buffer.from(welcome);
    this.manual = options.manual === true;
  }

  /** An XPUB passes on what is not a subscription (an XSUB's own messages), as libzmq's does. */
  protected override get passesOtherMessages(): boolean {
    return true;
  }

  override unwrap(peer: Peer, frames: Buffer[]): Buffer[] {
    if (this.manual) this.last = this.peers.has(peer) ? peer : undefined;
    return frames;
  }

  /** Manual mode: subscribes the peer of the last message taken to `topic` (nothing when it has left). */
  addTopic(topic: Buffer): void {
    this.manualPeer()?.subscriptions.add(topic);
  }

  /** Manual mode: cancels `topic` for the peer of the last message taken. */
  removeTopic(topic: Buffer): void {
    this.manualPeer()?.subscriptions.remove(topic);
  }

  private manualPeer(): Peer | undefined {
    if (!this.manual) throw notManual();
    return this.last;
  }

  override attach(peer: Peer): boolean {
    super.attach(peer);
    if (this.welcome) peer.send([this.welcome]);
    return true;
  }

  /**
   * The peer's topics leave with it: those it was the last subscriber of are
   * cancelled to the application (in manual mode, every topic it asked for).
   */
  override detach(peer: Peer): Buffer[][] {
    super.detach(peer);
    if (this.last === peer) this.last = undefined;
    if (this.manual) {
      const asked = this.asked.get(peer)?.list() ?? [];
      this.asked.delete(peer);
      return asked.map((topic) => [subscriptionMessage(false, topic)]);
    }
    const farewell: Buffer[][] = [];
    for (const topic of peer.subscriptions.list()) {
      if (this.all.remove(topic) || this.verboseUnsubs) farewell.push([subscriptionMessage(false, topic)]);
    }
    return farewell;
  }

  protected override subscribe(peer: Peer, topic: Buffer, add: boolean): Buffer[] | undefined {
    if (this.manual) {
      let asked = this.asked.get(peer);
      if (!asked) this.asked.set(peer, (asked = new Subscriptions(false)));
      if (add) asked.add(topic);
      else asked.remove(topic);
      return [subscriptionMessage(add, topic)];
    }
    const forPeer = add ? peer.subscriptions.add(topic) : peer.subscriptions.remove(topic);
    const unique = forPeer && (add ? this.all.add(topic) : this.all.remove(topic));
    return unique || (add ? this.verboseSubs : this.verboseUnsubs) ? [subscriptionMessage(add, topic)] : undefined;
  }
}

