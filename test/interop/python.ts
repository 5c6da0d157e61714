/**
 * Runs the Python aiozmq peers of the interop tests (test/interop/python)
 * with Debian's `/usr/bin/python3`: one JSON line per event on stdout,
 * bounded waits, and a kill in cleanup.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The interpreter the peers run on: Debian's, since another python3 may
 * come first on PATH. `RXZMQ_INTEROP_PYTHON` names another one.
 */
export const PYTHON = process.env.RXZMQ_INTEROP_PYTHON || '/usr/bin/python3';
const SCRIPTS = join(__dirname, 'python');
const INSTALL = 'apt-get update && apt-get install -y python3-zmq python3-aiozmq python3-msgpack';

/** One line a peer printed: a JSON object with an `event`, or `{ event: 'text', text }` for anything else. */
export type PeerLine = { event: string } & Record<string, unknown>;

const missing = new Map<string, string | null>();

/**
 * Why the Python peer cannot run, or null when it can (checked once per
 * module list): `modules` must import and `probe` print something.
 */
export function pythonMissing(
  modules = 'aiozmq.rpc, msgpack, zmq',
  probe = 'aiozmq.__version__',
): string | null {
  const known = missing.get(modules);
  if (known !== undefined) return known;
  const run = spawnSync(PYTHON, ['-c', `import ${modules}; print(${probe})`], { encoding: 'utf8', timeout: 10_000 });
  let reason: string | null = null;
  if (run.error) {
    reason = `${PYTHON} cannot run (${run.error.message})`;
  } else if (run.status !== 0 || run.stdout.trim() === '') {
    reason = `${PYTHON} lacks ${modules}: ${run.stderr.trim().split('\n').pop() || 'no answer'}`;
  }
  missing.set(modules, reason);
  return reason;
}

/**
 * `describe` for tests that need the Python peer. When it is missing the
 * suite fails with how to install it: interop tests never skip (plain
 * `npm test` does not run them, so it needs no Python).
 */
export function describeWithPython(name: string, fn: () => void): void {
  const reason = pythonMissing();
  if (reason !== null) throw new Error(`aiozmq interop tests need Python's aiozmq: ${reason}. Install it with: ${INSTALL}`);
  describe(name, fn);
}

/** A running Python peer. */
export class PythonPeer {
  /** Every line the peer printed, in order. */
  readonly lines: PeerLine[] = [];
  /** Resolves with the exit code (or signal) once the process has ended. */
  readonly exited: Promise<number | string>;
  private stderr = '';
  private waiters = new Set<() => void>();
  private ended = false;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (this.stderr += chunk));
    createInterface({ input: child.stdout }).on('line', (text) => {
      this.lines.push(parseLine(text));
      this.wake();
    });
    this.exited = new Promise((resolve) => {
      child.on('error', (err) => {
        this.stderr += String(err);
        this.ended = true;
        this.wake();
        resolve('error');
      });
      child.on('exit', (code, signal) => {
        this.ended = true;
        this.wake();
        resolve(code ?? signal ?? 'unknown');
      });
    });
  }

  /** The process id (aiozmq puts it, modulo 65536, in its headers). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** What the peer wrote to stderr so far (aiozmq logs there). */
  get errors(): string {
    return this.stderr;
  }

  /**
   * The first line (from index `from`) that `match` accepts, within `ms`.
   * Rejects on timeout or when the peer exits first, with its stderr.
   */
  waitFor(match: (line: PeerLine) => boolean, ms = 10_000, from = 0): Promise<PeerLine> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.lines.slice(from).find(match);
        if (found) resolve(found);
        else if (this.ended) reject(this.failure('exited before the expected line'));
        else return false;
        return true;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(this.failure(`no expected line within ${ms} ms`));
      }, ms);
      const waiter = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.waiters.delete(waiter);
        }
      };
      this.waiters.add(waiter);
    });
  }

  /** The lines with `event: 'result'`, once `count` of them have come (within `ms`). */
  async results(count: number, ms = 10_000): Promise<PeerLine[]> {
    const results = () => this.lines.filter((l) => l.event === 'result');
    await this.waitFor(() => results().length >= count, ms);
    return results();
  }

  /** Writes one JSON line to the peer's stdin. */
  write(command: object): void {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** Sends the process a signal (SIGSTOP, SIGCONT, ...). */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Ends the peer: stdin closed, then SIGTERM, then SIGKILL, each given a moment. */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.child.stdin.end();
    if (await settlesWithin(this.exited, 2000)) return;
    this.child.kill('SIGCONT'); // a stopped peer reads neither stdin nor SIGTERM
    this.child.kill('SIGTERM');
    if (await settlesWithin(this.exited, 2000)) return;
    this.child.kill('SIGKILL');
    await settlesWithin(this.exited, 2000);
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private failure(what: string): Error {
    const out = this.lines.map((l) => JSON.stringify(l)).join('\n');
    return new Error(`python peer ${this.pid}: ${what}\n--- stdout\n${out}\n--- stderr\n${this.stderr}`);
  }
}

