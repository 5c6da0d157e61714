/**
 * PUSH -> PULL one-way throughput: rxzmq against raw zeromq.js, measured in
 * the same process and the same run.
 *
 *   npm run bench:send
 *
 * For each transport (tcp, ipc) and message size (16 B, 1 KiB) it runs
 * ROUNDS rounds; each round measures each variant (raw zeromq.js, rxzmq
 * `send`, rxzmq `next`) once, back to back, in an order that changes every
 * round (the 6 rounds of the default are the 6 orders, so every variant runs
 * first, second and last equally often). A measurement makes a fresh
 * PUSH/PULL pair, sends WARMUP messages (connection set up, code warm), then
 * times MESSAGES messages from the first send to the receipt of the last one. The table
 * shows the median of the rounds, the ratio of those medians, and the
 * median of the per-round ratios (each rxzmq figure against the raw figure
 * of its own round, which cancels slow drifts in machine load).
 *
 * rxzmq is measured twice: `await out.send(msg)` in a loop (the main
 * figure), and `out.next(msg)` paced by `writable$` (no promise per message).
 *
 * Environment: BENCH_ROUNDS (default 6), BENCH_MESSAGES (default 100000),
 * BENCH_WARMUP (default 2000).
 *
 * Messages are one preallocated Buffer per size, sent again and again and
 * never mutated (zeromq.js sends frames over 128 bytes zero-copy).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subscription } from 'rxjs';
import * as zmq from 'zeromq';
import { pull, push } from '../src';
import { Counter } from './counter';
import { env, fmt, median, table } from './report';

const ROUNDS = env('BENCH_ROUNDS', 6);
const MESSAGES = env('BENCH_MESSAGES', 100_000);
const WARMUP = env('BENCH_WARMUP', 2_000);

const SIZES = [16, 1024] as const;
const TRANSPORTS = ['tcp', 'ipc'] as const;
type Transport = (typeof TRANSPORTS)[number];

type Variant = 'raw' | 'rxzmq send' | 'rxzmq next';
const VARIANTS: readonly Variant[] = ['raw', 'rxzmq send', 'rxzmq next'];

const permutations = <T>(items: readonly T[]): T[][] =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
const ORDERS = permutations(VARIANTS);

/** One preallocated message per size; never written to after this. */
const payloads = new Map<number, Buffer>(SIZES.map((size) => [size, Buffer.alloc(size, 0x61)]));

let ipcDir: string | undefined;
let ipcSeq = 0;

function endpointFor(transport: Transport): string {
  if (transport === 'tcp') return 'tcp://127.0.0.1:*';
  ipcDir ??= mkdtempSync(join(tmpdir(), 'rxzmq-bench-'));
  return `ipc://${join(ipcDir, `s${ipcSeq++}.sock`)}`;
}

/** Runs `sendAll(n)` after the warmup and returns msg/s for MESSAGES messages. */
async function timed(counter: Counter, sendAll: (n: number) => Promise<void>): Promise<number> {
  const warmed = counter.reach(WARMUP);
  await sendAll(WARMUP);
  await warmed;
  const done = counter.reach(WARMUP + MESSAGES);
  const start = process.hrtime.bigint();
  await sendAll(MESSAGES);
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return MESSAGES / seconds;
}

/** Raw zeromq.js, the idiomatic way: `await send()` loop, `await receive()` loop. */
async function measureRaw(transport: Transport, msg: Buffer): Promise<number> {
  const out = new zmq.Push({ linger: 0 });
  const inp = new zmq.Pull({ linger: 0 });
  try {
    await out.bind(endpointFor(transport));
    inp.connect(out.lastEndpoint!);
    const total = WARMUP + MESSAGES;
    const counter = new Counter();
    // Reads exactly `total` messages, so no receive is pending at close.
    const reading = (async () => {
      while (counter.count < total) {
        await inp.receive();
        counter.hit();
      }
    })();
    const rate = await timed(counter, async (n) => {
      for (let i = 0; i < n; i++) await out.send(msg);
    });
    await reading;
    return rate;
  } finally {
    out.close();
    inp.close();
  }
}

