/**
 * rxzmq's two engines against raw zeromq.js, measured in the same run:
 *
 *   npm run bench
 *
 * Columns: rxzmq on the zmtp engine (`engine: 'zmtp'`), rxzmq on the libzmq
 * engine, raw zeromq.js, and zmtp -> raw (an rxzmq zmtp sender or caller
 * against a raw zeromq.js receiver or server: what interop users get).
 * Every other pairing has the same implementation at both ends. A last
 * column, plain Node net (bench/engines-net.ts), runs the request-reply
 * cells through the same harness over bare Node sockets with fixed 16-byte
 * frames and no messaging library: the ceiling any Node implementation
 * meets on this machine, printed with the zmtp engine's share of it. Two
 * more pairings run the request-reply cells with busy polling at both ends
 * (BENCH_BUSY_POLL µs, default 50): the zmtp engine with rxzmq's `busyPoll`
 * and plain Node net kept awake the same way; and a third the zmtp engine
 * with `busyPoll: 0`, no spinning at all (the zmtp columns of the main
 * table have the default, `'auto'`: only the DEALER spins, until its reply
 * comes); in a table of their own against raw zeromq.js (which cannot
 * busy-poll). All over tcp://127.0.0.1
 * on ports the OS picks. Cells:
 *
 * - PUSH -> PULL throughput, 16 B and 1 KiB messages (msg/s): a warmup,
 *   then one `await send()` after another for SECONDS; the rate counts the
 *   messages sent in that time over the time until the receiver has counted
 *   the last of them;
 * - the same for 16 B with CURVE (zeromq.js `curveKeyPair()` keys, the
 *   receiver the CURVE server); "n/a" where an end refuses the CURVE
 *   options (ENOTSUP), measured by itself once they are accepted;
 * - DEALER -> ROUTER echo of a 16 B request, bench/rpc-harness.ts's plan:
 *   one request in flight for SECONDS (req/s, p50/p99 latency in µs), then
 *   IN_FLIGHT in flight for SECONDS;
 * - the receiving process's memory during the 16 B stream: peak RSS and
 *   V8 heap growth over a baseline taken after a full GC, and the peak RSS.
 *
 * Two placements, a table each: both ends in this process (which flatters
 * the zmtp engine: no second event loop, no process boundary for the
 * receiver's work to hide in, and libzmq's I/O threads compete for the same
 * cores), and the receiving end in a fresh child Node process per pairing
 * (bench/engines-child.ts, run with ts-node like this file), which is what
 * the goals are judged on. In the one-process table "receiver memory" is the
 * whole process's.
 *
 * Environment: BENCH_SECONDS per timed run (default 2), BENCH_ROUNDS
 * (default 1; with more, each cell is the median over the rounds and the
 * order of the pairings rotates by one each round), BENCH_WARMUP messages
 * or calls before a timed run (default 5000 for streams, 2000 calls),
 * BENCH_IN_FLIGHT (default 100), BENCH_BUSY_POLL (default 50).
 */
import { loadavg } from 'node:os';
import * as zmq from 'zeromq';
import { measurePairing, type CellPlan, type Figures, type Pairing } from './engines-cells';
import { LocalPeer, type Peer } from './engines-peer';
import { ChildPeer } from './engines-remote';
import { env, fmt, median, table } from './report';

const ROUNDS = env('BENCH_ROUNDS', 1);
const SECONDS = env('BENCH_SECONDS', 2, false);
const IN_FLIGHT = env('BENCH_IN_FLIGHT', 100);
const BUSY_POLL = env('BENCH_BUSY_POLL', 50);
const PLAN: CellPlan = {
  seconds: SECONDS,
  calls: undefined,
  warmup: env('BENCH_WARMUP', 2000),
  inFlight: IN_FLIGHT,
  streamWarmup: env('BENCH_WARMUP', 5000),
  stallMs: 30_000,
};

