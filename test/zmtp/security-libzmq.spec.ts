/**
 * PLAIN and CURVE between the zmtp engine and libzmq (zeromq.js), either
 * side the server, over tcp on 127.0.0.1:
 *
 *   zmtp server (authenticate)      <---  libzmq client
 *   libzmq server (ZAP: a zeromq.js Router on inproc://zeromq.zap.01)  <---  zmtp client
 *
 * Keys come from zeromq.js's curveKeyPair() (libsodium) and from the
 * engine's own, so each side checks the other's crypto. Last, the
 * `authenticate` option on the libzmq engine itself (its ZAP Router).
 */
import * as zmq from 'zeromq';
import { firstValueFrom } from 'rxjs';
import { pair, pull, push, type Message, type SocketEvent } from '../../src';
import { curveKeyPair, type ZapHandler, type ZapRequest } from '../../src/engine/zmtp';
import { z85Decode } from '../../src/engine/zmtp/mechanisms';
import { Closer, delay, waitFor } from '../helpers';

const closer = new Closer();
afterEach(() => closer.closeAll());

const endpoint = 'tcp://127.0.0.1:*';
const auth = (handler: ZapHandler): object => ({ authenticate: handler });

function recordEvents(socket: { events$: { subscribe(f: (e: SocketEvent) => void): unknown } }): SocketEvent[] {
  const list: SocketEvent[] = [];
  socket.events$.subscribe((e) => list.push(e));
  return list;
}
const failures = (events: SocketEvent[], reason?: string) =>
  events.filter((e) => e.type === 'handshakeFailed' && (reason === undefined || e.reason === reason));

/**
 * libzmq's ZAP handler as libzmq finds it: a Router bound on
 * inproc://zeromq.zap.01 in zeromq.js's default context (the one the libzmq
 * engine's sockets use). It answers with `status` and records each
 * request's frames after the request id (domain, address, identity,
 * mechanism, credentials...).
 */
async function libzmqZap(status: '200' | '400') {
  const router = new zmq.Router({ linger: 0 });
  // The previous test's Router may hold the endpoint for a few ms after its close: bounded retries.
  for (let attempt = 1; ; attempt++) {
    try {
      await router.bind('inproc://zeromq.zap.01');
      break;
    } catch (err) {
      if (attempt >= 50) throw err;
      await delay(10);
    }
  }
  const requests: Buffer[][] = [];
  const loop = (async () => {
    try {
      for await (const [id, delimiter, version, requestId, ...rest] of router) {
        requests.push(rest);
        await router.send([id, delimiter, version, requestId, status, status === '200' ? 'OK' : 'No', 'user-1', '']);
      }
    } catch {
      // closed
    }
  })();
  return closer.add({
    requests,
    async close() {
      router.close();
      await loop;
    },
  });
}

const big = Buffer.alloc(70000, 5);
big[0] = 9;
big[69999] = 8;
const multipart = [Buffer.alloc(0), Buffer.from('middle'), big, Buffer.alloc(0)];
const sameFrames = (m: Message) => m.length === 4 && m.every((f, i) => f.equals(multipart[i]));

/**
 * A libzmq server as zeromq.js makes it, in zeromq.js's default context
 * where libzmqZap's Router is (the libzmq engine's own context is private
 * to it, so no ZAP handler could reach its sockets).
 */
async function libzmqServer<S extends zmq.Pair | zmq.Pull>(make: new (options: object) => S, options: object): Promise<S> {
  const socket = new make({ linger: 0, ...options });
  await socket.bind(endpoint);
  closer.add({ close: async () => socket.close() });
  return socket;
}

