/**
 * rxzmq sockets on the zmtp engine against sockets on the libzmq engine
 * (zeromq.js), and against themselves, over tcp and ipc, with either side
 * bound:
 *
 *   A (zmtp | libzmq | zmtp)  <--- tcp | ipc --->  B (libzmq | zmtp | zmtp)
 *   bound: A, connected: B; then bound: B, connected: A
 *
 * A is PUSH, DEALER, REQ, PUB or PAIR; B is its partner (PULL, ROUTER, REP,
 * DEALER, SUB, PAIR), and ROUTER with ROUTER.
 */
import { createServer } from 'node:net';
import { filter, firstValueFrom, take, timeout, toArray } from 'rxjs';
import { dealer, libzmqEngine, pair, pub, pull, push, rep, req, router, sub, type Engine, type Message } from '../../src';
import { zmtpEngine } from '../../src/engine/zmtp';
import { Closer, delay, removeIpcDir, take$, transports, waitFor } from '../helpers';

const closer = new Closer();
afterEach(() => closer.closeAll());
afterAll(removeIpcDir);

const tcpAndIpc = transports.filter(([name]) => name !== 'inproc');

const pairs: [string, Engine, Engine][] = [
  ['zmtp - libzmq', zmtpEngine, libzmqEngine],
  ['libzmq - zmtp', libzmqEngine, zmtpEngine],
  ['zmtp - zmtp', zmtpEngine, zmtpEngine],
];

type Closable = { ready: Promise<void>; bindings: readonly string[]; close(): Promise<void> };
type Options = { engine: Engine; bind?: string; connect?: string; linger: number };

/** An endpoint nobody listens on yet: a tcp port the OS just gave and took back, or a fresh ipc path. */
async function unusedEndpoint(endpoint: string): Promise<string> {
  if (!endpoint.startsWith('tcp://')) return endpoint;
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `tcp://127.0.0.1:${port}`;
}

