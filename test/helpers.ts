import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, Observable, take, timeout, toArray } from 'rxjs';
import { engines, type Engine, type Message } from '../src';

/**
 * The engines the contract tests run over, every one of them. What an engine
 * does not do yet is listed in `MISSING`: the tests of those features run
 * over the other engines only (see `transportsFor`, `supports`).
 */
export const engineList: [string, Engine][] = Object.entries(engines);

/** Features an engine does not have yet. */
export type Feature = 'buffer-free inproc' | 'xpub' | 'queued sends';

/**
 * The zmtp engine: its inproc runs over a kernel socket for now, so kernel
 * buffers stand between the high-water marks; and it takes a PUB's sends
 * synchronously, so rxzmq's send queue never fills.
 */
const MISSING: Readonly<Record<string, readonly Feature[]>> = { zmtp: ['queued sends'] };

/** True when `engine` (by name) has `feature`. */
export const supports = (engine: string, feature: Feature): boolean => !MISSING[engine]?.includes(feature);

let counter = 0;
let ipcDir: string | undefined;

/** A unique endpoint to bind on each transport; tcp lets the OS pick the port. */
export const transports: [string, () => string][] = [
  ['tcp', () => 'tcp://127.0.0.1:*'],
  [
    'ipc',
    () => {
      ipcDir ??= mkdtempSync(join(tmpdir(), 'rxzmq-test-'));
      return `ipc://${join(ipcDir, `s${++counter}.sock`)}`;
    },
  ],
  ['inproc', () => `inproc://rxzmq-test-${process.pid}-${++counter}`],
];

/** Removes the ipc temp dir (call in afterAll). */
export function removeIpcDir(): void {
  if (ipcDir) rmSync(ipcDir, { recursive: true, force: true });
  ipcDir = undefined;
}

/** The first `n` messages of a socket, as strings per frame, within `ms`. */
export function take$(source: Observable<Message>, n: number, ms = 5000): Promise<string[][]> {
  return firstValueFrom(
    source.pipe(
      take(n),
      timeout(ms),
      toArray(),
    ),
  ).then((msgs) => msgs.map((m) => m.map((f) => f.toString())));
}

/** Resolves once `check()` is true, polling every 10 ms; rejects after `ms`. */
export async function waitFor(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Things to close after each test. */
export class Closer {
  private readonly items: { close(): Promise<void> }[] = [];
  add<T extends { close(): Promise<void> }>(item: T): T {
    this.items.push(item);
    return item;
  }
  async closeAll(): Promise<void> {
    await Promise.all(this.items.splice(0).map((item) => item.close()));
  }
}
