/**
 * RPC calls per second and latency: rxzmq RPC against raw zeromq.js, plain
 * Node `net` and Python aiozmq.rpc, all measured in the same run.
 *
 *   npm run bench:rpc
 *
 * The call is a trivial `add(a, b)`, client and server in one process over
 * tcp://127.0.0.1. Variants:
 *
 * - rxzmq RPC: `serveRpc` / `connectRpc` from src/rpc, rxzmq's protocol
 *   (calls and replies that queue up behind a send batched into one message);
 * - rxzmq RPC with `protocol: 'aiozmq'` (aiozmq's wire format, one call per message);
 * - raw zeromq.js: DEALER/ROUTER, msgpack `[id, a, b]` / `[id, result]`, one
 *   call per message, the per-message ceiling (bench/rpc-raw.ts);
 * - Node `net`: length-prefixed msgpack over loopback TCP, what NestJS's TCP
 *   transport does, twice: one `socket.write` per frame as Nest does, and
 *   corked so that the frames of one tick leave in one `writev`
 *   (bench/rpc-net.ts);
 * - Python aiozmq.rpc, when /usr/bin/python3 can import it: its own client
 *   and server in one asyncio loop, in a child process (bench/rpc-python.ts,
 *   bench/python/aiozmq_bench.py).
 *
 * Each measurement starts a fresh client/server pair, makes WARMUP calls one
 * at a time, then calls one at a time for SECONDS (recording each call's
 * latency with `process.hrtime.bigint()`), then WARMUP calls with IN_FLIGHT
 * in flight, then IN_FLIGHT workers, each awaiting one call after another,
 * for SECONDS; a rate counts calls from the start to the last reply. Every
 * result is checked. The run has ROUNDS rounds, each measuring every variant
 * once in an order rotated by one each round; the table shows the medians
 * over the rounds, and the ratios that issue 5 sets as goals are ratios of
 * those medians (with the median of the per-round ratios, which cancels
 * slow drifts in machine load, beside them). The goal "ahead of plain TCP"
 * is checked against both `net` variants.
 *
 * Environment: BENCH_ROUNDS (default 3), BENCH_SECONDS per timed run (default
 * 2), BENCH_CALLS (a fixed number of calls per timed run instead of
 * SECONDS), BENCH_WARMUP (default 2000), BENCH_IN_FLIGHT (default 100).
 */
import { loadavg } from 'node:os';
import * as zmq from 'zeromq';
import { connectRpc, serveRpc, type RpcProtocol } from '../src/rpc';
import { measureFresh, type Plan, type Sample, type Target } from './rpc-harness';
import { startNet } from './rpc-net';
import { aiozmqVersions, measureAiozmq } from './rpc-python';
import { env, fmt, median, table } from './report';
import { startRaw } from './rpc-raw';

const ROUNDS = env('BENCH_ROUNDS', 3);
const PLAN: Plan = {
  seconds: env('BENCH_SECONDS', 2, false),
  calls: process.env['BENCH_CALLS'] ? env('BENCH_CALLS', 0) : undefined,
  warmup: env('BENCH_WARMUP', 2000),
  inFlight: env('BENCH_IN_FLIGHT', 100),
};
const N = PLAN.inFlight;

interface Add {
  add(a: number, b: number): number;
}

async function startRxzmq(protocol: RpcProtocol): Promise<Target> {
  const service = await serveRpc({ add: (a: number, b: number) => a + b }, { bind: 'tcp://127.0.0.1:*', linger: 0, protocol });
  const client = await connectRpc<Add>({ connect: service.endpoints[0]!, linger: 0, protocol });
  return {
    add: (a, b) => client.call.add(a, b),
    async close() {
      await client.close();
      await service.close();
    },
  };
}

type VariantId = 'rxzmq' | 'rxzmq-aiozmq' | 'raw' | 'net' | 'net-corked' | 'aiozmq';

interface Variant {
  readonly id: VariantId;
  readonly label: string;
  readonly run: () => Promise<Sample>;
}

const VARIANTS: Variant[] = [
  { id: 'rxzmq', label: 'rxzmq RPC', run: () => measureFresh(() => startRxzmq('rxzmq'), PLAN) },
  { id: 'rxzmq-aiozmq', label: "rxzmq RPC, protocol: 'aiozmq'", run: () => measureFresh(() => startRxzmq('aiozmq'), PLAN) },
  { id: 'raw', label: 'raw zeromq.js DEALER/ROUTER', run: () => measureFresh(startRaw, PLAN) },
  { id: 'net', label: 'Node net, a write per frame', run: () => measureFresh(() => startNet(false), PLAN) },
  { id: 'net-corked', label: 'Node net, corked per tick', run: () => measureFresh(() => startNet(true), PLAN) },
  { id: 'aiozmq', label: 'Python aiozmq.rpc', run: () => measureAiozmq(PLAN) },
];

