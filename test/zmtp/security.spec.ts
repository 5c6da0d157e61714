/**
 * PLAIN and CURVE between zmtp sockets, over tcp on 127.0.0.1, and hostile
 * peers against a CURVE server:
 *
 *   client (PAIR | PUSH, plainUsername | curveServerKey)  --->  server (PAIR | PULL, plainServer | curveServer, authenticate)
 *   raw ZMTP connection (tampered, replayed, out-of-order, garbage)  --->  the same server, another client alongside
 */
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { pair, pull, push, type Message, type SocketEvent } from '../../src';
import { curveKeyPair, type ZapHandler, type ZapRequest } from '../../src/engine/zmtp';
import { encodeCommand, encodeGreeting } from '../../src/engine/zmtp/codec';
import { ZmtpConnection } from '../../src/engine/zmtp/connection';
import { z85Decode, type MessageCipher } from '../../src/engine/zmtp/mechanisms';
import { readSecurity } from '../../src/engine/zmtp/security-options';
import { Closer, delay, waitFor } from '../helpers';

const closer = new Closer();
afterEach(() => closer.closeAll());

const engine = 'zmtp';
const endpoint = 'tcp://127.0.0.1:*';
const serverKeys = curveKeyPair();
const clientKeys = curveKeyPair();
const curveServer = { curveServer: true, curveSecretKey: serverKeys.secretKey, curvePublicKey: serverKeys.publicKey };
const curveClient = (serverKey = serverKeys.publicKey, keys = clientKeys) => ({
  curveServerKey: serverKey,
  curvePublicKey: keys.publicKey,
  curveSecretKey: keys.secretKey,
});
/** The `authenticate` option (rxzmq's own; the socket option types are zeromq.js's). */
const auth = (handler: ZapHandler): object => ({ authenticate: handler });

/** Every event of `socket` from now on. */
function recordEvents(socket: { events$: { subscribe(f: (e: SocketEvent) => void): unknown } }): SocketEvent[] {
  const list: SocketEvent[] = [];
  socket.events$.subscribe((e) => list.push(e));
  return list;
}

const failures = (events: SocketEvent[], reason: string) =>
  events.filter((e) => e.type === 'handshakeFailed' && e.reason === reason);

/** Messages, empty frames and a 70000 B frame among them. */
const big = Buffer.alloc(70000, 3);
big[0] = 1;
big[69999] = 2;
const multipart = [Buffer.from('head'), Buffer.alloc(0), big, Buffer.alloc(0)];
const sameFrames = (m: Message) => m.length === 4 && m.every((f, i) => f.equals(multipart[i]));

/** A PAIR server and client; each sends the multipart message to the other. */
async function bothWays(serverOptions: object, clientOptions: object): Promise<void> {
  const server = closer.add(pair({ engine, bind: endpoint, linger: 0, ...serverOptions }));
  await server.ready;
  const client = closer.add(pair({ engine, connect: server.bindings[0], linger: 0, ...clientOptions }));
  const atServer: Message[] = [];
  const atClient: Message[] = [];
  server.subscribe((m) => atServer.push(m));
  client.subscribe((m) => atClient.push(m));
  await client.send(multipart);
  await server.send(multipart);
  await waitFor(() => atServer.length === 1 && atClient.length === 1, 5000, 'both messages');
  expect(sameFrames(atServer[0])).toBe(true);
  expect(sameFrames(atClient[0])).toBe(true);
}

/** A PUSH client refused by a PULL server: both report a failed handshake of `reason`, nothing arrives. */
async function refused(serverOptions: object, clientOptions: object, reason: 'auth' | 'protocol') {
  const server = closer.add(pull({ engine, bind: endpoint, linger: 0, ...serverOptions }));
  const serverEvents = recordEvents(server);
  await server.ready;
  const client = closer.add(push({ engine, connect: server.bindings[0], linger: 0, reconnectInterval: 50, ...clientOptions }));
  const clientEvents = recordEvents(client);
  const received: Message[] = [];
  server.subscribe((m) => received.push(m));
  client.send('never').catch(() => undefined);
  await waitFor(() => failures(serverEvents, reason).length > 0 && clientEvents.some((e) => e.type === 'handshakeFailed'));
  await delay(50);
  expect(received).toEqual([]);
  expect(serverEvents.some((e) => e.type === 'handshakeSucceeded')).toBe(false);
  return { serverEvents, clientEvents };
}

