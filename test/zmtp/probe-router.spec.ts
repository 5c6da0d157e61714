/**
 * `probeRouter` (ZMQ_PROBE_ROUTER): a REQ, DEALER or ROUTER sends one empty
 * message to each peer it attaches, so a ROUTER learns of a new peer before
 * it says anything. Every scenario runs on both engines (and zmtp against
 * libzmq) and must give the same messages, libzmq's being the reference:
 * the probe goes first, a connected endpoint probes once (its session
 * outlives reconnections, as libzmq's pipe does), a bound ROUTER probes each
 * peer it accepts. (libzmq attaches an accepted peer, and so probes it, only
 * when the application next uses the socket: the bound ROUTER here reads.)
 */
import { dealer, req, router, type Engine, type Message } from '../../src';
import { Closer, delay, engineList, take$, waitFor } from '../helpers';

const closer = new Closer();
afterEach(() => closer.closeAll());

const texts = (msgs: string[][], from: number): string[] => msgs.map((m) => m.slice(from).join('|'));

/** What a bound ROUTER on `server` receives from a `client` DEALER with probeRouter that sends 'hello'. */
async function dealerProbe(server: Engine, client: Engine): Promise<string[]> {
  const back = closer.add(router({ engine: server, bind: 'tcp://127.0.0.1:*', linger: 0 }));
  await back.ready;
  const front = closer.add(dealer({ engine: client, connect: back.bindings[0]!, probeRouter: true, linger: 0 }));
  const got = take$(back, 2);
  front.next('hello');
  return texts(await got, 1);
}

/** A ROUTER bound where one was just closed: libzmq frees the port on its I/O thread, so a bind may find it busy for a moment. */
async function routerBoundAgain(engine: Engine, endpoint: string) {
  for (let attempt = 1; ; attempt++) {
    const socket = router({ engine, bind: endpoint, linger: 0 });
    try {
      await socket.ready;
      return closer.add(socket);
    } catch (err) {
      await socket.close();
      if (attempt >= 50) throw err;
      await delay(20);
    }
  }
}

describe.each(engineList)('probeRouter (%s engine)', (_name, engine) => {
  it('a DEALER probes the ROUTER it connects to before its first message', async () => {
    expect(await dealerProbe(engine, engine)).toEqual(['', 'hello']);
  });

  it('a REQ probes too, outside its envelope', async () => {
    const back = closer.add(router({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await back.ready;
    const front = closer.add(req({ engine, connect: back.bindings[0]!, probeRouter: true, linger: 0 }));
    const got = take$(back, 2);
    front.next('question');
    expect(texts(await got, 1)).toEqual(['', '|question']);
  });

  it('a connected ROUTER probes the ROUTER it connects to, under its routing id', async () => {
    const back = closer.add(router({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await back.ready;
    closer.add(router({ engine, connect: back.bindings[0]!, routingId: 'front', probeRouter: true, linger: 0 }));
    expect(await take$(back, 1)).toEqual([['front', '']]);
  });

  it('a bound ROUTER probes each peer it accepts', async () => {
    const back = closer.add(router({ engine, bind: 'tcp://127.0.0.1:*', probeRouter: true, linger: 0 }));
    await back.ready;
    back.subscribe(() => undefined);
    const a = closer.add(dealer({ engine, connect: back.bindings[0]!, linger: 0 }));
    const b = closer.add(dealer({ engine, connect: back.bindings[0]!, linger: 0 }));
    const [fromA, fromB] = await Promise.all([take$(a, 1), take$(b, 1)]);
    expect([fromA, fromB]).toEqual([[['']], [['']]]);
  });

  it('a connected endpoint probes once: not again when its ROUTER is bound anew', async () => {
    const first = closer.add(router({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await first.ready;
    const endpoint = first.bindings[0]!;
    const front = closer.add(dealer({ engine, connect: endpoint, probeRouter: true, linger: 0, reconnectInterval: 20 }));
    expect(texts(await take$(first, 1), 1)).toEqual(['']);
    await first.close();
    const second = await routerBoundAgain(engine, endpoint);
    const seen: Message[] = [];
    second.subscribe((msg) => seen.push(msg));
    // Sent until one arrives: the DEALER may still be reconnecting.
    await waitFor(
      () => {
        if (seen.length === 0) front.next('again');
        return seen.length > 0;
      },
      5000,
      'a message through the new ROUTER',
    );
    await delay(50);
    expect(seen[0]!.slice(1).map(String)).toEqual(['again']);
    expect(seen.every((msg) => msg[1]!.length > 0)).toBe(true);
  });
});

describe('probeRouter between engines', () => {
  const [zmtp, libzmq] = [engineList.find(([n]) => n === 'zmtp')![1], engineList.find(([n]) => n === 'libzmq')![1]];

  it('a zmtp DEALER probes a libzmq ROUTER, and a libzmq DEALER a zmtp ROUTER', async () => {
    expect(await dealerProbe(libzmq, zmtp)).toEqual(['', 'hello']);
    expect(await dealerProbe(zmtp, libzmq)).toEqual(['', 'hello']);
  });
});
