/**
 * Request-reply over ROUTER/DEALER with rxzmq's operators: `replyWith` on the
 * server, `requestReply` on each client. The operators carry the
 * correlation ids and the per-request timeouts, so many requests can be in
 * flight and replies are matched however they come back.
 * Run alone: `npx ts-node --transpile-only examples/request-reply.ts`.
 */
import { firstValueFrom } from 'rxjs';
import { Context, dealer, router } from '../src';
import { replyWith, requestReply as requester, RequestTimeoutError } from '../src/operators';
import { fmt, header, rate, runAlone, since } from './helpers';

/** A DEALER client with `request(body)`, resolving with the reply body. */
function client(context: Context, endpoint: string, name: string) {
  const request = requester(dealer({ context, connect: endpoint, routingId: name, linger: 0 }), { timeout: 2000 });
  return { name, request: async (body: string): Promise<string> => (await firstValueFrom(request(body)))[0]!.toString(), late: () => request.late };
}
type Client = ReturnType<typeof client>;

/** Keeps `window` requests in flight for `ms`; returns how many came back right and wrong. */
async function load(c: Client, window: number, ms: number): Promise<{ ok: number; wrong: number }> {
  const result = { ok: 0, wrong: 0 };
  const start = performance.now();
  let n = 0;
  const loop = async (): Promise<void> => {
    while (since(start) < ms) {
      const body = `${c.name} job ${n++}`;
      (await c.request(body)) === body.toUpperCase() ? result.ok++ : result.wrong++;
    }
  };
  await Promise.all(Array.from({ length: window }, loop));
  return result;
}

const percentile = (sorted: number[], p: number): string => sorted[Math.floor((sorted.length - 1) * p)].toFixed(3);

export async function requestReply(context: Context): Promise<void> {
  header('ROUTER/DEALER request-reply: replyWith server, 2 requestReply clients');
  const server = router({ context, bind: 'tcp://127.0.0.1:*', linger: 0 });
  await server.ready;
  const served = new Map<string, number>();
  // The server: each request body upper-cased; replyWith routes it back to its sender.
  server
    .pipe(replyWith(([body], { envelope }) => ((served.set(`${envelope[0]}`, (served.get(`${envelope[0]}`) ?? 0) + 1)), body!.toString().toUpperCase()), { concurrency: 256 }))
    .subscribe();
  const [a, b] = ['client-a', 'client-b'].map((name) => client(context, server.bindings[0], name));
  console.log(`server bound at ${server.bindings[0]}`);

  // One request at a time: round-trip latency.
  const latencies: number[] = [];
  const start = performance.now();
  while (since(start) < 1000) {
    const t = performance.now();
    await a.request('ping');
    latencies.push(since(t));
  }
  latencies.sort((x, y) => x - y);
  console.log(
    `sequential: ${fmt(latencies.length)} round trips in 1 s (${rate(latencies.length, since(start))}), ` +
      `latency ms p50 ${percentile(latencies, 0.5)} p99 ${percentile(latencies, 0.99)} max ${percentile(latencies, 1)}`,
  );

  // Both clients, 64 requests in flight each: throughput.
  served.clear();
  const t0 = performance.now();
  const [ra, rb] = await Promise.all([load(a, 64, 2500), load(b, 64, 2500)]);
  const ms = since(t0);
  console.log(`pipelined, 2 clients x 64 in flight: ${fmt(ra.ok + rb.ok)} replies in ${(ms / 1000).toFixed(2)} s (${rate(ra.ok + rb.ok, ms)}), wrong: ${ra.wrong + rb.wrong}`);
  console.log(`  client-a got ${fmt(ra.ok)}, client-b got ${fmt(rb.ok)}; server answered ${[...served].map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);

  // A request nobody answers fails with a typed timeout, only for its caller.
  const silent = dealer({ context, bind: 'tcp://127.0.0.1:*', linger: 0 });
  await silent.ready;
  const lonely = requester(dealer({ context, connect: silent.bindings[0]!, linger: 0 }), { timeout: 100, retries: 1 });
  const t1 = performance.now();
  const failure = await firstValueFrom(lonely('anyone?')).catch((e: unknown) => e);
  console.log(`no server: ${failure instanceof RequestTimeoutError ? 'RequestTimeoutError' : String(failure)} after ${Math.round(since(t1))} ms (timeout 100 ms, 1 retry)`);
}

if (require.main === module) runAlone(requestReply);