describe('PLAIN', () => {
  it('PLAIN - a client the handler lets in talks both ways; the handler saw who it is', async () => {
    const requests: ZapRequest[] = [];
    await bothWays(
      { plainServer: true, zapDomain: 'global', ...auth((r) => (requests.push(r), true)) },
      { plainUsername: 'alice', plainPassword: 'wonderland' },
    );
    expect(requests).toEqual([
      {
        domain: 'global',
        address: '127.0.0.1',
        identity: Buffer.alloc(0),
        mechanism: 'PLAIN',
        credentials: { username: 'alice', password: 'wonderland' },
      },
    ]);
  });

  it('PLAIN - a refused client gets nothing through; both sides report an auth failure', async () => {
    const { clientEvents } = await refused(
      { plainServer: true, ...auth(({ credentials }) => 'password' in credentials && credentials.password === 'right') },
      { plainUsername: 'alice', plainPassword: 'wrong' },
      'auth',
    );
    expect(failures(clientEvents, 'auth')[0]).toMatchObject({ error: expect.objectContaining({ message: expect.stringMatching(/400/) }) });
  });

  it('PLAIN - a client refused with an ERROR does not dial again (as a libzmq client does not)', async () => {
    let asked = 0;
    const { clientEvents } = await refused(
      { plainServer: true, ...auth(() => (asked++, false)) },
      { plainUsername: 'alice', plainPassword: 'x' },
      'auth',
    );
    await delay(300); // six reconnect intervals of the client
    expect(asked).toBe(1);
    expect(clientEvents.some((e) => e.type === 'connectRetried')).toBe(false);
  });

  it('PLAIN - a server without a handler refuses everyone (as libzmq 4.3 does)', async () => {
    await refused({ plainServer: true }, { plainUsername: 'alice', plainPassword: 'x' }, 'auth');
  });
});

describe('CURVE', () => {
  it('CURVE - an async handler lets the client in by its public key; messages go both ways', async () => {
    const keys: string[] = [];
    await bothWays(
      {
        ...curveServer,
        ...auth(async (r) => {
          if ('publicKey' in r.credentials) keys.push(r.credentials.publicKey.toString('hex'));
          return { userId: 'client-1' };
        }),
      },
      curveClient(),
    );
    expect(keys).toEqual([z85Decode(clientKeys.publicKey).toString('hex')]);
  });

  it('CURVE - a server without a handler lets every client in (as libzmq does)', async () => {
    await bothWays(curveServer, curveClient());
  });

  it('CURVE - with the wrong server key no message passes and both sides report the failed handshake', async () => {
    const { serverEvents } = await refused(curveServer, curveClient(curveKeyPair().publicKey), 'protocol');
    expect(failures(serverEvents, 'protocol')[0]).toMatchObject({ error: expect.objectContaining({ reason: 'bad-box' }) });
  });

  it('CURVE - a handler that throws refuses that client (status 500) and the socket serves the next one', async () => {
    const other = curveKeyPair();
    const otherKey = z85Decode(other.publicKey);
    const server = closer.add(
      pull({
        engine,
        bind: endpoint,
        linger: 0,
        ...curveServer,
        ...auth((r) => {
          if ('publicKey' in r.credentials && r.credentials.publicKey.equals(otherKey)) return true;
          throw new Error('handler bug');
        }),
      }),
    );
    const serverEvents = recordEvents(server);
    await server.ready;
    const bad = closer.add(push({ engine, connect: server.bindings[0], linger: 0, ...curveClient() }));
    const badEvents = recordEvents(bad);
    const good = closer.add(push({ engine, connect: server.bindings[0], linger: 0, ...curveClient(serverKeys.publicKey, other) }));
    const received: string[] = [];
    server.subscribe((m) => received.push(m.map(String).join()));
    bad.send('bad').catch(() => undefined);
    await good.send('good');
    await waitFor(() => received.length === 1 && failures(badEvents, 'auth').length > 0);
    expect(received).toEqual(['good']);
    expect(failures(serverEvents, 'auth')[0]).toMatchObject({ error: expect.objectContaining({ statusCode: '500' }) });
    expect(failures(badEvents, 'auth')[0]).toMatchObject({ error: expect.objectContaining({ message: expect.stringMatching(/500/) }) });
  });

  it('mechanism mismatch - a CURVE client and a PLAIN server close with a protocol error naming both', async () => {
    const { serverEvents } = await refused({ plainServer: true, ...auth(() => true) }, curveClient(), 'protocol');
    expect(failures(serverEvents, 'protocol')[0]).toMatchObject({
      error: expect.objectContaining({ reason: 'mechanism-mismatch', message: expect.stringMatching(/CURVE.*PLAIN/) }),
    });
  });
});

