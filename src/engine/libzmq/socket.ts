import * as zmq from 'zeromq';
import type {
  EngineSocket,
  Frame,
  Message,
  ReceiveHandler,
  Sendable,
  SocketEvent,
  SocketType,
} from '../types';
import type { ZapHandler } from '../zmtp/mechanisms/zap';
import { notManual } from '../errors';
import { toSocketEvent } from './events';
import { Lockstep } from './lockstep';
import { enforceZapDomain, registerZap, type ZapRegistration } from './zap';

/** The zeromq.js class behind each socket type. */
const classes: Record<SocketType, new (options?: object) => zmq.Socket> = {
  pair: zmq.Pair,
  pub: zmq.Publisher,
  sub: zmq.Subscriber,
  xpub: zmq.XPublisher,
  xsub: zmq.XSubscriber,
  req: zmq.Request,
  rep: zmq.Reply,
  dealer: zmq.Dealer,
  router: zmq.Router,
  push: zmq.Push,
  pull: zmq.Pull,
};

/** What a zeromq.js socket may have, whatever its type. */
type AnySocket = zmq.Socket &
  Partial<zmq.Readable & zmq.Writable> & {
    subscribe?(...prefixes: Frame[]): void;
    unsubscribe?(...prefixes: Frame[]): void;
  };

/**
 * libzmq's ZMQ_SUBSCRIBE and ZMQ_UNSUBSCRIBE: a manual XPUB (ZMQ_XPUB_MANUAL)
 * takes them for the peer of the message it received last. zeromq.js has no
 * call for that, only the protected option setter its Subscriber uses.
 */
const ZMQ_SUBSCRIBE = 6;
const ZMQ_UNSUBSCRIBE = 7;
type OptionSetter = { setStringOption(option: number, value: string | Buffer): void };

/**
 * An {@link EngineSocket} on a zeromq.js socket. zeromq.js allows one pending
 * `send()` and one pending `receive()` per socket (a second throws EBUSY
 * synchronously), so this class runs exactly one receive loop and relies on
 * its caller for one send at a time.
 */
export class LibzmqSocket implements EngineSocket {
  private readonly socket: AnySocket;
  private readonly bound = new Set<string>();
  private readonly connected = new Set<string>();
  private handler: ReceiveHandler | undefined;
  private reading = false;
  private loopRunning = false;
  /**
   * A bind or unbind in progress: zeromq.js refuses to send or receive
   * meanwhile ("Socket is blocked by a bind or unbind operation"), so both
   * wait for it.
   */
  private blocking: Promise<void> | undefined;
  /** Set by `close()`; stands in for `socket.closed`, an N-API getter too slow (~0.1 us) to read per message. */
  private isClosed = false;
  private sendDone: ((err?: Error) => void) | undefined;
  private listeners: Set<(event: SocketEvent) => void> | undefined;
  /** An XPUB with `manual`: `addTopic`/`removeTopic` go to libzmq for the peer of the last message. */
  private readonly manual: boolean;
  /** REQ and REP: whose turn it is, so a send out of turn fails with EFSM rather than wait forever. */
  private readonly lockstep: Lockstep | undefined;
  /** With `authenticate`: the ZAP handler's registration; no client may handshake before it is bound. */
  private readonly zap: ZapRegistration | undefined;
  private zapBound = false;
  /** With zapEnforceDomain and a domain but no handler: the shared ZAP Router's note of it (see zap.ts). */
  private readonly releaseEnforced: (() => void) | undefined;

  constructor(
    readonly type: SocketType,
    options: Record<string, unknown>,
    context?: zmq.Context,
  ) {
    const { authenticate, ...rest } = options;
    if (rest.busyPoll !== undefined) {
      // Keeping Node's loop awake does not wake libzmq's I/O thread, and it takes that thread's CPU (docs/ENGINES.md).
      throw Object.assign(new TypeError("rxzmq: busyPoll is an option of the zmtp engine (engine: 'zmtp'), not of libzmq's"), {
        code: 'ENOTSUP',
      });
    }
    if (authenticate !== undefined && authenticate !== null) {
      // zeromq.js would keep an unknown option as a plain property: an ignored handler would let everyone in.
      if (typeof authenticate !== 'function') throw new TypeError("rxzmq: 'authenticate' must be a function");
      if (options.plainServer !== true && options.curveServer !== true) {
        throw new TypeError("rxzmq: 'authenticate' needs a PLAIN or CURVE server (plainServer or curveServer: true)");
      }
      const zap = registerZap(context, options.zapDomain as string | undefined, authenticate as ZapHandler);
      rest.zapDomain = zap.domain;
      this.zap = zap.registration;
      zap.registration.ready.then(() => (this.zapBound = true), () => undefined);
    } else if (options.zapEnforceDomain === true && typeof options.zapDomain === 'string' && options.zapDomain !== '') {
      this.releaseEnforced = enforceZapDomain(context, options.zapDomain);
    }
    this.manual = type === 'xpub' && options.manual === true;
    this.lockstep = Lockstep.of(type, options);
    // zeromq.js rejects `undefined` values; an option left undefined means "libzmq's default".
    const given = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
    this.socket = new classes[type](context ? { ...given, context } : given) as AnySocket;
  }

  get bindings(): readonly string[] {
    return [...this.bound];
  }

