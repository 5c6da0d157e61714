/**
 * PUB/XPUB options on the zmtp engine, each scenario run on libzmq too and
 * compared:
 *
 *   XSUB a, XSUB b --\x01t / \x00t--> XPUB (verbosity)   what the XPUB's application sees
 *   SUB (topic W) --> zmtp XPUB (welcomeMessage W...)     the welcome message arrives
 *   PUB (noDrop, send HWM 2) --inproc--> SUB not reading  the third send waits, nothing is lost
 *   PUB (invertMatching) --> SUB (invertMatching)         only what matches no topic
 *   XSUB --\x01t, [hello, there], x--> XPUB               the XPUB's application gets them all
 *   SUB or XSUB: t twice, cancelled twice --> XPUB (allSubsUnsubs)  two subscriptions, one cancellation
 *   XSUB x1 --\x01a-->  XPUB (manual)  addTopics('a') for x1, ('b') for x2: each gets its own;
 *   XSUB x2 --\x01b-->                 x2 cancels b (-> 'c' instead), x1 leaves (-> \x00a)
 */
import { engines, pub, sub, xpub, xsub, type Engine } from '../../src';
import { Closer, delay, take$, waitFor } from '../helpers';

const closer = new Closer();
afterEach(() => closer.closeAll());

let unique = 0;
const inproc = (): string => `inproc://zmtp-xpub-${process.pid}-${++unique}`;

const verbosities = [null, 'allSubs', 'allSubsUnsubs'] as const;

/** What an XPUB with `verbosity` hears while two XSUBs subscribe to t, one cancels, the other leaves. */
async function subscriptionsSeen(engine: Engine, verbosity: (typeof verbosities)[number]): Promise<string[]> {
  const hub = closer.add(xpub({ engine, bind: 'tcp://127.0.0.1:*', verbosity, linger: 0 }));
  await hub.ready;
  const seen: string[] = [];
  hub.subscribe(([m]) => seen.push(m!.toString('latin1')));
  const [a, b] = [0, 1].map(() => xsub({ engine, connect: hub.bindings[0], linger: 0 }));
  closer.add(a!);
  await delay(50);
  a!.next('\x01t');
  await waitFor(() => seen.length === 1);
  b!.next('\x01t');
  await delay(50);
  a!.next('\x00t');
  await delay(50);
  await b!.close();
  await delay(100);
  return seen;
}

const latin1 = (msg: Buffer[]): string => msg.map((f) => f.toString('latin1')).join('|');

