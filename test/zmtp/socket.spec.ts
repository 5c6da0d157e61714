/**
 * The zmtp engine's socket semantics, as libzmq has them, through rxzmq's
 * public sockets (peers on the libzmq engine, on the zmtp engine, or
 * hand-made ZMTP 3.0 peers over a bare net socket):
 *
 *   zmtp PUSH (no peer)      --hold-->  send() pending until a PULL connects
 *   libzmq|zmtp PUSH  --tcp|ipc-->  zmtp PULL (paused, tiny receive HWM): sender stalls
 *   zmtp REQ / ROUTER        EFSM, EHOSTUNREACH, generated routing ids
 *   ZMTP 3.0 SUB <--> zmtp PUB, zmtp SUB <--> ZMTP 3.0 PUB: subscription messages
 *   monitor events, endpoints, linger, unsupported transports and types
 */
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { filter, firstValueFrom, take, timeout, toArray } from 'rxjs';
import {
  dealer,
  libzmqEngine,
  pub,
  pull,
  push,
  rep,
  req,
  router,
  sub,
  xpub,
  xsub,
  type Engine,
  type SocketEvent,
} from '../../src';
import { encodeGreeting, encodeMessage, encodeReady, FrameParser, GREETING_SIZE } from '../../src/engine/zmtp/codec';
import { zmtpEngine } from '../../src/engine/zmtp';
import { Closer, delay, removeIpcDir, take$, transports, waitFor } from '../helpers';

const closer = new Closer();
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await closer.closeAll();
});
afterAll(removeIpcDir);

const tcpAndIpc = transports.filter(([name]) => name !== 'inproc');
const engine = zmtpEngine;

/** The next `n` events of `type` from a socket's monitor, within 5 s. */
function events(source: { events$: import('rxjs').Observable<SocketEvent> }, type: SocketEvent['type'], n = 1) {
  return firstValueFrom(
    source.events$.pipe(
      filter((event) => event.type === type),
      take(n),
      timeout(5000),
      toArray(),
    ),
  );
}

/** Whether `promise` settles within `ms` (answers as soon as it does). */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settled = promise.then(
    () => true,
    () => true,
  );
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}