describe.each(tcpAndIpc)('%s', (_transport, endpoint) => {
  describe.each(pairs)('%s', (_pair, engineA, engineB) => {
    describe.each([
      ['A binds', true],
      ['B binds', false],
    ])('%s', (_binds, aBinds) => {
      /** A (made by `makeA`) and B (made by `makeB`): the bound one first, the other connected to it. */
      async function connected<A extends Closable, B extends Closable>(
        makeA: (options: Options) => A,
        makeB: (options: Options) => B,
      ): Promise<[A, B]> {
        if (aBinds) {
          const a = closer.add(makeA({ engine: engineA, bind: endpoint(), linger: 0 }));
          await a.ready;
          return [a, closer.add(makeB({ engine: engineB, connect: a.bindings[0], linger: 0 }))];
        }
        const b = closer.add(makeB({ engine: engineB, bind: endpoint(), linger: 0 }));
        await b.ready;
        return [closer.add(makeA({ engine: engineA, connect: b.bindings[0], linger: 0 })), b];
      }

      it('push -> pull - multipart frames of 0, 255, 256 and 65537 bytes arrive byte for byte', async () => {
        const [out, inp] = await connected(push, pull);
        const sizes = [0, 255, 256, 65537];
        const frames = sizes.map((size, i) => Buffer.alloc(size, i + 1).fill(size % 251, 0, Math.min(size, 7)));
        const received: Message[] = [];
        inp.subscribe((m) => received.push(m));
        await out.send(frames);
        await out.send(['second']);
        await waitFor(() => received.length === 2);
        expect(received[0]!.map((f) => f.length)).toEqual(sizes);
        // Buffer.equals: Jest's toEqual walks a 64 KiB Buffer byte by byte (half a second each).
        expect(received[0]!.map((f, i) => f.equals(frames[i]!))).toEqual([true, true, true, true]);
        expect(received[1]!.map(String)).toEqual(['second']);
      });

      it('dealer <-> router - the router sees the dealer routing id and its reply comes back', async () => {
        const [client, server] = await connected(
          (o) => dealer({ ...o, routingId: 'dealer-1' }),
          router,
        );
        const request = take$(server, 1);
        await client.send(['hello', 'there']);
        expect(await request).toEqual([['dealer-1', 'hello', 'there']]);
        const reply = take$(client, 1);
        await server.send(['dealer-1', 'world']);
        expect(await reply).toEqual([['world']]);
      });

      /** A multipart message with an empty frame and frames either side of the short/long size boundary. */
      const ladder = (): Buffer[] => [0, 255, 256, 65537].map((size, i) => Buffer.alloc(size, i + 7));
      const same = (got: Buffer[], want: Buffer[]): boolean => got.length === want.length && got.every((f, i) => f.equals(want[i]!));

      it('req -> router - the router gets id, delimiter and the frames; its reply reaches the req', async () => {
        const [client, server] = await connected((o) => req({ ...o, routingId: 'req-1' }), router);
        const frames = ladder();
        const request = firstValueFrom(server.pipe(timeout(5000)));
        await client.send(frames);
        const got = await request;
        expect(got[0]!.toString()).toBe('req-1');
        expect(got[1]!.length).toBe(0);
        expect(same(got.slice(2), frames)).toBe(true);
        const reply = firstValueFrom(client.pipe(timeout(5000)));
        await server.send([got[0]!, Buffer.alloc(0), ...frames]);
        expect(same(await reply, frames)).toBe(true);
      });

      it('dealer -> rep - with the empty delimiter the dealer adds, frames go and come back byte for byte', async () => {
        const [client, server] = await connected(dealer, rep);
        server.subscribe((m) => server.next(m));
        const frames = ladder();
        const reply = firstValueFrom(client.pipe(timeout(5000)));
        await client.send([Buffer.alloc(0), ...frames]);
        const got = await reply;
        expect(got[0]!.length).toBe(0);
        expect(same(got.slice(1), frames)).toBe(true);
      });

      it('dealer <-> dealer - frames both ways byte for byte', async () => {
        const [a, b] = await connected(dealer, dealer);
        const frames = ladder();
        const atB = firstValueFrom(b.pipe(timeout(5000)));
        await a.send(frames);
        expect(same(await atB, frames)).toBe(true);
        const atA = firstValueFrom(a.pipe(timeout(5000)));
        await b.send(frames);
        expect(same(await atA, frames)).toBe(true);
      });

      it('router <-> router - each addresses the other by its announced routing id', async () => {
        const [a, b] = await connected(
          (o) => router({ ...o, routingId: 'router-a', mandatory: true }),
          (o) => router({ ...o, routingId: 'router-b', mandatory: true }),
        );
        const frames = ladder();
        const atB = firstValueFrom(b.pipe(timeout(5000)));
        // Unroutable (EHOSTUNREACH) until the handshake has told A of B: send until one is taken.
        let taken = false;
        let trying = false;
        await waitFor(() => {
          if (!taken && !trying) {
            trying = true;
            a.send(['router-b', ...frames]).then(
              () => (taken = true),
              () => (trying = false),
            );
          }
          return taken;
        });
        const got = await atB;
        expect(got[0]!.toString()).toBe('router-a');
        expect(same(got.slice(1), frames)).toBe(true);
        const atA = firstValueFrom(a.pipe(timeout(5000)));
        await b.send(['router-a', 'back']);
        expect((await atA).map(String)).toEqual(['router-b', 'back']);
      });

      it('req -> rep - envelopes and alternation, twice', async () => {
        const [client, server] = await connected(req, rep);
        server.subscribe((m) => server.next(['re', ...m]));
        for (const question of ['one', 'two']) {
          const reply = take$(client, 1);
          await client.send([question, 'x']);
          expect(await reply).toEqual([['re', question, 'x']]);
        }
      });

      it('pub -> sub - subscribe, then unsubscribe', async () => {
        const [publisher, subscriber] = await connected(pub, sub);
        const seen: string[][] = [];
        subscriber.subscribe((m) => seen.push(m.map(String)));
        subscriber.addTopics('news');
        // Slow joiner: publish until the subscription has reached the PUB (bounded by waitFor).
        await waitFor(() => {
          publisher.next(['weather', 'rain']);
          publisher.next(['news', 'hello']);
          return seen.length > 0;
        });
        expect(seen.every(([topic]) => topic === 'news')).toBe(true);
        subscriber.removeTopics('news');
        subscriber.addTopics('sport');
        // The CANCEL and the SUBSCRIBE travel in order: once sport arrives, news has stopped.
        await waitFor(() => {
          publisher.next(['news', 'late']);
          publisher.next(['sport', 'goal']);
          return seen.some(([topic]) => topic === 'sport');
        });
        const from = seen.findIndex(([topic]) => topic === 'sport');
        for (let i = 0; i < 5; i++) {
          publisher.next(['news', 'late']);
          publisher.next(['sport', 'goal']);
        }
        await waitFor(() => seen.length >= from + 6);
        expect(seen.slice(from).every(([topic]) => topic === 'sport')).toBe(true);
      });

      it('pair <-> pair - both ways', async () => {
        const [a, b] = await connected(pair, pair);
        const atB = take$(b, 1);
        await a.send(['to b', '']);
        expect(await atB).toEqual([['to b', '']]);
        const atA = take$(a, 1);
        await b.send('to a');
        expect(await atA).toEqual([['to a']]);
      });
    });

    it('dealer - round robin over three routers (9 messages, 3 each in rotation)', async () => {
      const routers = [];
      for (let i = 0; i < 3; i++) {
        const r = closer.add(router({ engine: engineB, bind: endpoint(), linger: 0 }));
        await r.ready;
        routers.push(r);
      }
      const client = closer.add(dealer({ engine: engineA, linger: 0 }));
      const handshakes = firstValueFrom(
        client.events$.pipe(
          filter((event) => event.type === 'handshakeSucceeded'),
          take(3),
          timeout(5000),
          toArray(),
        ),
      );
      for (const r of routers) client.connect(r.bindings[0]!);
      await handshakes;
      const got = routers.map((r) => take$(r, 3));
      for (let i = 0; i < 9; i++) await client.send(`m${i}`);
      const perRouter = (await Promise.all(got)).map((msgs) => msgs.map((m) => Number(m[1]!.slice(1))));
      for (const numbers of perRouter) {
        expect(numbers).toHaveLength(3);
        expect(numbers[1]! - numbers[0]!).toBe(3);
        expect(numbers[2]! - numbers[1]!).toBe(3);
      }
      expect(perRouter.flat().sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    });
  });
});

describe.each(tcpAndIpc)('%s', (_transport, endpoint) => {
  describe.each([
    ['libzmq', libzmqEngine],
    ['zmtp', zmtpEngine],
  ])('zmtp push, %s pull', (_pull, pullEngine) => {
    // As libzmq: a connected endpoint takes messages before its connection is up (its session holds them), unless `immediate`.
    it.each([false, true])(
      'push connecting before the pull binds (immediate %s) - delivers once it binds (reconnect)',
      async (immediate) => {
        const target = await unusedEndpoint(endpoint());
        const out = closer.add(push({ engine: zmtpEngine, connect: target, linger: 0, reconnectInterval: 20, immediate }));
        let sent = false;
        const sending = out.send('early').then(() => (sent = true));
        await delay(100);
        expect(sent).toBe(!immediate);
        const inp = closer.add(pull({ engine: pullEngine, bind: target, linger: 0 }));
        await inp.ready;
        expect(await take$(inp, 1)).toEqual([['early']]);
        await sending;
      },
    );
  });
});
