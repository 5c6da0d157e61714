import type { SocketType } from '../types';
import { compatible, SOCKET_TYPE_NAMES, ZmtpProtocolError } from './codec';
import { engineError } from './errors';
import type { Link, LinkEvents } from './link';
import type { LinkOpener } from './peer';

/** What one side of an in-process pipe tells the other: who it is, and its high-water marks. */
export interface InprocSide {
  type: SocketType;
  /** Its routing id, as READY would announce it. */
  identity?: Buffer;
  sendHighWaterMark: number;
  receiveHighWaterMark: number;
  /** ZMQ_CONFLATE; a pipe conflates (both ways, without high-water marks) as its connecting side says, as in libzmq. */
  conflate: boolean;
}

/** A socket bound to an inproc name: it takes one end of each new pipe. */
export interface InprocAcceptor {
  readonly side: InprocSide;
  accept(open: LinkOpener): void;
}

/** The inproc names bound in this process, and the connectors waiting for a name to be bound. */
const bound = new Map<string, InprocAcceptor>();
const waiting = new Map<string, Set<InprocConnector>>();

/**
 * Binds `name` for this process; connectors already waiting for it are
 * piped to `acceptor` now. Returns the function that unbinds it.
 *
 * @throws an error with code `EADDRINUSE` when the name is bound already
 */
export function bindInproc(name: string, acceptor: InprocAcceptor): () => void {
  if (bound.has(name)) throw engineError('EADDRINUSE', `inproc://${name} is bound already`);
  bound.set(name, acceptor);
  const connectors = waiting.get(name);
  waiting.delete(name);
  for (const connector of connectors ?? []) connector.pipeTo(acceptor);
  return () => {
    if (bound.get(name) === acceptor) bound.delete(name);
  };
}

/**
 * One `connect()` to an inproc name: piped to the socket bound there, now
 * or as soon as one binds (connecting before binding works, as in libzmq).
 * When its pipe ends, it waits for the name to be bound again.
 */
export class InprocConnector {
  private stopped = false;
  /** The bound socket of the last pipe. */
  private piped: InprocAcceptor | undefined;

  constructor(
    readonly endpoint: string,
    private readonly name: string,
    private readonly side: InprocSide,
    /** A pipe is made: `open` makes this side's end. */
    private readonly onPipe: (open: LinkOpener) => void,
  ) {}

  /** Pipes to the socket bound at the name, or waits for one to bind. */
  start(): this {
    const acceptor = bound.get(this.name);
    if (acceptor) this.pipeTo(acceptor);
    else this.wait();
    return this;
  }

  /** Its pipe ended: pipe to a newer bind of the name (one may have come already), or wait for one. */
  lost(): void {
    if (this.stopped) return;
    const acceptor = bound.get(this.name);
    if (acceptor && acceptor !== this.piped) this.pipeTo(acceptor);
    else this.wait();
  }

  stop(): void {
    this.stopped = true;
    waiting.get(this.name)?.delete(this);
  }

  /** Makes a pipe between this connector's socket and `acceptor`'s. */
  pipeTo(acceptor: InprocAcceptor): void {
    if (this.stopped) return;
    this.piped = acceptor;
    const mine = new InprocEnd(this.side, acceptor.side, this.side.conflate);
    const theirs = new InprocEnd(acceptor.side, this.side, this.side.conflate);
    mine.other = theirs;
    theirs.other = mine;
    this.onPipe((events) => mine.open(events));
    acceptor.accept((events) => theirs.open(events));
    process.nextTick(() => mine.handshake());
  }

  private wait(): void {
    let set = waiting.get(this.name);
    if (!set) waiting.set(this.name, (set = new Set()));
    set.add(this);
  }
}

/** A command in a pipe (SUBSCRIBE, CANCEL). */
interface Command {
  name: string;
  data: Buffer;
}

const enum State {
  Opening,
  Ready,
  Closing,
  Closed,
}

