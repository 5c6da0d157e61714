import type { EngineSocket, Frame, Message, ReceiveHandler, Sendable, SocketEvent, SocketType } from '../engine';
import { MonitorListeners } from '../engine/monitor-listeners';
import type { MemoryNetwork } from './network';
import { Pipe } from './pipe';
import { Subscriptions } from '../engine/zmtp/routing/subscriptions';
import { engineError, notManual } from '../engine/errors';
import { readSubscription, subscriptionMessage } from '../engine/subscription-message';

/** One end of a connection, as one of its two sockets sees it. */
export interface Link {
  /** The socket at the other end. */
  readonly peer: MemorySocket;
  /** Messages from this socket to the peer. */
  readonly out: Pipe;
  /** Messages from the peer to this socket. */
  readonly in: Pipe;
  /** The peer's routing id, as a ROUTER sees it. */
  readonly identity: Buffer;
  /** The endpoint the connection was made through. */
  readonly endpoint: string;
  /** The peer's subscriptions, applied when this socket publishes. */
  readonly filter: Subscriptions;
  /** The peer is gone: what it sent is still read, then the link goes. */
  ended: boolean;
}

/** Options the model reads; every other option is accepted and ignored. */
interface ModelOptions {
  sendHighWaterMark?: number;
  receiveHighWaterMark?: number;
  routingId?: string;
  mandatory?: boolean;
  relaxed?: boolean;
  linger?: number;
}

/** libzmq's default high-water mark, in messages. */
const DEFAULT_HWM = 1000;


const EMPTY = Buffer.alloc(0);

const toMessage = (msg: Sendable): Message =>
  (typeof msg === 'string' || msg instanceof Uint8Array ? [msg] : msg).map((frame: Frame) => Buffer.from(frame));

/** Types whose sends go to every subscribed peer, dropping for full ones. */
const PUBLISHING: ReadonlySet<SocketType> = new Set(['pub', 'xpub']);
/** Types whose sends go to one peer in turn, holding while all are full. */
const BALANCING: ReadonlySet<SocketType> = new Set(['push', 'dealer', 'req', 'pair']);

/**
 * A socket of the in-memory model: the engine interface implemented with
 * {@link Pipe}s between sockets of one {@link MemoryNetwork}, following
 * libzmq's routing rules per socket type. Every delivery is an action on the
 * network's scheduler, so `TestScheduler` virtual time drives it.
 */
export class MemorySocket implements EngineSocket {
  readonly bindings: string[] = [];
  readonly connections: string[] = [];
  closed = false;
  /** Messages dropped at a full peer pipe (PUB/XPUB/XSUB, ROUTER without `mandatory`, REP). */
  dropped = 0;
  readonly links: Link[] = [];
  readonly sendHwm: number;
  readonly receiveHwm: number;
  readonly routingId: Buffer | undefined;
  private readonly mandatory: boolean;
  private readonly relaxed: boolean;
  private readonly linger: number;
  /** SUB/XSUB: what this socket subscribed to. */
  private readonly subscriptions = new Subscriptions();
  /** XPUB: the subscriptions of all its peers together. */
  private readonly subscribers = new Subscriptions();
  private readonly monitors = new MonitorListeners();
  private handler: ReceiveHandler | undefined;
  private reading = false;
  private wakeAt: number | undefined;
  private held: { msg: Message; done: (err?: Error) => void } | undefined;
  private retryScheduled = false;
  private nextOut = 0;
  private nextIn = 0;
  /** REQ: the link its outstanding request went to. */
  private requestLink: Link | undefined;
  /** REP: where the reply to the request being handled goes. */
  private replyTo: { link: Link; envelope: Buffer[] } | undefined;

