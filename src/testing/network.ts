import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { Engine, SocketType } from '../engine';
import {
  Context,
  dealer,
  pair,
  pub,
  pull,
  push,
  rep,
  req,
  router,
  sub,
  xpub,
  xsub,
  type DealerOptions,
  type DealerSocket,
  type PairOptions,
  type PairSocket,
  type PubOptions,
  type PubSocket,
  type PullOptions,
  type PullSocket,
  type PushOptions,
  type PushSocket,
  type RepOptions,
  type RepSocket,
  type ReqOptions,
  type ReqSocket,
  type RouterOptions,
  type RouterSocket,
  type SubOptions,
  type SubSocket,
  type XPubOptions,
  type XPubSocket,
  type XSubOptions,
  type XSubSocket,
} from '../observables';
import { engineError } from '../engine/errors';
import { MemorySocket, type Link } from './memory-socket';
import { Pipe } from './pipe';
import { Subscriptions } from '../engine/zmtp/routing/subscriptions';

/** Options of a {@link MemoryNetwork}. */
export interface MemoryNetworkConfig {
  /** Drives every delivery. Default `asyncScheduler`, which `TestScheduler.run` turns into virtual time. */
  scheduler?: SchedulerLike;
  /** Time (ms) a message takes from one socket to another. Default 0: it arrives in the same frame, after the send. */
  latency?: number;
}

/** What the model can tell about one of its sockets that libzmq keeps to itself. */
export interface MemorySocketState {
  /** Connections up now. */
  peers: number;
  /** Messages dropped because a peer's pipe was full (or, for a ROUTER, the peer unknown). */
  dropped: number;
  /** Messages sent and not yet read, per peer, in connection order. */
  inFlight: number[];
}

/** Which socket types may talk to which, as ZMTP checks in its handshake. */
const COMPATIBLE: Record<SocketType, readonly SocketType[]> = {
  pair: ['pair'],
  pub: ['sub', 'xsub'],
  xpub: ['sub', 'xsub'],
  sub: ['pub', 'xpub'],
  xsub: ['pub', 'xpub'],
  req: ['rep', 'router'],
  rep: ['req', 'dealer'],
  dealer: ['rep', 'dealer', 'router'],
  router: ['req', 'dealer', 'router'],
  push: ['pull'],
  pull: ['push'],
};

const TRANSPORTS = new Set(['inproc', 'ipc', 'tcp', 'ws']);

interface Connection {
  readonly connecter: MemorySocket;
  readonly endpoint: string;
  /** The two ends while connected: the connecter's link, then the binder's. */
  ends?: [Link, Link];
}

/**
 * The in-memory model of ZeroMQ: sockets with the same Observable/Observer
 * shape, `send`, `send$`, `writable$` and demand-driven reading as real
 * ones, connected by pipes that follow libzmq's rules per socket type:
 *
 * - a pipe holds `sendHighWaterMark` of the writer plus `receiveHighWaterMark`
 *   of the reader (0 in either: no bound), as libzmq's inproc pipes do, but
 *   a PUB's pipe to each subscriber only its own `sendHighWaterMark` (as
 *   measured on libzmq 4.3.5); the writer hears of reads in batches (libzmq's
 *   low-water mark), so a held writer resumes after that many reads;
 * - PUB and XPUB drop for a subscriber whose pipe is full; PUSH, DEALER, REQ
 *   and PAIR hold the send (its promise stays pending, `next` queues in the
 *   socket's bounded queue) until a pipe has room;
 * - PUSH, DEALER and REQ round-robin over peers; PULL, DEALER, ROUTER fair-queue;
 * - SUB filters by prefix (at the publisher, as libzmq does); XPUB receives
 *   subscriptions; ROUTER prefixes the peer's routing id and drops for unknown
 *   peers (with `mandatory`, fails with `EHOSTUNREACH`); REQ and REP keep
 *   their envelope and alternation.
 *
 * Every delivery is an action on `scheduler`, so inside `TestScheduler.run`
 * the whole network runs in virtual time. Endpoints are names: any of
 * `inproc://`, `ipc://`, `tcp://` (a `*` port gets a fake one), `ws://`.
 * Connecting before binding works; a peer whose binder goes comes back when
 * the endpoint is bound again.
 *
 * ## Example
 * ```ts
 * import { TestScheduler } from 'rxjs/testing';
 * import { MemoryNetwork } from 'rxzmq/testing';
 *
 * new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ cold, expectObservable }) => {
 *   const net = new MemoryNetwork();
 *   const out = net.push({ bind: 'inproc://jobs' });
 *   const inp = net.pull({ connect: 'inproc://jobs' });
 *   cold('-a-b').subscribe((s) => out.next(s));
 *   expectObservable(inp.pipe(map(([f]) => f.toString()))).toBe('-a-b');
 * });
 * ```
 */