/** What an XPUB's application gets while an XSUB subscribes to t and sends messages of its own. */
async function upstreamSeen(engine: Engine): Promise<string[]> {
  const hub = closer.add(xpub({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
  await hub.ready;
  const seen: string[] = [];
  hub.subscribe((msg) => seen.push(latin1(msg)));
  const peer = closer.add(xsub({ engine, connect: hub.bindings[0], linger: 0 }));
  await delay(50);
  peer.next('\x01t');
  peer.next(['hello', 'there']);
  peer.next('x');
  peer.next('');
  await waitFor(() => seen.length === 4);
  return seen;
}

/**
 * A manual XPUB between two XSUBs (which do not filter: what they get is
 * what the XPUB chose): what its application sees, and what each XSUB gets.
 */
async function manualRun(engine: Engine): Promise<{ seen: string[]; x1: string[][]; x2: string[][] }> {
  const hub = closer.add(xpub({ engine, bind: 'tcp://127.0.0.1:*', manual: true, linger: 0 }));
  await hub.ready;
  const seen: string[] = [];
  hub.subscribe((msg) => {
    seen.push(latin1(msg));
    const [first] = msg;
    const topic = first!.subarray(1).toString();
    if (first![0] === 1) hub.addTopics(topic);
    else if (topic === 'b') {
      hub.removeTopics('b');
      hub.addTopics('c');
    }
  });
  const x1 = closer.add(xsub({ engine, connect: hub.bindings[0], linger: 0 }));
  const x2 = closer.add(xsub({ engine, connect: hub.bindings[0], linger: 0 }));
  await delay(50);
  x1.next('\x01a');
  await waitFor(() => seen.length === 1);
  x2.next('\x01b');
  await waitFor(() => seen.length === 2);
  const got1 = take$(x1, 2);
  const got2 = take$(x2, 2);
  for (const m of ['a1', 'b1', 'c1', 'a2', 'b2']) hub.next(m);
  const [first1, first2] = [await got1, await got2];
  x2.next('\x00b');
  await waitFor(() => seen.length === 3);
  const then2 = take$(x2, 1);
  for (const m of ['b3', 'c3']) hub.next(m);
  const last2 = await then2;
  await x1.close();
  await waitFor(() => seen.length === 4);
  return { seen, x1: first1, x2: [...first2, ...last2] };
}

describe('zmtp PUB/XPUB options, as libzmq has them', () => {
  it('xpub - passes on what its peers send that is not a subscription, as libzmq does', async () => {
    const zmtp = await upstreamSeen(engines.zmtp);
    expect(zmtp).toEqual(await upstreamSeen(engines.libzmq));
    expect(zmtp).toEqual(['\x01t', 'hello|there', 'x', '']);
  });

  it.each([
    ['zmtp', 'sub'],
    ['zmtp', 'xsub'],
    ['libzmq', 'sub'],
    ['libzmq', 'xsub'],
  ] as const)('%s %s - a repeated subscription reaches the publisher each time, the cancellation once at the end', async (name, kind) => {
    const hub = closer.add(xpub({ engine: engines.libzmq, bind: 'tcp://127.0.0.1:*', verbosity: 'allSubsUnsubs', linger: 0 }));
    await hub.ready;
    const seen: string[] = [];
    hub.subscribe((msg) => seen.push(latin1(msg)));
    const engine = engines[name];
    const change =
      kind === 'sub'
        ? (() => {
            const reader = closer.add(sub({ engine, connect: hub.bindings[0], linger: 0 }));
            // a string and the same bytes: two subscriptions to one topic, as libzmq counts them
            const topics = ['t', Buffer.from('t')];
            return (add: boolean, i: number) => (add ? reader.addTopics(topics[i]!) : reader.removeTopics(topics[i]!));
          })()
        : (() => {
            const peer = closer.add(xsub({ engine, connect: hub.bindings[0], linger: 0 }));
            return (add: boolean) => peer.next(add ? '\x01t' : '\x00t');
          })();
    await delay(50);
    change(true, 0);
    change(true, 1);
    await waitFor(() => seen.length === 2);
    change(false, 0);
    await delay(50);
    expect(seen).toEqual(['\x01t', '\x01t']);
    change(false, 1);
    await waitFor(() => seen.length === 3);
    expect(seen).toEqual(['\x01t', '\x01t', '\x00t']);
  });

  it('xpub - manual: each subscriber gets what the application subscribed it to, and its topics are cancelled when it leaves', async () => {
    const zmtp = await manualRun(engines.zmtp);
    expect(zmtp).toEqual(await manualRun(engines.libzmq));
    expect(zmtp).toEqual({
      seen: ['\x01a', '\x01b', '\x00b', '\x00a'],
      x1: [['a1'], ['a2']],
      x2: [['b1'], ['b2'], ['c3']],
    });
  });

  it.each(Object.entries(engines))('xpub - without manual, addTopics is refused with a TypeError (%s)', (_name, engine) => {
    const hub = closer.add(xpub({ engine, linger: 0 }));
    expect(() => hub.addTopics('a')).toThrow(new TypeError('rxzmq: an XPUB takes topics only in manual mode (manual: true)'));
    expect(() => hub.removeTopics('a')).toThrow(TypeError);
  });

  it('xpub - manual: topics given before any subscriber go nowhere, and a subscriber gets nothing until the application subscribes it', async () => {
    const hub = closer.add(xpub({ engine: engines.zmtp, bind: 'tcp://127.0.0.1:*', manual: true, linger: 0 }));
    await hub.ready;
    hub.addTopics('');
    const seen: string[] = [];
    hub.subscribe((msg) => seen.push(latin1(msg)));
    const peer = closer.add(xsub({ engine: engines.zmtp, connect: hub.bindings[0], linger: 0 }));
    const got = take$(peer, 1);
    await delay(50);
    peer.next('\x01');
    await waitFor(() => seen.length === 1);
    hub.next('not yet');
    hub.addTopics('');
    hub.next('now');
    expect(await got).toEqual([['now']]);
  });

  it.each(verbosities)('xpub - verbosity %s passes the subscriptions libzmq passes', async (verbosity) => {
    const zmtp = await subscriptionsSeen(engines.zmtp, verbosity);
    const libzmq = await subscriptionsSeen(engines.libzmq, verbosity);
    expect(zmtp).toEqual(libzmq);
    const expected = {
      null: ['\x01t', '\x00t'],
      allSubs: ['\x01t', '\x01t', '\x00t'],
      allSubsUnsubs: ['\x01t', '\x01t', '\x00t', '\x00t'],
    }[String(verbosity)];
    expect(zmtp).toEqual(expected);
  });

  // zeromq.js 6 takes the option but its libzmq XPUB sends nothing (its getter reads undefined): zmtp XPUB only, to SUBs of both engines.
  it.each(Object.entries(engines))('xpub - a welcomeMessage reaches a SUB subscribed to it (SUB on %s)', async (_name, engine) => {
    const hub = closer.add(xpub({ engine: engines.zmtp, bind: 'tcp://127.0.0.1:*', welcomeMessage: 'WELCOME', linger: 0 }));
    await hub.ready;
    const reader = closer.add(sub({ engine, topics: ['WELCOME'], linger: 0 }));
    const got = take$(reader, 1);
    reader.connect(hub.bindings[0]!);
    expect(await got).toEqual([['WELCOME']]);
  });

  it('pub - with noDrop, a send to a full subscriber waits instead of dropping; nothing is lost', async () => {
    const engine = engines.zmtp;
    const endpoint = inproc();
    const out = closer.add(pub({ engine, bind: endpoint, noDrop: true, sendHighWaterMark: 2, linger: 0 }));
    await out.ready;
    const reader = closer.add(sub({ engine, connect: endpoint, topics: [''], receiveHighWaterMark: 2, linger: 0 }));
    await delay(20); // the subscription reaches the publisher
    let sent = 0;
    const sending = (async () => {
      for (let i = 0; i < 6; i++) {
        await out.send(String(i));
        sent++;
      }
    })();
    await delay(50);
    // The PUB's own send HWM (2) holds on inproc, as libzmq's does.
    expect(sent).toBe(2);
    const got = take$(reader, 6);
    await sending;
    expect(await got).toEqual([['0'], ['1'], ['2'], ['3'], ['4'], ['5']]);
    expect(out.dropped).toBe(0);
  });

  it.each(Object.entries(engines))('pub/sub - invertMatching delivers what matches no topic (%s)', async (_name, engine) => {
    const out = closer.add(pub({ engine, bind: 'tcp://127.0.0.1:*', invertMatching: true, linger: 0 }));
    await out.ready;
    const reader = closer.add(sub({ engine: engines.zmtp, connect: out.bindings[0], topics: ['a'], invertMatching: true, linger: 0 }));
    const got = take$(reader, 2);
    await delay(50); // the subscription reaches the publisher
    for (const fruit of ['apple', 'banana', 'avocado', 'cherry']) out.next(fruit);
    expect(await got).toEqual([['banana'], ['cherry']]);
  });
});
