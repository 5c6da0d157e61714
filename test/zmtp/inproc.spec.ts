/**
 * The zmtp engine's inproc transport: pipes between sockets of one process,
 * with no kernel socket in between (the high-water-mark counts are checked
 * against libzmq in test/model-agreement.spec.ts).
 *
 *   zmtp PUSH --connect--> (nothing yet) ... zmtp PULL binds: queued sends arrive
 *   zmtp PULL closes, a new one binds the name: the PUSH pipes to it
 *   zmtp PUSH --x--> zmtp PUB: incompatible, refused on both sides
 */
import { engines, pub, pull, push, type SocketEvent } from '../../src';
import { Closer, take$, waitFor } from '../helpers';

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
