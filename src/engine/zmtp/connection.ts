import type { Socket } from 'node:net';
import type { SocketType } from '../types';
import { keepAwake } from '../busy-poll';
import { AutoSpin } from './auto-spin';
import { Heartbeats, type HeartbeatOptions } from './heartbeats';
import { OutputBatch } from './output';
import {
  checkSignature,
  acceptsPeer,
  encodeError,
  encodeGreeting,
  encodePing,
  encodePong,
  FrameParser,
  GREETING_SIZE,
  parseError,
  parseGreeting,
  parsePing,
  SIGNATURE_SIZE,
  SOCKET_TYPE_NAMES,
  ZmtpProtocolError,
} from './codec';
import {
  createMechanism,
  NULL_SECURITY,
  SealedReader,
  ZAP_UNAVAILABLE,
  ZmtpAuthError,
  type HandshakeResult,
  type Mechanism,
  type MechanismHost,
  type MessageCipher,
  type Security,
} from './mechanisms';

/** What the peer said about itself in its READY command. */
export interface PeerInfo {
  /** Its socket type as ZMTP names it (`'DEALER'`). */
  socketType: string;
  /** Its routing id, when it sent one. */
  identity?: Buffer;
  /** The ZMTP minor version it speaks (0 for a 3.0 peer). */
  minor: number;
  /** PLAIN or CURVE server with ZAP: the user id the `authenticate` handler gave. */
  userId?: string;
  /** PLAIN or CURVE server with ZAP: the metadata the `authenticate` handler gave. */
  zapMetadata?: Record<string, string | Buffer>;
}

/** Options and callbacks of a {@link ZmtpConnection}. */
export interface ConnectionOptions {
  /** Our socket type. */
  socketType: SocketType;
  /** Our routing id, sent in READY. */
  identity?: Buffer;
  /** Largest incoming message in bytes; -1 or undefined for no limit. */
  maxMessageSize?: number;
  /**
   * ZMTP heartbeats (libzmq's ZMQ_HEARTBEAT_*): a PING every `interval` ms
   * once ready, carrying `ttl` (ms, rounded down to deciseconds); the
   * connection closes when nothing arrives for `timeout` ms after a PING
   * (see ./heartbeats.ts).
   */
  heartbeat?: HeartbeatOptions;
  /** Ms the greeting and handshake may take before the connection is dropped (libzmq's ZMQ_HANDSHAKE_IVL; 0: no limit). */
  handshakeInterval?: number;
  /** The security mechanism (default NULL). */
  security?: Security;
  /**
   * Microseconds to keep the event loop awake after each read and write
   * (see engine/busy-poll.ts; 0 or unset: off), or `'auto'`: a REQ's or
   * DEALER's lone requests spin until their reply while replies come fast
   * (see ./auto-spin.ts). The socket's options make `'auto'` the default.
   */
  busyPoll?: number | 'auto';
  /** The handshake is done: messages may flow. */
  onReady(peer: PeerInfo): void;
  /** A message from the peer. */
  onMessage(frames: Buffer[]): void;
  /** A command other than READY, PING and PONG (SUBSCRIBE, CANCEL, ...). */
  onCommand?(name: string, data: Buffer): void;
  /** The connection ended; `error` says why when it was not a clean close. */
  onClose(error?: Error): void;
  /** Some messages counted in `pending` reached the kernel. */
  onWritten?(): void;
}

/**
 * While a connection answers what it just read (a server's replies to a
 * wave of requests, a client's next requests after a wave of replies), its
 * batch is written every this many messages rather than at the end of the
 * tick, so the peer starts on the first of them while this side produces
 * the rest. Every write is a system call that also wakes the peer, so
 * fewer writes cost less but overlap less. Measured, DEALER/ROUTER between
 * two processes on a 2-vCPU VM (req/s, A/B runs interleaved): with 100 in
 * flight, whole ticks 330k, every 32 messages 480-660k, every 50 630-735k,
 * every 64 450-610k; with 200 in flight 780k (32) vs 880-955k (50); with
 * 1000, 970k-1.0M vs 1.0-1.08M. Below 50 in flight nothing is split. A
 * connection that only sends (a stream) keeps whole-tick batches: written
 * every 32 messages, a 16 B stream fell from 2.95M to 1.67M msg/s.
 */
const FLUSH_EVERY = 50;

/** Ms a connection closed for an error may take to say goodbye before its descriptor is destroyed. */
const ERROR_GRACE = 500;

const enum State {
  Signature,
  Greeting,
  Handshake,
  Ready,
  Closed,
}

/** What CURVE adds to a frame: `\x07MESSAGE`, nonce, tag, flags. */
const SEALED_OVERHEAD = 33;