type PairingId = 'raw' | 'libzmq' | 'zmtp' | 'zmtp-raw' | 'net' | 'zmtp-busy' | 'net-busy' | 'zmtp-off';
type Column = Pairing & { readonly id: PairingId };
/** The main table's columns. */
const PAIRINGS: readonly Column[] = [
  { id: 'raw', label: 'raw zeromq.js', client: 'raw', server: 'raw' },
  { id: 'libzmq', label: 'rxzmq libzmq engine', client: 'libzmq', server: 'libzmq' },
  { id: 'zmtp', label: 'rxzmq zmtp engine', client: 'zmtp', server: 'zmtp' },
  { id: 'zmtp-raw', label: 'zmtp -> raw zeromq.js', client: 'zmtp', server: 'raw' },
  { id: 'net', label: 'plain Node net (ceiling)', client: 'net', server: 'net' },
];
/**
 * Busy polling (request-reply only): at both ends, the zmtp engine and the
 * plain-net ceiling alike; and the zmtp engine with no spinning at all
 * (`busyPoll: 0`), against its default `'auto'` in the main table.
 */
const BUSY_PAIRINGS: readonly Column[] = [
  { id: 'zmtp-busy', label: `zmtp, busyPoll ${BUSY_POLL} µs`, client: 'zmtp', server: 'zmtp', busyPoll: BUSY_POLL },
  { id: 'net-busy', label: `plain Node net, busy-polling ${BUSY_POLL} µs`, client: 'net', server: 'net', busyPoll: BUSY_POLL },
  { id: 'zmtp-off', label: 'zmtp, busyPoll 0 (off)', client: 'zmtp', server: 'zmtp', busyPoll: 0 },
];
const ALL_PAIRINGS = [...PAIRINGS, ...BUSY_PAIRINGS];

/** Where the receiving end runs, and how to get a peer for one pairing's cells. */
interface Placement {
  readonly label: string;
  /** Runs `body` with a peer for one pairing, and disposes of the peer. */
  withPeer<T>(body: (peer: Peer) => Promise<T>): Promise<T>;
}

const local = new LocalPeer();
const PLACEMENTS: readonly Placement[] = [
  { label: 'both ends in one process', withPeer: (body) => body(local) },
  {
    label: 'receiver/server in a child process',
    async withPeer(body) {
      const child = await ChildPeer.spawn();
      try {
        return await body(child);
      } finally {
        await child.close();
      }
    },
  },
];

/** A row of the table: its label, how to read it off the figures (undefined: n/a), how to print it. */
interface Row {
  readonly label: string;
  readonly read: (f: Figures) => number | undefined;
  readonly digits: number;
}

const ROWS: readonly Row[] = [
  { label: 'PUSH->PULL 16 B msg/s', read: (f) => f.stream16, digits: 0 },
  { label: 'PUSH->PULL 1 KiB msg/s', read: (f) => f.stream1k, digits: 0 },
  { label: 'CURVE PUSH->PULL 16 B msg/s', read: (f) => f.curve16, digits: 0 },
  { label: 'DEALER->ROUTER 1 in flight req/s', read: (f) => f.requests.rate1, digits: 0 },
  { label: `DEALER->ROUTER ${IN_FLIGHT} in flight req/s`, read: (f) => f.requests.rateMany, digits: 0 },
  { label: 'latency p50 µs (1 in flight)', read: (f) => f.requests.p50, digits: 0 },
  { label: 'latency p99 µs (1 in flight)', read: (f) => f.requests.p99, digits: 0 },
  { label: 'receiver peak RSS MiB (16 B)', read: (f) => f.memory?.peakRss, digits: 1 },
  { label: 'receiver RSS growth MiB (16 B)', read: (f) => f.memory?.rss, digits: 1 },
  { label: 'receiver heap retained MiB (16 B)', read: (f) => f.memory?.heap, digits: 2 },
];

type Results = Map<PairingId, Figures[]>;

/** The median over the rounds of one row for one pairing; undefined when any round could not measure it. */
function cell(results: Results, id: PairingId, row: Row): number | undefined {
  const values = results.get(id)!.map(row.read);
  return values.some((v) => v === undefined) ? undefined : median(values as number[]);
}

const show = (value: number, digits: number): string => (digits ? value.toFixed(digits) : fmt(value));

