/**
 * The memory a process grows by while it receives: resident set size
 * sampled every few milliseconds (its peak, and that peak over the
 * baseline), and the V8 heap still in use after a full garbage collection
 * at the end over the same at the start (what the receiver retains; the
 * peak heap would mostly measure how much garbage V8 lets pile up before it
 * collects).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// `gc()` without starting Node with --expose-gc: set the flag, then take the
// function from a fresh context, where V8 installs it.
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;
const SAMPLE_MS = 10;
/** How long to wait after a collection before the baseline. */
const SETTLE_MS = 250;

/** How much a process grew over a watch, in MiB. */
export interface MemoryGrowth {
  /** Peak resident set size minus the baseline's. */
  readonly rss: number;
  /** V8 heap used after a full GC at the end minus the same at the start. */
  readonly heap: number;
  /** Peak resident set size. */
  readonly peakRss: number;
}

/** Watches this process's memory from `start()` to `stop()`. */
export class MemoryWatch {
  private readonly baseRss: number;
  private readonly baseHeap: number;
  private peakRss: number;
  private readonly timer: NodeJS.Timeout;

  private constructor() {
    const { rss, heapUsed } = process.memoryUsage();
    this.baseRss = this.peakRss = rss;
    this.baseHeap = heapUsed;
    this.timer = setInterval(() => this.sample(), SAMPLE_MS).unref();
  }

  /**
   * Collects garbage, lets V8 hand the freed pages back to the system (it
   * does so from a background thread, a little after the collection), then
   * takes the baseline and starts sampling.
   */
  static async start(): Promise<MemoryWatch> {
    // Twice: the first collection leaves what finalizers and weak references release for the second.
    gc();
    gc();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return new MemoryWatch();
  }

  private sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRss) this.peakRss = rss;
  }

  /** Takes a last sample, stops sampling, collects garbage and returns the growth. */
  stop(): MemoryGrowth {
    this.sample();
    clearInterval(this.timer);
    gc();
    return {
      rss: (this.peakRss - this.baseRss) / MiB,
      heap: (process.memoryUsage().heapUsed - this.baseHeap) / MiB,
      peakRss: this.peakRss / MiB,
    };
  }
}
