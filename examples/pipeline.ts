/**
 * PUSH/PULL pipeline: a ventilator deals jobs round robin to three workers,
 * which push their results to one sink. Each worker reads on demand, so a
 * slow one takes fewer jobs.
 * Run alone: `npx ts-node --transpile-only examples/pipeline.ts`.
 */
import { count, filter, lastValueFrom, scan, take, takeUntil, timer } from 'rxjs';
import { Context, pull, push, type Message, type PullSocket } from '../src';
import { fmt, header, rate, runAlone, since, sleep } from './helpers';

/** Small high-water marks and a 2 KB payload keep few jobs queued, so each worker gets them as fast as it reads. */
const HWM = 50;
const PAD = Buffer.alloc(2048);

/** A little CPU work per job: the sum of square roots up to n. */
const work = ([id, n]: Message): string => {
  let sum = 0;
  for (let i = 1, end = Number(n); i <= end; i++) sum += Math.sqrt(i);
  return `${id}:${sum.toFixed(0)}`;
};

/** A worker reads jobs its own way and calls `finish(job)`, which sends the result to the sink. */
type Worker = (jobs: PullSocket, finish: (job: Message) => Promise<void>) => void;

/** Three ways to read on demand: consume() one at a time, consume() 8 at a time with slow async work, for await. */
const WORKERS: Record<string, [how: string, run: Worker]> = {
  w1: ['consume(), sync work', (jobs, finish) => void jobs.consume(finish, { concurrency: 1 }).subscribe()],
  w2: [
    'consume(x8), 2 ms async work',
    (jobs, finish) => void jobs.consume(async (job) => (await sleep(2), finish(job)), { concurrency: 8 }).subscribe(),
  ],
  w3: [
    'for await, sync work',
    (jobs, finish) =>
      void (async () => {
        for await (const job of jobs) await finish(job);
      })().catch(() => undefined),
  ],
};

export async function pipeline(context: Context, jobCount = 50_000): Promise<void> {
  header('PUSH/PULL pipeline: 1 ventilator -> 3 workers -> 1 sink');
  const ventilator = push({ context, bind: 'tcp://127.0.0.1:*', linger: 0, sendHighWaterMark: HWM });
  const sink = pull({ context, bind: 'tcp://127.0.0.1:*', linger: 0 });
  await Promise.all([ventilator.ready, sink.ready]);

  // PUSH deals only to connected workers: wait (3 s at most) until all three have shaken hands.
  const connected = lastValueFrom(
    ventilator.events$.pipe(filter((e) => e.type === 'handshakeSucceeded'), take(3), takeUntil(timer(3000)), count()),
  );
  for (const [name, [, run]] of Object.entries(WORKERS)) {
    const jobs = pull({ context, connect: ventilator.bindings[0], receiveHighWaterMark: HWM, linger: 0 });
    const results = push({ context, connect: sink.bindings[0], linger: 0 });
    run(jobs, (job) => results.send([name, work(job)]));
  }
  console.log(`ventilator ${ventilator.bindings[0]}, sink ${sink.bindings[0]}: ${await connected} of 3 workers connected`);

  // The sink tallies results per worker until all jobs are back (or 10 s pass).
  const tally = lastValueFrom(
    sink.pipe(
      take(jobCount),
      scan((per, [worker]) => per.set(worker.toString(), (per.get(worker.toString()) ?? 0) + 1), new Map<string, number>()),
      takeUntil(timer(10_000)),
    ),
    { defaultValue: new Map<string, number>() },
  );
  const start = performance.now();
  for (let i = 0; i < jobCount; i++) await ventilator.send([String(i), String(50 + (i % 50)), PAD]);
  const sentMs = since(start);
  const done = await tally;
  const elapsed = since(start);

  const total = [...done.values()].reduce((a, b) => a + b, 0);
  console.log(`sent ${fmt(jobCount)} jobs in ${(sentMs / 1000).toFixed(2)} s; sink got ${fmt(total)} results in ${(elapsed / 1000).toFixed(2)} s: ${rate(total, elapsed)}`);
  for (const [name, [how]] of Object.entries(WORKERS)) {
    console.log(`  ${name} ${how.padEnd(30)} did ${fmt(done.get(name) ?? 0).padStart(7)} jobs`);
  }
}

if (require.main === module) runAlone(pipeline);
