import type { Server, Socket } from 'node:net';
import { MonitorListeners } from '../monitor-listeners';
import type { EngineSocket, Frame, ReceiveHandler, Sendable, SocketEvent, SocketType } from '../types';
import { ZmtpProtocolError } from './codec';
import { ZAP_UNAVAILABLE } from './mechanisms';
import { engineError } from './errors';
import { readOptions, type ZmtpOptions } from './options';
import { bindInproc, InprocConnector, type InprocSide } from './inproc';
import { createPattern, type Pattern } from './patterns';
// HOLD is read on every send: from its own file, not through the index's re-export getter.
import { HOLD } from './patterns/pattern';
import { Peer, type LinkOpener, type PeerEvents } from './peer';
import { Dialer } from './reconnect';
import { FairQueue } from './routing/fair-queue';
import { Session } from './session';
import { socksRequest } from './socks';
import { accepts, refusedByFilter } from './accept-filter';
import { StreamLink } from './stream-link';
import { listen, parseEndpoint, type Target } from './transport';

/** A bound endpoint: how to stop listening, and the peers it accepted. */
interface Listener {
  endpoint: string;
  stop(): void;
  peers: Set<Peer>;
}

/**
 * The types whose connected peers are sessions while `immediate` is off
 * (libzmq's default): they route to a peer before it is connected.
 */
const SESSION_TYPES: ReadonlySet<SocketType> = new Set(['push', 'dealer', 'req', 'pair']);

/**
 * Why a connection may end and still be dialed again: it dropped or timed
 * out. A protocol error this side found in what the peer sent, or a refusal
 * the peer sent (an ERROR command: ZAP said no, wrong socket type), ends the
 * endpoint for good, as in libzmq (measured: a libzmq client refused with
 * an ERROR does not come back; one whose connection is merely closed does).
 */
const REDIAL_AFTER: ReadonlySet<string> = new Set(['heartbeat-timeout', 'handshake-timeout', 'handshake-closed']);
const redials = (error: Error | undefined): boolean => !(error instanceof ZmtpProtocolError) || REDIAL_AFTER.has(error.reason);

/** A connected endpoint: connects again when its connection is lost, until stopped. */
interface Connector {
  readonly endpoint: string;
  lost(): void;
  stop(): void;
}

const toBuffer = (frame: Frame): Buffer =>
  typeof frame === 'string'
    ? Buffer.from(frame)
    : Buffer.isBuffer(frame)
      ? frame
      : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);

const toFrames = (msg: Sendable): Buffer[] =>
  typeof msg === 'string' || msg instanceof Uint8Array ? [toBuffer(msg)] : msg.map(toBuffer);

/**
 * Every this many bytes a socket takes, one send completes on the next turn
 * of the event loop instead of at once. Sends complete synchronously, so an
 * `await send()` loop never lets the event loop turn by itself: with large
 * messages it queued up to the high-water mark (1000 x 64 KiB) before any of
 * it was written, and the peer process sat idle while this one sealed the
 * lot. Measured between two processes, CURVE 64 KiB messages: 1.6-2.2k ->
 * 2.4-3.8k msg/s (4 MiB did no better); for 16-byte messages it is one
 * deferred send in 58,000, and 64 KiB without CURVE stayed within this VM's
 * noise (20-31k msg/s either way).
 */
const YIELD_BYTES = 1024 * 1024;

const bytesOf = (frames: readonly Buffer[]): number => {
  let bytes = 0;
  for (const frame of frames) bytes += frame.length;
  return bytes;
};

/** The probe of `probeRouter`: one empty frame. */
const EMPTY_FRAME = Buffer.alloc(0);

/** How a handshake failure is reported: libzmq says 'other' for a ZAP handler that is missing (EFAULT). */
const handshakeFailure = (error: ZmtpProtocolError): 'auth' | 'protocol' | 'other' =>
  error.reason === 'auth' ? 'auth' : error.reason === ZAP_UNAVAILABLE ? 'other' : 'protocol';

