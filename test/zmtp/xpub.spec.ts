/**
 * PUB/XPUB options on the zmtp engine, each scenario run on libzmq too and
 * compared:
 *
 *   XSUB a, XSUB b --\x01t / \x00t--> XPUB (verbosity)   what the XPUB's application sees
 *   SUB (topic W) --> zmtp XPUB (welcomeMessage W...)     the welcome message arrives
 *   PUB (noDrop, send HWM 2) --inproc--> SUB not reading  the third send waits, nothing is lost
 *   PUB (invertMatching) --> SUB (invertMatching)         only what matches no topic
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

describe('zmtp PUB/XPUB options, as libzmq has them', () => {
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
