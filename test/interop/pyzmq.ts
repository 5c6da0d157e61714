/**
 * Drives `pyzmq_peer.py` (test/interop/python): one Python process holding
 * any number of pyzmq sockets, opened, fed and read through JSON lines.
 * Frames travel as specs (hex, or `gen:<size>:<seed>` for large generated
 * frames) and come back as hex, or a SHA-256 digest beyond 1 KiB, so large
 * frames are compared byte for byte without 16 MB of hex on a pipe.
 */
import { createHash } from 'node:crypto';
import { pythonMissing, startPythonScript, type PeerLine, type PythonPeer } from './python';
import { waitFor } from '../helpers';

/** A frame as the peer takes it: hex, or `gen:<size>:<seed>`. */
export type FrameSpec = string;

/** A frame as the peer reports it: hex up to 1 KiB, else `sha256:<digest>:<size>`. */
export type Shown = string;

const SHOWN = 1024;
const built = new Map<FrameSpec, Buffer>();

/** The spec of `size` bytes whose byte i is (i + seed) mod 256. */
export const gen = (size: number, seed: number): FrameSpec => `gen:${size}:${seed}`;

/** The spec of a text frame. */
export const text = (value: string): FrameSpec => Buffer.from(value).toString('hex');

/** The bytes of a spec (generated frames are built once and kept). */
export function build(spec: FrameSpec): Buffer {
  if (!spec.startsWith('gen:')) return Buffer.from(spec, 'hex');
  let frame = built.get(spec);
  if (!frame) {
    const [, size, seed] = spec.split(':').map(Number) as [number, number, number];
    frame = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i++) frame[i] = (i + seed) & 0xff;
    built.set(spec, frame);
  }
  return frame;
}

/** A frame as the peer reports it. */
export function shown(frame: Buffer): Shown {
  if (frame.length <= SHOWN) return frame.toString('hex');
  return `sha256:${createHash('sha256').update(frame).digest('hex')}:${frame.length}`;
}

/** How the spec's frame is reported. */
export const shownSpec = (spec: FrameSpec): Shown => shown(build(spec));

/** A pyzmq socket to open (see pyzmq_peer.py). */
export interface PySocketSpec {
  type: 'PAIR' | 'PUB' | 'SUB' | 'XPUB' | 'XSUB' | 'REQ' | 'REP' | 'DEALER' | 'ROUTER' | 'PUSH' | 'PULL';
  bind?: string;
  connect?: string;
  /** Hex. */
  routing_id?: string;
  /** Hex topics (SUB). */
  subscribe?: string[];
  /** Send every received message back. */
  echo?: boolean;
  heartbeat_ivl?: number;
  heartbeat_timeout?: number;
  reconnect_ivl?: number;
  maxmsgsize?: number;
}

let sockets = 0;

/** The pyzmq peer process and the sockets it holds. */
export class Pyzmq {
  private constructor(readonly peer: PythonPeer) {}

  /** Starts a peer and waits until it runs. */
  static async start(): Promise<Pyzmq> {
    const peer = startPythonScript('pyzmq_peer.py');
    await peer.waitFor((l) => l.event === 'ready');
    return new Pyzmq(peer);
  }

  /** Opens a socket; resolves with its id and the endpoint it bound or connected. */
  async open(spec: PySocketSpec): Promise<{ id: string; endpoint: string }> {
    const id = `s${++sockets}`;
    const from = this.peer.lines.length;
    this.peer.write({ op: 'open', id, ...spec });
    const line = await this.peer.waitFor((l) => (l.event === 'open' && l.id === id) || l.event === 'error', 10_000, from);
    if (line.event !== 'open') throw new Error(`pyzmq could not open ${JSON.stringify(spec)}: ${String(line.error)}`);
    return { id, endpoint: String(line.endpoint) };
  }

  /** Queues a message on socket `id`. */
  send(id: string, frames: FrameSpec[]): void {
    this.peer.write({ op: 'send', id, frames });
  }

  /** SUB: changes the topic filter. */
  subscribe(id: string, topic: string, on = true): void {
    this.peer.write({ op: on ? 'subscribe' : 'unsubscribe', id, topic });
  }

  /** Closes socket `id` and waits until it is closed. */
  async close(id: string): Promise<void> {
    this.peer.write({ op: 'close', id });
    await this.peer.waitFor((l) => l.event === 'closed' && l.id === id);
  }

  /** The messages socket `id` received so far, as reported. */
  received(id: string): Shown[][] {
    return this.peer.lines.filter((l: PeerLine) => l.event === 'recv' && l.id === id).map((l) => l.frames as Shown[]);
  }

  /** Resolves once socket `id` has received `count` messages (within `ms`). */
  async receivedCount(id: string, count: number, ms = 10_000): Promise<Shown[][]> {
    await waitFor(() => this.received(id).length >= count, ms, `${count} messages at pyzmq socket ${id}\n${this.peer.errors}`);
    return this.received(id);
  }

  /** Errors the peer reported. */
  errors(): PeerLine[] {
    return this.peer.lines.filter((l) => l.event === 'error');
  }
}

/**
 * `describe` for tests that need pyzmq: fails (never skips) with how to
 * install it when /usr/bin/python3 lacks it.
 */
export function describeWithPyzmq(name: string, fn: () => void): void {
  const reason = pythonMissing('zmq', 'zmq.zmq_version()');
  if (reason !== null) throw new Error(`pyzmq interop tests need pyzmq: ${reason}. Install it with: apt-get install -y python3-zmq`);
  describe(name, fn);
}