function parseLine(text: string): PeerLine {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && typeof (value as PeerLine).event === 'string') {
      return value as PeerLine;
    }
  } catch {
    // not JSON: kept as text below
  }
  return { event: 'text', text };
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = await Promise.race([promise.then(() => true), timeout]);
  clearTimeout(timer);
  return done;
}

const running = new Set<PythonPeer>();

/** Starts `script` (in test/interop/python) with `args`; `stopPythonPeers` ends it. */
export function startPythonScript(script: string, args: string[] = []): PythonPeer {
  // -B: no __pycache__ left in the source tree.
  const child = spawn(PYTHON, ['-u', '-B', join(SCRIPTS, script), ...args], { cwd: SCRIPTS, stdio: 'pipe' });
  const peer = new PythonPeer(child);
  running.add(peer);
  void peer.exited.then(() => running.delete(peer));
  return peer;
}

/** A Python aiozmq server and the endpoint it bound. */
export interface PythonServer {
  readonly peer: PythonPeer;
  readonly endpoint: string;
}

/**
 * Starts `aiozmq_server.py` in a mode and waits (at most `ms`) for the endpoint it bound.
 *
 * @param topics For `'pubsub'`: the topics to subscribe (default `news`).
 */
export async function startPythonServer(
  mode: 'rpc' | 'pipeline' | 'pubsub',
  topics: string[] = [],
  ms = 15_000,
): Promise<PythonServer> {
  const peer = startPythonScript('aiozmq_server.py', [mode, ...topics]);
  const line = await peer.waitFor((l) => l.event === 'listening', ms);
  return { peer, endpoint: String(line.endpoint) };
}

/** A call for `aiozmq_client.py` (values in its tagged JSON: `{ $bytes: hex }`, ...). */
export interface PythonCall {
  method: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  /** pubsub: the topic (`null` for an empty topic frame). */
  topic?: string | null;
  /** rpc: the call's timeout in seconds. */
  timeout?: number;
}

/** What `aiozmq_client.py` does. */
export interface PythonClientSpec {
  mode: 'rpc' | 'pipeline' | 'pubsub';
  endpoint: string;
  calls: PythonCall[];
  /** rpc: the default call timeout in seconds. */
  timeout?: number;
  /** Rounds of all calls (pipeline/pubsub: repeat to outlast the slow joiner). */
  repeat?: number;
  /** Seconds between rounds. */
  interval?: number;
}

/** Starts `aiozmq_client.py`; read its results with `peer.results(n)`. */
export function startPythonClient(spec: PythonClientSpec): PythonPeer {
  return startPythonScript('aiozmq_client.py', [JSON.stringify(spec)]);
}

/** Stops every peer still running (call in afterEach). */
export async function stopPythonPeers(): Promise<void> {
  await Promise.all([...running].map((peer) => peer.stop()));
}
