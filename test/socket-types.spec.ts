import { dealer, pair, pub, pull, push, rep, req, router, sub, xpub, xsub, type Message } from '../src';
import { Closer, engineList, removeIpcDir, take$, transports, waitFor } from './helpers';

/*
 * Every socket type exchanges messages with its partner types, over every
 * transport and engine:
 *
 *   bound socket  <--- tcp | ipc | inproc --->  connected socket
 */
const closer = new Closer();
afterEach(() => closer.closeAll());
afterAll(removeIpcDir);

describe.each(engineList)('engine %s', (name, engine) => {
  describe.each(transports)('%s', (_transport, endpoint) => {
    async function bound<S extends { ready: Promise<void>; bindings: readonly string[]; close(): Promise<void> }>(
      socket: S,
    ): Promise<[S, string]> {
      closer.add(socket);
      await socket.ready;
      return [socket, socket.bindings[0]];
    }

    it('push -> pull delivers in order', async () => {
      const [out, ep] = await bound(push({ engine, bind: endpoint(), linger: 0 }));
      const inp = closer.add(pull({ engine, connect: ep, linger: 0 }));
      const got = take$(inp, 3);
      for (const m of ['a', 'b', 'c']) out.next(m);
      expect(await got).toEqual([['a'], ['b'], ['c']]);
    });

    it('pub -> sub filters by topic', async () => {
      const [out, ep] = await bound(pub({ engine, bind: endpoint(), linger: 0 }));
      const inp = closer.add(sub({ engine, connect: ep, topics: ['news'], linger: 0 }));
      const seen: Message[] = [];
      inp.subscribe((m) => seen.push(m));
      // Slow joiner: publish until the subscription has reached the PUB (bounded by waitFor).
      await waitFor(() => {
        out.next(['weather', 'rain']);
        out.next(['news', 'hello']);
        return seen.length > 0;
      });
      expect(seen.every((m) => m[0].toString() === 'news')).toBe(true);
      expect(seen[0].map(String)).toEqual(['news', 'hello']);
    });

    it('xpub <- xsub sees the subscription and delivers', async () => {
      const [out, ep] = await bound(xpub({ engine, bind: endpoint(), linger: 0 }));
      const subscriptions = take$(out, 1);
      const inp = closer.add(xsub({ engine, connect: ep, topics: ['t'], linger: 0 }));
      expect(await subscriptions).toEqual([['\x01t']]);
      const got = take$(inp, 1);
      out.next(['t', 'x']);
      expect(await got).toEqual([['t', 'x']]);
    });

    it('req -> rep and back, twice', async () => {
      const [server, ep] = await bound(rep({ engine, bind: endpoint(), linger: 0 }));
      server.subscribe(([m]) => server.next(`re:${m}`));
      const client = closer.add(req({ engine, connect: ep, linger: 0 }));
      const replies: string[] = [];
      client.subscribe(([m]) => replies.push(m.toString()));
      await client.send('one');
      await waitFor(() => replies.length === 1, 5000, 'first reply');
      await client.send('two');
      await waitFor(() => replies.length === 2, 5000, 'second reply');
      expect(replies).toEqual(['re:one', 're:two']);
    });

    it('dealer -> router carries the routing id both ways', async () => {
      const [server, ep] = await bound(router({ engine, bind: endpoint(), linger: 0 }));
      const requests = take$(server, 1);
      server.subscribe(([id, ...body]) => server.next([id, 'echo', ...body]));
      const client = closer.add(dealer({ engine, connect: ep, routingId: 'client-7', linger: 0 }));
      const replies = take$(client, 1);
      client.next(['hello', 'world']);
      expect(await requests).toEqual([['client-7', 'hello', 'world']]);
      expect(await replies).toEqual([['echo', 'hello', 'world']]);
    });

    it('pair <-> pair talks both ways', async () => {
      const [left, ep] = await bound(pair({ engine, bind: endpoint(), linger: 0 }));
      const right = closer.add(pair({ engine, connect: ep, linger: 0 }));
      const toRight = take$(right, 1);
      const toLeft = take$(left, 1);
      // libzmq's PAIR over tcp may lose what is sent while its connection comes up: send until something arrives.
      let arrived = 0;
      void toRight.then(() => arrived++);
      void toLeft.then(() => arrived++);
      await waitFor(() => {
        if (arrived < 2) {
          left.next('ping');
          right.next('pong');
        }
        return arrived === 2;
      });
      expect(await toRight).toEqual([['ping']]);
      expect(await toLeft).toEqual([['pong']]);
    });

    it('multipart messages with empty and binary frames round-trip byte for byte', async () => {
      const [out, ep] = await bound(dealer({ engine, bind: endpoint(), linger: 0 }));
      const inp = closer.add(dealer({ engine, connect: ep, linger: 0 }));
      const frames = [
        Buffer.alloc(0),
        Buffer.from([0, 1, 2, 255]),
        Buffer.alloc(0),
        Buffer.alloc(255, 7),
        Buffer.alloc(256, 9),
        Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251)),
      ];
      const got = new Promise<Message>((resolve) => inp.subscribe(resolve));
      await out.send(frames.map((f) => Buffer.from(f)));
      const msg = await got;
      expect(msg).toHaveLength(frames.length);
      msg.forEach((frame, i) => expect(frame.equals(frames[i])).toBe(true));
    });
  });
});

/*
 *   REQ (connected) ---> REP (bound): each sends only in its turn
 */
describe.each(engineList)('REQ/REP lockstep (engine %s)', (_name, engine) => {
  it('req - a send before the reply fails with EFSM at once, and the next one after the reply goes', async () => {
    const server = closer.add(rep({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await server.ready;
    const client = closer.add(req({ engine, connect: server.bindings[0], linger: 0 }));
    const requests: string[] = [];
    server.subscribe(([m]) => requests.push(m!.toString()));
    await client.send('one');
    await expect(client.send('too soon')).rejects.toMatchObject({ code: 'EFSM' });
    const reply = take$(client, 1);
    await waitFor(() => requests.length === 1);
    await server.send('answer');
    expect(await reply).toEqual([['answer']]);
    await client.send('two');
    await waitFor(() => requests.length === 2);
    expect(requests).toEqual(['one', 'two']);
  });

  it('rep - a reply before any request, or a second reply, fails with EFSM at once', async () => {
    const server = closer.add(rep({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await server.ready;
    await expect(server.send('nobody asked')).rejects.toMatchObject({ code: 'EFSM' });
    const client = closer.add(req({ engine, connect: server.bindings[0], linger: 0 }));
    const request = take$(server, 1);
    await client.send('question');
    expect(await request).toEqual([['question']]);
    const reply = take$(client, 1);
    await server.send('answer');
    await expect(server.send('again')).rejects.toMatchObject({ code: 'EFSM' });
    expect(await reply).toEqual([['answer']]);
  });

  it('req - relaxed may send again before the reply', async () => {
    const server = closer.add(rep({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await server.ready;
    const client = closer.add(req({ engine, connect: server.bindings[0], relaxed: true, linger: 0 }));
    const requests = take$(server, 1);
    await client.send('first');
    await expect(client.send('second')).resolves.toBeUndefined();
    expect((await requests).length).toBe(1);
  });
});