/** A zmtp PAIR server and a libzmq (rxzmq libzmq engine) client: the multipart message both ways. */
async function zmtpServerBothWays(serverOptions: object, clientOptions: object): Promise<void> {
  const server = closer.add(pair({ engine: 'zmtp', bind: endpoint, linger: 0, ...serverOptions }));
  await server.ready;
  const received = firstValueFrom(server);
  const client = closer.add(pair({ engine: 'libzmq', connect: server.bindings[0], linger: 0, ...clientOptions }));
  const atClient: Message[] = [];
  client.subscribe((m) => atClient.push(m));
  await client.send(multipart);
  expect(sameFrames(await received)).toBe(true);
  await server.send(multipart);
  await waitFor(() => atClient.length === 1, 5000, 'the reply');
  expect(sameFrames(atClient[0])).toBe(true);
}

/** A libzmq PAIR server (zeromq.js) and a zmtp client: the multipart message both ways. */
async function libzmqServerBothWays(serverOptions: object, clientOptions: object): Promise<void> {
  const server = await libzmqServer(zmq.Pair, serverOptions);
  const client = closer.add(pair({ engine: 'zmtp', connect: server.lastEndpoint!, linger: 0, ...clientOptions }));
  const atClient: Message[] = [];
  client.subscribe((m) => atClient.push(m));
  await client.send(multipart);
  expect(sameFrames(await receiveDespiteEagain(server))).toBe(true);
  await server.send(multipart);
  await waitFor(() => atClient.length === 1, 5000, 'the reply');
  expect(sameFrames(atClient[0])).toBe(true);
}

/**
 * zeromq.js's `receive()`, tried again (a bounded number of times) when it
 * rejects with EAGAIN although the socket has no receiveTimeout: zeromq.js
 * reads at once when libzmq's ZMQ_EVENTS says POLLIN, and on this CURVE
 * server with ZAP that read sometimes finds nothing (about one run of this
 * file in ten once the zmtp client sealed with libsodium, which changed the
 * timing; never seen in 30 runs before). The message comes on the next try.
 */
async function receiveDespiteEagain(socket: zmq.Pair, tries = 20): Promise<Buffer[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await socket.receive();
    } catch (err) {
      if ((err as { code?: string }).code !== 'EAGAIN' || attempt >= tries) throw err;
    }
  }
}

/** A PUSH client refused by a zmtp PULL server: nothing arrives; both sides' events once both reported it. */
async function refusedByZmtp(serverOptions: object, clientOptions: object, clientFailed: boolean) {
  const s = closer.add(pull({ engine: 'zmtp', bind: endpoint, linger: 0, ...serverOptions }));
  const serverEvents = recordEvents(s);
  await s.ready;
  const c = closer.add(push({ engine: 'libzmq', connect: s.bindings[0], linger: 0, reconnectInterval: 50, ...clientOptions }));
  const clientEvents = recordEvents(c);
  const received: Message[] = [];
  s.subscribe((m) => received.push(m));
  c.send('never').catch(() => undefined);
  await waitFor(() => failures(serverEvents).length > 0 && (!clientFailed || failures(clientEvents).length > 0));
  await delay(50);
  expect(received).toEqual([]);
  return { serverEvents, clientEvents };
}

/** A zmtp PUSH client refused by a libzmq PULL server: nothing arrives; the client's events once it reported it. */
async function refusedByLibzmq(serverOptions: object, clientOptions: object) {
  const s = await libzmqServer(zmq.Pull, { ...serverOptions, receiveTimeout: 100 });
  const c = closer.add(push({ engine: 'zmtp', connect: s.lastEndpoint!, linger: 0, reconnectInterval: 50, ...clientOptions }));
  const clientEvents = recordEvents(c);
  c.send('never').catch(() => undefined);
  await waitFor(() => failures(clientEvents).length > 0);
  await expect(s.receive()).rejects.toThrow();
  return { clientEvents };
}

