/** Small helpers shared by the examples: timing, formatting, running one example alone. */
import { Context } from '../src';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `12345` -> `"12,345"`. */
export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** `count` events over `ms` milliseconds, as a readable rate. */
export const rate = (count: number, ms: number): string => `${fmt((count * 1000) / Math.max(ms, 1))}/s`;

/** Milliseconds since `start` (a `performance.now()` reading). */
export const since = (start: number): number => performance.now() - start;

export const header = (title: string): void => console.log(`\n=== ${title} ===`);

/** Repeats `step` (e.g. a warm-up publish) until `done` resolves; returns the tries it took. */
export async function retryUntil(done: Promise<unknown>, step: () => void, everyMs = 20, tries = 100): Promise<number> {
  let ok = false;
  done.then(() => (ok = true), () => undefined); // a failure reaches the caller through the race below
  for (let i = 1; i <= tries; i++) {
    step();
    await Promise.race([done, sleep(everyMs)]);
    if (ok) return i;
  }
  throw new Error(`gave up after ${tries} tries`);
}

/** Runs one example on its own: `ts-node --transpile-only examples/pubsub.ts`. */
export function runAlone(example: (context: Context) => Promise<void>): void {
  const context = new Context();
  example(context)
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    })
    .finally(() => context.close());
}
