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
  /** PLAIN server (ZAP decides: see {@link Pyzmq.zap}). */
  plain_server?: 1;
  plain_username?: string;
  plain_password?: string;
  /** CURVE server: needs curve_secretkey. */
  curve_server?: 1;
  /** Z85 keys (40 characters). */
  curve_publickey?: string;
  curve_secretkey?: string;
  curve_serverkey?: string;
  zap_domain?: string;
  /** Report the socket's monitor events (see {@link Pyzmq.monitor}). */
  monitor?: boolean;
}

/** A ZAP request as the peer's handler saw and answered it. */
export interface PyZapRequest {
  domain: string;
  address: string;
  mechanism: 'PLAIN' | 'CURVE';
  /** PLAIN: user name and password; CURVE: the client's public key in Z85. */
  credentials: string[];
  status: '200' | '400';
}

/** A libzmq monitor event of a pyzmq socket: its name (HANDSHAKE_FAILED_AUTH, ...) and value. */
export interface PyMonitorEvent {
  name: string;
  value: number;
}

let sockets = 0;
let pings = 0;

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

  /** Resolves once the peer has handled every command written before (a round trip). */
  async ping(): Promise<void> {
    const n = ++pings;
    this.peer.write({ op: 'ping', n });
    await this.peer.waitFor((l) => l.event === 'pong' && l.n === n);
  }

  /** A CURVE key pair from pyzmq's `zmq.curve_keypair()`, in Z85. */
  async keyPair(): Promise<{ publicKey: string; secretKey: string }> {
    const from = this.peer.lines.length;
    this.peer.write({ op: 'keypair' });
    const line = await this.peer.waitFor((l) => l.event === 'keypair', 10_000, from);
    return { publicKey: String(line.public), secretKey: String(line.secret) };
  }

  /**
   * Starts (or re-arms) the peer's ZAP handler on inproc://zeromq.zap.01:
   * it allows PLAIN `user:password` and CURVE Z85 public keys in `allow`,
   * and refuses every other client with 400.
   */
  async zap(allow: string[]): Promise<void> {
    const from = this.peer.lines.length;
    this.peer.write({ op: 'zap', allow });
    await this.peer.waitFor((l) => l.event === 'zap_on' || l.event === 'error', 10_000, from);
  }

  /** The ZAP requests the peer's handler answered so far. */
  zapRequests(): PyZapRequest[] {
    return this.peer.lines
      .filter((l) => l.event === 'zap')
      .map(({ domain, address, mechanism, credentials, status }) => ({ domain, address, mechanism, credentials, status }) as PyZapRequest);
  }

  /** The monitor events socket `id` (opened with `monitor`) reported so far. */
  monitor(id: string): PyMonitorEvent[] {
    return this.peer.lines
      .filter((l) => l.event === 'monitor' && l.id === id)
      .map((l) => ({ name: String(l.name), value: Number(l.value) }));
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