describe.each(tcpAndIpc)('zmtp socket over %s', (_transport, endpoint) => {
  it('push - with no peer, send() is held, then delivered when a pull connects', async () => {
    const out = closer.add(push({ engine, bind: endpoint(), linger: 0 }));
    await out.ready;
    const sending = out.send('held');
    expect(await settlesWithin(sending, 100)).toBe(false);
    const inp = closer.add(pull({ engine: libzmqEngine, connect: out.bindings[0], linger: 0 }));
    expect(await take$(inp, 1)).toEqual([['held']]);
    await sending;
  });

  it('pub - never holds: with no subscriber, send() completes at once', async () => {
    const out = closer.add(pub({ engine, bind: endpoint(), linger: 0 }));
    await out.ready;
    for (let i = 0; i < 10; i++) await out.send(['t', String(i)]);
  });

  describe.each([
    ['libzmq', libzmqEngine],
    ['zmtp', zmtpEngine],
  ])('%s push', (_name, pushEngine: Engine) => {
    it('pull - paused with a tiny receiveHighWaterMark, the sender stalls; resumed, everything arrives', async () => {
      const inp = closer.add(pull({ engine, bind: endpoint(), linger: 0, receiveHighWaterMark: 2 }));
      await inp.ready;
      const out = closer.add(push({ engine: pushEngine, connect: inp.bindings[0], linger: 0, sendHighWaterMark: 2 }));
      const body = Buffer.alloc(64 * 1024, 7);
      // Nobody subscribes to `inp`, so it does not read: kernel buffers and the high-water marks fill up.
      let sent = 0;
      let stalled = false;
      while (sent < 2000) {
        if (!(await settlesWithin(out.send(body), sent === 0 ? 500 : 200))) {
          stalled = true;
          break;
        }
        sent++;
      }
      expect(stalled).toBe(true);
      // 64 KiB each: what the kernel's socket buffers hold on both sides (measured: 49-84 over tcp,
      // 7-8 over ipc), plus a few per high-water mark.
      expect(sent).toBeLessThan(300);
      const all = take$(inp, sent + 1, 10000);
      expect((await all).length).toBe(sent + 1);
    });
  });

  it('req - a second send before the reply fails with EFSM', async () => {
    const server = closer.add(rep({ engine: libzmqEngine, bind: endpoint(), linger: 0 }));
    await server.ready;
    const client = closer.add(req({ engine, connect: server.bindings[0], linger: 0 }));
    await client.send('first');
    await expect(client.send('second')).rejects.toMatchObject({ code: 'EFSM' });
  });

  it('router - an unknown routing id is dropped, or with mandatory fails with EHOSTUNREACH', async () => {
    const lax = closer.add(router({ engine, bind: endpoint(), linger: 0 }));
    const strict = closer.add(router({ engine, bind: endpoint(), linger: 0, mandatory: true }));
    await Promise.all([lax.ready, strict.ready]);
    await lax.send(['nobody', 'x']);
    await expect(strict.send(['nobody', 'x'])).rejects.toMatchObject({ code: 'EHOSTUNREACH' });
  });

  it('router - a peer without a routing id gets a generated 5-byte one (0, then 32 bits)', async () => {
    const server = closer.add(router({ engine, bind: endpoint(), linger: 0 }));
    await server.ready;
    const clients = [0, 1].map(() => closer.add(dealer({ engine: libzmqEngine, connect: server.bindings[0], linger: 0 })));
    const got = firstValueFrom(server.pipe(take(2), timeout(5000), toArray()));
    for (const [i, client] of clients.entries()) await client.send(`from ${i}`);
    const msgs = await got;
    const ids = msgs.map((m) => m[0]!);
    for (const id of ids) {
      expect(id.length).toBe(5);
      expect(id[0]).toBe(0);
    }
    expect(ids[0]!.equals(ids[1]!)).toBe(false);
    // Arrival order between the two dealers is not fixed: find client 1 by its message.
    const idOfClient1 = msgs.find((m) => m[1]!.toString() === 'from 1')![0]!;
    const reply = take$(clients[1]!, 1);
    await server.send([idOfClient1, 'back']);
    expect(await reply).toEqual([['back']]);
  });

  it('router - a second peer with a routing id in use is refused, or with handover takes the id over', async () => {
    for (const handover of [false, true]) {
      const server = closer.add(router({ engine, bind: endpoint(), linger: 0, handover }));
      await server.ready;
      // The first peer does not reconnect once handed over (it would take the id back).
      const first = closer.add(
        dealer({ engine: libzmqEngine, connect: server.bindings[0], routingId: 'same', linger: 0, reconnectInterval: -1 }),
      );
      const hello = take$(server, 1);
      await first.send('one');
      expect(await hello).toEqual([['same', 'one']]);
      let handshakes = 0;
      server.events$.subscribe((e) => (handshakes += e.type === 'handshakeSucceeded' ? 1 : 0));
      const second = closer.add(dealer({ engine: libzmqEngine, connect: server.bindings[0], routingId: 'same', linger: 0 }));
      const secondGot: string[] = [];
      const firstGot: string[] = [];
      second.subscribe(([m]) => secondGot.push(m!.toString()));
      first.subscribe(([m]) => firstGot.push(m!.toString()));
      await waitFor(() => handshakes >= 1, 5000, "the second peer's handshake");
      await waitFor(() => {
        void server.send(['same', 'ping']);
        return firstGot.length + secondGot.length > 0;
      });
      if (handover) {
        expect(secondGot[0]).toBe('ping');
        expect(firstGot).toEqual([]);
      } else {
        expect(firstGot[0]).toBe('ping');
        expect(secondGot).toEqual([]);
      }
    }
  });

  it('events - listening, accepted, handshakeSucceeded, disconnected; connectDelayed, connected; closed, monitorStopped', async () => {
    const server = closer.add(pull({ engine, linger: 0 }));
    const listening = events(server, 'listening');
    const bound = await server.bind(endpoint());
    expect(await listening).toEqual([{ type: 'listening', address: bound }]);
    const accepted = events(server, 'accepted');
    const serverHandshake = events(server, 'handshakeSucceeded');
    const client = push({ engine, linger: 0 });
    const delayed = events(client, 'connectDelayed');
    const connected = events(client, 'connected');
    const clientHandshake = events(client, 'handshakeSucceeded');
    client.connect(bound);
    expect(await delayed).toEqual([{ type: 'connectDelayed', address: bound }]);
    expect(await connected).toEqual([{ type: 'connected', address: bound }]);
    expect(await clientHandshake).toEqual([{ type: 'handshakeSucceeded', address: bound }]);
    expect(await accepted).toEqual([{ type: 'accepted', address: bound }]);
    expect(await serverHandshake).toEqual([{ type: 'handshakeSucceeded', address: bound }]);
    const disconnected = events(server, 'disconnected');
    const all: SocketEvent[] = [];
    server.events$.subscribe((event) => all.push(event));
    await client.close();
    expect(await disconnected).toEqual([{ type: 'disconnected', address: bound }]);
    await server.close();
    expect(all.slice(-2)).toEqual([{ type: 'closed', address: bound }, { type: 'monitorStopped' }]);
  });

  it('events - an incompatible peer fails the handshake (protocol), and the connector stops, as libzmq does', async () => {
    const server = closer.add(pull({ engine, bind: endpoint(), linger: 0 }));
    await server.ready;
    const failed = events(server, 'handshakeFailed');
    const client = closer.add(pub({ engine, linger: 0, reconnectInterval: 20 }));
    const seen: SocketEvent['type'][] = [];
    client.events$.subscribe((e) => seen.push(e.type));
    client.connect(server.bindings[0]!);
    const [event] = await failed;
    expect(event).toMatchObject({ type: 'handshakeFailed', reason: 'protocol', address: server.bindings[0] });
    await delay(200);
    expect(seen).toContain('handshakeFailed');
    expect(seen).not.toContain('connectRetried');
  });

  it('reconnect - after the peer closes the connection (its refusal included), the connector dials again', async () => {
    const server = closer.add(pull({ engine, bind: endpoint(), linger: 0 }));
    await server.ready;
    const client = closer.add(push({ engine, connect: server.bindings[0], linger: 0, reconnectInterval: 20 }));
    const got = take$(server, 1);
    await client.send('before');
    expect(await got).toEqual([['before']]);
    const retried = events(client, 'connectRetried');
    await server.unbind(server.bindings[0]!);
    await expect(retried).resolves.toHaveLength(1);
  });

  it('reconnect - failed attempts double the wait up to reconnectMaxInterval, each with a jitter below one interval', async () => {
    const target = endpoint();
    const client = closer.add(push({ engine, linger: 0, reconnectInterval: 10, reconnectMaxInterval: 40 }));
    const waits: number[] = [];
    client.events$.subscribe((e) => {
      if (e.type === 'connectRetried') waits.push(e.interval);
    });
    client.connect(target.replace(/:\*$/, ':1'));
    await waitFor(() => waits.length >= 5, 5000, 'five retries');
    const bases = [10, 20, 40, 40, 40];
    waits.slice(0, 5).forEach((wait, i) => {
      expect(wait).toBeGreaterThanOrEqual(bases[i]!);
      expect(wait).toBeLessThan(bases[i]! + 10);
    });
  });

  it('endpoints - bindings show resolved endpoints, connections the given ones; unbind and disconnect remove them', async () => {
    const server = closer.add(pull({ engine, linger: 0 }));
    const bound = await server.bind(endpoint());
    if (bound.startsWith('tcp://')) expect(bound).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(server.bindings).toEqual([bound]);
    const client = closer.add(push({ engine, linger: 0 }));
    client.connect(bound);
    expect(client.connections).toEqual([bound]);
    await client.send('x');
    client.disconnect(bound);
    expect(client.connections).toEqual([]);
    const closed = events(server, 'closed');
    await server.unbind(bound);
    expect(server.bindings).toEqual([]);
    expect(await closed).toEqual([{ type: 'closed', address: bound }]);
  });

  it('close - with linger, messages already handed over are flushed before the connection ends', async () => {
    const inp = closer.add(pull({ engine: libzmqEngine, bind: endpoint(), linger: 0 }));
    await inp.ready;
    const out = push({ engine, connect: inp.bindings[0], linger: 2000 });
    await out.send('first');
    const got = take$(inp, 200);
    for (let i = 1; i < 200; i++) out.next(`m${i}`);
    await out.close();
    const msgs = await got;
    expect(msgs.length).toBe(200);
    expect(msgs[199]).toEqual(['m199']);
  });
});