export class MemoryNetwork {
  readonly scheduler: SchedulerLike;
  readonly latency: number;
  /** The engine behind this network's sockets (pass it as `engine` to any factory). */
  readonly engine: Engine;
  /** Tracks every socket of the network; `close()` closes them all. */
  readonly context = new Context();
  private readonly bound = new Map<string, MemorySocket>();
  private readonly connects: Connection[] = [];
  private readonly byFacade = new WeakMap<object, MemorySocket>();
  private lastCreated: MemorySocket | undefined;
  private nextPort = 49152;
  private nextRoutingId = 1;

  constructor(config: MemoryNetworkConfig = {}) {
    this.scheduler = config.scheduler ?? asyncScheduler;
    this.latency = config.latency ?? 0;
    if (!(this.latency >= 0)) throw new TypeError(`rxzmq: latency must be >= 0, got ${config.latency}`);
    this.engine = {
      name: 'memory',
      createSocket: (type, options) => (this.lastCreated = new MemorySocket(type, this, options)),
    };
  }

  /** A PUB socket on this network. */
  pub(options: PubOptions = {}): PubSocket {
    return this.make(pub, options);
  }
  /** A SUB socket on this network. */
  sub(options: SubOptions = {}): SubSocket {
    return this.make(sub, options);
  }
  /** An XPUB socket on this network. */
  xpub(options: XPubOptions = {}): XPubSocket {
    return this.make(xpub, options);
  }
  /** An XSUB socket on this network. */
  xsub(options: XSubOptions = {}): XSubSocket {
    return this.make(xsub, options);
  }
  /** A PUSH socket on this network. */
  push(options: PushOptions = {}): PushSocket {
    return this.make(push, options);
  }
  /** A PULL socket on this network. */
  pull(options: PullOptions = {}): PullSocket {
    return this.make(pull, options);
  }
  /** A REQ socket on this network. */
  req(options: ReqOptions = {}): ReqSocket {
    return this.make(req, options);
  }
  /** A REP socket on this network. */
  rep(options: RepOptions = {}): RepSocket {
    return this.make(rep, options);
  }
  /** A DEALER socket on this network. */
  dealer(options: DealerOptions = {}): DealerSocket {
    return this.make(dealer, options);
  }
  /** A ROUTER socket on this network. */
  router(options: RouterOptions = {}): RouterSocket {
    return this.make(router, options);
  }
  /** A PAIR socket on this network. */
  pair(options: PairOptions = {}): PairSocket {
    return this.make(pair, options);
  }

  /** What the model knows of a socket made by this network. */
  inspect(socket: object): MemorySocketState {
    const model = this.byFacade.get(socket);
    if (!model) throw new TypeError('rxzmq: that socket does not belong to this MemoryNetwork');
    return {
      peers: model.links.filter((link) => !link.ended).length,
      dropped: model.dropped,
      inFlight: model.links.map((link) => link.out.size),
    };
  }

  /** Closes every socket of the network. */
  close(): Promise<void> {
    return this.context.close();
  }

  private make<O, S extends object>(factory: (options: O) => S, options: O): S {
    const socket = factory({ ...options, engine: this.engine, context: this.context });
    this.byFacade.set(socket, this.lastCreated!);
    return socket;
  }

  // The registry, used by MemorySocket.

  /** @internal Registers `socket` at `endpoint`; returns the endpoint with a `*` port resolved. */
  bind(socket: MemorySocket, endpoint: string): string {
    const resolved = this.resolve(endpoint);
    if (this.bound.has(resolved)) throw engineError('EADDRINUSE', `address already in use: ${resolved}`);
    this.bound.set(resolved, socket);
    for (const connection of this.connects) {
      if (connection.endpoint === resolved && !connection.ends) this.establish(connection, socket);
    }
    return resolved;
  }

