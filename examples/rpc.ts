/**
 * RPC in its three patterns: request-reply (with a typed client, namespaces,
 * a streamed result, a remote error and a timeout), pipeline and pub-sub.
 * Run alone: `npx ts-node --transpile-only examples/rpc.ts`.
 */
import { firstValueFrom, interval, map, take, toArray } from 'rxjs';
import { Context } from '../src';
import {
  connectPipeline,
  connectPubSub,
  connectRpc,
  method,
  RpcTimeoutError,
  serveRpc,
  servePipeline,
  servePubSub,
  ValueError,
} from '../src/rpc';
import { fmt, header, rate, retryUntil, runAlone, since, sleep } from './helpers';

/** What the calculator serves, as the client sees it. */
interface Calculator {
  add(a: number, b: number): number;
  math: { mul(a: number, b: number): Promise<number> };
  ticks(n: number): import('rxjs').Observable<number>;
  sqrt(x: number): number;
  slow(ms: number): Promise<string>;
}

export async function rpc(context: Context): Promise<void> {
  header('RPC request-reply: serveRpc + connectRpc<Api>');
  const calculator = await serveRpc(
    {
      add: (a: number, b: number) => a + b,
      math: { mul: async (a: number, b: number) => a * b },
      ticks: (n: number) => interval(20).pipe(take(n), map((i) => i * i)),
      sqrt: (x: number) => {
        if (x < 0) throw new ValueError(`no real square root of ${x}`);
        return Math.sqrt(x);
      },
      slow: method((ms: number, signal: AbortSignal) => sleep(ms).then(() => (signal.aborted ? 'aborted' : 'done')), { signal: true }),
    },
    { bind: 'tcp://127.0.0.1:*', context, linger: 0 },
  );
  const client = await connectRpc<Calculator>({ connect: calculator.endpoints[0]!, context, linger: 0, timeout: 2000 });
  console.log(`served at ${calculator.endpoints[0]}: add(1, 2) = ${await client.call.add(1, 2)}, math.mul(6, 7) = ${await client.call.math.mul(6, 7)}`);
  console.log(`stream ticks(5): ${(await firstValueFrom(client.stream.ticks(5).pipe(toArray()))).join(', ')}`);
  const err = await client.call.sqrt(-1).catch((e: Error) => e);
  console.log(`remote error: ${err instanceof ValueError ? 'ValueError' : 'other'}: ${(err as Error).message}`);
  const late = await client.withTimeout(50).call.slow(500).catch((e: Error) => e);
  console.log(`timeout: ${late instanceof RpcTimeoutError ? 'RpcTimeoutError' : String(late)} (the server's AbortSignal fired)`);

  let t = performance.now();
  let calls = 0;
  while (since(t) < 500) {
    await client.call.add(calls, 1);
    calls++;
  }
  console.log(`one call in flight: ${fmt(calls)} calls in 0.5 s (${rate(calls, since(t))})`);
  t = performance.now();
  const before = calculator.stats.messages;
  let done = 0;
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (since(t) < 1000) {
        await client.call.add(done, 1);
        done++;
      }
    }),
  );
  const messages = calculator.stats.messages - before;
  console.log(`100 calls in flight: ${fmt(done)} calls in 1 s (${rate(done, since(t))}), ${fmt(messages)} messages (${(done / messages).toFixed(1)} calls per message)`);

  header('RPC pipeline: servePipeline + connectPipeline');
  const lines: string[] = [];
  const logger = await servePipeline({ log: (line: string) => void lines.push(line) }, { bind: 'tcp://127.0.0.1:*', context, linger: 0 });
  const notifier = await connectPipeline<{ log(line: string): void }>({ connect: logger.endpoints[0]!, context, linger: 0 });
  for (let i = 0; i < 1000; i++) await notifier.notify.log(`line ${i}`);
  while (lines.length < 1000) await sleep(5);
  console.log(`1,000 notifications logged, last: "${lines.at(-1)}", in ${fmt(logger.stats.messages)} messages`);

  header('RPC pub-sub: servePubSub + connectPubSub');
  const prices: number[] = [];
  const board = await servePubSub(
    { price: (p: number) => void prices.push(p) },
    { bind: 'tcp://127.0.0.1:*', topics: ['prices.'], context, linger: 0 },
  );
  const feed = await connectPubSub<{ price(p: number): void }>({ connect: board.endpoints[0]!, context, linger: 0 });
  // A PUB drops what it sends before the subscription arrives: publish until the board hears.
  const first = new Promise<void>((resolve) => {
    const check = setInterval(() => prices.length > 0 && (clearInterval(check), resolve()), 5);
  });
  const tries = await retryUntil(first, () => void feed.publish('prices.eur').price(1));
  await feed.publish('weather').price(-1); // not subscribed: never arrives
  for (let i = 2; i <= 5; i++) await feed.publish('prices.usd').price(i);
  while (prices.filter((p) => p > 1).length < 4) await sleep(5);
  console.log(`subscribed after ${tries} tries; board saw ${prices.filter((p) => p > 1).join(', ')} and never -1`);
}

if (require.main === module) runAlone(rpc);