function render(results: Results): string {
  const rows = ROWS.map((row) => {
    const raw = cell(results, 'raw', row);
    return [
      row.label,
      ...PAIRINGS.map(({ id }) => {
        const value = cell(results, id, row);
        if (value === undefined) return id === 'net' ? '-' : 'n/a (not supported yet)';
        if (id === 'raw' || raw === undefined || !(raw > 0) || value < 0) return show(value, row.digits);
        return `${show(value, row.digits)} (${(value / raw).toFixed(2)}x raw)`;
      }),
    ];
  });
  return table(['', ...PAIRINGS.map((p) => p.label)], rows);
}

/** A goal of the issue: a figure of the zmtp engine against the same figure of another column. */
interface Goal {
  readonly what: string;
  /** The zmtp column judged (default: the zmtp engine as it comes). */
  readonly of?: PairingId;
  readonly row: number;
  readonly than: PairingId;
  readonly target: string;
  readonly met: (zmtp: number, than: number) => boolean;
  /** For memory: how far above the other figure still counts as the same, this machine's noise (MiB). */
  readonly noise?: number;
}

/** Run to run, a receiver's memory moves by about this much on this machine (MiB). */
const MEMORY_NOISE = 1;

const GOALS: readonly Goal[] = [
  { what: '16 B stream vs raw', row: 0, than: 'raw', target: '≥ 3x', met: (z, t) => z >= 3 * t },
  { what: 'sequential request-reply vs raw', row: 3, than: 'raw', target: '≥ 3x', met: (z, t) => z >= 3 * t },
  { what: `${IN_FLIGHT} in flight vs raw`, row: 4, than: 'raw', target: '≥ 10x', met: (z, t) => z >= 10 * t },
  {
    what: `sequential request-reply vs raw, busyPoll ${BUSY_POLL} µs`,
    of: 'zmtp-busy',
    row: 3,
    than: 'raw',
    target: '≥ 3x',
    met: (z, t) => z >= 3 * t,
  },
  {
    what: `${IN_FLIGHT} in flight vs raw, busyPoll ${BUSY_POLL} µs`,
    of: 'zmtp-busy',
    row: 4,
    than: 'raw',
    target: '≥ 10x',
    met: (z, t) => z >= 10 * t,
  },
  { what: 'CURVE 16 B stream vs raw CURVE', row: 2, than: 'raw', target: '≥ 1x', met: (z, t) => z >= t },
  // Heap retained (row 9) is printed but not judged: in a fresh child it moves by ±2 MiB from run to run whatever the engine.
  ...[7, 8].map(
    (row): Goal => ({
      what: `${ROWS[row]!.label.replace(/ MiB.*/, '')} vs libzmq engine`,
      row,
      than: 'libzmq',
      target: '≤',
      met: (z, t) => z <= t,
      noise: MEMORY_NOISE,
    }),
  ),
];

/** The issue's goals for the zmtp engine: its figure, the one it is held against, their ratio, met or not. */
function goals(results: Results): string {
  const status = ({ met, noise }: Goal, z: number, t: number): string =>
    met(z, t) ? 'met' : noise !== undefined && z <= t + noise ? `met (within ${noise} MiB noise)` : 'not met';
  return table(
    ['goal (zmtp engine)', 'zmtp', 'against', 'ratio', 'target', 'status'],
    GOALS.map((goal) => {
      const { what, of = 'zmtp', row, than, target } = goal;
      const { digits } = ROWS[row]!;
      const z = cell(results, of, ROWS[row]!);
      const t = cell(results, than, ROWS[row]!);
      const shown = (v: number | undefined): string => (v === undefined ? 'n/a' : show(v, digits));
      if (z === undefined || t === undefined) return [what, shown(z), shown(t), 'n/a', target, 'not met (n/a)'];
      const ratio = t > 0 && z >= 0 ? `${(z / t).toFixed(2)}x` : '-';
      return [what, shown(z), shown(t), ratio, target, status(goal, z, t)];
    }),
  );
}

/** The request-reply rows of the zmtp engine against the plain-net ceiling, and what that ceiling is against raw. */
function ceiling(results: Results): string {
  return table(
    ['request-reply', 'zmtp', 'plain Node net', 'zmtp / net', 'net / raw', 'zmtp / raw'],
    [3, 4].map((row) => {
      const read = (id: PairingId): number => cell(results, id, ROWS[row]!)!;
      const [zmtp, net, raw] = [read('zmtp'), read('net'), read('raw')];
      const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
      return [ROWS[row]!.label, fmt(zmtp), fmt(net), ratio(zmtp, net), ratio(net, raw), ratio(zmtp, raw)];
    }),
  );
}