/** rxzmq: `subscribe` counting messages; `await out.send()` loop or `next()` paced by `writable$`. */
async function measureRxzmq(transport: Transport, msg: Buffer, mode: 'send' | 'next'): Promise<number> {
  const out = push({ bind: endpointFor(transport), linger: 0 });
  try {
    await out.ready;
    const inp = pull({ connect: out.bindings[0], linger: 0 });
    try {
      const counter = new Counter();
      const subscription = inp.subscribe(counter.hit);
      const sendAll =
        mode === 'send'
          ? async (n: number): Promise<void> => {
              for (let i = 0; i < n; i++) await out.send(msg);
            }
          : (n: number): Promise<void> =>
              new Promise<void>((resolve, reject) => {
                let sent = 0;
                let writable = true;
                // A container, so that fill() can end the subscription even while
                // writable$ is still replaying its first value inside subscribe().
                const pace = new Subscription();
                pace.add(out.errors$.subscribe(reject));
                pace.add(
                  out.writable$.subscribe((value) => {
                    writable = value;
                    if (value) fill();
                  }),
                );
                function fill(): void {
                  while (writable && sent < n) {
                    out.next(msg);
                    sent++;
                  }
                  if (sent === n && !pace.closed) {
                    pace.unsubscribe();
                    resolve();
                  }
                }
              });
      const rate = await timed(counter, sendAll);
      subscription.unsubscribe();
      return rate;
    } finally {
      await inp.close();
    }
  } finally {
    await out.close();
  }
}

function measure(variant: Variant, transport: Transport, msg: Buffer): Promise<number> {
  switch (variant) {
    case 'raw':
      return measureRaw(transport, msg);
    case 'rxzmq send':
      return measureRxzmq(transport, msg, 'send');
    case 'rxzmq next':
      return measureRxzmq(transport, msg, 'next');
  }
}

const sizeLabel = (size: number): string => (size % 1024 === 0 ? `${size / 1024} KiB` : `${size} B`);

async function main(): Promise<void> {
  const zmqPackage = require('zeromq/package.json') as { version: string };
  console.log(
    `rxzmq PUSH->PULL throughput: node ${process.version}, zeromq.js ${zmqPackage.version}, libzmq ${zmq.version}, ` +
      `${ROUNDS} rounds x ${MESSAGES} messages (+${WARMUP} warmup), load average ${loadavg()[0]!.toFixed(2)}\n`,
  );
  const rows: string[][] = [];
  const started = Date.now();
  for (const transport of TRANSPORTS) {
    for (const size of SIZES) {
      const msg = payloads.get(size)!;
      const rates = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
      for (let round = 0; round < ROUNDS; round++) {
        // Cycle through every order, so no variant always runs first, or always follows the same one.
        const order = ORDERS[round % ORDERS.length]!;
        const parts: string[] = [];
        for (const variant of order) {
          const rate = await measure(variant, transport, msg);
          rates.get(variant)!.push(rate);
          parts.push(`${variant} ${fmt(rate)}`);
        }
        console.log(`  ${transport} ${sizeLabel(size)} round ${round + 1}: ${parts.join(', ')}`);
      }
      const raw = rates.get('raw')!;
      const send = rates.get('rxzmq send')!;
      const next = rates.get('rxzmq next')!;
      const paired = (rx: number[]): number => median(rx.map((rate, round) => rate / raw[round]!));
      rows.push([
        transport,
        sizeLabel(size),
        fmt(median(raw)),
        fmt(median(send)),
        (median(send) / median(raw)).toFixed(2),
        paired(send).toFixed(2),
        fmt(median(next)),
        (median(next) / median(raw)).toFixed(2),
      ]);
    }
  }
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(
    `\nmedian msg/s over ${ROUNDS} rounds (${((Date.now() - started) / 1000).toFixed(1)} s; load average ${load} at the end):\n`,
  );
  console.log(
    table(
      [
        'transport',
        'size',
        'raw msg/s',
        'rxzmq send msg/s',
        'send/raw',
        'send/raw paired',
        'rxzmq next msg/s',
        'next/raw',
      ],
      rows,
      2,
    ),
  );
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    if (ipcDir) rmSync(ipcDir, { recursive: true, force: true });
  });
