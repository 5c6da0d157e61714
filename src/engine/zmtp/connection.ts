import type { Socket } from 'node:net';
import type { SocketType } from '../types';
import {
  checkSignature,
  compatible,
  encodeError,
  encodeGreeting,
  encodeMessage,
  encodePing,
  encodePong,
  encodeReady,
  FrameParser,
  GREETING_SIZE,
  parseError,
  parseGreeting,
  parseMetadata,
  parsePing,
  SIGNATURE_SIZE,
  SOCKET_TYPE_NAMES,
  ZmtpProtocolError,
} from './codec';

/** What the peer said about itself in its READY command. */
export interface PeerInfo {
  /** Its socket type as ZMTP names it (`'DEALER'`). */
  socketType: string;
  /** Its routing id, when it sent one. */
  identity?: Buffer;
  /** The ZMTP minor version it speaks (0 for a 3.0 peer). */
  minor: number;
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
   * connection closes when nothing arrived for `timeout` ms.
   */
  heartbeat?: { interval: number; timeout: number; ttl: number };
  /** Ms the greeting and handshake may take before the connection is dropped (libzmq's ZMQ_HANDSHAKE_IVL; 0: no limit). */
  handshakeInterval?: number;
  /** The handshake is done: messages may flow. */
  onReady(peer: PeerInfo): void;
  /** A message from the peer. */
  onMessage(frames: Buffer[]): void;
  /** A command other than READY, PING and PONG (SUBSCRIBE, CANCEL, ...). */
  onCommand?(name: string, data: Buffer): void;
  /** The connection ended; `error` says why when it was not a clean close. */
  onClose(error?: Error): void;
  /** The socket's write buffer drained after `send` returned false. */
  onDrain?(): void;
  /** Some messages counted in `pending` reached the kernel. */
  onWritten?(): void;
}

/** Chunks below this size are copied into one buffer per flush rather than written one by one. */
const COALESCE_BELOW = 16 * 1024;

const enum State {
  Signature,
  Greeting,
  Handshake,
  Ready,
  Closed,
}

/**
 * One ZMTP 3.x connection over a Node stream socket, with the NULL
 * mechanism: greeting, READY exchange with the socket-type check, then
 * messages. Writes queued in one tick go out together (cork/uncork), with
 * no promise per message; incoming frames are parsed incrementally.
 */
export class ZmtpConnection {
  private state = State.Signature;
  /** The greeting's bytes so far (it may arrive in pieces). */
  private greetingChunks: Buffer[] = [];
  private greetingBytes = 0;
  /** Chunks queued this tick, written together at its end. */
  private readonly outgoing: Buffer[] = [];
  private outgoingBytes = 0;
  private readonly parser: FrameParser;
  private flushScheduled = false;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the peer last sent anything (ms, performance.now()). */
  private lastHeard = performance.now();
  /** Messages queued this tick, and messages handed to `send` not yet written to the kernel. */
  private batchMessages = 0;
  private unwritten = 0;
  private greetingMinor = 1;