  get connections(): readonly string[] {
    return [...this.connected];
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async bind(endpoint: string): Promise<string> {
    if (this.zap) await this.zap.ready;
    await this.block(this.socket.bind(endpoint));
    // lastEndpoint holds the resolved address (`*` ports filled in).
    const resolved = this.socket.lastEndpoint ?? endpoint;
    this.bound.add(resolved);
    return resolved;
  }

  async unbind(endpoint: string): Promise<void> {
    await this.block(this.socket.unbind(endpoint));
    this.bound.delete(endpoint);
  }

  /** Marks `operation` (a bind or unbind) as blocking sends and receives until it settles. */
  private block(operation: Promise<void>): Promise<void> {
    const settled = operation.then(
      () => undefined,
      () => undefined,
    );
    this.blocking = settled;
    void settled.then(() => {
      if (this.blocking === settled) this.blocking = undefined;
    });
    return operation;
  }

  connect(endpoint: string): void {
    if (this.zap && !this.zapBound) {
      // A handshake before the ZAP handler is bound would skip it (CURVE lets everyone in then).
      this.zap.ready.then(
        () => this.connected.has(endpoint) && !this.isClosed && this.socket.connect(endpoint),
        () => undefined,
      );
    } else this.socket.connect(endpoint);
    this.connected.add(endpoint);
  }

  disconnect(endpoint: string): void {
    this.socket.disconnect(endpoint);
    this.connected.delete(endpoint);
  }

  send(msg: Sendable, done: (err?: Error) => void): void {
    this.sendDone = done;
    let pending: Promise<void>;
    try {
      pending = this.sendAsync(msg);
    } catch (err) {
      this.sendDone = undefined;
      done(err as Error);
      return;
    }
    pending.then(this.onSent, this.onSendFailed);
  }

  sendAsync(msg: Sendable): Promise<void> {
    // zeromq.js's own promise (it takes a frame or a list of frames as they
    // are); throws EBUSY synchronously if a send is already pending.
    if (this.lockstep) return this.sendInTurn(this.lockstep, msg);
    return this.sendNow(msg);
  }

  private sendNow(msg: Sendable): Promise<void> {
    if (this.blocking) return this.blocking.then(() => this.socket.send!(msg as zmq.MessageLike[]));
    return this.socket.send!(msg as zmq.MessageLike[]);
  }

  /** A REQ's or REP's send: refused out of turn (EFSM, thrown), the turn given back if zeromq.js fails it. */
  private sendInTurn(lockstep: Lockstep, msg: Sendable): Promise<void> {
    lockstep.take();
    let sent: Promise<void>;
    try {
      sent = this.sendNow(msg);
    } catch (err) {
      lockstep.giveBack();
      throw err;
    }
    return sent.catch((err: unknown) => {
      lockstep.giveBack();
      throw err;
    });
  }

  private readonly onSent = (): void => {
    const done = this.sendDone!;
    this.sendDone = undefined;
    done();
  };

  private readonly onSendFailed = (err: Error): void => {
    const done = this.sendDone!;
    this.sendDone = undefined;
    done(err);
  };

  startReceive(handler: ReceiveHandler): void {
    this.handler = handler;
    this.reading = true;
    if (!this.loopRunning) void this.readLoop();
  }

  pauseReceive(): void {
    this.reading = false;
  }

  private async readLoop(): Promise<void> {
    this.loopRunning = true;
    try {
      while (this.reading && !this.isClosed) {
        if (this.blocking) {
          await this.blocking;
          continue;
        }
        let msg: Message;
        try {
          msg = await this.socket.receive!();
        } catch (err) {
          // EAGAIN is "nothing yet", not a failure: zeromq.js's receive() sometimes finds
          // nothing after libzmq said POLLIN (seen on a CURVE server with ZAP), and a
          // receiveTimeout given to the engine directly ends every wait with it.
          if ((err as { code?: unknown }).code !== 'EAGAIN' || this.isClosed) throw err;
          await new Promise(setImmediate);
          continue;
        }
        this.lockstep?.received();
        this.handler!.message(msg);
      }
    } catch (err) {
      // A close while a receive is pending rejects it: that is the end, not a failure.
      if (!this.isClosed) this.handler?.error(err as Error);
    } finally {
      this.loopRunning = false;
    }
  }

  addTopic(topic: Frame): void {
    if (this.manual) this.setManualTopic(ZMQ_SUBSCRIBE, topic);
    else this.subscriber().subscribe!(topic);
  }

  removeTopic(topic: Frame): void {
    if (this.manual) this.setManualTopic(ZMQ_UNSUBSCRIBE, topic);
    else this.subscriber().unsubscribe!(topic);
  }

  private subscriber(): AnySocket {
    if (this.type === 'xpub') throw notManual();
    if (!this.socket.subscribe) throw new TypeError(`rxzmq: a ${this.type} socket has no topic filter`);
    return this.socket;
  }

  private setManualTopic(option: number, topic: Frame): void {
    if (this.isClosed) return;
    (this.socket as unknown as OptionSetter).setStringOption(option, typeof topic === 'string' ? topic : Buffer.from(topic));
  }

  monitor(listener: (event: SocketEvent) => void): () => void {
    if (!this.listeners) {
      this.listeners = new Set();
      void this.monitorLoop(this.socket.events, this.listeners);
    }
    this.listeners.add(listener);
    return () => this.listeners?.delete(listener);
  }

  private async monitorLoop(
    observer: zmq.Observer,
    listeners: Set<(event: SocketEvent) => void>,
  ): Promise<void> {
    try {
      while (!observer.closed) {
        const event = toSocketEvent(await observer.receive());
        for (const listener of listeners) listener(event);
      }
    } catch {
      // The observer closes with its socket; its pending receive then rejects.
    }
  }

  close(linger?: number): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (linger !== undefined) this.socket.linger = linger;
    this.socket.close();
    this.zap?.release();
    this.releaseEnforced?.();
    this.bound.clear();
    this.connected.clear();
  }
}