describe('CURVE with libzmq', () => {
  const server = zmq.curveKeyPair();
  const client = zmq.curveKeyPair();
  const ours = curveKeyPair();
  const serverOptions = { curveServer: true, curveSecretKey: server.secretKey, curvePublicKey: server.publicKey };
  const clientOptions = (keys: { publicKey: string; secretKey: string }, serverKey = server.publicKey) => ({
    curveServerKey: serverKey,
    curvePublicKey: keys.publicKey,
    curveSecretKey: keys.secretKey,
  });

  it('zmtp server <- libzmq client - multipart both ways; the handler sees the libzmq client key', async () => {
    const requests: ZapRequest[] = [];
    await zmtpServerBothWays({ ...serverOptions, ...auth((r) => (requests.push(r), true)) }, clientOptions(client));
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ mechanism: 'CURVE', address: '127.0.0.1', credentials: { publicKey: z85Decode(client.publicKey) } });
  });

  it('libzmq server <- zmtp client - multipart both ways; libzmq ZAP sees our client key', async () => {
    const zap = await libzmqZap('200');
    await libzmqServerBothWays(serverOptions, clientOptions(ours));
    expect(zap.requests).toHaveLength(1);
    expect(zap.requests[0][3].toString()).toBe('CURVE');
    expect(zap.requests[0][4].equals(z85Decode(ours.publicKey))).toBe(true);
  });

  it('libzmq server without ZAP <- zmtp client - every client is let in', async () => {
    await libzmqServerBothWays(serverOptions, clientOptions(ours));
  });

  it('libzmq ZAP refuses the zmtp client - nothing passes; the client reports an auth failure with the status code', async () => {
    await libzmqZap('400');
    const { clientEvents } = await refusedByLibzmq(serverOptions, clientOptions(ours));
    expect(failures(clientEvents, 'auth')[0]).toMatchObject({ error: expect.objectContaining({ statusCode: '400' }) });
  });

  it('the zmtp handler refuses the libzmq client - nothing passes; libzmq reads our ERROR as an auth failure', async () => {
    const { serverEvents, clientEvents } = await refusedByZmtp({ ...serverOptions, ...auth(() => false) }, clientOptions(client), true);
    expect(failures(serverEvents, 'auth').length).toBeGreaterThan(0);
    expect(failures(clientEvents, 'auth').length).toBeGreaterThan(0);
  });

  it('wrong server key, zmtp client -> libzmq server - nothing passes; the client reports the handshake cut short', async () => {
    const { clientEvents } = await refusedByLibzmq(serverOptions, clientOptions(ours, zmq.curveKeyPair().publicKey));
    expect(failures(clientEvents, 'protocol')[0]).toMatchObject({ error: expect.objectContaining({ reason: 'handshake-closed' }) });
  });

  it('wrong server key, libzmq client -> zmtp server - nothing passes; the server reports a box that does not open', async () => {
    const { serverEvents } = await refusedByZmtp(serverOptions, clientOptions(client, zmq.curveKeyPair().publicKey), false);
    expect(failures(serverEvents, 'protocol')[0]).toMatchObject({ error: expect.objectContaining({ reason: 'bad-box' }) });
  });
});

describe('PLAIN with libzmq', () => {
  const clientOptions = { plainUsername: 'admin', plainPassword: 'secret' };

  it('zmtp server <- libzmq client - multipart both ways; the handler sees the credentials', async () => {
    const requests: ZapRequest[] = [];
    await zmtpServerBothWays({ plainServer: true, ...auth((r) => (requests.push(r), true)) }, clientOptions);
    expect(requests.map((r) => r.credentials)).toEqual([{ username: 'admin', password: 'secret' }]);
  });

  it('libzmq server <- zmtp client - multipart both ways; libzmq ZAP sees our credentials', async () => {
    const zap = await libzmqZap('200');
    await libzmqServerBothWays({ plainServer: true }, clientOptions);
    expect(zap.requests.map((r) => r.slice(3).map(String))).toEqual([['PLAIN', 'admin', 'secret']]);
  });

  it('libzmq ZAP refuses the zmtp client - the client reports an auth failure with the status code', async () => {
    await libzmqZap('400');
    const { clientEvents } = await refusedByLibzmq({ plainServer: true }, clientOptions);
    expect(failures(clientEvents, 'auth')[0]).toMatchObject({ error: expect.objectContaining({ statusCode: '400' }) });
  });

  it('the zmtp handler refuses the libzmq client - nothing passes; the server reports an auth failure', async () => {
    const { serverEvents, clientEvents } = await refusedByZmtp({ plainServer: true, ...auth(() => false) }, clientOptions, true);
    expect(failures(serverEvents, 'auth').length).toBeGreaterThan(0);
    // libzmq 4.3's PLAIN client only knows its own misspelt ERROR (see codec/parser.ts): our well-formed one is an unexpected command to it.
    expect(failures(clientEvents, 'protocol').length).toBeGreaterThan(0);
  });
});

