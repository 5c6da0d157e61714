/**
 * The receiving end of bench/engines.ts as a service: it runs one server
 * end (a sink or an echo server) at a time, says when the sink has counted
 * enough, and watches its process's memory. {@link LocalPeer} does it in the
 * benchmark's process; bench/engines-child.ts offers the same methods from a
 * child process.
 */
import { startEcho, startSink, type BusyPoll, type CurveKeys, type Impl, type ServerEnd, type Sink, type StreamImpl } from './engines-ends';
import { MemoryWatch, type MemoryGrowth } from './engines-memory';

/** What to run: a sink (optionally a CURVE server) or an echo server (optionally busy-polling). */
export type Job =
  | { readonly kind: 'sink'; readonly impl: StreamImpl; readonly keys?: CurveKeys }
  | { readonly kind: 'echo'; readonly impl: Impl; readonly busyPoll?: BusyPoll };

/** The receiving end's service. Every method is async, so that it can sit in another process. */
export interface Peer {
  /** Starts `job` and resolves with its endpoint; rejects (e.g. code ENOTSUP) when it cannot. */
  start(job: Job): Promise<string>;
  /** Resolves once the sink has counted `count` messages; rejects after `ms` without them. */
  reach(count: number, ms: number): Promise<void>;
  /** Starts watching the process's memory (after a garbage collection). */
  watchMemory(): Promise<void>;
  /** Stops watching and returns the growth since `watchMemory`. */
  memory(): Promise<MemoryGrowth>;
  /** Closes the running server end. */
  stop(): Promise<void>;
}

/** A {@link Peer} in this process. */
export class LocalPeer implements Peer {
  private end: ServerEnd | Sink | undefined;
  private watch: MemoryWatch | undefined;

  async start(job: Job): Promise<string> {
    if (this.end) throw new Error('a server end is already running');
    this.end = job.kind === 'sink' ? await startSink(job.impl, job.keys) : await startEcho(job.impl, job.busyPoll);
    return this.end.endpoint;
  }

  reach(count: number, ms: number): Promise<void> {
    if (!this.end || !('counter' in this.end)) return Promise.reject(new Error('no sink is running'));
    return this.end.counter.reach(count, ms);
  }

  async watchMemory(): Promise<void> {
    this.watch?.stop();
    this.watch = undefined;
    this.watch = await MemoryWatch.start();
  }

  async memory(): Promise<MemoryGrowth> {
    if (!this.watch) throw new Error('memory is not being watched');
    const growth = this.watch.stop();
    this.watch = undefined;
    return growth;
  }

  async stop(): Promise<void> {
    this.watch?.stop();
    this.watch = undefined;
    const end = this.end;
    this.end = undefined;
    await end?.close();
  }
}