async function main(): Promise<void> {
  const zmqVersion = (require('zeromq/package.json') as { version: string }).version;
  const python = aiozmqVersions();
  const timed = PLAN.calls !== undefined ? `${PLAN.calls} calls` : `${PLAN.seconds} s`;
  console.log(
    `rxzmq RPC bench, add(a, b): node ${process.version}, zeromq.js ${zmqVersion} (libzmq ${zmq.version}), ` +
      (python
        ? `Python ${python['python']} aiozmq ${python['aiozmq']} (pyzmq ${python['pyzmq']}, libzmq ${python['libzmq']})`
        : 'no aiozmq') +
      `; ${ROUNDS} rounds x ${timed} per mode (+${PLAN.warmup} warmup calls), ${N} in flight; ` +
      `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  if (!python) console.log('aiozmq: not installed (apt-get install -y python3-aiozmq)');
  const variants = VARIANTS.filter((v) => v.id !== 'aiozmq' || python);

  const samples = new Map<VariantId, Sample[]>(variants.map((v) => [v.id, []]));
  const labelWidth = Math.max(...variants.map((v) => v.label.length));
  const started = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    console.log(`round ${round + 1}/${ROUNDS}:`);
    // Rotate the order by one each round, so no variant always runs first or after the same one.
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
    for (const variant of order) {
      const s = await variant.run();
      samples.get(variant.id)!.push(s);
      console.log(
        `  ${variant.label.padEnd(labelWidth)} 1 in flight ${fmt(s.rate1).padStart(7)}/s ` +
          `(p50 ${fmt(s.p50)} µs, p99 ${fmt(s.p99)} µs), ${N} in flight ${fmt(s.rateMany).padStart(7)}/s`,
      );
    }
  }

  const med = (id: VariantId, key: keyof Sample): number | undefined => {
    const list = samples.get(id);
    return list ? median(list.map((s) => s[key])) : undefined;
  };
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(
    `\nmedians over ${ROUNDS} rounds (${((Date.now() - started) / 1000).toFixed(1)} s; load average ${load} at the end):\n`,
  );
  console.log(
    table(
      ['variant', 'calls/s 1 in flight', `calls/s ${N} in flight`, 'p50 µs', 'p99 µs'],
      variants.map((v) => [
        v.label,
        fmt(med(v.id, 'rate1')!),
        fmt(med(v.id, 'rateMany')!),
        fmt(med(v.id, 'p50')!),
        fmt(med(v.id, 'p99')!),
      ]),
    ),
  );

  console.log('\ngoals (issue 5), ratios of the medians (median of the per-round ratios in brackets):\n');
  const goals: [label: string, key: 'rate1' | 'rateMany', than: VariantId, goal: string, pass: (r: number) => boolean][] = [
    [`rxzmq@${N} / raw@${N}`, 'rateMany', 'raw', '≥ 2', (r) => r >= 2],
    [`rxzmq@${N} / net@${N}`, 'rateMany', 'net', '> 1', (r) => r > 1],
    [`rxzmq@${N} / net corked@${N}`, 'rateMany', 'net-corked', '> 1', (r) => r > 1],
    ['rxzmq@1 / raw@1', 'rate1', 'raw', '≥ 0.8', (r) => r >= 0.8],
    [`rxzmq@${N} / aiozmq@${N}`, 'rateMany', 'aiozmq', '≥ 3', (r) => r >= 3],
    ['rxzmq@1 / aiozmq@1', 'rate1', 'aiozmq', '≥ 3', (r) => r >= 3],
  ];
  const width = Math.max(...goals.map(([label]) => label.length));
  for (const [label, key, than, goal, pass] of goals) {
    const base = samples.get(than);
    if (!base) {
      console.log(`${label.padEnd(width)}  ${'n/a'.padStart(6)}         goal ${goal.padEnd(6)} (aiozmq not installed)`);
      continue;
    }
    const ratio = med('rxzmq', key)! / med(than, key)!;
    const paired = median(samples.get('rxzmq')!.map((s, round) => s[key] / base[round]![key]));
    console.log(
      `${label.padEnd(width)}  ${ratio.toFixed(2).padStart(6)} (${paired.toFixed(2)})  goal ${goal.padEnd(6)} ${pass(ratio) ? 'PASS' : 'MISS'}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
