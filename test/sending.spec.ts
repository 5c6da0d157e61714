import { firstValueFrom, skip, take, toArray } from 'rxjs';
import { ClosedError, HighWaterMarkError, pub, pull, push, sub, type ZmqError } from '../src';
import { Closer, deferredSends, engineList, waitFor } from './helpers';

/*
 *   push / pub (bound, tcp) ---> pull / sub (connected, or nobody)
 */
const closer = new Closer();
afterEach(() => closer.closeAll());

describe.each(engineList)('sending (engine %s)', (name, engine) => {
  it('complete() should deliver all of 100,000 queued messages, then close', async () => {
    const total = 100_000;
    const out = push({ engine, bind: 'tcp://127.0.0.1:*', sendHighWaterMark: total });
    await out.ready;
    const inp = closer.add(pull({ engine, connect: out.bindings[0], linger: 0 }));
    let received = 0;
    let last = '';
    inp.subscribe(([m]) => {
      received++;
      last = m.toString();
    });
    for (let i = 0; i < total; i++) out.next(String(i));
    expect(out.queued).toBeGreaterThan(0);
    out.complete();
    expect(await out.closed).toBeUndefined();
    expect(out.isClosed).toBe(true);
    await waitFor(() => received === total, 15_000, 'all messages');
    expect(last).toBe(String(total - 1));
  });

  // The socket's own queue fills only while the engine has a send in hand: so over every engine with sends that complete later.
  it('PUB should drop and count what its full queue cannot take', async () => {
    const out = closer.add(
      pub({ engine: deferredSends(engine), bind: 'tcp://127.0.0.1:*', sendQueueHighWaterMark: 10, linger: 0 }),
    );
    await out.ready;
    for (let i = 0; i < 100; i++) out.next(String(i));
    expect(out.dropped).toBe(90);
    await expect(out.send('more')).resolves.toBeUndefined();
    await waitFor(() => out.queued === 0);
    expect(out.dropped).toBeGreaterThanOrEqual(90);
  });

  it('a PUSH with no peer and a sendTimeout should reject the send with EAGAIN, and send again later', async () => {
    const out = closer.add(push({ engine, bind: 'tcp://127.0.0.1:*', sendTimeout: 50, linger: 0 }));
    await out.ready;
    await expect(out.send('nobody')).rejects.toMatchObject({ code: 'EAGAIN' });
    const inp = closer.add(pull({ engine, connect: out.bindings[0], linger: 0 }));
    const got = firstValueFrom(inp);
    await out.send('somebody');
    expect((await got).map(String)).toEqual(['somebody']);
  });

  it('PUB -> SUB delivers what it did not drop', async () => {
    const out = closer.add(pub({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await out.ready;
    const inp = closer.add(sub({ engine, connect: out.bindings[0], topics: [''], linger: 0 }));
    let got = 0;
    inp.subscribe(() => got++);
    await waitFor(() => {
      out.next('x');
      return got > 0;
    });
    expect(out.dropped).toBe(0);
  });

  it("sendHighWaterMark: 0 is libzmq's no limit: the queue refuses nothing, drops nothing, and all of it arrives", async () => {
    const total = 3000;
    const out = closer.add(push({ engine, bind: 'tcp://127.0.0.1:*', sendHighWaterMark: 0, linger: 0 }));
    const broadcast = closer.add(
      pub({ engine: deferredSends(engine), bind: 'tcp://127.0.0.1:*', sendHighWaterMark: 0, linger: 0 }),
    );
    await Promise.all([out.ready, broadcast.ready]);
    const errors: ZmqError[] = [];
    const states: boolean[] = [];
    out.errors$.subscribe((e) => errors.push(e));
    out.writable$.subscribe((w) => states.push(w));
    for (let i = 0; i < total; i++) {
      out.next(String(i));
      broadcast.next(String(i));
    }
    expect(errors).toEqual([]);
    expect(states).toEqual([true]);
    expect(out.queued).toBe(total);
    expect(broadcast.dropped).toBe(0);
    const inp = closer.add(pull({ engine, connect: out.bindings[0], linger: 0 }));
    const got = await firstValueFrom(inp.pipe(take(total), toArray()));
    expect(got.map(([m]) => Number(m.toString()))).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it('a negative sendHighWaterMark is refused with a TypeError that names it', () => {
    expect(() => push({ engine, sendHighWaterMark: -1 })).toThrow(/sendHighWaterMark must be 0 \(no limit\) or more, got -1/);
  });

  it('a PUSH with no peer should reject with HighWaterMarkError once its queue is full', async () => {
    const out = closer.add(push({ engine, bind: 'tcp://127.0.0.1:*', sendQueueHighWaterMark: 5, linger: 0 }));
    await out.ready;
    const pending = Array.from({ length: 5 }, (_, i) => out.send(String(i)).catch((e: Error) => e));
    const refused = out.send('sixth');
    await expect(refused).rejects.toBeInstanceOf(HighWaterMarkError);
    await expect(refused).rejects.toMatchObject({ name: 'HighWaterMarkError', code: 'EAGAIN', highWaterMark: 5 });
    expect(out.queued).toBe(5);
    await out.close();
    // The five that waited for a peer are rejected by the close, not lost silently.
    for (const result of await Promise.all(pending)) expect(result).toBeInstanceOf(ClosedError);
  });

  it('next() on a full queue should report on errors$ and keep the socket usable', async () => {
    const out = closer.add(push({ engine, bind: 'tcp://127.0.0.1:*', sendQueueHighWaterMark: 3, linger: 0 }));
    await out.ready;
    const errors: ZmqError[] = [];
    out.errors$.subscribe((e) => errors.push(e));
    for (let i = 0; i < 5; i++) out.next(String(i));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(HighWaterMarkError);
    const inp = closer.add(pull({ engine, connect: out.bindings[0], linger: 0 }));
    const got = firstValueFrom(inp.pipe(take(3), toArray()));
    expect((await got).map(([m]) => m.toString())).toEqual(['0', '1', '2']);
  });

  it('writable$ should turn false at the high mark and true at the low mark', async () => {
    const out = closer.add(
      push({ engine, bind: 'tcp://127.0.0.1:*', sendQueueHighWaterMark: 4, sendQueueLowWaterMark: 1, linger: 0 }),
    );
    await out.ready;
    const states: boolean[] = [];
    out.writable$.subscribe((w) => states.push(w));
    for (let i = 0; i < 4; i++) out.next(String(i));
    expect(states).toEqual([true, false]);
    const back = firstValueFrom(out.writable$.pipe(skip(1)));
    closer.add(pull({ engine, connect: out.bindings[0], linger: 0 })).subscribe();
    expect(await back).toBe(true);
    expect(out.queued).toBeLessThanOrEqual(1);
  });

  it('after close, next() should not throw and send() should reject with ClosedError', async () => {
    const out = push({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 });
    await out.close();
    expect(() => out.next('late')).not.toThrow();
    await expect(out.send('late')).rejects.toBeInstanceOf(ClosedError);
  });

  it('error() should close at once and resolve closed with the error', async () => {
    const out = push({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 });
    await out.ready;
    const failure = new Error('stop');
    const queued = out.send('never').catch((e: Error) => e);
    out.error(failure);
    expect(await out.closed).toBe(failure);
    expect(await queued).toBeInstanceOf(ClosedError);
  });

  it('sends should reach the peer one at a time and in order', async () => {
    const out = closer.add(push({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await out.ready;
    const inp = closer.add(pull({ engine, connect: out.bindings[0], linger: 0 }));
    const got = firstValueFrom(inp.pipe(take(500), toArray()));
    for (let i = 0; i < 250; i++) {
      out.next(String(2 * i));
      void out.send(String(2 * i + 1));
    }
    expect((await got).map(([m]) => Number(m))).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });
});