  constructor(
    readonly type: SocketType,
    private readonly network: MemoryNetwork,
    options: Record<string, unknown>,
  ) {
    const opts = options as ModelOptions;
    if (type === 'xpub' && options.manual === true) throw engineError('ENOTSUP', 'the memory model has no manual XPUB; use a real engine');
    this.sendHwm = opts.sendHighWaterMark ?? DEFAULT_HWM;
    this.receiveHwm = opts.receiveHighWaterMark ?? DEFAULT_HWM;
    this.routingId = opts.routingId === undefined ? undefined : Buffer.from(opts.routingId);
    this.mandatory = opts.mandatory ?? false;
    this.relaxed = opts.relaxed ?? false;
    this.linger = opts.linger ?? -1;
  }

  // Endpoints: the network keeps the registry.

  bind(endpoint: string): Promise<string> {
    try {
      this.assertOpen();
      const resolved = this.network.bind(this, endpoint);
      this.bindings.push(resolved);
      this.emit({ type: 'listening', address: resolved });
      return Promise.resolve(resolved);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  unbind(endpoint: string): Promise<void> {
    const index = this.bindings.indexOf(endpoint);
    if (index < 0) return Promise.reject(engineError('ENOENT', `not bound to ${endpoint}`));
    this.bindings.splice(index, 1);
    this.network.unbind(this, endpoint);
    return Promise.resolve();
  }

  connect(endpoint: string): void {
    this.assertOpen();
    this.network.connect(this, endpoint);
    this.connections.push(endpoint);
  }

  disconnect(endpoint: string): void {
    const index = this.connections.indexOf(endpoint);
    if (index < 0) throw engineError('ENOENT', `not connected to ${endpoint}`);
    this.connections.splice(index, 1);
    this.network.disconnect(this, endpoint);
  }

  // Links, made and ended by the network.

  /** A connection to `link.peer` is up. */
  attach(link: Link, accepted: boolean): void {
    this.links.push(link);
    this.emit({ type: accepted ? 'accepted' : 'connected', address: link.endpoint });
    this.emit({ type: 'handshakeSucceeded', address: link.endpoint });
    if (this.type === 'sub' || this.type === 'xsub') {
      for (const topic of this.subscriptions.list()) this.subscribeAt(link, topic, true);
    }
    this.scheduleRetry();
  }

  /**
   * This socket leaves the connection behind `link` (it closes, disconnects
   * or unbinds): it will not read what the peer sent; what it sent stays for
   * the peer to read unless `keepSent` is false (linger 0).
   */
  leave(link: Link, keepSent: boolean): void {
    link.in.clear();
    if (!keepSent) link.out.clear();
    this.forget(link);
    if (!this.closed) this.emit({ type: 'disconnected', address: link.endpoint });
  }

  /** The peer left the connection behind `link`; what it sent is still read, then the link goes. */
  peerLeft(link: Link): void {
    link.ended = true;
    if (this.requestLink === link) this.requestLink = undefined;
    this.emit({ type: 'disconnected', address: link.endpoint });
    if (link.in.size === 0) this.forget(link);
    this.wake();
  }

  private forget(link: Link): void {
    const index = this.links.indexOf(link);
    if (index >= 0) this.links.splice(index, 1);
  }

  /** The reader of one of our pipes freed room: retry a held send. */
  activateWrite(): void {
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (!this.held || this.retryScheduled) return;
    this.retryScheduled = true;
    this.network.scheduler.schedule(() => {
      this.retryScheduled = false;
      const held = this.held;
      if (!held || this.closed) return;
      this.held = undefined;
      this.route(held.msg, held.done);
    });
  }

  // Sending.

  send(msg: Sendable, done: (err?: Error) => void): void {
    if (this.closed) {
      done(engineError('ENOTSOCK', 'socket is closed'));
      return;
    }
    this.route(toMessage(msg), done);
  }

  private route(msg: Message, done: (err?: Error) => void): void {
    if (PUBLISHING.has(this.type)) return done(this.publish(msg));
    if (BALANCING.has(this.type)) return this.balance(msg, done);
    switch (this.type) {
      case 'router':
        return this.routeByIdentity(msg, done);
      case 'rep':
        return done(this.reply(msg));
      case 'xsub':
        return done(this.xsubSend(msg));
      default:
        return done(engineError('ENOTSUP', `a ${this.type.toUpperCase()} socket cannot send`));
    }
  }

  /** PUB/XPUB: to every peer whose subscriptions match, dropping for full pipes. */
  private publish(msg: Message): undefined {
    for (const link of this.links) {
      if (!link.ended && link.filter.matches(msg[0])) this.write(link, msg);
    }
    return undefined;
  }

  /** PUSH/DEALER/REQ/PAIR: to the next peer in turn that has room; held while none has. */
  private balance(msg: Message, done: (err?: Error) => void): void {
    if (this.type === 'req') {
      if (this.requestLink && !this.relaxed) {
        return done(engineError('EFSM', 'REQ must receive a reply before it sends again'));
      }
      msg = [EMPTY, ...msg];
    }
    const count = this.links.length;
    for (let i = 0; i < count; i++) {
      const link = this.links[(this.nextOut + i) % count]!;
      if (link.ended || link.out.full) continue;
      this.nextOut = (this.nextOut + i + 1) % count;
      this.write(link, msg);
      if (this.type === 'req') this.requestLink = link;
      return done();
    }
    this.held = { msg: this.type === 'req' ? msg.slice(1) : msg, done };
  }

  /** ROUTER: frame 0 names the peer; unknown peers and full pipes drop, or with `mandatory` fail and hold. */
  private routeByIdentity(msg: Message, done: (err?: Error) => void): void {
    const [identity, ...body] = msg;
    const link = this.links.find((l) => !l.ended && identity !== undefined && l.identity.equals(identity));
    if (!link) {
      return done(this.mandatory ? engineError('EHOSTUNREACH', 'no peer with that routing id') : undefined);
    }
    if (link.out.full && this.mandatory) {
      this.held = { msg, done };
      return;
    }
    this.write(link, body);
    done();
  }

  /** REP: the reply goes back along the envelope of the request being handled. */
  private reply(msg: Message): Error | undefined {
    const to = this.replyTo;
    if (!to) return engineError('EFSM', 'REP must receive a request before it replies');
    this.replyTo = undefined;
    if (!to.link.ended) this.write(to.link, [...to.envelope, ...msg]);
    this.wake();
    return undefined;
  }

  /** XSUB: `\x01topic`/`\x00topic` (un)subscribe upstream; anything else goes to every peer. */
  private xsubSend(msg: Message): undefined {
    const subscription = readSubscription(msg);
    if (subscription) {
      this.changeTopic(subscription.topic, subscription.add);
      return undefined;
    }
    for (const link of this.links) if (!link.ended) this.write(link, msg);
    return undefined;
  }

  /** Writes to a peer's pipe, or drops and counts when it is full. */
  private write(link: Link, msg: Message): void {
    if (link.out.write(msg, this.network.scheduler.now() + this.network.latency)) link.peer.wake();
    else this.dropped++;
  }

  // Topics.

  addTopic(topic: Frame): void {
    this.changeTopic(Buffer.from(topic), true);
  }

  removeTopic(topic: Frame): void {
    this.changeTopic(Buffer.from(topic), false);
  }

  private changeTopic(topic: Buffer, add: boolean): void {
    if (this.type === 'xpub') throw notManual();
    const changed = add ? this.subscriptions.add(topic) : this.subscriptions.remove(topic);
    if (!changed) return;
    for (const link of this.links) if (!link.ended) this.subscribeAt(link, topic, add);
  }

  /** Tells the publisher behind `link` of a subscription change (as libzmq does, at once on inproc). */
  private subscribeAt(link: Link, topic: Buffer, add: boolean): void {
    const back = link.peer.links.find((l) => l.peer === this && l.out === link.in);
    if (!back) return;
    const changed = add ? back.filter.add(topic) : back.filter.remove(topic);
    if (changed && link.peer.type === 'xpub' && link.peer.passSubscription(topic, add)) {
      link.out.write([subscriptionMessage(add, topic)], this.network.scheduler.now());
      link.peer.wake();
    }
  }

  /** XPUB: true when a subscription change is the first (or last) for its topic across all peers. */
  passSubscription(topic: Buffer, add: boolean): boolean {
    return add ? this.subscribers.add(topic) : this.subscribers.remove(topic);
  }

  // Receiving.

  startReceive(handler: ReceiveHandler): void {
    this.handler = handler;
    this.reading = true;
    this.wake();
  }

  pauseReceive(): void {
    this.reading = false;
  }

  /** Schedules a read at the time the next message becomes readable. */
  wake(): void {
    if (!this.reading || this.closed) return;
    let at: number | undefined;
    for (const link of this.links) {
      const next = link.in.nextAt;
      if (next !== undefined && (at === undefined || next < at)) at = next;
    }
    if (at === undefined || (this.wakeAt !== undefined && this.wakeAt <= at)) return;
    this.wakeAt = at;
    const scheduler = this.network.scheduler;
    scheduler.schedule(() => {
      if (this.wakeAt === at) this.wakeAt = undefined;
      this.deliver();
    }, Math.max(0, at - scheduler.now()));
  }

  /** Hands readable messages to the handler while reading is on, fair-queued across peers. */
  private deliver(): void {
    while (this.reading && !this.closed) {
      const msg = this.readNext();
      if (!msg) break;
      this.handler?.message(msg);
    }
    this.wake();
  }

  /** The next message for the application, with the type's envelope rules applied. */
  private readNext(): Message | undefined {
    for (;;) {
      if (this.type === 'rep' && this.replyTo) return undefined;
      const got = this.readFair();
      if (!got) return undefined;
      const [link, msg] = got;
      const app = this.unwrap(link, msg);
      if (app) return app;
    }
  }

  /** One message from the next peer in turn that has one (REQ: only from the peer it asked). */
  private readFair(): [Link, Message] | undefined {
    const now = this.network.scheduler.now();
    const count = this.links.length;
    for (let i = 0; i < count; i++) {
      const index = (this.nextIn + i) % count;
      const link = this.links[index]!;
      if (!link.in.readable(now)) continue;
      this.nextIn = (index + 1) % count;
      const msg = link.in.take();
      if (link.ended && link.in.size === 0) this.forget(link);
      return [link, msg];
    }
    return undefined;
  }

  /** Applies the receiving rules of the type; undefined drops the message. */
  private unwrap(link: Link, msg: Message): Message | undefined {
    switch (this.type) {
      case 'router':
        return [link.identity, ...msg];
      case 'sub':
        return this.subscriptions.matches(msg[0]) ? msg : undefined;
      case 'req': {
        if (link !== this.requestLink || msg[0]?.length !== 0) return undefined;
        this.requestLink = undefined;
        return msg.slice(1);
      }
      case 'rep': {
        const delimiter = msg.findIndex((frame) => frame.length === 0);
        if (delimiter < 0) return undefined;
        this.replyTo = { link, envelope: msg.slice(0, delimiter + 1) };
        return msg.slice(delimiter + 1);
      }
      case 'pub':
      case 'push':
        return undefined;
      default:
        return msg;
    }
  }

  // Monitor and lifecycle.

  monitor(listener: (event: SocketEvent) => void): () => void {
    return this.monitors.add(listener);
  }

  private emit(event: SocketEvent): void {
    this.monitors.emit(event);
  }

  close(linger?: number): void {
    if (this.closed) return;
    const keepSent = (linger ?? this.linger) !== 0;
    this.closed = true;
    this.reading = false;
    this.held = undefined;
    this.network.remove(this, keepSent);
    for (const address of this.bindings.splice(0)) this.emit({ type: 'closed', address });
    this.connections.length = 0;
    this.emit({ type: 'monitorStopped' });
    this.monitors.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw engineError('ENOTSOCK', 'socket is closed');
  }
}
