import { pull, push, type Message } from '../src';
import { Closer, delay, engineList, take$, waitFor } from './helpers';

/*
 *   push (bound, tcp) ---> pull (connected)  --+--> subscriber A
 *                                              +--> subscriber B
 */
const closer = new Closer();
afterEach(() => closer.closeAll());

describe.each(engineList)('receiving (engine %s)', (name, engine) => {
  async function pipe(options: { sendHighWaterMark?: number; receiveHighWaterMark?: number; endpoint?: string } = {}) {
    const { endpoint = 'tcp://127.0.0.1:*', ...hwm } = options;
    const out = closer.add(push({ engine, bind: endpoint, linger: 0, sendHighWaterMark: hwm.sendHighWaterMark }));
    await out.ready;
    const inp = closer.add(
      pull({ engine, connect: out.bindings[0], linger: 0, receiveHighWaterMark: hwm.receiveHighWaterMark }),
    );
    return { out, inp };
  }

  // zeromq.js refuses receives while a bind is in progress; the libzmq engine waits for the bind instead of failing the stream.
  it('should receive when subscribed before its bind has finished', async () => {
    const inp = closer.add(pull({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    const got = take$(inp, 1);
    await inp.ready;
    const out = closer.add(push({ engine, connect: inp.bindings[0], linger: 0 }));
    await out.send('x');
    expect(await got).toEqual([['x']]);
  });

  it('should refuse receiveTimeout with a TypeError that names the RxJS way', () => {
    expect(() => pull({ engine, linger: 0, receiveTimeout: 100 } as never)).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(/receiveTimeout.*timeout\(\)/) }),
    );
  });

  it('should share one stream between two subscribers', async () => {
    const { out, inp } = await pipe();
    const a = take$(inp, 3);
    const b = take$(inp, 3);
    ['1', '2', '3'].forEach((m) => out.next(m));
    expect(await a).toEqual([['1'], ['2'], ['3']]);
    expect(await b).toEqual([['1'], ['2'], ['3']]);
  });

  it('should keep messages sent before the first subscriber and deliver all ten to it', async () => {
    const { out, inp } = await pipe();
    for (let i = 0; i < 10; i++) await out.send(String(i));
    await delay(100); // the messages now wait in libzmq's queue, not in rxzmq
    expect(await take$(inp, 10)).toEqual(Array.from({ length: 10 }, (_, i) => [String(i)]));
  });

  it('should lose nothing when subscribers come and go', async () => {
    const { out, inp } = await pipe();
    const first = await (async () => {
      const got = take$(inp, 5);
      for (let i = 0; i < 5; i++) out.next(String(i));
      return got;
    })();
    for (let i = 5; i < 10; i++) out.next(String(i));
    await delay(50);
    const second = await take$(inp, 5);
    expect([...first, ...second].map(([m]) => Number(m))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('should iterate with for await and leave the socket open after break', async () => {
    const { out, inp } = await pipe();
    for (let i = 0; i < 5; i++) out.next(String(i));
    const seen: string[] = [];
    for await (const [m] of inp) {
      seen.push(m.toString());
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['0', '1', '2']);
    expect(inp.isClosed).toBe(false);
    expect(await take$(inp, 2)).toEqual([['3'], ['4']]);
  });

  it('should end for await when the socket closes', async () => {
    const { out, inp } = await pipe();
    out.next('only');
    const seen: string[] = [];
    const loop = (async () => {
      for await (const [m] of inp) {
        seen.push(m.toString());
        void inp.close();
      }
    })();
    await loop;
    expect(seen).toEqual(['only']);
  });

  // Over inproc, where no kernel buffers stand between the high-water marks.
  it('should hold back a fast sender while a slow consumer works (demand-driven reading)', async () => {
    // inproc: no kernel buffers, so only the high-water marks hold messages in between.
    const hwm = 10;
    const { out, inp } = await pipe({
      endpoint: `inproc://demand-${process.pid}`,
      sendHighWaterMark: hwm,
      receiveHighWaterMark: hwm,
    });
    const payload = Buffer.alloc(64 * 1024, 1);
    let sent = 0;
    let handled = 0;
    let maxInFlight = 0;
    let inFlight = 0;
    const producer = (async () => {
      for (let i = 0; i < 2000 && !out.isClosed; i++) {
        await out.send(payload).catch(() => undefined);
        sent++;
      }
    })();
    const before = process.memoryUsage().arrayBuffers;
    const consumer = inp
      .consume(
        async () => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await delay(2);
          inFlight--;
          handled++;
        },
        { concurrency: 2 },
      )
      .subscribe();
    await waitFor(() => handled >= 100, 10_000, '100 handled messages');
    const backlog = sent - handled;
    const growth = process.memoryUsage().arrayBuffers - before;
    consumer.unsubscribe();
    await out.close();
    await producer;
    // rxzmq queue (hwm) + libzmq send and receive pipes (2 * hwm) + a few in hand.
    expect(backlog).toBeLessThanOrEqual(4 * hwm + 4);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    // 2000 * 64 KiB = 125 MiB would have been read without demand-driven reading.
    expect(growth).toBeLessThan(20 * 1024 * 1024);
  });

  it('consume - should emit the handler results and complete when the socket closes', async () => {
    const { out, inp } = await pipe();
    const results: number[] = [];
    const finished = new Promise<void>((resolve) =>
      inp.consume(([m]: Message) => Promise.resolve(Number(m) * 2), { concurrency: 3 }).subscribe({
        next: (r) => results.push(r),
        complete: resolve,
      }),
    );
    for (let i = 1; i <= 5; i++) out.next(String(i));
    await waitFor(() => results.length === 5);
    await inp.close();
    await finished;
    expect(results.sort((a, b) => a - b)).toEqual([2, 4, 6, 8, 10]);
  });

  it('consume - should refuse a concurrency below 1', () => {
    return pipe().then(({ inp }) => {
      expect(() => inp.consume(() => 1, { concurrency: 0 })).toThrow(TypeError);
    });
  });
});
