/**
 * The zmtp engine's inproc transport: pipes between sockets of one process,
 * with no kernel socket in between (the high-water-mark counts are checked
 * against libzmq in test/model-agreement.spec.ts).
 *
 *   zmtp PUSH --connect--> (nothing yet) ... zmtp PULL binds: queued sends arrive
 *   zmtp PULL closes, a new one binds the name: the PUSH pipes to it
 *   zmtp PUSH --x--> zmtp PUB: incompatible, refused on both sides
 */
import { engines, pair, pub, pull, push, type SocketEvent } from '../../src';
import { Closer, delay, take$, waitFor } from '../helpers';

const engine = engines.zmtp;
const closer = new Closer();
afterEach(() => closer.closeAll());

let unique = 0;
const name = (): string => `inproc://zmtp-inproc-${process.pid}-${++unique}`;

/** Kernel-backed handles (tcp and unix sockets and servers) open now. */
const kernelHandles = (): number =>
  process.getActiveResourcesInfo().filter((kind) => /^(TCP|Pipe)/.test(kind)).length;

describe('zmtp inproc', () => {
  it('carries messages without any kernel socket', async () => {
    const before = kernelHandles();
    const endpoint = name();
    const inp = closer.add(pull({ engine, bind: endpoint, linger: 0 }));
    await inp.ready;
    const out = closer.add(push({ engine, connect: endpoint, linger: 0 }));
    const got = take$(inp, 3);
    for (const m of ['a', 'b', 'c']) await out.send(m);
    expect(await got).toEqual([['a'], ['b'], ['c']]);
    expect(kernelHandles()).toBe(before);
  });

  it('a connect before the bind pipes once the name is bound; sends wait for it', async () => {
    const endpoint = name();
    const out = closer.add(push({ engine, connect: endpoint, linger: 0 }));
    const sent = out.send('early');
    const inp = closer.add(pull({ engine, bind: endpoint, linger: 0 }));
    const got = take$(inp, 1);
    await sent;
    expect(await got).toEqual([['early']]);
  });

  it('after the bound socket closes, a new bind of the name gets the connector back', async () => {
    const endpoint = name();
    const first = pull({ engine, bind: endpoint, linger: 0 });
    await first.ready;
    const out = closer.add(push({ engine, connect: endpoint, linger: 0 }));
    const one = take$(first, 1);
    await out.send('one');
    expect(await one).toEqual([['one']]);
    await first.close();
    const second = closer.add(pull({ engine, bind: endpoint, linger: 0 }));
    const two = take$(second, 1);
    await out.send('two');
    expect(await two).toEqual([['two']]);
  });

  it("messages of an earlier pipe, taken after a reconnection, do not give the new pipe's writer room", async () => {
    const endpoint = name();
    const first = pair({ engine, bind: endpoint, sendHighWaterMark: 2, linger: -1 });
    await first.ready;
    // Not read yet: the pipe holds the writer's 2 plus the reader's 2.
    const reader = closer.add(pair({ engine, connect: endpoint, receiveHighWaterMark: 2, linger: 0 }));
    for (const m of ['a1', 'a2', 'a3', 'a4']) await first.send(m);
    await first.close();
    const second = closer.add(pair({ engine, bind: endpoint, sendHighWaterMark: 2, linger: 0 }));
    let sent = 0;
    const sending = (async () => {
      for (let i = 1; i <= 8 && !second.isClosed; i++) {
        await second.send(`b${i}`).catch(() => undefined);
        sent++;
      }
    })();
    await delay(50);
    expect(sent).toBe(4);
    expect(await take$(reader, 4)).toEqual([['a1'], ['a2'], ['a3'], ['a4']]);
    await delay(50);
    // Taking the first pipe's four freed nothing in the second.
    expect(sent).toBe(4);
    expect(await take$(reader, 4)).toEqual([['b1'], ['b2'], ['b3'], ['b4']]);
    await waitFor(() => sent === 8);
    await sending;
  });

  it('binding a name twice fails with EADDRINUSE', async () => {
    const endpoint = name();
    const first = closer.add(pull({ engine, bind: endpoint, linger: 0 }));
    await first.ready;
    const second = closer.add(pull({ engine, linger: 0 }));
    await expect(second.bind(endpoint)).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('incompatible socket types are refused on both sides (handshakeFailed), and nothing is delivered', async () => {
    const endpoint = name();
    const publisher = closer.add(pub({ engine, bind: endpoint, linger: 0 }));
    await publisher.ready;
    const events: SocketEvent['type'][] = [];
    publisher.events$.subscribe((e) => events.push(e.type));
    const out = closer.add(push({ engine, linger: 0 }));
    const outEvents: SocketEvent['type'][] = [];
    out.events$.subscribe((e) => outEvents.push(e.type));
    out.connect(endpoint);
    await waitFor(() => events.includes('handshakeFailed') && outEvents.includes('handshakeFailed'));
    expect(events).not.toContain('handshakeSucceeded');
    expect(outEvents).not.toContain('handshakeSucceeded');
  });
});
