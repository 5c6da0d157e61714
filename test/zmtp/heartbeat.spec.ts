/**
 * ZMTP heartbeats in the zmtp engine (libzmq's heartbeatInterval,
 * heartbeatTimeout, heartbeatTimeToLive):
 *
 *   raw TCP client that never greets ---> zmtp ROUTER (handshakeInterval 100): dropped
 *   zmtp DEALER (heartbeats on) ---> a hand-made peer that handshakes, then stays silent: PINGs go out, the peer is dropped
 *   zmtp DEALER (heartbeats on) ---> libzmq ROUTER (answers PINGs): an idle connection stays up
 *   hand-made peer: one PING with a TTL, then silence ---> zmtp ROUTER (no heartbeats of its own): dropped after the TTL
 */
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { filter, firstValueFrom, from, map, take, timeout } from 'rxjs';
import { dealer, router, type SocketEvent } from '../../src';
import { encodeGreeting, encodePing, encodeReady, FrameParser, GREETING_SIZE } from '../../src/engine/zmtp/codec';
import { Closer, delay } from '../helpers';

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

/** Connects a hand-made DEALER to `endpoint`, handshakes, sends one PING with `ttl` deciseconds, then stays silent. */
async function pingOnce(endpoint: string, ttl: number): Promise<void> {
  const { port } = new URL(endpoint.replace('tcp://', 'http://'));
  const socket = netConnect(Number(port), '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(encodeGreeting({ mechanism: 'NULL', asServer: false }));
  socket.write(Buffer.concat(encodeReady({ 'Socket-Type': 'DEALER' })));
  socket.write(Buffer.concat(encodePing(ttl)));
}

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
