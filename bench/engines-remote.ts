/**
 * A {@link Peer} in a child Node process (bench/engines-child.ts), started
 * with the TypeScript runner the benchmarks use (ts-node, transpile only),
 * so that the receiving end has a process, an event loop and a heap of its
 * own.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { PeerRequest, PeerResponse } from './engines-child';
import type { MemoryGrowth } from './engines-memory';
import type { Job, Peer } from './engines-peer';

const SCRIPT = join(__dirname, 'engines-child.ts');
/** How long a child may take to exit once told to, before it is killed. */
const EXIT_MS = 5000;

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };

/** The receiving end in a child process; `close()` ends the child. */
export class ChildPeer implements Peer {
  private readonly pending = new Map<number, Pending>();
  private lastId = 0;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (response: PeerResponse) => {
      const call = this.pending.get(response.id);
      if (!call) return;
      this.pending.delete(response.id);
      if ('error' in response) call.reject(Object.assign(new Error(response.error.message), { code: response.error.code }));
      else call.resolve(response.value);
    });
    void this.exited.then(() => {
      for (const call of this.pending.values()) call.reject(new Error(`child ${child.pid} exited`));
      this.pending.clear();
    });
  }

  /** Forks a child and resolves once it has loaded and can take calls. */
  static spawn(): Promise<ChildPeer> {
    const child = fork(SCRIPT, [], { execArgv: ['-r', 'ts-node/register/transpile-only'], stdio: 'inherit' });
    return new Promise((resolve, reject) => {
      const failed = (code: number | null): void => reject(new Error(`${SCRIPT} exited with ${code} before it was ready`));
      child.once('exit', failed);
      child.once('message', () => {
        child.off('exit', failed);
        resolve(new ChildPeer(child));
      });
    });
  }

  private call<T>(method: keyof Peer, ...args: unknown[]): Promise<T> {
    const id = ++this.lastId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const request: PeerRequest = { id, method, args };
      this.child.send(request);
    });
  }

  start(job: Job): Promise<string> {
    return this.call('start', job);
  }

  reach(count: number, ms: number): Promise<void> {
    return this.call('reach', count, ms);
  }

  watchMemory(): Promise<void> {
    return this.call('watchMemory');
  }

  memory(): Promise<MemoryGrowth> {
    return this.call('memory');
  }

  stop(): Promise<void> {
    return this.call('stop');
  }

  /** Disconnects the child (it closes its server end and exits), killing it if it has not exited in time. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
