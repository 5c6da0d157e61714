/**
 * PLAIN and CURVE between rxzmq's zmtp engine and pyzmq (Debian's
 * python3-zmq over its own libzmq 4.3.4 with libsodium), over tcp on
 * 127.0.0.1, either side the server:
 *
 * ```
 * zmtp server (authenticate)                            <---  pyzmq client
 * pyzmq server (ZAP: a REP on inproc://zeromq.zap.01)    <---  zmtp client
 * ```
 *
 * CURVE keys cross over: rxzmq's `curveKeyPair()` keys are used by pyzmq and
 * pyzmq's `zmq.curve_keypair()` keys by rxzmq. Accepted handshakes carry a
 * multipart message both ways byte for byte; refused ones carry nothing, and
 * each side's view of the refusal (rxzmq's `handshakeFailed`, libzmq's
 * monitor events) is checked. Without a handler both libzmq and rxzmq let
 * every CURVE client in and refuse every PLAIN client. Two Python processes
 * serve every test: one whose context has a ZAP handler, one without.
 *
 * Where libzmq 4.3.4 and rxzmq differ on the wire, each test says so: a
 * libzmq PLAIN client takes rxzmq's well-formed ERROR for an unexpected
 * command (libzmq's own PLAIN ERROR is misspelt `^RROR`); a libzmq PLAIN
 * server without ZAP sends no ERROR and sometimes leaves the connection open.
 */
import {
  curveKeyPair,
  pair,
  pub,
  pull,
  push,
  z85Decode,
  type Message,
  type Receiving,
  type Sending,
  type SocketBase,
  type SocketEvent,
  type ZapHandler,
  type ZapRequest,
} from '../../src';
import { Closer, delay, waitFor } from '../helpers';
import { stopPythonPeers } from './python';
import {
  build,
  describeWithPyzmq,
  gen,
  Pyzmq,
  shown,
  shownSpec,
  text,
  type FrameSpec,
  type PySocketSpec,
  type PyZapRequest,
} from './pyzmq';

/** A zmtp socket, with what its type may lack made optional. */
type Made = SocketBase & Partial<Receiving & Sending>;
type Factory = (options: object) => Made;
type Keys = { publicKey: string; secretKey: string };

const closer = new Closer();
const ENDPOINT = 'tcp://127.0.0.1:*';
/** The message of every accepted handshake: empty frames, frames around the short/long frame boundary, 64 KiB + 1. */
const PAYLOAD: FrameSpec[] = ['', gen(255, 1), gen(256, 2), gen(65537, 3), '', text('end')];

/** The peer whose context answers ZAP, and one whose context has no handler. */
let py: Pyzmq;
let bare: Pyzmq;
/** The pyzmq sockets the test opened, closed after it. */
const opened: [Pyzmq, string][] = [];

beforeAll(async () => {
  [py, bare] = await Promise.all([Pyzmq.start(), Pyzmq.start()]);
});
afterEach(async () => {
  await closer.closeAll();
  await Promise.all(opened.splice(0).map(([peer, id]) => peer.close(id)));
});
afterAll(() => stopPythonPeers());

/** Opens a pyzmq socket on `peer`, closed after the test. */
async function pyOpen(spec: PySocketSpec, peer = py): Promise<{ id: string; endpoint: string }> {
  const socket = await peer.open(spec);
  opened.push([peer, socket.id]);
  return socket;
}

/** A zmtp socket, the messages it received (as reported frames) and its events. */
interface ZSide {
  socket: Made;
  seen: string[][];
  events: SocketEvent[];
}

function zmtp(make: unknown, options: object): ZSide {
  const socket = closer.add((make as Factory)({ engine: 'zmtp', linger: 0, ...options }));
  const side: ZSide = { socket, seen: [], events: [] };
  socket.events$.subscribe((e) => side.events.push(e));
  socket.subscribe?.((msg: Message) => side.seen.push(msg.map(shown)));
  return side;
}

const failures = (side: ZSide, reason?: string): SocketEvent[] =>
  side.events.filter((e) => e.type === 'handshakeFailed' && (reason === undefined || e.reason === reason));
const sendAll = (side: ZSide, frames: FrameSpec[]): Promise<void> => side.socket.send!(frames.map(build));
/** Frames a failed handshake never let through: sent without waiting (the send stays queued until the close). */
const sendNever = (side: ZSide): void => void side.socket.send!([build(text('never'))]).catch(() => undefined);
const handshakeFailures = (peer: Pyzmq, id: string): string[] =>
  peer.monitor(id).filter((e) => e.name.startsWith('HANDSHAKE_FAILED')).map((e) => `${e.name} ${e.value}`);

