/**
 * The in-memory model, libzmq and the zmtp engine must agree on the
 * high-water-mark rules. Each scenario runs three times: on real libzmq
 * sockets over inproc (whose pipes are bounded exactly by send HWM + receive
 * HWM), on zmtp sockets over inproc (pipes without kernel sockets, bounded
 * the same way) and on a MemoryNetwork in real time, and all runs must give
 * the same counts.
 */
import { Context, dealer, engines, pub, pull, push, router, sub } from '../src';
import { MemoryNetwork } from '../src/testing';
import { delay } from './helpers';

type Factories = Pick<MemoryNetwork, 'pub' | 'sub' | 'push' | 'pull' | 'dealer' | 'router'>;

let unique = 0;
const name = (): string => `inproc://agree-${process.pid}-${++unique}`;

/** Runs `scenario` on libzmq, on the zmtp engine and on the model; returns the three results. */
async function everywhere<R>(scenario: (make: Factories) => Promise<R>): Promise<{ libzmq: R; zmtp: R; model: R }> {
  const context = new Context();
  const real: Factories = {
    pub: (o = {}) => pub({ linger: 0, ...o, context, engine: 'libzmq' }),
    sub: (o = {}) => sub({ linger: 0, ...o, context, engine: 'libzmq' }),
    push: (o = {}) => push({ linger: 0, ...o, context, engine: 'libzmq' }),
    pull: (o = {}) => pull({ linger: 0, ...o, context, engine: 'libzmq' }),
    dealer: (o = {}) => dealer({ linger: 0, ...o, context, engine: 'libzmq' }),
    router: (o = {}) => router({ linger: 0, ...o, context, engine: 'libzmq' }),
  };
  const engine = engines.zmtp;
  const made: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(socket: T): T => (made.push(socket), socket);
  const zmtp: Factories = {
    pub: (o = {}) => track(pub({ linger: 0, ...o, engine })),
    sub: (o = {}) => track(sub({ linger: 0, ...o, engine })),
    push: (o = {}) => track(push({ linger: 0, ...o, engine })),
    pull: (o = {}) => track(pull({ linger: 0, ...o, engine })),
    dealer: (o = {}) => track(dealer({ linger: 0, ...o, engine })),
    router: (o = {}) => track(router({ linger: 0, ...o, engine })),
  };
  const net = new MemoryNetwork();
  try {
    return { libzmq: await scenario(real), zmtp: await scenario(zmtp), model: await scenario(net) };
  } finally {
    await context.close();
    await Promise.all(made.map((socket) => socket.close()));
    await net.close();
  }
}

describe('model agreement with libzmq', () => {
  // PUB (send HWM 4) -> SUB (receive HWM 6) that does not read: 4 wait for it (the PUB's HWM), the rest is dropped.
  it('model agreement - PUB drops at the high-water mark while the subscriber stalls', async () => {
    const { libzmq, zmtp, model } = await everywhere(async (make) => {
      const endpoint = name();
      const feed = make.pub({ bind: endpoint, sendHighWaterMark: 4 });
      await feed.ready;
      const reader = make.sub({ connect: endpoint, receiveHighWaterMark: 6, topics: '' });
      await delay(50); // the subscription reaches the publisher
      for (let i = 0; i < 20; i++) feed.next(`m${i}`);
      await delay(50);
      const got: string[] = [];
      const subscription = reader.subscribe(([f]) => got.push(f!.toString()));
      await delay(50);
      subscription.unsubscribe();
      return got;
    });
    expect(model).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(libzmq).toEqual(model);
    expect(zmtp).toEqual(model);
  });

  // PUSH (HWM 4) -> PULL (HWM 4) that does not read: 8 sends complete, the 9th waits until the puller reads.
  it('model agreement - PUSH holds at the high-water mark and resumes when the puller reads', async () => {
    const { libzmq, zmtp, model } = await everywhere(async (make) => {
      const endpoint = name();
      const out = make.push({ bind: endpoint, sendHighWaterMark: 4 });
      await out.ready;
      const inp = make.pull({ connect: endpoint, receiveHighWaterMark: 4 });
      let sent = 0;
      const sending = (async () => {
        for (let i = 0; i < 20; i++) {
          await out.send(`m${i}`);
          sent++;
        }
      })();
      await delay(50);
      const whileStalled = sent;
      const got: string[] = [];
      const subscription = inp.subscribe(([f]) => got.push(f!.toString()));
      await sending;
      await delay(20);
      subscription.unsubscribe();
      return { whileStalled, got: got.length, inOrder: got.every((m, i) => m === `m${i}`) };
    });
    expect(model).toEqual({ whileStalled: 8, got: 20, inOrder: true });
    expect(libzmq).toEqual(model);
    expect(zmtp).toEqual(model);
  });

  // DEALER -> three ROUTERs: message i goes to peer i mod 3.
  it('model agreement - DEALER round-robins over three peers', async () => {
    const { libzmq, zmtp, model } = await everywhere(async (make) => {
      const endpoints = [name(), name(), name()];
      const peers = endpoints.map((endpoint) => make.router({ bind: endpoint }));
      await Promise.all(peers.map((p) => p.ready));
      const seen = peers.map(() => [] as string[]);
      peers.forEach((p, i) => p.subscribe(([, body]) => seen[i]!.push(body!.toString())));
      const client = make.dealer({ connect: endpoints });
      await delay(20);
      for (let i = 0; i < 9; i++) await client.send(`${i}`);
      await delay(50);
      return seen;
    });
    expect(model).toEqual([
      ['0', '3', '6'],
      ['1', '4', '7'],
      ['2', '5', '8'],
    ]);
    expect(libzmq).toEqual(model);
    expect(zmtp).toEqual(model);
  });
});
