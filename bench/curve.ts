/**
 * CURVE PUSH -> PULL one-way throughput over tcp: the zmtp engine (both
 * ends) against raw zeromq.js with libzmq's CURVE (both ends), in the same
 * process and the same run; zmtp with NULL alongside, for the cost of
 * encryption.
 *
 *   npx ts-node --transpile-only bench/curve.ts
 *
 * Each round measures every variant once, in an order that rotates per
 * round; a measurement makes a fresh PUSH/PULL pair, sends WARMUP messages
 * (handshake done, code warm), then times MESSAGES messages from the first
 * send to the receipt of the last. The table shows the median over rounds.
 *
 * Environment: BENCH_ROUNDS (default 3), BENCH_MESSAGES (default 50000; a
 * tenth of it for 64 KiB), BENCH_WARMUP (default 1000).
 */
import * as zmq from 'zeromq';
import { pull, push } from '../src';
import { env, median } from './report';

const ROUNDS = env('BENCH_ROUNDS', 3);
const MESSAGES = env('BENCH_MESSAGES', 50_000);
const WARMUP = env('BENCH_WARMUP', 1_000);
const SIZES = [16, 1024, 65536];

type Variant = 'libzmq CURVE (raw zeromq.js)' | 'zmtp CURVE' | 'zmtp NULL';
const VARIANTS: readonly Variant[] = ['libzmq CURVE (raw zeromq.js)', 'zmtp CURVE', 'zmtp NULL'];

const server = zmq.curveKeyPair();
const client = zmq.curveKeyPair();
const serverOptions = { curveServer: true, curveSecretKey: server.secretKey, curvePublicKey: server.publicKey };
const clientOptions = { curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey };

/** Messages per second for `count` messages of `payload` through raw zeromq.js sockets with CURVE. */
async function raw(payload: Buffer, count: number): Promise<number> {
  const inp = new zmq.Pull({ linger: 0, ...serverOptions });
  await inp.bind('tcp://127.0.0.1:*');
  const out = new zmq.Push({ linger: 0, ...clientOptions });
  out.connect(inp.lastEndpoint!);
  const run = async (n: number): Promise<number> => {
    const start = performance.now();
    const received = (async () => {
      for (let i = 0; i < n; i++) await inp.receive();
    })();
    for (let i = 0; i < n; i++) await out.send(payload);
    await received;
    return performance.now() - start;
  };
  const rate = await measure(run, count);
  out.close();
  inp.close();
  return rate;
}

/** Messages per second of `count` messages through `run` (which times `n` messages, in ms), after WARMUP untimed. */
async function measure(run: (n: number) => Promise<number>, count: number): Promise<number> {
  await run(WARMUP);
  return (count / (await run(count))) * 1000;
}

/** Messages per second through zmtp sockets (CURVE or NULL). */
async function zmtp(payload: Buffer, count: number, curve: boolean): Promise<number> {
  const inp = pull({ engine: 'zmtp', bind: 'tcp://127.0.0.1:*', linger: 0, ...(curve ? serverOptions : {}) });
  await inp.ready;
  const out = push({ engine: 'zmtp', connect: inp.bindings[0], linger: 0, ...(curve ? clientOptions : {}) });
  let seen = 0;
  let target = 0;
  let done: () => void = () => undefined;
  const subscription = inp.subscribe(() => {
    if (++seen === target) done();
  });
  const run = async (n: number): Promise<number> => {
    seen = 0;
    target = n;
    const start = performance.now();
    const all = new Promise<void>((resolve) => (done = resolve));
    for (let i = 0; i < n; i++) await out.send(payload);
    await all;
    return performance.now() - start;
  };
  const rate = await measure(run, count);
  subscription.unsubscribe();
  await out.close();
  await inp.close();
  return rate;
}

async function main(): Promise<void> {
  console.log(`CURVE PUSH -> PULL over tcp, ${ROUNDS} rounds, median msg/s`);
  console.log(['size', ...VARIANTS, 'zmtp CURVE / libzmq CURVE'].join(' | '));
  for (const size of SIZES) {
    const payload = Buffer.alloc(size, 0x61);
    const count = size >= 65536 ? Math.max(1000, Math.floor(MESSAGES / 10)) : MESSAGES;
    const rates = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]);
      for (const variant of order) {
        const rate =
          variant === 'libzmq CURVE (raw zeromq.js)' ? await raw(payload, count) : await zmtp(payload, count, variant === 'zmtp CURVE');
        rates.get(variant)!.push(rate);
      }
    }
    const m = VARIANTS.map((v) => median(rates.get(v)!));
    console.log([`${size} B`, ...m.map((r) => Math.round(r).toLocaleString('en')), (m[1] / m[0]).toFixed(2) + 'x'].join(' | '));
  }
}

void main();