describe('authenticate on the libzmq engine', () => {
  const server = zmq.curveKeyPair();
  const serverOptions = { curveServer: true, curveSecretKey: server.secretKey, curvePublicKey: server.publicKey };
  const clientOptions = (keys: { publicKey: string; secretKey: string }) => ({
    curveServerKey: server.publicKey,
    curvePublicKey: keys.publicKey,
    curveSecretKey: keys.secretKey,
  });

  it('CURVE - the handler (behind inproc://zeromq.zap.01) lets one zmtp client in and refuses another', async () => {
    const good = curveKeyPair();
    const bad = curveKeyPair();
    const requests: ZapRequest[] = [];
    const s = closer.add(
      pull({
        engine: 'libzmq',
        bind: endpoint,
        linger: 0,
        ...serverOptions,
        ...auth((r) => {
          requests.push(r);
          return 'publicKey' in r.credentials && r.credentials.publicKey.equals(z85Decode(good.publicKey)) ? { userId: 'good' } : false;
        }),
      }),
    );
    await s.ready;
    const received: string[] = [];
    s.subscribe((m) => received.push(m.map(String).join()));
    const refusedClient = closer.add(push({ engine: 'zmtp', connect: s.bindings[0], linger: 0, ...clientOptions(bad) }));
    const refusedEvents = recordEvents(refusedClient);
    refusedClient.send('bad').catch(() => undefined);
    const allowed = closer.add(push({ engine: 'zmtp', connect: s.bindings[0], linger: 0, ...clientOptions(good) }));
    await allowed.send('good');
    await waitFor(() => received.length === 1 && failures(refusedEvents, 'auth').length > 0);
    expect(received).toEqual(['good']);
    expect(requests.map((r) => r.mechanism)).toContain('CURVE');
    expect(requests[0].domain).toMatch(/^rxzmq-zap-/);
  });

  it('PLAIN - an async handler checks the password of a libzmq client; two sockets with handlers coexist', async () => {
    const a = closer.add(
      pair({
        engine: 'libzmq',
        bind: endpoint,
        linger: 0,
        plainServer: true,
        zapDomain: 'a',
        ...auth(async (r) => 'password' in r.credentials && r.credentials.password === 'pa'),
      }),
    );
    const b = closer.add(
      pair({ engine: 'libzmq', bind: endpoint, linger: 0, plainServer: true, zapDomain: 'b', ...auth(() => false) }),
    );
    await a.ready;
    await b.ready;
    expect(() => pair({ engine: 'libzmq', linger: 0, plainServer: true, zapDomain: 'a', ...auth(() => true) })).toThrow(/domain 'a'/);
    const toA = closer.add(pair({ engine: 'libzmq', connect: a.bindings[0], linger: 0, plainUsername: 'u', plainPassword: 'pa' }));
    const toB = closer.add(pair({ engine: 'zmtp', connect: b.bindings[0], linger: 0, plainUsername: 'u', plainPassword: 'pa' }));
    const toBEvents = recordEvents(toB);
    toB.send('no').catch(() => undefined);
    await toA.send('yes');
    expect((await firstValueFrom(a)).map(String)).toEqual(['yes']);
    await waitFor(() => failures(toBEvents, 'auth').length > 0);
  });

  it("authenticate - refused on a socket that is no PLAIN or CURVE server", () => {
    expect(() => pull({ engine: 'libzmq', linger: 0, ...auth(() => true) })).toThrow(/PLAIN or CURVE server/);
  });
});
