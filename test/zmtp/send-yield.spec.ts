/**
 * Sends on the zmtp engine complete at once, so an `await send()` loop runs
 * without the event loop turning; once a megabyte has been taken, one send
 * waits for the next turn, so what was queued is written and other work
 * runs. Small messages keep completing at once.
 */
import { pull, push } from '../../src';
import { Closer } from '../helpers';

const closer = new Closer();
afterEach(() => closer.closeAll());

/** How often the event loop turns while `count` messages of `size` bytes are sent one `await send()` after another. */
async function turnsWhileSending(size: number, count: number): Promise<number> {
  const inbox = closer.add(pull({ engine: 'zmtp', bind: 'tcp://127.0.0.1:*', linger: 0 }));
  await inbox.ready;
  let received = 0;
  inbox.subscribe(() => received++);
  const out = closer.add(push({ engine: 'zmtp', connect: inbox.bindings[0]!, linger: 0 }));
  await out.send('hello'); // connected: later sends go straight to the connection
  let turns = 0;
  let counting = true;
  const tick = (): void => {
    turns++;
    if (counting) setImmediate(tick);
  };
  setImmediate(tick);
  await Promise.resolve(); // the first tick is armed; count from here
  turns = 0;
  const body = Buffer.alloc(size, 1);
  for (let i = 0; i < count; i++) await out.send(body);
  counting = false;
  return turns;
}

describe('zmtp sends and the event loop', () => {
  it('an await-send loop of 64 KiB messages lets the event loop turn about once a megabyte', async () => {
    const turns = await turnsWhileSending(64 * 1024, 200); // 12.5 MiB
    expect(turns).toBeGreaterThanOrEqual(10);
    expect(turns).toBeLessThanOrEqual(40);
  });

  it('an await-send loop of 16-byte messages completes without the event loop turning', async () => {
    expect(await turnsWhileSending(16, 900)).toBe(0);
  });
});
