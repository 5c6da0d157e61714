/**
 * PUB/SUB: one publisher, three subscribers with different topic prefixes.
 * Each SUB socket is an Observable, so RxJS operators do the bookkeeping.
 * Run alone: `npx ts-node --transpile-only examples/pubsub.ts`.
 */
import { bufferTime, filter, firstValueFrom, map, scan, Subscription } from 'rxjs';
import { Context, pub, sub, type Message, type SubSocket } from '../src';
import { fmt, header, rate, retryUntil, runAlone, since, sleep } from './helpers';

const WARMUP = 'warmup';
const isData = ([, body]: Message): boolean => body?.toString() !== WARMUP;
const PAIRS: Record<string, number> = { EURUSD: 1.08, USDJPY: 151.2 };

export async function pubSub(context: Context, publishMs = 3000, perSecond = 20_000): Promise<void> {
  header('PUB/SUB: 1 publisher, 3 subscribers (topics "prices.", "news", "")');
  const feed = pub({ context, bind: 'tcp://127.0.0.1:*', linger: 0 });
  await feed.ready;
  const endpoint = feed.bindings[0];
  const subs = ['prices.', 'news', ''].map((topic) => ({
    topic,
    socket: sub({ context, connect: endpoint, topics: topic, linger: 0 }),
  }));
  console.log(`publisher bound at ${endpoint}`);

  // Counting starts now (the sockets are hot); warm-up messages are filtered out.
  const counts = new Map<string, number>();
  const byTopic: Record<string, number> = {};
  const running = new Subscription();
  for (const { topic, socket } of subs) {
    counts.set(topic, 0);
    running.add(socket.pipe(filter(isData), scan((n) => n + 1, 0)).subscribe((n) => counts.set(topic, n)));
  }
  // The catch-all subscriber tallies what it sees per topic.
  running.add(
    subs[2].socket
      .pipe(filter(isData), map(([topic]) => topic.toString()))
      .subscribe((topic) => (byTopic[topic] = (byTopic[topic] ?? 0) + 1)),
  );
  // The prices subscriber prints a one-second window of ticks with their average.
  running.add(priceWindows(subs[0].socket));

  // Slow joiner: a SUB that has not finished connecting misses what is published.
  // Publish a warm-up message per topic until every subscriber has seen one.
  const t0 = performance.now();
  const joined = Promise.all(subs.map(({ socket }) => firstValueFrom(socket.pipe(filter((m) => !isData(m))))));
  const tries = await retryUntil(joined, () => subs.forEach(({ topic }) => feed.next([topic, WARMUP])));
  console.log(`warm-up: all 3 subscribers receiving after ${tries} round(s), ${since(t0).toFixed(0)} ms`);

  // Publish at most perSecond for publishMs. PUB never waits: a subscriber more
  // than its high-water mark (1000) behind loses messages, so pace the feed.
  const published: Record<string, number> = {};
  const start = performance.now();
  let tick = 0;
  while (since(start) < publishMs) {
    for (let i = 0; i < perSecond / 100; i++, tick++) {
      const topic = tick % 10 === 0 ? 'news' : tick % 10 === 5 ? 'weather' : `prices.${tick % 2 ? 'EURUSD' : 'USDJPY'}`;
      const body = topic.startsWith('prices.')
        ? JSON.stringify({ px: PAIRS[topic.slice(7)] * (1 + (Math.random() - 0.5) / 100) })
        : `${topic} item ${tick}`;
      feed.next([topic, body]);
      published[topic] = (published[topic] ?? 0) + 1;
    }
    await sleep(10); // a batch per 10 ms, no catching up in bursts
  }
  const elapsed = since(start);
  await sleep(300); // let the last messages arrive
  running.unsubscribe();

  const total = Object.values(published).reduce((a, b) => a + b, 0);
  console.log(`published ${fmt(total)} msgs in ${(elapsed / 1000).toFixed(2)} s (${rate(total, elapsed)}), dropped by PUB queue: ${feed.dropped}`);
  let lost = false;
  for (const { topic } of subs) {
    const sent = Object.entries(published).reduce((n, [t, c]) => (t.startsWith(topic) ? n + c : n), 0);
    const got = counts.get(topic)!;
    lost ||= got < sent;
    const pct = ((100 * got) / Math.max(sent, 1)).toFixed(1);
    console.log(`  sub ${JSON.stringify(topic).padEnd(10)} got ${fmt(got).padStart(7)} of ${fmt(sent).padStart(7)} (${pct}%), ${rate(got, elapsed)}`);
  }
  const tally = Object.entries(byTopic).sort().map(([t, c]) => `${t} ${fmt(c)}`).join(', ');
  console.log(`  sub "" by topic: ${tally}`);
  if (lost) console.log('  (PUB drops for a subscriber that falls a high-water mark behind; lower perSecond)');
}

/** Prints, for each second, how many price ticks arrived and their average per pair. */
function priceWindows(prices: SubSocket): Subscription {
  return prices
    .pipe(
      filter(isData),
      map(([topic, body]) => ({ pair: topic.toString().slice(7), px: JSON.parse(body.toString()).px as number })),
      bufferTime(1000),
      filter((ticks) => ticks.length > 0),
    )
    .subscribe((ticks) => {
      const avg = (pair: string): string => {
        const mine = ticks.filter((t) => t.pair === pair);
        return (mine.reduce((s, t) => s + t.px, 0) / Math.max(mine.length, 1)).toFixed(4);
      };
      console.log(`  [prices, 1 s window] ${fmt(ticks.length)} ticks, EURUSD avg ${avg('EURUSD')}, USDJPY avg ${avg('USDJPY')}`);
    });
}

if (require.main === module) runAlone(pubSub);
