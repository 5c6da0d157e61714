/**
 * ZMTP heartbeats in the zmtp engine (libzmq's heartbeatInterval,
 * heartbeatTimeout, heartbeatTimeToLive):
 *
 *   raw TCP client that never greets ---> zmtp ROUTER (handshakeInterval 100): dropped
 *   zmtp DEALER (heartbeats on) ---> a hand-made peer that handshakes, then stays silent: PINGs go out, the peer is dropped
 *   zmtp DEALER (heartbeats on) ---> libzmq ROUTER (answers PINGs): an idle connection stays up
 *   hand-made peer: one PING with a TTL, then silence ---> zmtp ROUTER (no heartbeats of its own): dropped after the TTL
 *   hand-made peer: a PING with a TTL every 100 ms, then silence ---> zmtp ROUTER: up while it PINGs, dropped a TTL after
 *   DEALER (both engines, timeout shorter than the interval) ---> libzmq ROUTER (answers PINGs): stays up
 *   DEALER (both engines, heartbeatTimeout 0 or unset) ---> the silent peer: PINGed first; dropped a timeout after a PING, or never
 *   DEALER (CURVE, heartbeats) <---> ROUTER (CURVE), zmtp with libzmq either way: sealed PINGs answered, the idle connection stays up
 */
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { filter, firstValueFrom, from, map, take, timeout } from 'rxjs';
import { curveKeyPair, dealer, router, type SocketEvent } from '../../src';
import { encodeGreeting, encodePing, encodeReady, FrameParser, GREETING_SIZE } from '../../src/engine/zmtp/codec';
import { Closer, delay, waitFor } from '../helpers';

const closer = new Closer();
const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  await closer.closeAll();
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((r) => server.close(r))));
});