describe('CURVE under attack', () => {
  type Attack =
    | { kind: 'tamper'; at: number; bit: number }
    | { kind: 'replay' }
    | { kind: 'reorder' }
    | { kind: 'garbage'; bytes: Uint8Array }
    | { kind: 'handshake'; name: string; data: Uint8Array };

  const attack: fc.Arbitrary<Attack> = fc.oneof(
    fc.record({ kind: fc.constant('tamper' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.constant({ kind: 'replay' as const }),
    fc.constant({ kind: 'reorder' as const }),
    fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 80 }) }),
    fc.record({
      kind: fc.constant('handshake' as const),
      name: fc.oneof(fc.constantFrom('HELLO', 'INITIATE', 'READY', 'MESSAGE', 'WELCOME'), fc.stringMatching(/^[A-Za-z]{1,8}$/)),
      data: fc.oneof(fc.uint8Array({ maxLength: 260 }), fc.uint8Array({ minLength: 194, maxLength: 194 })),
    }),
  );

  /** A raw TCP connection to `port`, resolved once connected. */
  function dial(port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  /** A CURVE client connection made by hand, once its handshake is done, with its cipher to seal frames with. */
  async function handshaken(port: number, received: string[]) {
    const socket = await dial(port);
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const connection = new ZmtpConnection(socket, {
      socketType: 'push',
      security: readSecurity(curveClient()),
      onReady: () => ready(),
      onMessage: () => undefined,
      onClose: () => undefined,
    });
    await isReady;
    const cipher = (connection as unknown as { cipher: MessageCipher }).cipher;
    const seal = (text: string) => Buffer.concat(cipher.encodeMessage([Buffer.from(text)]));
    // A first message, sealed by hand, proves the channel works before the attack.
    const first = seal('first');
    socket.write(first);
    await waitFor(() => received.includes('first'), 5000, 'the first message');
    return { socket, connection, seal, first };
  }

  it('tampered, replayed, reordered or garbage frames and garbage handshakes close that connection with an event; the socket serves others', async () => {
    const server = closer.add(pull({ engine, bind: endpoint, linger: 0, ...curveServer }));
    const events = recordEvents(server);
    await server.ready;
    const port = Number(new URL(server.bindings[0]).port);
    const received: string[] = [];
    server.subscribe((m) => received.push(m.map(String).join()));
    const bystander = closer.add(push({ engine, connect: server.bindings[0], linger: 0, ...curveClient() }));
    await bystander.send('hello');
    await waitFor(() => received.includes('hello'));
    let round = 0;

    await fc.assert(
      fc.asyncProperty(attack, async (a) => {
        received.length = 0;
        const ended = events.filter((e) => e.type === 'disconnected').length;
        let socket: Socket;
        if (a.kind === 'handshake') {
          socket = await dial(port);
          socket.on('error', () => undefined);
          socket.resume(); // read, so the server's FIN is seen
          socket.write(Buffer.concat([encodeGreeting({ mechanism: 'CURVE', asServer: false }), ...encodeCommand(a.name, Buffer.from(a.data))]));
        } else {
          const h = await handshaken(port, received);
          received.length = 0;
          socket = h.socket;
          socket.on('error', () => undefined);
          if (a.kind === 'replay') socket.write(h.first);
          else if (a.kind === 'reorder') {
            const second = h.seal('second');
            socket.write(h.seal('third'));
            socket.write(second);
          } else if (a.kind === 'tamper') {
            const bytes = h.seal('tampered');
            bytes[10 + (a.at % (bytes.length - 10))] ^= 1 << a.bit;
            socket.write(bytes);
          } else socket.write(Buffer.concat([Buffer.from([0, a.bytes.length]), a.bytes]));
        }
        try {
          await waitFor(() => socket.destroyed, 5000, 'the server to close the connection');
        } finally {
          socket.destroy();
        }
        await waitFor(() => events.filter((e) => e.type === 'disconnected').length > ended, 5000, 'the disconnected event');
        expect(received.filter((m) => m === 'tampered' || m === 'second' || m === 'first')).toEqual([]);
        // The other client still gets through.
        const text = `still here ${++round}`;
        await bystander.send(text);
        await waitFor(() => received.includes(text), 5000, 'the bystander message');
      }),
      { numRuns: 25 },
    );
    expect(events.filter((e) => e.type === 'handshakeFailed').length).toBeGreaterThan(0);
  });
});