/**
 * One ZMTP 3.x connection over a Node stream socket: greeting, the security
 * handshake of its mechanism (NULL, PLAIN or CURVE, see `./mechanisms`)
 * with the socket-type check, then messages (sealed under CURVE). Writes
 * queued in one tick go out together (cork/uncork), with no promise per
 * message; incoming frames are parsed incrementally.
 */
export class ZmtpConnection {
  private state = State.Signature;
  /** The greeting's bytes so far (it may arrive in pieces). */
  private greetingChunks: Buffer[] = [];
  private greetingBytes = 0;
  /** Chunks queued this tick, written together at its end. */
  private readonly output = new OutputBatch();
  private readonly parser: FrameParser;
  private flushScheduled = false;
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Something was read since the last flush: what is sent now answers it (see FLUSH_EVERY). */
  private answering = false;
  private readonly heartbeats = new Heartbeats({
    ping: (ttl) => this.writeCommand(encodePing(ttl)),
    fail: (error) => this.close(error),
  });
  /** Messages queued this tick, and messages handed to `send` not yet written to the kernel. */
  private batchMessages = 0;
  private unwritten = 0;
  private greetingMinor = 1;
  private readonly security: Security;
  private readonly mechanism: Mechanism;
  /** CURVE, once the handshake is done: seals what we send and opens what we read. */
  private cipher: MessageCipher | undefined;
  private sealed: SealedReader | undefined;
  private readonly busyPoll: number;
  private readonly autoSpin: AutoSpin | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    const security = (this.security = options.security ?? NULL_SECURITY);
    const curve = security.mechanism === 'CURVE';
    const max = options.maxMessageSize ?? -1;
    const busyPoll = options.busyPoll ?? 0;
    this.busyPoll = busyPoll === 'auto' ? 0 : busyPoll;
    const requester = options.socketType === 'req' || options.socketType === 'dealer';
    this.autoSpin = busyPoll === 'auto' && requester ? new AutoSpin() : undefined;
    this.parser = new FrameParser({
      // Under CURVE each frame arrives alone, sealed; the whole message's size is checked once opened.
      maxMessageSize: curve && max >= 0 ? max + SEALED_OVERHEAD : max,
      onMessage: curve ? (frames) => this.sealedMessage(frames) : (frames) => this.message(frames),
      onCommand: (name, data) => this.command(name, data),
    });
    this.mechanism = createMechanism(security, this.host());
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.data(chunk));
    // A socket that came through a SOCKS proxy is handed over paused (see socks.ts).
    socket.resume();
    socket.on('error', (err) => this.lost(err));
    socket.on('close', () => this.lost(undefined));
    this.write([encodeGreeting({ mechanism: security.mechanism, asServer: security.asServer })]);
    const limit = options.handshakeInterval ?? 0;
    if (limit > 0) {
      this.handshakeTimer = setTimeout(
        () => this.close(new ZmtpProtocolError('handshake-timeout', `no handshake within ${limit} ms`)),
        limit,
      );
      this.handshakeTimer.unref?.();
    }
  }

  /** True once the handshake is done and until the connection closes. */
  get ready(): boolean {
    return this.state === State.Ready;
  }

  /**
   * Messages handed to `send` and not yet written to the kernel (queued
   * this tick or waiting in Node's write buffer): what a send high-water
   * mark counts.
   */
  get pending(): number {
    return this.unwritten;
  }

  /**
   * Queues a message; it goes out with the others of this tick. Back-pressure
   * is `pending` (messages not yet in the kernel) against the send
   * high-water mark, with `onWritten` when some went out.
   */
  send(frames: readonly Buffer[]): void {
    if (this.state !== State.Ready) return;
    if (this.cipher === undefined) this.output.message(frames);
    else this.output.raw(this.cipher.encodeMessage(frames));
    this.scheduleFlush();
    this.batchMessages++;
    this.unwritten++;
    if (this.answering && this.batchMessages >= FLUSH_EVERY) this.writeOut();
  }

  /** Sends a command (SUBSCRIBE, CANCEL, ...). */
  sendCommand(chunks: readonly Buffer[]): void {
    if (this.state === State.Ready) this.writeCommand(chunks);
  }

  /** Closes now; with `error`, the peer first gets an ERROR command naming it. */
  close(error?: Error): void {
    if (this.state === State.Closed) return;
    const before = this.state;
    this.state = State.Closed;
    this.heartbeats.stop();
    clearTimeout(this.handshakeTimer);
    this.flush();
    // A peer that sent a proper signature hears why, in an ERROR command (ZMTP 3.1);
    // a refused client hears the ZAP status code, as libzmq tells it.
    const farewell =
      error instanceof ZmtpProtocolError && error.reason !== ZAP_UNAVAILABLE && before !== State.Signature && this.socket.writable
        ? Buffer.concat(encodeError((error instanceof ZmtpAuthError ? error.statusCode : error.message).slice(0, 255)))
        : undefined;
    if (!error) this.socket.end();
    else this.dropAfter(farewell);
    this.options.onClose(error);
  }

  /**
   * Ends the socket after an error: the farewell (an ERROR command) goes
   * out, what the peer still sends is read and dropped (closing with unread
   * data would reset the connection and could lose the farewell), and the
   * descriptor is destroyed when the peer closes or after a short grace at
   * most, so a peer that keeps its half open cannot hold it.
   */
  private dropAfter(farewell: Buffer | undefined): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    if (farewell) socket.end(farewell);
    else socket.end();
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), ERROR_GRACE);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  /** The socket ended or failed. A PLAIN or CURVE peer that hangs up mid-handshake failed it (libzmq reports that too). */
  private lost(error: Error | undefined): void {
    if (this.state !== State.Ready && this.state !== State.Closed && this.security.mechanism !== 'NULL') {
      const how = error ? `failed (${error.message})` : 'closed';
      error = new ZmtpProtocolError('handshake-closed', `the connection ${how} during the ${this.security.mechanism} handshake`, {
        cause: error,
      });
    }
    this.close(error);
  }

  /** What the mechanism may ask of this connection. */
  private host(): MechanismHost {
    const socket = this.socket;
    const closed = (): boolean => this.state === State.Closed;
    return {
      metadata: this.ourMetadata(),
      get address() {
        return socket.remoteAddress ?? '';
      },
      get closed() {
        return closed();
      },
      send: (chunks) => this.write(chunks),
      check: (metadata) => this.checkPeer(metadata),
      done: (result) => this.handshakeDone(result),
      fail: (error) => this.close(error),
    };
  }

  private data(chunk: Buffer): void {
    this.heartbeats.heard();
    if (this.busyPoll > 0) keepAwake(this.busyPoll);
    this.autoSpin?.read();
    // What is sent next (up to the flush that writes it, be it in a later microtask) answers this.
    this.answering = true;
    try {
      if (this.state === State.Signature || this.state === State.Greeting) chunk = this.greeting(chunk);
      if (chunk.length > 0 && this.state !== State.Closed) this.parser.push(chunk);
    } catch (err) {
      this.close(err as Error);
    }
  }

  /** Reads the greeting (signature first, as libzmq does, so garbage is refused early); returns what follows it. */
  private greeting(chunk: Buffer): Buffer {
    this.greetingChunks.push(chunk);
    this.greetingBytes += chunk.length;
    const have = this.greetingChunks.length === 1 ? chunk : Buffer.concat(this.greetingChunks, this.greetingBytes);
    if (this.state === State.Signature) {
      // The first byte alone tells a ZMTP peer from anything else, as libzmq decides.
      checkSignature(have.subarray(0, SIGNATURE_SIZE));
      if (have.length < SIGNATURE_SIZE) return this.keep(have);
      this.state = State.Greeting;
    }
    if (have.length < GREETING_SIZE) return this.keep(have);
    const greeting = parseGreeting(have.subarray(0, GREETING_SIZE));
    const ours = this.security;
    if (greeting.mechanism !== ours.mechanism) {
      throw new ZmtpProtocolError('mechanism-mismatch', `the peer uses the ${greeting.mechanism} mechanism, this socket ${ours.mechanism}`);
    }
    // The peer's as-server flag is not checked: libzmq always sends 0 there.
    this.greetingMinor = greeting.minor;
    this.greetingChunks = [];
    this.greetingBytes = 0;
    this.state = State.Handshake;
    this.mechanism.start();
    return have.subarray(GREETING_SIZE);
  }

  /** Our metadata, for READY or INITIATE. */
  private ourMetadata(): Record<string, Buffer | string> {
    const ready: Record<string, Buffer | string> = { 'Socket-Type': SOCKET_TYPE_NAMES[this.options.socketType] };
    if (this.options.identity) ready.Identity = this.options.identity;
    return ready;
  }

  /** Refuses a peer whose socket type cannot talk to ours. */
  private checkPeer(metadata: Map<string, Buffer>): void {
    const socketType = metadata.get('socket-type')?.toString() ?? '';
    const ours = SOCKET_TYPE_NAMES[this.options.socketType];
    if (!acceptsPeer(ours, socketType)) {
      throw new ZmtpProtocolError('incompatible', `a ${ours} socket cannot talk to a ${socketType} socket`);
    }
  }

  private handshakeDone(result: HandshakeResult): void {
    const { metadata, cipher, userId, zapMetadata } = result;
    const identity = metadata.get('identity');
    const peer: PeerInfo = {
      socketType: metadata.get('socket-type')?.toString() ?? '',
      minor: this.greetingMinor,
      ...(identity && identity.length > 0 ? { identity } : {}),
      ...(userId !== undefined ? { userId } : {}),
      ...(zapMetadata !== undefined ? { zapMetadata } : {}),
    };
    if (cipher) {
      this.cipher = cipher;
      this.sealed = new SealedReader(
        cipher,
        this.options.maxMessageSize ?? -1,
        (frames) => this.options.onMessage(frames),
        (name, data) => this.readyCommand(name, data),
      );
    }
    this.state = State.Ready;
    clearTimeout(this.handshakeTimer);
    this.heartbeats.start(this.options.heartbeat);
    this.options.onReady(peer);
  }

  private keep(have: Buffer): Buffer {
    this.greetingChunks = [have];
    this.greetingBytes = have.length;
    return Buffer.alloc(0);
  }

  private command(name: string, data: Buffer): void {
    if (this.state === State.Closed) return;
    if (this.state === State.Handshake) {
      if (name !== 'ERROR') return this.mechanism.command(name, data);
      const reason = parseError(data);
      // Under PLAIN and CURVE an ERROR in the handshake is the server's refusal (its reason a ZAP status code).
      if (this.security.mechanism === 'NULL') throw new ZmtpProtocolError('peer-error', `the peer refused: ${reason}`);
      throw new ZmtpAuthError(reason, `the ${this.security.mechanism} server refused this client: ${reason}`);
    }
    if (this.sealed && name === 'MESSAGE') {
      // The MESSAGE sent as a command frame: its name's 8 bytes precede `data` in the frame.
      this.sealed.read(Buffer.from(data.buffer, data.byteOffset - 8, data.length + 8));
      return;
    }
    // After CURVE's handshake only MESSAGE (and a last ERROR) may travel in clear.
    if (this.sealed && name !== 'ERROR') throw new ZmtpProtocolError('bad-command', `a ${name} command in clear under CURVE`);
    this.readyCommand(name, data);
  }

  /** A command once the handshake is done (opened from a MESSAGE under CURVE). */
  private readyCommand(name: string, data: Buffer): void {
    if (name === 'PING') {
      const { ttl, context } = parsePing(data);
      this.writeCommand(encodePong(context));
      this.heartbeats.expectWithin(ttl * 100);
    } else if (name === 'PONG') {
      // heartbeats: any traffic counts as life; nothing else to do yet
    } else if (name === 'ERROR') throw new ZmtpProtocolError('peer-error', `the peer closed: ${parseError(data)}`);
    else this.options.onCommand?.(name, data);
  }

  private message(frames: Buffer[]): void {
    if (this.state !== State.Ready) throw new ZmtpProtocolError('bad-command', 'a message before the handshake ended');
    this.options.onMessage(frames);
  }

  /** CURVE: each frame read is one sealed MESSAGE (libzmq sends them as plain frames). */
  private sealedMessage(frames: Buffer[]): void {
    if (!this.sealed) throw new ZmtpProtocolError('bad-command', 'a message before the handshake ended');
    for (const frame of frames) this.sealed.read(frame);
  }

  /** Queues a command frame; once CURVE's handshake is done, sealed in a MESSAGE. */
  private writeCommand(chunks: readonly Buffer[]): void {
    this.write(this.cipher === undefined ? chunks : this.cipher.encodeCommand(chunks));
  }

  /** Queues chunks and flushes them all at the end of the tick, in one corked write. */
  private write(chunks: readonly Buffer[]): void {
    this.output.raw(chunks);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(this.flushNow);
  }

  private readonly flushNow = (): void => this.flush();

  /**
   * Writes what this tick queued: runs of small chunks copied into one
   * buffer (a few large writes cost less than thousands of tiny ones),
   * large bodies as they are, all under one cork. The last write's callback
   * tells when the batch's messages reached the kernel.
   */
  private flush(): void {
    this.flushScheduled = false;
    if (this.output.empty) return;
    this.answering = false;
    this.writeOut();
  }

  /** Writes the batch so far (the tick's flush stays scheduled for what comes after). */
  private writeOut(): void {
    if (this.output.empty || this.socket.destroyed) return;
    if (this.busyPoll > 0) keepAwake(this.busyPoll);
    const messages = this.batchMessages;
    this.autoSpin?.wrote(messages);
    this.batchMessages = 0;
    const chunks = this.output.take();
    this.socket.cork();
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) this.socket.write(chunks[i]);
    if (messages > 0) this.socket.write(chunks[last], () => this.written(messages));
    else this.socket.write(chunks[last]);
    this.socket.uncork();
  }

  private written(messages: number): void {
    this.unwritten -= messages;
    if (this.state !== State.Closed) this.options.onWritten?.();
  }
}
