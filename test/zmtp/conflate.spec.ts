/**
 * `conflate` (ZMQ_CONFLATE) on both engines side by side: a socket keeps
 * only the last message it has not handed over, inbound (a PULL or SUB
 * nobody reads yet) and outbound (a PUSH whose endpoint is not bound yet),
 * with the high-water marks off. Over inproc the connecting side's option
 * decides for the pipe, as in libzmq.
 */
import { pub, pull, push, sub, type Engine } from '../../src';
import { Closer, delay, engineList, take$, unusedEndpoint } from '../helpers';

const closer = new Closer();
afterEach(() => closer.closeAll());

const numbers = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i + 1));

describe.each(engineList)('conflate (%s engine)', (engineName, engine: Engine) => {
  it('a PULL nobody reads keeps only the last message that arrived', async () => {
    const inbox = closer.add(pull({ engine, bind: 'tcp://127.0.0.1:*', conflate: true, linger: 0 }));
    await inbox.ready;
    const out = closer.add(push({ engine, connect: inbox.bindings[0]!, linger: 0 }));
    for (const n of numbers(20)) await out.send(n);
    await delay(200);
    const got: string[] = [];
    inbox.subscribe(([m]) => got.push(m!.toString()));
    await delay(100);
    expect(got).toEqual(['20']);
    // Reading now: what comes is handed over, the last of a burst always (libzmq's
    // reader may still find two of a burst conflated, so no more is asked).
    for (const n of ['a', 'b', 'c']) await out.send(n);
    await delay(100);
    expect(got[got.length - 1]).toBe('c');
    expect(['20', 'a', 'b', 'c'].filter((m) => got.includes(m))).toEqual(got);
  });

  it('an inproc pipe conflates as its connecting side says (libzmq reads the option there)', async () => {
    const name = `inproc://conflate-${engineName}`;
    const received = async (pullConflates: boolean, pushConflates: boolean, endpoint: string): Promise<string[][]> => {
      const inbox = closer.add(pull({ engine, bind: endpoint, conflate: pullConflates, linger: 0 }));
      await inbox.ready;
      const out = closer.add(push({ engine, connect: endpoint, conflate: pushConflates, linger: 0 }));
      for (const n of numbers(20)) await out.send(n);
      await delay(100);
      const got = take$(inbox, pushConflates ? 1 : 20);
      return got;
    };
    expect(await received(true, false, `${name}-pull`)).toEqual(numbers(20).map((n) => [n]));
    expect(await received(false, true, `${name}-push`)).toEqual([['20']]);
  });

  it('a PUSH keeps only its last message while its endpoint is not bound, past any high-water mark', async () => {
    const endpoint = await unusedEndpoint();
    const out = closer.add(
      push({ engine, connect: endpoint, conflate: true, sendHighWaterMark: 2, linger: 0, reconnectInterval: 20 }),
    );
    for (const n of numbers(10)) await out.send(n);
    const inbox = closer.add(pull({ engine, bind: endpoint, linger: 0 }));
    const first = await take$(inbox, 1);
    await delay(100);
    const later: string[] = [];
    inbox.subscribe(([m]) => later.push(m!.toString()));
    await delay(50);
    expect([first, later]).toEqual([[['10']], []]);
  });

  it('a SUB nobody reads keeps only the last message it let through', async () => {
    const publisher = closer.add(pub({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await publisher.ready;
    const subscriber = closer.add(sub({ engine, connect: publisher.bindings[0]!, topics: 'k', conflate: true, linger: 0 }));
    await delay(200); // the subscription reaches the publisher
    for (const n of numbers(10)) {
      publisher.next(`k${n}`);
      publisher.next(`x${n}`);
    }
    await delay(200);
    expect(await take$(subscriber, 1)).toEqual([['k10']]);
  });
});