  constructor(
    private readonly socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.parser = new FrameParser({
      maxMessageSize: options.maxMessageSize,
      onMessage: (frames) => this.message(frames),
      onCommand: (name, data) => this.command(name, data),
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.data(chunk));
    socket.on('drain', () => options.onDrain?.());
    socket.on('error', (err) => this.close(err));
    socket.on('close', () => this.close(undefined));
    this.write([encodeGreeting({ mechanism: 'NULL', asServer: false })]);
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
   * Queues a message; it goes out with the others of this tick. Returns
   * false when the socket's buffer is full (wait for `onDrain`).
   */
  send(frames: readonly Buffer[]): boolean {
    if (this.state !== State.Ready) return false;
    this.write(encodeMessage(frames));
    this.batchMessages++;
    this.unwritten++;
    return this.socket.writableLength + this.outgoingBytes < this.socket.writableHighWaterMark;
  }

  /** Sends a command (SUBSCRIBE, CANCEL, ...). */
  sendCommand(chunks: readonly Buffer[]): void {
    if (this.state === State.Ready) this.write(chunks);
  }

  /** Closes now; with `error`, the peer first gets an ERROR command naming it. */
  close(error?: Error): void {
    if (this.state === State.Closed) return;
    const before = this.state;
    this.state = State.Closed;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    clearTimeout(this.handshakeTimer);
    this.flush();
    // A peer that sent a proper signature hears why, in an ERROR command (ZMTP 3.1).
    if (error instanceof ZmtpProtocolError && before !== State.Signature) {
      this.socket.end(Buffer.concat(encodeError(error.message.slice(0, 255))));
    } else this.socket.end();
    this.options.onClose(error);
  }

  private data(chunk: Buffer): void {
    this.lastHeard = performance.now();
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
      if (have.length < SIGNATURE_SIZE) return this.keep(have);
      checkSignature(have.subarray(0, SIGNATURE_SIZE));
      this.state = State.Greeting;
    }
    if (have.length < GREETING_SIZE) return this.keep(have);
    const greeting = parseGreeting(have.subarray(0, GREETING_SIZE));
    if (greeting.mechanism !== 'NULL') {
      throw new ZmtpProtocolError('unknown-mechanism', `mechanism ${greeting.mechanism} is not supported yet`);
    }
    this.greetingMinor = greeting.minor;
    this.greetingChunks = [];
    this.greetingBytes = 0;
    this.state = State.Handshake;
    const ready: Record<string, Buffer | string> = { 'Socket-Type': SOCKET_TYPE_NAMES[this.options.socketType] };
    if (this.options.identity) ready.Identity = this.options.identity;
    this.write(encodeReady(ready));
    return have.subarray(GREETING_SIZE);
  }

  private keep(have: Buffer): Buffer {
    this.greetingChunks = [have];
    this.greetingBytes = have.length;
    return Buffer.alloc(0);
  }

  private command(name: string, data: Buffer): void {
    if (this.state === State.Handshake) {
      if (name === 'ERROR') throw new ZmtpProtocolError('peer-error', `the peer refused: ${parseError(data)}`);
      if (name !== 'READY') throw new ZmtpProtocolError('bad-command', `expected READY, got ${name}`);
      const metadata = parseMetadata(data);
      const socketType = metadata.get('socket-type')?.toString() ?? '';
      const ours = SOCKET_TYPE_NAMES[this.options.socketType];
      if (!compatible(ours, socketType)) {
        throw new ZmtpProtocolError('incompatible', `a ${ours} socket cannot talk to a ${socketType} socket`);
      }
      const identity = metadata.get('identity');
      const peer: PeerInfo = { socketType, minor: this.greetingMinor, ...(identity && identity.length > 0 ? { identity } : {}) };
      this.state = State.Ready;
      clearTimeout(this.handshakeTimer);
      this.startHeartbeats();
      this.options.onReady(peer);
      return;
    }
    if (name === 'PING') {
      const { context } = parsePing(data);
      this.write(encodePong(context));
    } else if (name === 'PONG') {
      // heartbeats: any traffic counts as life; nothing else to do yet
    } else if (name === 'ERROR') throw new ZmtpProtocolError('peer-error', `the peer closed: ${parseError(data)}`);
    else this.options.onCommand?.(name, data);
  }

  /** PINGs the peer every interval and closes the connection when it has been silent for the timeout. */
  private startHeartbeats(): void {
    const heartbeat = this.options.heartbeat;
    if (!heartbeat || !(heartbeat.interval > 0)) return;
    const ttl = Math.min(0xffff, Math.floor(heartbeat.ttl / 100));
    this.heartbeatTimer = setInterval(() => {
      if (performance.now() - this.lastHeard >= heartbeat.timeout) {
        this.close(new ZmtpProtocolError('heartbeat-timeout', `no traffic from the peer for ${heartbeat.timeout} ms`));
      } else this.write(encodePing(ttl));
    }, heartbeat.interval);
    this.heartbeatTimer.unref?.();
  }

  private message(frames: Buffer[]): void {
    if (this.state !== State.Ready) throw new ZmtpProtocolError('bad-command', 'a message before the handshake ended');
    this.options.onMessage(frames);
  }

  /** Queues chunks and flushes them all at the end of the tick, in one corked write. */
  private write(chunks: readonly Buffer[]): void {
    for (const chunk of chunks) {
      this.outgoing.push(chunk);
      this.outgoingBytes += chunk.length;
    }
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
    if (this.outgoing.length === 0 || this.socket.destroyed) return;
    const messages = this.batchMessages;
    this.batchMessages = 0;
    const chunks = coalesce(this.outgoing);
    this.outgoing.length = 0;
    this.outgoingBytes = 0;
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

/** Joins each run of consecutive small chunks into one buffer; large chunks stay as they are. */
function coalesce(chunks: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let run: Buffer[] = [];
  let runBytes = 0;
  const endRun = (): void => {
    if (run.length === 1) out.push(run[0]);
    else if (run.length > 1) out.push(Buffer.concat(run, runBytes));
    run = [];
    runBytes = 0;
  };
  for (const chunk of chunks) {
    if (chunk.length >= COALESCE_BELOW) {
      endRun();
      out.push(chunk);
    } else {
      run.push(chunk);
      runBytes += chunk.length;
    }
  }
  endRun();
  return out;
}