  /** @internal Removes a binding; peers connected through it wait for the endpoint to come back. */
  unbind(socket: MemorySocket, endpoint: string, keepSent = true): void {
    if (this.bound.get(endpoint) !== socket) return;
    this.bound.delete(endpoint);
    for (const connection of this.connects) {
      if (connection.endpoint !== endpoint || !connection.ends) continue;
      const [theirs, ours] = connection.ends;
      connection.ends = undefined;
      socket.leave(ours, keepSent);
      connection.connecter.peerLeft(theirs);
    }
  }

  /** @internal Records a connect; it comes up now if the endpoint is bound, else when it is. */
  connect(socket: MemorySocket, endpoint: string): void {
    this.validate(endpoint);
    const connection: Connection = { connecter: socket, endpoint };
    this.connects.push(connection);
    const binder = this.bound.get(endpoint);
    if (binder) this.establish(connection, binder);
  }

  /** @internal Ends one connect of `socket` to `endpoint`. */
  disconnect(socket: MemorySocket, endpoint: string, keepSent = true): void {
    const index = this.connects.findIndex((c) => c.connecter === socket && c.endpoint === endpoint);
    if (index < 0) return;
    const [connection] = this.connects.splice(index, 1);
    if (!connection?.ends) return;
    const [ours, theirs] = connection.ends;
    socket.leave(ours, keepSent);
    theirs.peer.peerLeft(theirs);
  }

  /** @internal A socket closes: every binding and connect it has goes. */
  remove(socket: MemorySocket, keepSent: boolean): void {
    for (const endpoint of [...socket.bindings]) this.unbind(socket, endpoint, keepSent);
    for (const connection of this.connects.filter((c) => c.connecter === socket)) {
      this.disconnect(socket, connection.endpoint, keepSent);
    }
  }

  private establish(connection: Connection, binder: MemorySocket): void {
    const { connecter, endpoint } = connection;
    if (connecter === binder) return;
    if (!COMPATIBLE[connecter.type].includes(binder.type)) return; // ZMTP's handshake refuses the pair
    if ((connecter.type === 'pair' && connecter.links.length > 0) || (binder.type === 'pair' && binder.links.length > 0)) return;
    const up = new Pipe(pipeHwm(connecter, binder), () => connecter.activateWrite());
    const down = new Pipe(pipeHwm(binder, connecter), () => binder.activateWrite());
    const ours: Link = { peer: binder, out: up, in: down, identity: this.identityOf(binder), endpoint, filter: new Subscriptions(), ended: false };
    const theirs: Link = { peer: connecter, out: down, in: up, identity: this.identityOf(connecter), endpoint, filter: new Subscriptions(), ended: false };
    connection.ends = [ours, theirs];
    binder.attach(theirs, true);
    connecter.attach(ours, false);
  }

  /** A routing id as a ROUTER sees the socket: its `routingId`, else a generated 5-byte one (as libzmq makes). */
  private identityOf(socket: MemorySocket): Buffer {
    if (socket.routingId) return socket.routingId;
    const id = Buffer.alloc(5);
    id.writeUInt32BE(this.nextRoutingId++, 1);
    return id;
  }

  private validate(endpoint: string): [string, string] {
    const match = /^([a-z]+):\/\/(.+)$/.exec(endpoint);
    if (!match) throw engineError('EINVAL', `invalid endpoint: ${endpoint}`);
    if (!TRANSPORTS.has(match[1]!)) throw engineError('EPROTONOSUPPORT', `transport not modelled: ${match[1]}`);
    return [match[1]!, match[2]!];
  }

  private resolve(endpoint: string): string {
    const [transport, address] = this.validate(endpoint);
    if ((transport === 'tcp' || transport === 'ws') && /:\*($|\/)/.test(address)) {
      return `${transport}://${address.replace(/:\*/, `:${this.nextPort++}`)}`;
    }
    return endpoint;
  }
}

/**
 * The bound of the pipe from `writer` to `reader`, as measured on libzmq
 * 4.3.5 over inproc: the writer's send plus the reader's receive high-water
 * mark (0 in either: no bound), except that a PUB or XPUB holds only its own
 * send high-water mark for each subscriber, whatever the subscriber's.
 */
function pipeHwm(writer: MemorySocket, reader: MemorySocket): number {
  if (writer.type === 'pub' || writer.type === 'xpub') return writer.sendHwm === 0 ? Infinity : writer.sendHwm;
  return writer.sendHwm === 0 || reader.receiveHwm === 0 ? Infinity : writer.sendHwm + reader.receiveHwm;
}