/**
 * One end of an in-process pipe: messages go to the other end's socket as
 * the very Buffers that were sent, without bytes, syscalls or copies,
 * delivered once per tick in a batch. The high-water marks are counted as
 * libzmq counts an inproc pipe: a writer holds back once the messages it
 * sent and the other socket has not yet taken reach its send high-water
 * mark plus the reader's receive high-water mark (a PUB's own send mark
 * only: measured on libzmq 4.3.5).
 */
class InprocEnd implements Link {
  other!: InprocEnd;
  private events!: LinkEvents;
  private state = State.Opening;
  private queue: (Buffer[] | Command)[] = [];
  /** Messages and commands this end sent that the other socket has not taken yet. */
  private inFlight = 0;
  private readonly capacity: number;
  private flushScheduled = false;
  /** The other end is closing: nothing more goes to it. */
  private otherClosing = false;

  constructor(
    private readonly side: InprocSide,
    private readonly peer: InprocSide,
    readonly conflates: boolean,
  ) {
    const publishes = side.type === 'pub' || side.type === 'xpub';
    this.capacity = conflates ? Infinity : side.sendHighWaterMark + (publishes ? 0 : peer.receiveHighWaterMark);
  }

  open(events: LinkEvents): this {
    this.events = events;
    return this;
  }

  /** Both ends exist: checks the socket types and reports ready (or refused) on both. */
  handshake(): void {
    const other = this.other;
    if (this.state !== State.Opening || other.state !== State.Opening) return;
    const ours = SOCKET_TYPE_NAMES[this.side.type];
    const theirs = SOCKET_TYPE_NAMES[this.peer.type];
    if (!compatible(ours, theirs)) {
      const error = new ZmtpProtocolError('incompatible', `a ${ours} socket cannot talk to a ${theirs} socket`);
      this.end(error);
      other.end(error);
      return;
    }
    this.state = other.state = State.Ready;
    this.events.onReady(infoOf(this.peer));
    if (other.state === State.Ready) other.events.onReady(infoOf(this.side));
  }

  get hasRoom(): boolean {
    return this.state === State.Ready && !this.otherClosing && this.inFlight < this.capacity;
  }

  send(frames: readonly Buffer[]): void {
    // The reader's socket may change the array (a ROUTER puts the id in front): it gets its own.
    this.put(frames.slice());
  }

  sendCommand(name: string, data: Buffer): void {
    this.put({ name, data });
  }

  pauseReading(): void {
    // the writer's count of what this side has not taken holds it back
  }

  resumeReading(): void {
    // as pauseReading
  }

  /** The socket took one item of the other end's: the writer gets its room back. */
  consumed(): void {
    const writer = this.other;
    const wasFull = writer.inFlight >= writer.capacity;
    writer.inFlight--;
    if (wasFull && writer.state === State.Ready) writer.events.onWritten();
  }

  /** What is queued still goes to the other side (unless `linger` is 0); then both ends close. */
  close(linger: number): void {
    if (this.state === State.Closing || this.state === State.Closed) return;
    if (linger === 0) this.queue = [];
    this.state = State.Closing;
    // From now on the other side holds its sends (or, for a PUB, drops them), as for any peer that went away.
    this.other.otherClosing = true;
    this.schedule();
  }

  private put(item: Buffer[] | Command): void {
    if (this.state !== State.Ready || this.otherClosing) return;
    this.queue.push(item);
    this.inFlight++;
    this.schedule();
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(this.flush);
  }

  /** Hands this tick's messages to the other side (those queued meanwhile wait for the next tick). */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    const reader = this.other;
    for (const item of batch) {
      if (reader.state === State.Closed) break;
      if (Array.isArray(item)) reader.events.onMessage(item);
      else reader.events.onCommand(item.name, item.data);
    }
    if (this.state === State.Closing) {
      this.end(undefined);
      reader.end(undefined);
    }
  };

  private end(error: Error | undefined): void {
    if (this.state === State.Closed) return;
    this.state = State.Closed;
    this.queue = [];
    this.events.onClose(error);
  }
}

const infoOf = (side: InprocSide) => ({
  socketType: SOCKET_TYPE_NAMES[side.type],
  minor: 1,
  ...(side.identity && side.identity.length > 0 ? { identity: side.identity } : {}),
});
