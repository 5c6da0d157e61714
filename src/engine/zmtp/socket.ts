import type { Server, Socket } from 'node:net';
import { MonitorListeners } from '../monitor-listeners';
import type { EngineSocket, Frame, ReceiveHandler, Sendable, SocketEvent, SocketType } from '../types';
import { ZmtpProtocolError } from './codec';
import { engineError } from './errors';
import { readOptions, type ZmtpOptions } from './options';
import { createPattern, HOLD, SubPattern, type Pattern } from './patterns';
import { Peer, type PeerEvents } from './peer';
import { Dialer } from './reconnect';
import { FairQueue } from './routing/fair-queue';
import { listen, parseEndpoint } from './transport';

/** A bound endpoint: its server and the peers it accepted. */
interface Listener {
  endpoint: string;
  server: Server;
  peers: Set<Peer>;
}

const toBuffer = (frame: Frame): Buffer =>
  typeof frame === 'string'
    ? Buffer.from(frame)
    : Buffer.isBuffer(frame)
      ? frame
      : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);

const toFrames = (msg: Sendable): Buffer[] =>
  typeof msg === 'string' || msg instanceof Uint8Array ? [toBuffer(msg)] : msg.map(toBuffer);

const closedError = (): Error => engineError('ENOTSOCK', 'socket is closed');

/**
 * An {@link EngineSocket} of the zmtp engine: ZMTP connections over Node
 * `net` sockets (tcp and ipc), bound and connected endpoints, and the
 * routing rules of its type ({@link Pattern}).
 *
 * Sending: the pattern routes each message to peers' connections, whose
 * writes go out once per tick; a send the pattern cannot place now (no
 * peer, every peer at its high-water mark) is held and retried whenever a
 * peer arrives or writes out. Receiving: messages go straight to the
 * handler while reading and nothing is waiting; otherwise they wait per
 * peer and are delivered fair-queued, and a peer with
 * `receiveHighWaterMark` waiting messages stops being read.
 */
export class ZmtpSocket implements EngineSocket {
  private readonly options: ZmtpOptions;
  private readonly pattern: Pattern;
  private readonly listeners = new Map<string, Listener>();
  private readonly dialers: Dialer[] = [];
  private readonly dialerOf = new Map<Peer, Dialer>();
  private readonly peers = new Set<Peer>();
  private readonly fairQueue = new FairQueue<Peer>();
  private readonly monitors = new MonitorListeners();
  private handler: ReceiveHandler | undefined;
  private reading = false;
  /** Messages waiting in peers' inboxes. */
  private backlog = 0;
  private drainScheduled = false;
  private held: { frames: Buffer[]; done: (err?: Error) => void } | undefined;
  private isClosed = false;

  constructor(
    readonly type: SocketType,
    options: Record<string, unknown>,
  ) {
    this.pattern = createPattern(type, options);
    this.options = readOptions(type, options);
  }

  get bindings(): readonly string[] {
    return [...this.listeners.keys()];
  }