const closedError = (): Error => engineError('ENOTSOCK', 'socket is closed');
const cannotSend = (): Error => engineError('EAGAIN', 'no peer could take the message within sendTimeout');

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
  private readonly dialers: Connector[] = [];
  private readonly dialerOf = new Map<Peer, Connector>();
  /** The sessions of connected endpoints (see {@link Session}), by connector. */
  private readonly sessionOf = new Map<Connector, Session>();
  private readonly peers = new Set<Peer>();
  private readonly fairQueue = new FairQueue<Peer>();
  private readonly monitors = new MonitorListeners();
  private handler: ReceiveHandler | undefined;
  private reading = false;
  /** Messages waiting in peers' inboxes. */
  private backlog = 0;
  /** Bytes of the messages taken since a send last waited for the event loop (see YIELD_BYTES). */
  private bytesSinceYield = 0;
  private drainScheduled = false;
  private held: { frames: Buffer[]; done: (err?: Error) => void; timer?: ReturnType<typeof setTimeout> } | undefined;
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
    if (target.transport === 'inproc') return this.bindInproc(target.name);
    // A source address (`source;host:port`) means nothing to a bound endpoint: libzmq binds the rest, and so does this.
    const pending: { listener?: Listener; early: Socket[] } = { early: [] };
    let bound: { server: Server; endpoint: string };
    try {
      bound = await listen(
        target,
        (socket) => (pending.listener ? this.accept(pending.listener, socket) : pending.early.push(socket)),
        this.options.backlog,
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
    const server = bound.server;
    const listener: Listener = { endpoint: bound.endpoint, stop: () => server.close(), peers: new Set() };
    pending.listener = listener;
    this.listeners.set(bound.endpoint, listener);
    this.emit({ type: 'listening', address: bound.endpoint });
    for (const socket of pending.early) this.accept(listener, socket);
    return bound.endpoint;
  }

  /** Binds an inproc name: connectors of this process pipe straight to this socket, no kernel socket in between. */
  private bindInproc(name: string): string {
    const endpoint = `inproc://${name}`;
    const listener: Listener = { endpoint, stop: () => undefined, peers: new Set() };
    listener.stop = bindInproc(name, {
      side: this.inprocSide(),
      accept: (open) => {
        this.emit({ type: 'accepted', address: endpoint });
        listener.peers.add(this.addPeer(endpoint, open));
      },
    });
    this.listeners.set(endpoint, listener);
    this.emit({ type: 'listening', address: endpoint });
    return endpoint;
  }

  private inprocSide(): InprocSide {
    const { routingId, sendHighWaterMark, receiveHighWaterMark, conflate } = this.options;
    return { type: this.type, identity: routingId, sendHighWaterMark, receiveHighWaterMark, conflate };
  }

  async unbind(endpoint: string): Promise<void> {
    const listener = this.listeners.get(endpoint);
    if (!listener) throw engineError('ENOENT', `not bound to ${endpoint}`);
    this.listeners.delete(endpoint);
    this.closeListener(listener);
  }

  connect(endpoint: string): void {
    if (this.isClosed) throw closedError();
    let target = parseEndpoint(endpoint);
    if (target.transport === 'tcp' && target.port === 0) throw engineError('EINVAL', `cannot connect to port * (${endpoint})`);
    if (target.transport === 'tcp' && this.options.socksProxy) {
      // Encoded once, here: a host name SOCKS cannot carry fails connect(), not a later attempt.
      target = { ...target, proxy: { ...this.options.socksProxy, request: socksRequest(target) } };
    }
    let session: Session | undefined;
    const connector = this.connector(
      endpoint,
      target,
      (open) => {
        if (session) session.plug(open);
        else this.dialerOf.set(this.addPeer(endpoint, open), connector);
      },
      // A closed socket takes no new connection, unless a session lingers to hand its messages over.
      () => !this.isClosed || session?.lingering === true,
    );
    if (!this.options.immediate && SESSION_TYPES.has(this.type)) session = this.openSession(endpoint, connector);
    this.dialers.push(connector.start());
  }

  /** The peer of a connected endpoint that outlives its connections (libzmq's session), routed to from now on. */
  private openSession(endpoint: string, connector: Connector): Session {
    let session!: Session;
    const hooks = {
      lost: (error: Error | undefined, handshook: boolean) =>
        session.lingering ? connector.lost() : this.lost(endpoint, error, handshook, connector),
    };
    const { sendHighWaterMark, conflate } = this.options;
    const peer = this.addPeer(endpoint, (events) => (session = new Session(events, sendHighWaterMark, hooks, conflate)));
    this.sessionOf.set(connector, session);
    this.dialerOf.set(peer, connector);
    this.attach(peer);
    return session;
  }

  /**
   * Dials `target` (or waits for an inproc name); each connection made is
   * handed to `plug` while `wanted()`, else dropped.
   */
  private connector(
    endpoint: string,
    target: Target,
    plug: (open: LinkOpener) => void,
    wanted: () => boolean,
  ): Connector & { start(): Connector } {
    if (target.transport === 'inproc') {
      return new InprocConnector(endpoint, target.name, this.inprocSide(), (open) => {
        this.emit({ type: 'connected', address: endpoint });
        plug(open);
      });
    }
    return new Dialer(
      endpoint,
      target,
      {
        interval: this.options.reconnectInterval,
        intervalMax: this.options.reconnectMaxInterval,
        timeout: this.options.connectTimeout,
      },
      (socket) => {
        if (wanted()) plug(this.streamOpener(socket));
        else socket.destroy();
      },
      (event) => this.emit(event),
    );
  }

  disconnect(endpoint: string): void {
    const mine = this.dialers.filter((dialer) => dialer.endpoint === endpoint);
    if (mine.length === 0) throw engineError('ENOENT', `not connected to ${endpoint}`);
    for (const dialer of mine) {
      this.dialers.splice(this.dialers.indexOf(dialer), 1);
      this.sessionOf.delete(dialer);
      dialer.stop();
      for (const [peer, of] of this.dialerOf) if (of === dialer) peer.close(this.options.linger);
    }
  }

  private accept(listener: Listener, socket: Socket): void {
    if (this.isClosed || !this.listeners.has(listener.endpoint)) {
      socket.destroy();
      return;
    }
    if (!accepts(this.options.acceptFilter, socket)) {
      const error = refusedByFilter(socket);
      socket.destroy();
      this.emit({ type: 'acceptFailed', address: listener.endpoint, error });
      return;
    }
    this.emit({ type: 'accepted', address: listener.endpoint });
    listener.peers.add(this.addPeer(listener.endpoint, this.streamOpener(socket)));
  }

  /** Opens a ZMTP stream link (tcp, ipc) over `socket`. */
  private streamOpener(socket: Socket): LinkOpener {
    const { routingId, maxMessageSize, sendHighWaterMark, conflate, heartbeat, handshakeInterval, keepalive, security, busyPoll } =
      this.options;
    if (keepalive.enable >= 0) socket.setKeepAlive(keepalive.enable > 0, keepalive.idle > 0 ? keepalive.idle * 1000 : 0);
    const options = {
      socketType: this.type,
      identity: routingId,
      maxMessageSize,
      sendHighWaterMark,
      conflate,
      heartbeat,
      handshakeInterval,
      security,
      busyPoll,
    };
    return (events) => new StreamLink(socket, options, events);
  }

  private addPeer(endpoint: string, open: LinkOpener): Peer {
    const peer = new Peer(endpoint, this.peerEvents, open);
    this.peers.add(peer);
    return peer;
  }

  private closeListener(listener: Listener): void {
    listener.stop();
    for (const peer of listener.peers) peer.close(this.options.linger);
    this.emit({ type: 'closed', address: listener.endpoint });
  }

  // What peers report.

  private readonly peerEvents: PeerEvents = {
    ready: (peer) => {
      this.emit({ type: 'handshakeSucceeded', address: peer.endpoint });
      if (peer.attached || this.attach(peer)) this.retryHeld();
    },
    message: (peer, frames) => this.incoming(peer, frames),
    command: (peer, name, data) => {
      const msg = this.pattern.command(peer, name, data);
      if (msg) this.queueForApplication(peer, msg);
      else peer.consumed();
    },
    written: () => this.retryHeld(),
    closed: (peer, error) => this.peerClosed(peer, error),
  };

  /** Hands `peer` to the routing pattern; a peer it refuses is closed. */
  private attach(peer: Peer): boolean {
    if (!this.pattern.attach(peer)) {
      peer.close(0);
      return false;
    }
    peer.attached = true;
    this.fairQueue.add(peer);
    // As libzmq's xattach_pipe: once per pipe, so a session's probe is not repeated when it reconnects.
    if (this.options.probeRouter) peer.send([EMPTY_FRAME]);
    return true;
  }

  private peerClosed(peer: Peer, error: Error | undefined): void {
    this.peers.delete(peer);
    if (peer.attached) {
      for (const msg of this.pattern.detach(peer) ?? []) this.queueForApplication(peer, msg);
    }
    if (peer.inbox.length === 0) this.fairQueue.remove(peer);
    for (const listener of this.listeners.values()) listener.peers.delete(peer);
    const dialer = this.dialerOf.get(peer);
    this.dialerOf.delete(peer);
    // A session that lingered after close is done: its connector may stop now.
    if (this.isClosed) dialer?.stop();
    this.lost(peer.endpoint, error, peer.info !== undefined, peer.closing ? undefined : dialer);
  }

  /** A connection ended: its events, then (for a connected endpoint) a new attempt. */
  private lost(endpoint: string, error: Error | undefined, handshook: boolean, dialer: Connector | undefined): void {
    if (this.isClosed) return;
    if (!handshook && error instanceof ZmtpProtocolError) {
      this.emit({ type: 'handshakeFailed', address: endpoint, reason: handshakeFailure(error), error });
    }
    this.emit({ type: 'disconnected', address: endpoint });
    if (redials(error)) dialer?.lost();
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
      const { sendTimeout } = this.options;
      if (sendTimeout === 0) return done(cannotSend());
      this.held = { frames, done };
      if (sendTimeout > 0) this.held.timer = setTimeout(() => this.expireHeld(), sendTimeout);
      return;
    }
    this.sent();
    this.bytesSinceYield += bytesOf(frames);
    if (this.bytesSinceYield < YIELD_BYTES) return done(result);
    // This send completes after the event loop turns: what was queued is written meanwhile,
    // and the peer (and this process's other I/O) can work.
    this.bytesSinceYield = 0;
    setImmediate(() => done(result));
  }

  /** The held send waited `sendTimeout` ms: it fails with EAGAIN, as libzmq's does. */
  private expireHeld(): void {
    const held = this.held;
    this.held = undefined;
    held?.done(cannotSend());
  }

  /** Retries a held send: a peer arrived or wrote out. */
  private retryHeld(): void {
    const held = this.held;
    if (!held || this.isClosed) return;
    const result = this.pattern.send(held.frames);
    if (result === HOLD) return;
    this.held = undefined;
    clearTimeout(held.timer);
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
    if (this.isClosed) return;
    if (this.pattern.accept(peer, frames)) this.queueForApplication(peer, frames);
    else peer.consumed();
  }

  /**
   * Delivers a message now if the application reads and nothing waits
   * before it, else queues it on its peer. Each message is reported
   * `consumed` to its peer once delivered (or dropped by `unwrap`).
   */
  private queueForApplication(peer: Peer, frames: Buffer[]): void {
    if (this.isClosed) return;
    if (this.reading && this.backlog === 0 && this.pattern.receiving) {
      this.deliver(peer, frames);
      return;
    }
    if (peer.conflates) this.dropWaiting(peer);
    peer.inbox.push(frames);
    this.backlog++;
    if (!peer.conflates && peer.inbox.length >= this.options.receiveHighWaterMark) peer.pauseReading();
    if (this.reading) this.scheduleDrain();
  }

  /** ZMQ_CONFLATE: what waits from `peer` gives way to its newer message (each reported consumed). */
  private dropWaiting(peer: Peer): void {
    const dropped = peer.inbox.length;
    peer.inbox.clear();
    this.backlog -= dropped;
    for (let i = 0; i < dropped; i++) peer.consumed();
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
      this.deliver(peer, frames);
    }
  };

  private deliver(peer: Peer, frames: Buffer[]): void {
    const msg = this.pattern.unwrap(peer, frames);
    peer.consumed();
    if (msg) this.handler!.message(msg);
  }

  // Topics.

  addTopic(topic: Frame): void {
    this.subscriber().addTopic!(Buffer.from(toBuffer(topic)));
  }

  removeTopic(topic: Frame): void {
    this.subscriber().removeTopic!(toBuffer(topic));
  }

  private subscriber(): Pattern {
    if (!this.pattern.addTopic) throw new TypeError(`rxzmq: a ${this.type} socket has no topic filter`);
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
    for (const listener of this.listeners.values()) this.closeListener(listener);
    this.listeners.clear();
    for (const peer of [...this.peers]) peer.close(wait);
    // A session still holding messages keeps dialing for its linger (it stops its connector when done).
    for (const dialer of this.dialers.splice(0)) if (!this.sessionOf.get(dialer)?.lingering) dialer.stop();
    this.sessionOf.clear();
    this.backlog = 0;
    this.emit({ type: 'monitorStopped' });
    this.monitors.clear();
    clearTimeout(held?.timer);
    held?.done(engineError('ENOTSOCK', 'socket closed before the message was sent'));
  }
}