/** `wait`, its failure message followed by `state()`. */
async function explained(wait: Promise<void>, state: () => string): Promise<void> {
  try {
    await wait;
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${state()}`);
  }
}

/**
 * A zmtp PAIR server and a pyzmq PAIR client: the client sends PAYLOAD, the
 * server sees it byte for byte and sends it back, and so does the client.
 */
async function zmtpServerBothWays(serverOptions: object, client: PySocketSpec): Promise<void> {
  const server = zmtp(pair, { bind: ENDPOINT, ...serverOptions });
  await server.socket.ready;
  const { id } = await pyOpen({ ...client, connect: server.socket.bindings[0]! });
  py.send(id, PAYLOAD);
  await waitFor(() => server.seen.length === 1, 10_000, 'the message at the zmtp server');
  expect(server.seen).toEqual([PAYLOAD.map(shownSpec)]);
  await sendAll(server, PAYLOAD);
  expect(await py.receivedCount(id, 1)).toEqual([PAYLOAD.map(shownSpec)]);
}

/** A pyzmq PAIR server (on `peer`) and a zmtp PAIR client: PAYLOAD both ways, client first. */
async function pyzmqServerBothWays(server: PySocketSpec, clientOptions: object, peer = py): Promise<void> {
  const { id, endpoint } = await pyOpen({ ...server, bind: ENDPOINT }, peer);
  const client = zmtp(pair, { connect: endpoint, ...clientOptions });
  await sendAll(client, PAYLOAD);
  expect(await peer.receivedCount(id, 1)).toEqual([PAYLOAD.map(shownSpec)]);
  peer.send(id, PAYLOAD);
  await waitFor(() => client.seen.length === 1, 10_000, 'the message at the zmtp client');
  expect(client.seen).toEqual([PAYLOAD.map(shownSpec)]);
}

/**
 * A pyzmq PULL server (on `peer`) that refuses zmtp PUSH clients: resolves
 * with the first client's events once it reported the failure; nothing
 * reached the server.
 */
async function refusedByPyzmq(server: PySocketSpec, clientOptions: object, peer = py) {
  const { id, endpoint } = await pyOpen({ ...server, bind: ENDPOINT, monitor: true }, peer);
  const client = zmtp(push, { connect: endpoint, reconnectInterval: 50, ...clientOptions });
  sendNever(client);
  await waitFor(() => failures(client).length > 0, 10_000, 'the zmtp client to report the refusal');
  await waitFor(() => handshakeFailures(peer, id).length > 0, 10_000, 'the pyzmq server to report the refusal');
  await peer.ping();
  expect(peer.received(id)).toEqual([]);
  return { client, serverFailures: handshakeFailures(peer, id) };
}

/**
 * A zmtp PUB server with `authenticate` and two pyzmq SUB clients: it
 * publishes until the allowed one has a message; the refused one gets none.
 * Resolves with the server and the refused client's libzmq monitor view.
 */
async function zapByZmtp(serverOptions: object, handler: ZapHandler, allowed: PySocketSpec, refused: PySocketSpec) {
  const server = zmtp(pub, { bind: ENDPOINT, authenticate: handler, ...serverOptions });
  await server.socket.ready;
  const connect = server.socket.bindings[0]!;
  const no = await pyOpen({ ...refused, type: 'SUB', subscribe: [''], connect, monitor: true });
  const yes = await pyOpen({ ...allowed, type: 'SUB', subscribe: [''], connect });
  const end = Date.now() + 10_000;
  while (py.received(yes.id).length === 0 && Date.now() < end) {
    await sendAll(server, [text('tick')]);
    await delay(20);
  }
  const state = () => `zmtp server: ${JSON.stringify(server.events)}\npyzmq: ${JSON.stringify(py.peer.lines.slice(-30))}`;
  await explained(waitFor(() => failures(server, 'auth').length > 0, 10_000, 'the zmtp server to refuse a client'), state);
  await explained(waitFor(() => handshakeFailures(py, no.id).length > 0, 10_000, 'the refused pyzmq client to report it'), state);
  await sendAll(server, [text('last')]);
  await explained(waitFor(() => py.received(yes.id).some(([frame]) => frame === text('last')), 10_000, 'the last message'), state);
  expect(py.received(yes.id).every(([frame]) => frame === text('tick') || frame === text('last'))).toBe(true);
  expect(py.received(no.id)).toEqual([]);
  return { server, refusedView: handshakeFailures(py, no.id) };
}

/**
 * A pyzmq PULL server (ZAP allows `allow`) and two zmtp PUSH clients: the
 * allowed one's message arrives; the refused one's does not, and it reports
 * an auth failure with the ZAP status code. Resolves with the distinct
 * requests ZAP answered (the refused client dials again after a refusal,
 * where libzmq 4.3.4 stops).
 */
async function zapByPyzmq(server: PySocketSpec, allow: string, allowedOptions: object, refusedOptions: object) {
  await py.zap([allow]);
  const before = py.zapRequests().length;
  const { id, endpoint } = await pyOpen({ ...server, bind: ENDPOINT });
  const refused = zmtp(push, { connect: endpoint, reconnectInterval: 50, ...refusedOptions });
  sendNever(refused);
  const allowed = zmtp(push, { connect: endpoint, ...allowedOptions });
  await sendAll(allowed, [text('good')]);
  expect(await py.receivedCount(id, 1)).toEqual([[text('good')]]);
  await waitFor(() => failures(refused, 'auth').length > 0, 10_000, 'the refused zmtp client to report it');
  await py.ping();
  expect(py.received(id)).toEqual([[text('good')]]);
  expect(failures(refused, 'auth')[0]).toMatchObject({ error: expect.objectContaining({ statusCode: '400' }) });
  const distinct = new Set(py.zapRequests().slice(before).map((r) => JSON.stringify(r)));
  return [...distinct].map((r) => JSON.parse(r) as PyZapRequest);
}

describeWithPyzmq('zmtp engine - pyzmq interop: CURVE', () => {
  const curveServer = (keys: Keys): PySocketSpec => ({
    type: 'PAIR',
    curve_server: 1,
    curve_secretkey: keys.secretKey,
    curve_publickey: keys.publicKey,
  });
  const curveClient = (keys: Keys, serverKey: string): PySocketSpec => ({
    type: 'PAIR',
    curve_serverkey: serverKey,
    curve_publickey: keys.publicKey,
    curve_secretkey: keys.secretKey,
  });
  const zServer = (keys: Keys) => ({ curveServer: true, curveSecretKey: keys.secretKey, curvePublicKey: keys.publicKey });
  const zClient = (keys: Keys, serverKey: string) => ({
    curveServerKey: serverKey,
    curvePublicKey: keys.publicKey,
    curveSecretKey: keys.secretKey,
  });

  it('zmtp server (pyzmq keys) <- pyzmq client (rxzmq keys) - multipart both ways; the handler sees the client key', async () => {
    const serverKeys = await py.keyPair();
    const clientKeys = curveKeyPair();
    const requests: ZapRequest[] = [];
    await zmtpServerBothWays(
      { ...zServer(serverKeys), zapDomain: 'curve-test', authenticate: (r: ZapRequest) => (requests.push(r), true) },
      curveClient(clientKeys, serverKeys.publicKey),
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      mechanism: 'CURVE',
      domain: 'curve-test',
      address: '127.0.0.1',
      credentials: { publicKey: z85Decode(clientKeys.publicKey) },
    });
  });

  it('pyzmq server (rxzmq keys) <- zmtp client (pyzmq keys) - multipart both ways; pyzmq ZAP sees the client key', async () => {
    const serverKeys = curveKeyPair();
    const clientKeys = await py.keyPair();
    await py.zap([clientKeys.publicKey]);
    await pyzmqServerBothWays({ ...curveServer(serverKeys), zap_domain: 'curve-test' }, zClient(clientKeys, serverKeys.publicKey));
    expect(py.zapRequests().slice(-1)).toEqual([
      { domain: 'curve-test', address: '127.0.0.1', mechanism: 'CURVE', credentials: [clientKeys.publicKey], status: '200' },
    ]);
  });

  it('pyzmq server without a ZAP handler <- zmtp client - let in (libzmq 4.3.4 needs no handler for CURVE)', async () => {
    const serverKeys = await bare.keyPair();
    await pyzmqServerBothWays(curveServer(serverKeys), zClient(curveKeyPair(), serverKeys.publicKey), bare);
  });

  it('zmtp server without a handler <- pyzmq client - let in, as libzmq 4.3 lets CURVE clients in without ZAP', async () => {
    const serverKeys = curveKeyPair();
    await zmtpServerBothWays(zServer(serverKeys), curveClient(await py.keyPair(), serverKeys.publicKey));
  });

  it('wrong server key, zmtp client -> pyzmq server - nothing passes; the client reports the handshake cut short', async () => {
    const serverKeys = curveKeyPair();
    const { client, serverFailures } = await refusedByPyzmq(
      { ...curveServer(serverKeys), type: 'PULL' },
      zClient(curveKeyPair(), curveKeyPair().publicKey),
      bare,
    );
    expect(failures(client, 'protocol')[0]).toMatchObject({ error: expect.objectContaining({ reason: 'handshake-closed' }) });
    // libzmq: ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC, the HELLO box did not open.
    expect(serverFailures[0]).toBe(`HANDSHAKE_FAILED_PROTOCOL ${0x11000001}`);
  });

  it('wrong server key, pyzmq client -> zmtp server - nothing passes; the server reports a box that does not open', async () => {
    const serverKeys = curveKeyPair();
    const server = zmtp(pull, { bind: ENDPOINT, ...zServer(serverKeys) });
    await server.socket.ready;
    const wrongKey = (await py.keyPair()).publicKey;
    const connect = server.socket.bindings[0]!;
    const { id } = await pyOpen({ ...curveClient(curveKeyPair(), wrongKey), type: 'PUSH', connect, monitor: true });
    py.send(id, [text('never')]);
    await waitFor(() => failures(server, 'protocol').length > 0, 10_000, 'the zmtp server to refuse the client');
    expect(failures(server, 'protocol')[0]).toMatchObject({ error: expect.objectContaining({ reason: 'bad-box' }) });
    // As a libzmq CURVE server does, the connection is closed without an ERROR: libzmq sees a disconnection and no handshake failure.
    await waitFor(() => py.monitor(id).some((e) => e.name === 'DISCONNECTED'), 10_000, 'pyzmq to see the connection closed');
    expect(handshakeFailures(py, id)).toEqual([]);
    expect(server.seen).toEqual([]);
  });

  it('ZAP: the zmtp server lets one pyzmq client in and refuses another; libzmq reads our ERROR as an auth failure', async () => {
    const serverKeys = curveKeyPair();
    const good = curveKeyPair();
    const bad = await py.keyPair();
    const requests: ZapRequest[] = [];
    const handler = (r: ZapRequest): boolean => {
      requests.push(r);
      return 'publicKey' in r.credentials && r.credentials.publicKey.equals(z85Decode(good.publicKey));
    };
    const client = (keys: Keys) => curveClient(keys, serverKeys.publicKey);
    const { refusedView } = await zapByZmtp(zServer(serverKeys), handler, client(good), client(bad));
    expect(requests.map((r) => (r.credentials as { publicKey: Buffer }).publicKey.toString('hex')).sort()).toEqual(
      [good, bad].map((k) => z85Decode(k.publicKey).toString('hex')).sort(),
    );
    expect(refusedView[0]).toBe('HANDSHAKE_FAILED_AUTH 400');
  });

  it('ZAP: the pyzmq server lets one zmtp client in and refuses another, which reports auth with status 400', async () => {
    const serverKeys = await py.keyPair();
    const good = curveKeyPair();
    const bad = curveKeyPair();
    const requests = await zapByPyzmq(
      { ...curveServer(serverKeys), type: 'PULL' },
      good.publicKey,
      zClient(good, serverKeys.publicKey),
      zClient(bad, serverKeys.publicKey),
    );
    expect(requests.map((r) => [r.credentials[0], r.status]).sort()).toEqual(
      [
        [good.publicKey, '200'],
        [bad.publicKey, '400'],
      ].sort(),
    );
  });
});

describeWithPyzmq('zmtp engine - pyzmq interop: PLAIN', () => {
  const plainClient = (user: string, password: string): PySocketSpec => ({ type: 'PAIR', plain_username: user, plain_password: password });

  it('zmtp server <- pyzmq client - multipart both ways; the handler sees the credentials', async () => {
    const requests: ZapRequest[] = [];
    const handler = (r: ZapRequest): boolean => (requests.push(r), true);
    await zmtpServerBothWays({ plainServer: true, authenticate: handler }, plainClient('admin', 'secret'));
    expect(requests.map((r) => [r.mechanism, r.address, r.credentials])).toEqual([
      ['PLAIN', '127.0.0.1', { username: 'admin', password: 'secret' }],
    ]);
  });

  it('pyzmq server <- zmtp client - multipart both ways; pyzmq ZAP sees the credentials', async () => {
    await py.zap(['admin:secret']);
    await pyzmqServerBothWays({ type: 'PAIR', plain_server: 1 }, { plainUsername: 'admin', plainPassword: 'secret' });
    expect(py.zapRequests().slice(-1)).toEqual([
      { domain: '', address: '127.0.0.1', mechanism: 'PLAIN', credentials: ['admin', 'secret'], status: '200' },
    ]);
  });

  /**
   * libzmq 4.3.4's PLAIN server cannot reach a ZAP handler: it reports
   * HANDSHAKE_FAILED_NO_DETAIL (EFAULT) and sends no ERROR. Whether it then
   * closes the connection varies from run to run (measured with zmtp
   * clients: 12 of 20 closed at once, 8 stayed ESTABLISHED and silent on
   * both ends), so the client's handshakeInterval ends the wait: either way
   * the zmtp client reports a protocol failure (the handshake cut short or
   * timed out), never 'auth'.
   */
  it('pyzmq server without a ZAP handler <- zmtp client - refused without an ERROR (libzmq 4.3.4 lets no PLAIN client in)', async () => {
    const { client, serverFailures } = await refusedByPyzmq(
      { type: 'PULL', plain_server: 1 },
      { plainUsername: 'admin', plainPassword: 'secret', handshakeInterval: 300 },
      bare,
    );
    const [failure] = failures(client);
    expect(failure).toMatchObject({ reason: 'protocol' });
    const why = failure?.type === 'handshakeFailed' && (failure.error as { reason?: string }).reason;
    expect(['handshake-closed', 'handshake-timeout']).toContain(why);
    expect(serverFailures[0]).toBe('HANDSHAKE_FAILED_NO_DETAIL 14');
  });

  it('zmtp server without a handler <- pyzmq client - refused with ERROR 500, a protocol error to libzmq 4.3', async () => {
    const server = zmtp(pull, { bind: ENDPOINT, plainServer: true });
    await server.socket.ready;
    const connect = server.socket.bindings[0]!;
    const { id } = await pyOpen({ ...plainClient('admin', 'secret'), type: 'PUSH', connect, monitor: true });
    py.send(id, [text('never')]);
    await waitFor(() => failures(server, 'auth').length > 0, 10_000, 'the zmtp server to refuse the client');
    await waitFor(() => handshakeFailures(py, id).length > 0, 10_000, 'the pyzmq client to report the refusal');
    expect(failures(server, 'auth')[0]).toMatchObject({ error: expect.objectContaining({ statusCode: '500' }) });
    expect(handshakeFailures(py, id)[0]).toBe(`HANDSHAKE_FAILED_PROTOCOL ${0x10000001}`); // ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND
    expect(server.seen).toEqual([]);
  });

  it('ZAP: the zmtp server lets one pyzmq client in and refuses another; libzmq 4.3 reads our ERROR as a protocol error', async () => {
    const requests: ZapRequest[] = [];
    const handler = (r: ZapRequest): boolean => {
      requests.push(r);
      return 'password' in r.credentials && r.credentials.password === 'secret';
    };
    const [good, bad] = [plainClient('admin', 'secret'), plainClient('admin', 'guess')];
    const { refusedView } = await zapByZmtp({ plainServer: true }, handler, good, bad);
    expect(requests.map((r) => (r.credentials as { password: string }).password).sort()).toEqual(['guess', 'secret']);
    // libzmq 4.3's PLAIN client knows only its own misspelt ERROR (see codec/parser.ts): ours is an unexpected command to it.
    expect(refusedView[0]).toBe(`HANDSHAKE_FAILED_PROTOCOL ${0x10000001}`); // ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND
  });

  it('ZAP: the pyzmq server lets one zmtp client in and refuses another, which reports auth with status 400', async () => {
    const requests = await zapByPyzmq(
      { type: 'PULL', plain_server: 1 },
      'admin:secret',
      { plainUsername: 'admin', plainPassword: 'secret' },
      { plainUsername: 'admin', plainPassword: 'guess' },
    );
    expect(requests.map((r) => [r.credentials.join(':'), r.status]).sort()).toEqual(
      [
        ['admin:secret', '200'],
        ['admin:guess', '400'],
      ].sort(),
    );
  });
});