/**
 * The request-reply rows with busy polling at both ends: the zmtp engine
 * with `busyPoll`, bare Node sockets kept awake the same way, and each
 * against raw zeromq.js (which cannot busy-poll: libzmq's I/O thread sleeps).
 */
function busyPolling(results: Results): string {
  const [zmtp, net, off] = BUSY_PAIRINGS;
  return table(
    ['request-reply', zmtp!.label, net!.label, off!.label, 'raw zeromq.js', 'zmtp / raw', 'zmtp / net', 'off / raw'],
    [3, 4, 5, 6].map((index) => {
      const row = ROWS[index]!;
      const [z, n, o, raw] = [zmtp!.id, net!.id, off!.id, 'raw' as const].map((id) => cell(results, id, row)!);
      // Rates: how many times the other's; latencies: how many times lower than the other's.
      const ratio = (x: number, y: number): string =>
        index < 5 ? `${(x / y).toFixed(2)}x` : `${(y / x).toFixed(2)}x lower`;
      return [
        row.label,
        ...[z!, n!, o!, raw!].map((value) => show(value, row.digits)),
        ratio(z!, raw!),
        ratio(z!, n!),
        ratio(o!, raw!),
      ];
    }),
  );
}

const fmtMaybe = (value: number | undefined): string => (value === undefined ? 'n/a' : fmt(value));

function describe(f: Figures): string {
  const streams =
    f.stream16 === undefined
      ? ''
      : `16 B ${fmt(f.stream16)}/s, 1 KiB ${fmtMaybe(f.stream1k)}/s, CURVE ${fmtMaybe(f.curve16)}/s; `;
  const memory =
    f.memory === undefined
      ? ''
      : `; receiver peak RSS ${f.memory.peakRss.toFixed(1)} MiB ` +
        `(+${f.memory.rss.toFixed(1)}), heap retained ${f.memory.heap.toFixed(2)} MiB`;
  return (
    streams +
    `req 1 ${fmt(f.requests.rate1)}/s (p50 ${fmt(f.requests.p50)} p99 ${fmt(f.requests.p99)} µs), ` +
    `${IN_FLIGHT} ${fmt(f.requests.rateMany)}/s` +
    memory
  );
}

async function main(): Promise<void> {
  const zmqVersion = (require('zeromq/package.json') as { version: string }).version;
  const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(
    `rxzmq engines bench: node ${process.version}, zeromq.js ${zmqVersion} (libzmq ${zmq.version}); ` +
      `${ROUNDS} round(s) x ${SECONDS} s per timed run, ${IN_FLIGHT} in flight; load average ${load()}`,
  );
  const started = Date.now();
  const tables: string[] = [];
  for (const placement of PLACEMENTS) {
    console.log(`\n${placement.label}:`);
    const results: Results = new Map(ALL_PAIRINGS.map((p) => [p.id, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = ALL_PAIRINGS.map((_, i) => ALL_PAIRINGS[(i + round) % ALL_PAIRINGS.length]!);
      for (const pairing of order) {
        const figures = await placement.withPeer((peer) => measurePairing(peer, pairing, PLAN));
        results.get(pairing.id)!.push(figures);
        console.log(`  round ${round + 1} ${pairing.label}: ${describe(figures)}`);
      }
    }
    tables.push(
      `${placement.label}:\n\n${render(results)}\n\ngoals (${placement.label}):\n\n${goals(results)}` +
        `\n\nagainst the ceiling (${placement.label}):\n\n${ceiling(results)}` +
        `\n\nbusy polling (${placement.label}):\n\n${busyPolling(results)}`,
    );
  }
  console.log(
    `\n${ROUNDS > 1 ? `medians over ${ROUNDS} rounds` : 'one round'} ` +
      `(${((Date.now() - started) / 1000).toFixed(1)} s; load average ${load()} at the end). ` +
      'One process flatters the zmtp engine; the goals are judged on the two-process table.\n',
  );
  console.log(tables.join('\n\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
