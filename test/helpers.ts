import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, Observable, take, timeout, toArray } from 'rxjs';
import { engines, type Engine, type Message, type Sendable } from '../src';

/** The engines the contract tests run over: every one of them, with nothing left out. */
export const engineList: [string, Engine][] = Object.entries(engines);

/**
 * `engine`, with every send completing on a later turn of the event loop
 * (as libzmq's do) rather than at once: for tests of the socket's own send
 * queue, which fills only while the engine has a send in hand.
 */
export function deferredSends(engine: Engine): Engine {
  return {
    name: `${engine.name}, deferred sends`,
    createSocket(type, options) {
      const socket = engine.createSocket(type, options);
      return new Proxy(socket, {
        get(target, key) {
          if (key === 'send') {
            return (msg: Sendable, done: (err?: Error) => void) =>
              target.send(msg, (err) => setImmediate(() => done(err)));
          }
          if (key === 'sendAsync') return undefined;
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  };
}

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

/** A tcp endpoint nobody listens on (the OS picked its port a moment ago). */
export async function unusedEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `tcp://127.0.0.1:${port}`;
}