describe('zmtp socket', () => {
  it('tcp - binds IPv6 loopback and is reached there by libzmq (ipv6) and by host name', async () => {
    const inp = closer.add(pull({ engine, bind: 'tcp://[::1]:*', linger: 0 }));
    await inp.ready;
    expect(inp.bindings[0]).toMatch(/^tcp:\/\/\[::1\]:\d+$/);
    const fromLibzmq = closer.add(push({ engine: libzmqEngine, connect: inp.bindings[0], ipv6: true, linger: 0 }));
    const got = take$(inp, 1);
    await fromLibzmq.send('over ipv6');
    expect(await got).toEqual([['over ipv6']]);
    const v4 = closer.add(pull({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await v4.ready;
    const port = v4.bindings[0]!.split(':').pop();
    const byName = closer.add(push({ engine, connect: `tcp://localhost:${port}`, linger: 0 }));
    const named = take$(v4, 1);
    await byName.send('by name');
    expect(await named).toEqual([['by name']]);
  });

  it('push -> pull - an 8 MiB frame arrives byte for byte at libzmq', async () => {
    const inp = closer.add(pull({ engine: libzmqEngine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await inp.ready;
    const out = closer.add(push({ engine, connect: inp.bindings[0], linger: 0 }));
    const big = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    const got = firstValueFrom(inp.pipe(timeout(10000)));
    await out.send(['head', big]);
    const msg = await got;
    expect(msg[0]!.toString()).toBe('head');
    expect(msg[1]!.equals(big)).toBe(true);
  });

  it('unsupported - transports it lacks fail with EPROTONOSUPPORT naming the libzmq engine', async () => {
    const socket = closer.add(pull({ engine, linger: 0 }));
    await expect(socket.bind('pgm://eth0;239.192.1.1:5555')).rejects.toMatchObject({
      code: 'EPROTONOSUPPORT',
      message: expect.stringMatching(/libzmq/),
    });
    expect(() => socket.connect('ws://127.0.0.1:5555')).toThrow(/libzmq/);
    expect(() => socket.connect('inproc://')).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    expect(() => socket.connect('tcp://nonsense')).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });

  it('xpub/xsub - a zmtp XPUB hears a libzmq SUB subscribe and cancel; a zmtp XSUB subscribes at a libzmq XPUB', async () => {
    const feed = closer.add(xpub({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await feed.ready;
    const heard = firstValueFrom(feed.pipe(take(2), toArray()));
    const reader = closer.add(sub({ engine: libzmqEngine, connect: feed.bindings[0]!, topics: 't', linger: 0 }));
    setTimeout(() => reader.removeTopics('t'), 100);
    expect((await heard).map(([f]) => `${f![0]}${f!.subarray(1)}`)).toEqual(['1t', '0t']);

    const upstream = closer.add(xpub({ engine: libzmqEngine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await upstream.ready;
    const subscribed = firstValueFrom(upstream);
    const relay = closer.add(xsub({ engine, connect: upstream.bindings[0]!, topics: 'a', linger: 0 }));
    expect((await subscribed)[0]!.toString('latin1')).toBe('\x01a');
    const got = firstValueFrom(relay);
    upstream.next(['a', 'x']);
    expect((await got).map(String)).toEqual(['a', 'x']);
  });

  it('options - tcpKeepalive, tcpKeepaliveIdle, backlog, connectTimeout and ipv6 are taken, and messages flow', async () => {
    const tcp = { tcpKeepalive: 1, tcpKeepaliveIdle: 30, connectTimeout: 1000, ipv6: true, linger: 0 };
    const inp = closer.add(pull({ engine, bind: 'tcp://127.0.0.1:*', backlog: 10, ...tcp }));
    await inp.ready;
    const out = closer.add(push({ engine, connect: inp.bindings[0], ...tcp }));
    const got = take$(inp, 1);
    await out.send('kept alive');
    expect(await got).toEqual([['kept alive']]);
  });

  it('unsupported - an option the engine does not honour is refused, naming the libzmq engine', () => {
    expect(() => pull({ engine, linger: 0, receiveBufferSize: 65536 })).toThrow(
      expect.objectContaining({ code: 'ENOTSUP', message: expect.stringMatching(/'receiveBufferSize'.*libzmq/) }),
    );
    expect(() => pull({ engine, linger: 0, gssapiServer: true })).toThrow(/'gssapiServer'/);
    // CURVE is supported now: a server without its secret key is a mistake in the options.
    expect(() => pull({ engine, linger: 0, curveServer: true })).toThrow(/curveSecretKey/);
    expect(() => push({ engine, linger: 0, sendHighWaterMark: 5, reconnectInterval: 50 }).close()).not.toThrow();
  });

  describe('with a hand-made ZMTP 3.0 peer', () => {
    /** A bare ZMTP 3.0 peer of `type` over `socket`: it greets, sends READY, and collects what it reads. */
    function zmtp30(socket: Socket, type: string) {
      const received: Buffer[][] = [];
      const parser = new FrameParser({ onMessage: (frames) => received.push(frames.map((f) => Buffer.from(f))), onCommand: () => undefined });
      let greeting = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        if (greeting.length < GREETING_SIZE) {
          greeting = Buffer.concat([greeting, chunk]);
          if (greeting.length >= GREETING_SIZE) parser.push(greeting.subarray(GREETING_SIZE));
        } else parser.push(chunk);
      });
      socket.on('error', () => undefined);
      socket.write(encodeGreeting({ mechanism: 'NULL', asServer: false, minor: 0 }));
      for (const chunk of encodeReady({ 'Socket-Type': type })) socket.write(chunk);
      cleanups.push(() => socket.destroy());
      return {
        received,
        send: (frames: string[]) => {
          for (const chunk of encodeMessage(frames.map((f) => Buffer.from(f)))) socket.write(chunk);
        },
      };
    }

    it('pub - takes \\x01topic subscription messages from a 3.0 peer and filters by prefix', async () => {
      const publisher = closer.add(pub({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
      await publisher.ready;
      const port = Number(publisher.bindings[0]!.split(':').pop());
      const peer = zmtp30(netConnect(port, '127.0.0.1'), 'SUB');
      peer.send(['\x01news']);
      await waitFor(() => {
        publisher.next(['weather', 'rain']);
        publisher.next(['news', 'hello']);
        return peer.received.length > 0;
      });
      expect(peer.received.every((m) => m[0]!.toString() === 'news')).toBe(true);
    });

    it('sub - sends its topics to a 3.0 peer as \\x01topic messages, \\x00topic on unsubscribe', async () => {
      let peer!: ReturnType<typeof zmtp30>;
      const server: Server = createServer((socket) => (peer = zmtp30(socket, 'PUB')));
      cleanups.push(() => server.close());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      const subscriber = closer.add(sub({ engine, connect: `tcp://127.0.0.1:${port}`, linger: 0, topics: ['news'] }));
      await waitFor(() => peer?.received.length === 1);
      expect(peer.received[0]!.map(String)).toEqual(['\x01news']);
      const got = take$(subscriber, 1);
      peer.send(['weather', 'rain']);
      peer.send(['news', 'hello']);
      expect(await got).toEqual([['news', 'hello']]);
      subscriber.removeTopics('news');
      await waitFor(() => peer.received.length === 2);
      expect(peer.received[1]!.map(String)).toEqual(['\x00news']);
    });
  });
});