/** A peer that completes the handshake as a ROUTER, counts the PINGs it gets, and never answers. */
async function silentRouter(): Promise<{ endpoint: string; pings: () => number }> {
  let pings = 0;
  const server = createServer((socket) => {
    sockets.push(socket);
    let greeted = false;
    let pending = Buffer.alloc(0);
    const parser = new FrameParser({ onMessage: () => undefined, onCommand: (name) => name === 'PING' && pings++ });
    socket.write(encodeGreeting({ mechanism: 'NULL', asServer: false }));
    socket.on('data', (chunk: Buffer) => {
      if (!greeted) {
        pending = Buffer.concat([pending, chunk]);
        if (pending.length < GREETING_SIZE) return;
        greeted = true;
        socket.write(Buffer.concat(encodeReady({ 'Socket-Type': 'ROUTER' })));
        chunk = pending.subarray(GREETING_SIZE);
      }
      if (chunk.length > 0) parser.push(chunk);
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { endpoint: `tcp://127.0.0.1:${(server.address() as { port: number }).port}`, pings: () => pings };
}

/** Connects a hand-made DEALER to `endpoint` and handshakes; returns how to send it a PING with a TTL in deciseconds. */
async function handMadeDealer(endpoint: string): Promise<(ttl: number) => void> {
  const { port } = new URL(endpoint.replace('tcp://', 'http://'));
  const socket = netConnect(Number(port), '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(encodeGreeting({ mechanism: 'NULL', asServer: false }));
  socket.write(Buffer.concat(encodeReady({ 'Socket-Type': 'DEALER' })));
  return (ttl) => socket.write(Buffer.concat(encodePing(ttl)));
}

/** Connects a hand-made DEALER to `endpoint`, handshakes, sends one PING with `ttl` deciseconds, then stays silent. */
async function pingOnce(endpoint: string, ttl: number): Promise<void> {
  (await handMadeDealer(endpoint))(ttl);
}

/** The events of `socket`, each with the ms since this call. */
function timeline(socket: { events$: import('rxjs').Observable<SocketEvent> }): { type: SocketEvent['type']; at: number }[] {
  const start = performance.now();
  const events: { type: SocketEvent['type']; at: number }[] = [];
  socket.events$.subscribe((e) => events.push({ type: e.type, at: performance.now() - start }));
  return events;
}

const firstAt = (events: { type: string; at: number }[], type: string): number | undefined => events.find((e) => e.type === type)?.at;

describe('zmtp engine heartbeats and handshake timeout', () => {
  it.each([
    [2, true],
    [0, false],
  ])("heartbeat - a peer's PING with TTL %i ds, then silence: dropped after the TTL (%s), as libzmq honours it", async (ttl, dropped) => {
    const server = closer.add(router({ engine: 'zmtp', bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await server.ready;
    const seen: SocketEvent['type'][] = [];
    server.events$.subscribe((e) => seen.push(e.type));
    await pingOnce(server.bindings[0]!, ttl);
    await delay(600);
    expect(seen).toContain('handshakeSucceeded');
    expect(seen.includes('disconnected')).toBe(dropped);
  });


  // zmtp only: a libzmq ROUTER once (in about twenty runs) dropped this hand-made peer while it was still PINGing.
  it.each(['zmtp'] as const)(
    "heartbeat - a peer that PINGs with a TTL stays up while it PINGs, and is dropped a TTL after its last PING (%s)",
    async (engine) => {
      const server = closer.add(router({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
      await server.ready;
      const start = performance.now();
      const events = timeline(server); // times from `start`
      const ping = await handMadeDealer(server.bindings[0]!);
      let lastPing = 0;
      for (let i = 0; i < 8; i++) {
        ping(5); // 500 ms of silence allowed, five times the period
        lastPing = performance.now() - start;
        await delay(100);
      }
      expect(firstAt(events, 'disconnected')).toBeUndefined();
      await delay(1200);
      const dropped = firstAt(events, 'disconnected');
      expect(dropped).toBeDefined();
      expect(dropped! - lastPing).toBeGreaterThanOrEqual(450);
    },
  );

  it.each(['zmtp', 'libzmq'] as const)(
    'heartbeat - an idle peer that answers PINGs stays up with a timeout shorter than the interval (%s)',
    async (engine) => {
      const server = closer.add(router({ engine: 'libzmq', bind: 'tcp://127.0.0.1:*', linger: 0 }));
      await server.ready;
      const client = closer.add(dealer({ engine, heartbeatInterval: 200, heartbeatTimeout: 100, linger: 0 }));
      // The monitor first: libzmq to libzmq can finish a handshake before a later monitor would see it.
      const events = timeline(client);
      client.connect(server.bindings[0]!);
      await client.send('hello');
      await firstValueFrom(server.pipe(timeout(2000)));
      await delay(750); // idle for three intervals
      expect(events.map((e) => e.type)).toContain('handshakeSucceeded');
      expect(events.map((e) => e.type)).not.toContain('disconnected');
    },
  );

  it.each([
    ['zmtp', undefined],
    ['libzmq', undefined],
    ['zmtp', 0],
    ['libzmq', 0],
  ] as const)('heartbeat - a silent peer is PINGed, then dropped a timeout after the PING (%s, heartbeatTimeout %s; 0: never)', async (engine, heartbeatTimeout) => {
    const peer = await silentRouter();
    const client = closer.add(dealer({ engine, connect: peer.endpoint, heartbeatInterval: 50, heartbeatTimeout, linger: 0 }));
    const events = timeline(client);
    await delay(500);
    const up = firstAt(events, 'handshakeSucceeded')!;
    const down = firstAt(events, 'disconnected');
    if (heartbeatTimeout === 0) {
      expect(down).toBeUndefined();
      expect(peer.pings()).toBeGreaterThanOrEqual(4);
    } else {
      // unset: the timeout is the interval, counted from the first PING (at 50 ms)
      expect(down! - up).toBeGreaterThanOrEqual(90);
      expect(peer.pings()).toBeGreaterThanOrEqual(1);
    }
  });

  it.each([
    ['zmtp', 'libzmq'],
    ['libzmq', 'zmtp'],
] as const)('heartbeat - under CURVE the PINGs travel sealed and are answered: a %s DEALER and a %s ROUTER stay connected while idle', async (client, server) => {
    const serverKeys = curveKeyPair();
    const clientKeys = curveKeyPair();
    const echo = closer.add(
      router({ engine: server, bind: 'tcp://127.0.0.1:*', curveServer: true, curveSecretKey: serverKeys.secretKey, linger: 0 }),
    );
    await echo.ready;
    echo.subscribe(([id, body]) => echo.next([id!, body!]));
    const caller = closer.add(
      dealer({
        engine: client,
        curveServerKey: serverKeys.publicKey,
        curvePublicKey: clientKeys.publicKey,
        curveSecretKey: clientKeys.secretKey,
        heartbeatInterval: 50,
        heartbeatTimeout: 200,
        linger: 0,
      }),
    );
    const events = timeline(caller);
    caller.connect(echo.bindings[0]!);
    const replies: string[] = [];
    caller.subscribe(([body]) => replies.push(body!.toString()));
    await caller.send('before');
    await waitFor(() => replies.length === 1);
    await delay(600); // idle for twelve intervals
    await caller.send('after');
    await waitFor(() => replies.length === 2);
    expect(replies).toEqual(['before', 'after']);
    expect(events.map((e) => e.type)).toContain('handshakeSucceeded');
    expect(events.map((e) => e.type)).not.toContain('disconnected');
  });

  it('handshake - a peer that connects and never greets is dropped after handshakeInterval', async () => {
    const server = closer.add(router({ engine: 'zmtp', bind: 'tcp://127.0.0.1:*', handshakeInterval: 100, linger: 0 }));
    await server.ready;
    const { port } = new URL(server.bindings[0]!.replace('tcp://', 'http://'));
    const mute = netConnect(Number(port), '127.0.0.1');
    sockets.push(mute);
    mute.on('error', () => undefined);
    mute.on('data', () => undefined); // the server's greeting: read and ignored
    const ended = new Promise<void>((resolve) => mute.once('close', () => resolve()));
    await firstValueFrom(from(ended).pipe(timeout(3000)));
    expect(mute.destroyed).toBe(true);
  });

  it('heartbeat - PINGs a silent peer and drops it after heartbeatTimeout', async () => {
    const peer = await silentRouter();
    const client = closer.add(
      dealer({ engine: 'zmtp', connect: peer.endpoint, heartbeatInterval: 30, heartbeatTimeout: 150, linger: 0 }),
    );
    const types = (type: SocketEvent['type']) =>
      firstValueFrom(client.events$.pipe(filter((e) => e.type === type), map(() => performance.now()), take(1), timeout(3000)));
    const connected = types('handshakeSucceeded');
    const disconnected = types('disconnected');
    const up = await connected;
    const down = await disconnected;
    expect(peer.pings()).toBeGreaterThanOrEqual(2);
    expect(down - up).toBeGreaterThanOrEqual(120);
  });

  it('heartbeat - a libzmq peer answers the PINGs, so an idle connection stays up', async () => {
    const server = closer.add(router({ engine: 'libzmq', bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await server.ready;
    const client = closer.add(
      dealer({ engine: 'zmtp', connect: server.bindings[0]!, heartbeatInterval: 20, heartbeatTimeout: 100, linger: 0 }),
    );
    const events: string[] = [];
    client.events$.subscribe((e) => events.push(e.type));
    await client.send('hello');
    await firstValueFrom(server.pipe(timeout(2000)));
    await delay(400); // idle for four timeouts
    expect(events).not.toContain('disconnected');
    const reply = firstValueFrom(client.pipe(timeout(2000)));
    await client.send('still there?');
    const [id] = await firstValueFrom(server.pipe(timeout(2000)));
    await server.send([id!, 'yes']);
    expect((await reply)[0]!.toString()).toBe('yes');
  });
});
