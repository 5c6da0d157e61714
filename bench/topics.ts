/**
 * PUB -> SUB throughput as the SUB's topic list grows: rxzmq on each engine
 * against raw zeromq.js, in the same process and the same run.
 *
 *   npm run bench:topics
 *
 * For each topic count the SUB subscribes to that many topics
 * (`sym.00000`, `sym.00001`, ...) and the PUB sends messages of two frames
 * (the topic, 16 bytes) going round all of them, so every message matches
 * and the filters at both ends (the PUB's per subscriber, the SUB's own)
 * do their full work; a fourth variant takes the topics through the
 * `subscribeTopic` operator on a zmtp SUB, which matches every message
 * once more. Both ends have no high-water mark (0), so nothing is
 * dropped and the count is exact. A measurement makes a fresh pair, probes
 * until the subscriptions have reached the PUB, sends WARMUP messages, then
 * times MESSAGES messages (`await send()` one after another) from the first
 * send to the receipt of the last. Each round measures every variant once,
 * in an order that rotates per round; the table shows the medians.
 *
 * Environment: BENCH_ROUNDS (default 3), BENCH_MESSAGES (default 100000),
 * BENCH_WARMUP (default 2000), BENCH_TOPICS (the largest count, default 1000).
 */
import * as zmq from 'zeromq';
import { pub, sub } from '../src';
import { subscribeTopic } from '../src/operators';
import { Counter } from './counter';
import { env, fmt, median, table } from './report';
import { receiveLoop } from './rpc-raw';

const ROUNDS = env('BENCH_ROUNDS', 3);
const MESSAGES = env('BENCH_MESSAGES', 100_000);
const WARMUP = env('BENCH_WARMUP', 2_000);
const MOST = env('BENCH_TOPICS', 1_000);
const COUNTS = [...new Set([1, Math.min(100, MOST), MOST])];

/** `zmtp subscribeTopic`: the zmtp SUB takes its topics from the operator, which also matches each message itself. */
type Variant = 'raw zeromq.js' | 'rxzmq zmtp' | 'rxzmq libzmq' | 'zmtp subscribeTopic';
const VARIANTS: readonly Variant[] = ['raw zeromq.js', 'rxzmq zmtp', 'rxzmq libzmq', 'zmtp subscribeTopic'];

const BODY = Buffer.alloc(16, 0x61);
const topicsOf = (count: number): Buffer[] =>
  Array.from({ length: count }, (_, i) => Buffer.from(`sym.${String(i).padStart(5, '0')}`));

/** A connected pair: how to send one message, what the SUB has counted, and how to close both. */
interface Pair {
  send(frames: Buffer[]): Promise<void>;
  readonly counter: Counter;
  close(): Promise<void>;
}

/** No high-water mark at either end: libzmq's 0. */
const SENDER = { linger: 0, sendHighWaterMark: 0 };
const RECEIVER = { linger: 0, receiveHighWaterMark: 0 };

async function rawPair(topics: readonly Buffer[]): Promise<Pair> {
  const out = new zmq.Publisher(SENDER);
  await out.bind('tcp://127.0.0.1:*');
  const inp = new zmq.Subscriber(RECEIVER);
  inp.connect(out.lastEndpoint!);
  for (const topic of topics) inp.subscribe(topic);
  const counter = new Counter();
  const reading = receiveLoop(inp, counter.hit);
  return {
    send: (frames) => out.send(frames),
    counter,
    async close() {
      out.close();
      inp.close();
      await reading;
    },
  };
}

async function rxzmqPair(engine: 'zmtp' | 'libzmq', topics: readonly Buffer[], operator = false): Promise<Pair> {
  const out = pub({ engine, bind: 'tcp://127.0.0.1:*', ...SENDER });
  await out.ready;
  const inp = sub({ engine, connect: out.bindings[0]!, ...RECEIVER, ...(operator ? {} : { topics }) });
  const counter = new Counter();
  if (operator) inp.pipe(subscribeTopic({ topics })).subscribe(counter.hit);
  else inp.subscribe(counter.hit);
  return {
    send: (frames) => out.send(frames),
    counter,
    async close() {
      await Promise.all([out.close(), inp.close()]);
    },
  };
}

const pairOf = (variant: Variant, topics: readonly Buffer[]): Promise<Pair> =>
  variant === 'raw zeromq.js'
    ? rawPair(topics)
    : rxzmqPair(variant === 'rxzmq libzmq' ? 'libzmq' : 'zmtp', topics, variant === 'zmtp subscribeTopic');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Messages per second through a fresh pair subscribed to `topics`. */
async function measure(variant: Variant, topics: readonly Buffer[]): Promise<number> {
  const pair = await pairOf(variant, topics);
  try {
    // A message sent before the subscriptions reach the PUB is filtered out: probe until one arrives.
    for (let i = 0; pair.counter.count === 0; i++) {
      if (i === 500) throw new Error(`${variant}: the subscriptions did not reach the PUB in 5 s`);
      await pair.send([topics[0]!, BODY]);
      await sleep(10);
    }
    await sleep(20);
    const run = async (count: number): Promise<number> => {
      const target = pair.counter.count + count;
      const start = performance.now();
      for (let i = 0; i < count; i++) await pair.send([topics[i % topics.length]!, BODY]);
      await pair.counter.reach(target, 60_000);
      return count / ((performance.now() - start) / 1000);
    };
    await run(WARMUP);
    return await run(MESSAGES);
  } finally {
    await pair.close();
  }
}

async function main(): Promise<void> {
  console.log(`PUB -> SUB over tcp, one process, ${fmt(MESSAGES)} messages of [topic, 16 B], medians of ${ROUNDS} rounds`);
  const rows: string[][] = [];
  for (const count of COUNTS) {
    const topics = topicsOf(count);
    const rates = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
      for (const variant of order) rates.get(variant)!.push(await measure(variant, topics));
    }
    const raw = median(rates.get('raw zeromq.js')!);
    const cell = (v: Variant): string => {
      const rate = median(rates.get(v)!);
      return v === 'raw zeromq.js' ? fmt(rate) : `${fmt(rate)} (${(rate / raw).toFixed(2)}x raw)`;
    };
    rows.push([`${count} topic${count === 1 ? '' : 's'}`, ...VARIANTS.map(cell)]);
    console.log(`  ${count} topics done`);
  }
  console.log(`\n${table(['SUB subscribed to', ...VARIANTS.map((v) => `${v} msg/s`)], rows)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
