/**
 * The measuring half of bench/rpc.ts: drives any `add(a, b)` (rxzmq RPC or
 * a baseline) with 1 call in flight and with N in flight, and turns the
 * figures into a {@link Sample}. Every call is checked (`add(i, 1) === i + 1`),
 * so a baseline that mixed up its replies would fail rather than look fast.
 */

/** A remote `add`: the only thing the harness needs of a variant. */
export type Add = (a: number, b: number) => Promise<number>;

/** A started variant: a connected client/server pair, closed after its measurement. */
export interface Target {
  readonly add: Add;
  close(): Promise<void>;
}

/** One measurement of one variant. */
export interface Sample {
  /** Calls per second, one call in flight. */
  readonly rate1: number;
  /** Calls per second, `inFlight` calls in flight. */
  readonly rateMany: number;
  /** Latency percentiles in µs of the 1-in-flight calls. */
  readonly p50: number;
  readonly p99: number;
}

/** How long a measurement runs: a fixed time, or a fixed number of calls when `calls` is set. */
export interface Plan {
  readonly seconds: number;
  readonly calls: number | undefined;
  readonly warmup: number;
  readonly inFlight: number;
}

/** Says, given the calls started so far, whether to start another. */
type Go = (started: number) => boolean;

function goFor(plan: Plan): Go {
  if (plan.calls !== undefined) {
    const calls = plan.calls;
    return (started) => started < calls;
  }
  // The clock is read every 32nd call: at hundreds of thousands of calls a second,
  // a BigInt clock read per call is a cost the harness should not add to the
  // implementation measured (it compresses the ratios between fast and slow ones).
  const deadline = process.hrtime.bigint() + BigInt(Math.round(plan.seconds * 1e9));
  let over = false;
  return (started) => {
    if (!over && (started & 31) === 0) over = process.hrtime.bigint() >= deadline;
    return !over;
  };
}

const count = (n: number): Go => (started) => started < n;

function check(a: number, result: number): void {
  if (result !== a + 1) throw new Error(`add(${a}, 1) returned ${String(result)}`);
}

/** Sequential awaits; records each call's latency in µs when `latencies` is given. Returns the calls made. */
async function oneInFlight(add: Add, go: Go, latencies?: number[]): Promise<number> {
  let done = 0;
  while (go(done)) {
    const start = process.hrtime.bigint();
    const result = await add(done, 1);
    if (latencies) latencies.push(Number(process.hrtime.bigint() - start) / 1e3);
    check(done, result);
    done++;
  }
  return done;
}

/** `inFlight` workers, each awaiting one call after another; returns the calls made. */
async function manyInFlight(add: Add, inFlight: number, go: Go): Promise<number> {
  let started = 0;
  const worker = async (): Promise<void> => {
    while (go(started)) {
      const a = started++;
      check(a, await add(a, 1));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return started;
}

/** Calls per second of `run`, timed from its start to its last reply. */
async function rate(run: () => Promise<number>): Promise<number> {
  const start = process.hrtime.bigint();
  const calls = await run();
  return calls / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * Measures a started target: WARMUP calls then the timed run with 1 in
 * flight (latencies recorded), then WARMUP calls then the timed run with
 * `inFlight` in flight.
 */
export async function measure(target: Target, plan: Plan): Promise<Sample> {
  const { add } = target;
  await oneInFlight(add, count(plan.warmup));
  const latencies: number[] = [];
  const rate1 = await rate(() => oneInFlight(add, goFor(plan), latencies));
  await manyInFlight(add, plan.inFlight, count(plan.warmup));
  const rateMany = await rate(() => manyInFlight(add, plan.inFlight, goFor(plan)));
  const sorted = Float64Array.from(latencies).sort();
  return { rate1, rateMany, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

/** Starts a target, measures it, and closes it whatever happens. */
export async function measureFresh(start: () => Promise<Target>, plan: Plan): Promise<Sample> {
  const target = await start();
  try {
    return await measure(target, plan);
  } finally {
    await target.close();
  }
}

/**
 * The client side of a baseline's correlation: calls waiting by id, and
 * the reply that settles one. Shared by the raw zeromq.js and net baselines.
 */
export class Calls {
  private readonly pending = new Map<number, (result: number) => void>();
  private lastId = 0;

  /** Starts a call: `send` gets its id; resolves with the reply's result. */
  call(send: (id: number) => void): Promise<number> {
    return new Promise<number>((resolve) => {
      const id = (this.lastId = (this.lastId + 1) >>> 0);
      this.pending.set(id, resolve);
      send(id);
    });
  }

  /** A reply came: settles its call; throws for an id nobody waits for (a baseline bug). */
  settle(id: number, result: number, who: string): void {
    const resolve = this.pending.get(id);
    if (!resolve) throw new Error(`${who}: reply for unknown call ${id}`);
    this.pending.delete(id);
    resolve(result);
  }
}