  get connections(): readonly string[] {
    return this.dialers.map((dialer) => dialer.endpoint);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  // Endpoints.

  async bind(endpoint: string): Promise<string> {
    if (this.isClosed) throw closedError();
    const target = parseEndpoint(endpoint);
    const pending: { listener?: Listener; early: Socket[] } = { early: [] };
    let bound: { server: Server; endpoint: string };
    try {
      bound = await listen(target, (socket) =>
        pending.listener ? this.accept(pending.listener, socket) : pending.early.push(socket),
      );
    } catch (err) {
      this.emit({ type: 'listenFailed', address: endpoint, error: err as Error });
      throw err;
    }
    if (this.isClosed) {
      bound.server.close();
      for (const socket of pending.early) socket.destroy();
      throw closedError();
    }
    const listener: Listener = { ...bound, peers: new Set() };
    pending.listener = listener;
    this.listeners.set(bound.endpoint, listener);
    this.emit({ type: 'listening', address: bound.endpoint });
    for (const socket of pending.early) this.accept(listener, socket);
    return bound.endpoint;
  }

  async unbind(endpoint: string): Promise<void> {
    const listener = this.listeners.get(endpoint);
    if (!listener) throw engineError('ENOENT', `not bound to ${endpoint}`);
    this.listeners.delete(endpoint);
    this.closeListener(listener);
  }

  connect(endpoint: string): void {
    if (this.isClosed) throw closedError();
    const target = parseEndpoint(endpoint);
    if (target.transport === 'tcp' && target.port === 0) throw engineError('EINVAL', `cannot connect to port * (${endpoint})`);
    const dialer: Dialer = new Dialer(
      endpoint,
      target,
      { interval: this.options.reconnectInterval, intervalMax: this.options.reconnectIntervalMax },
      (socket) => this.dialed(dialer, socket),
      (event) => this.emit(event),
    );
    this.dialers.push(dialer);
  }

  disconnect(endpoint: string): void {
    const mine = this.dialers.filter((dialer) => dialer.endpoint === endpoint);
    if (mine.length === 0) throw engineError('ENOENT', `not connected to ${endpoint}`);
    for (const dialer of mine) {
      this.dialers.splice(this.dialers.indexOf(dialer), 1);
      dialer.stop();
      for (const [peer, of] of this.dialerOf) if (of === dialer) peer.close(this.options.linger);
    }
  }

  private accept(listener: Listener, socket: Socket): void {
    if (this.isClosed || !this.listeners.has(listener.endpoint)) {
      socket.destroy();
      return;
    }
    this.emit({ type: 'accepted', address: listener.endpoint });
    listener.peers.add(this.addPeer(socket, listener.endpoint));
  }

  private dialed(dialer: Dialer, socket: Socket): void {
    if (this.isClosed) {
      socket.destroy();
      return;
    }
    this.dialerOf.set(this.addPeer(socket, dialer.endpoint), dialer);
  }

  private addPeer(socket: Socket, endpoint: string): Peer {
    const { routingId, maxMessageSize, sendHighWaterMark, heartbeat, handshakeInterval, security } = this.options;
    const peer = new Peer(
      socket,
      endpoint,
      { socketType: this.type, identity: routingId, maxMessageSize, sendHighWaterMark, heartbeat, handshakeInterval, security },
      this.peerEvents,
    );
    this.peers.add(peer);
    return peer;
  }

  private closeListener(listener: Listener): void {
    listener.server.close();
    for (const peer of listener.peers) peer.close(this.options.linger);
    this.emit({ type: 'closed', address: listener.endpoint });
  }

  // What peers report.

  private readonly peerEvents: PeerEvents = {
    ready: (peer) => {
      this.emit({ type: 'handshakeSucceeded', address: peer.endpoint });
      if (!this.pattern.attach(peer)) {
        peer.close(0);
        return;
      }
      this.fairQueue.add(peer);
      this.retryHeld();
    },
    message: (peer, frames) => this.incoming(peer, frames),
    command: (peer, name, data) => {
      const msg = this.pattern.command(peer, name, data);
      if (msg) this.queueForApplication(peer, msg);
    },
    written: () => this.retryHeld(),
    closed: (peer, error) => this.peerClosed(peer, error),
  };

  private peerClosed(peer: Peer, error: Error | undefined): void {
    this.peers.delete(peer);
    if (peer.info) this.pattern.detach(peer);
    if (peer.inbox.length === 0) this.fairQueue.remove(peer);
    for (const listener of this.listeners.values()) listener.peers.delete(peer);
    const dialer = this.dialerOf.get(peer);
    this.dialerOf.delete(peer);
    if (this.isClosed) return;
    if (!peer.info && error instanceof ZmtpProtocolError) {
      this.emit({ type: 'handshakeFailed', address: peer.endpoint, reason: error.reason === 'auth' ? 'auth' : 'protocol', error });
    }
    this.emit({ type: 'disconnected', address: peer.endpoint });
    if (dialer && !peer.closing) dialer.lost();
  }

  // Sending.

  send(msg: Sendable, done: (err?: Error) => void): void {
    if (this.isClosed) return done(closedError());
    if (this.held) return done(engineError('EBUSY', 'a send is already in progress'));
    let frames: Buffer[];
    try {
      frames = toFrames(msg);
    } catch (err) {
      return done(err as Error);
    }
    if (frames.length === 0) return done(engineError('EINVAL', 'a message has at least one frame'));
    const result = this.pattern.send(frames);
    if (result === HOLD) {
      this.held = { frames, done };
      return;
    }
    this.sent();
    done(result);
  }

  /** Retries a held send: a peer arrived or wrote out. */
  private retryHeld(): void {
    const held = this.held;
    if (!held || this.isClosed) return;
    const result = this.pattern.send(held.frames);
    if (result === HOLD) return;
    this.held = undefined;
    this.sent();
    held.done(result);
  }

  /** A REP that replied may take the next request. */
  private sent(): void {
    if (this.backlog > 0 && this.reading) this.scheduleDrain();
  }

  // Receiving.

  startReceive(handler: ReceiveHandler): void {
    this.handler = handler;
    this.reading = !this.isClosed;
    if (this.backlog > 0) this.scheduleDrain();
  }

  pauseReceive(): void {
    this.reading = false;
  }

  private incoming(peer: Peer, frames: Buffer[]): void {
    if (this.isClosed || !this.pattern.accept(peer, frames)) return;
    this.queueForApplication(peer, frames);
  }

  /** Delivers a message now if the application reads and nothing waits before it, else queues it on its peer. */
  private queueForApplication(peer: Peer, frames: Buffer[]): void {
    if (this.isClosed) return;
    if (this.reading && this.backlog === 0 && this.pattern.receiving) {
      const msg = this.pattern.unwrap(peer, frames);
      if (msg) this.handler!.message(msg);
      return;
    }
    peer.inbox.push(frames);
    this.backlog++;
    if (peer.inbox.length >= this.options.receiveHighWaterMark) peer.pauseReading();
    if (this.reading) this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    process.nextTick(this.drain);
  }

  /** Delivers waiting messages, one per peer in turn, while reading is on and the pattern allows. */
  private readonly drain = (): void => {
    this.drainScheduled = false;
    const resumeAt = Math.floor(this.options.receiveHighWaterMark / 2);
    while (this.reading && this.backlog > 0 && this.pattern.receiving && !this.isClosed) {
      const peer = this.fairQueue.take();
      if (!peer) break;
      const frames = peer.inbox.shift();
      this.backlog--;
      if (peer.inbox.length <= resumeAt) peer.resumeReading();
      if (peer.gone && peer.inbox.length === 0) this.fairQueue.remove(peer);
      const msg = this.pattern.unwrap(peer, frames);
      if (msg) this.handler!.message(msg);
    }
  };

  // Topics.

  addTopic(topic: Frame): void {
    this.subscriber().addTopic(Buffer.from(toBuffer(topic)));
  }

  removeTopic(topic: Frame): void {
    this.subscriber().removeTopic(toBuffer(topic));
  }

  private subscriber(): SubPattern {
    if (!(this.pattern instanceof SubPattern)) throw new TypeError(`rxzmq: a ${this.type} socket has no topic filter`);
    return this.pattern;
  }

  // Monitor and lifecycle.

  monitor(listener: (event: SocketEvent) => void): () => void {
    return this.monitors.add(listener);
  }

  private emit(event: SocketEvent): void {
    this.monitors.emit(event);
  }

  close(linger?: number): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.reading = false;
    const wait = linger ?? this.options.linger;
    const held = this.held;
    this.held = undefined;
    for (const dialer of this.dialers.splice(0)) dialer.stop();
    for (const listener of this.listeners.values()) this.closeListener(listener);
    this.listeners.clear();
    for (const peer of [...this.peers]) peer.close(wait);
    this.backlog = 0;
    this.emit({ type: 'monitorStopped' });
    this.monitors.clear();
    held?.done(engineError('ENOTSOCK', 'socket closed before the message was sent'));
  }
}
