/**
 * rxzmq's zmtp engine against pyzmq (Debian's python3-zmq over its own
 * libzmq 4.3.4, through /usr/bin/python3), over tcp and ipc, either side
 * bound:
 *
 * ```
 * zmtp socket  <--- tcp | ipc --->  pyzmq socket (pyzmq_peer.py, one process for most cases)
 * ```
 *
 * Every compatible pair of socket types exchanges a multipart message with
 * empty frames and frames of 255 B, 256 B, 65537 B and 8 MiB, compared byte
 * for byte (large frames through SHA-256); then subscriptions, round robin,
 * envelopes and routing ids, heartbeats both ways, and reconnection to a
 * new Python process on the same endpoint.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, take, timeout, toArray } from 'rxjs';
import {
  dealer,
  pair,
  pub,
  pull,
  push,
  rep,
  req,
  router,
  sub,
  xpub,
  xsub,
  type Message,
  type Receiving,
  type Sending,
  type SocketBase,
  type SocketEvent,
  type SocketType,
  type Topics,
} from '../../src';
import { Closer, delay, waitFor } from '../helpers';
import { stopPythonPeers } from './python';
import { build, describeWithPyzmq, gen, Pyzmq, shown, shownSpec, text, type FrameSpec, type PySocketSpec, type Shown } from './pyzmq';

/** A zmtp socket of any type, with what its type may lack made optional. */
type Made = SocketBase & Partial<Receiving & Sending & Topics>;
type Options = { engine: 'zmtp'; bind?: string; connect?: string | string[]; linger: number } & Record<string, unknown>;
type PyType = PySocketSpec['type'];

const factories: Record<SocketType, (options: Options) => Made> = {
  pair,
  pub,
  sub,
  xpub,
  xsub,
  req,
  rep,
  dealer,
  router,
  push,
  pull,
} as unknown as Record<SocketType, (options: Options) => Made>;

const closer = new Closer();
let py: Pyzmq;
let ipcDir: string;
let counter = 0;

/** Where each side binds, per transport. */
const transports: [string, (side: 'z' | 'p') => string][] = [
  ['tcp', () => 'tcp://127.0.0.1:*'],
  ['ipc', (side) => `ipc://${join(ipcDir, `${side}${++counter}.sock`)}`],
];
const directions: [string, boolean][] = [
  ['zmtp binds', true],
  ['pyzmq binds', false],
];

/** The message every pair exchanges: empty frames, frames around the short/long frame boundary, 64 KiB + 1, 8 MiB. */
const PAYLOAD: FrameSpec[] = ['', gen(255, 1), gen(256, 2), gen(65537, 3), gen(8 << 20, 4), '', text('end')];
const Z_ID = text('zmtp-peer');
const PY_ID = text('pyzmq-peer');
const shownAll = (specs: FrameSpec[]): Shown[] => specs.map(shownSpec);

/** A zmtp socket, the messages it received (as reported frames), and its monitor events. */
interface ZSide {
  socket: Made;
  seen: Shown[][];
  events: SocketEvent['type'][];
}

function zmtp(type: SocketType, options: Partial<Options>, echo = false): ZSide {
  const socket = closer.add(factories[type]({ engine: 'zmtp', linger: 0, ...options }));
  const side: ZSide = { socket, seen: [], events: [] };
  socket.events$.subscribe((e) => side.events.push(e.type));
  socket.subscribe?.((msg: Message) => {
    side.seen.push(msg.map(shown));
    if (echo) void socket.send!(msg);
  });
  return side;
}

const handshakes = (side: ZSide): number => side.events.filter((t) => t === 'handshakeSucceeded').length;

/**
 * A zmtp socket and a pyzmq socket, the bound one first, connected; resolves
 * once the zmtp side has shaken hands.
 */
async function connected(
  endpoint: (side: 'z' | 'p') => string,
  zmtpBinds: boolean,
  z: { type: SocketType; options?: Partial<Options>; echo?: boolean },
  p: Omit<PySocketSpec, 'bind' | 'connect'>,
): Promise<{ side: ZSide; id: string }> {
  let side: ZSide;
  let id: string;
  if (zmtpBinds) {
    side = zmtp(z.type, { ...z.options, bind: endpoint('z') }, z.echo);
    await side.socket.ready;
    ({ id } = await py.open({ ...p, connect: side.socket.bindings[0]! }));
  } else {
    const opened = await py.open({ ...p, bind: endpoint('p') });
    id = opened.id;
    side = zmtp(z.type, { ...z.options, connect: opened.endpoint }, z.echo);
  }
  await waitFor(() => handshakes(side) > 0, 10_000, 'the zmtp handshake');
  return { side, id };
}

beforeAll(async () => {
  ipcDir = mkdtempSync(join(tmpdir(), 'rxzmq-pyzmq-'));
  py = await Pyzmq.start();
});
afterEach(() => closer.closeAll());
afterAll(async () => {
  await stopPythonPeers();
  rmSync(ipcDir, { recursive: true, force: true });
});

/**
 * One exchange: the initiator sends, the responder sees `atResponder` and
 * (when `reply` is given) echoes it, and the initiator gets `reply`.
 */
interface Exchange {
  name: string;
  z: SocketType;
  py: PyType;
  initiator: 'zmtp' | 'pyzmq';
  sends: FrameSpec[];
  atResponder: FrameSpec[];
  reply?: FrameSpec[];
}

const P = PAYLOAD;
const exchanges: Exchange[] = [
  { name: 'PAIR <-> PAIR', z: 'pair', py: 'PAIR', initiator: 'zmtp', sends: P, atResponder: P, reply: P },
  { name: 'PUSH -> PULL', z: 'push', py: 'PULL', initiator: 'zmtp', sends: P, atResponder: P },
  { name: 'PULL <- PUSH', z: 'pull', py: 'PUSH', initiator: 'pyzmq', sends: P, atResponder: P },
  { name: 'REQ -> REP', z: 'req', py: 'REP', initiator: 'zmtp', sends: P, atResponder: P, reply: P },
  { name: 'REP <- REQ', z: 'rep', py: 'REQ', initiator: 'pyzmq', sends: P, atResponder: P, reply: P },
  { name: 'REQ -> ROUTER', z: 'req', py: 'ROUTER', initiator: 'zmtp', sends: P, atResponder: [Z_ID, '', ...P], reply: P },
  { name: 'ROUTER <- REQ', z: 'router', py: 'REQ', initiator: 'pyzmq', sends: P, atResponder: [PY_ID, '', ...P], reply: P },
  { name: 'DEALER -> REP', z: 'dealer', py: 'REP', initiator: 'zmtp', sends: ['', ...P], atResponder: P, reply: ['', ...P] },
  { name: 'REP <- DEALER', z: 'rep', py: 'DEALER', initiator: 'pyzmq', sends: ['', ...P], atResponder: P, reply: ['', ...P] },
  { name: 'DEALER -> ROUTER', z: 'dealer', py: 'ROUTER', initiator: 'zmtp', sends: P, atResponder: [Z_ID, ...P], reply: P },
  { name: 'ROUTER <- DEALER', z: 'router', py: 'DEALER', initiator: 'pyzmq', sends: P, atResponder: [PY_ID, ...P], reply: P },
  { name: 'DEALER -> DEALER', z: 'dealer', py: 'DEALER', initiator: 'zmtp', sends: P, atResponder: P, reply: P },
  { name: 'DEALER <- DEALER', z: 'dealer', py: 'DEALER', initiator: 'pyzmq', sends: P, atResponder: P, reply: P },
  // The zmtp ROUTER starts: it has the pyzmq ROUTER's id once the handshake is done.
  {
    name: 'ROUTER -> ROUTER',
    z: 'router',
    py: 'ROUTER',
    initiator: 'zmtp',
    sends: [PY_ID, ...P],
    atResponder: [Z_ID, ...P],
    reply: [PY_ID, ...P],
  },
];

/** REQ, DEALER and ROUTER announce a routing id (Z_ID or PY_ID), so a ROUTER's envelope is known in advance. */
const announces = (type: string): boolean => ['req', 'dealer', 'router'].includes(type.toLowerCase());

describeWithPyzmq('zmtp engine - pyzmq interop', () => {
  describe.each(transports)('%s', (_transport, endpoint) => {
    describe.each(directions)('%s', (_direction, zmtpBinds) => {
      it.each(exchanges.map((e) => [e.name, e] as const))('%s - multipart, empty and large frames, byte for byte', async (_name, e) => {
        const zFirst = e.initiator === 'zmtp';
        const { side, id } = await connected(
          endpoint,
          zmtpBinds,
          {
            type: e.z,
            options: announces(e.z) ? { routingId: build(Z_ID) } : {},
            echo: !zFirst && e.reply !== undefined,
          },
          {
            type: e.py,
            ...(announces(e.py) ? { routing_id: PY_ID } : {}),
            echo: zFirst && e.reply !== undefined,
          },
        );
        if (zFirst) await side.socket.send!(e.sends.map(build));
        else py.send(id, e.sends);
        const atResponder = zFirst ? (await py.receivedCount(id, 1))[0] : (await waitFor(() => side.seen.length > 0, 10_000), side.seen[0]);
        expect(atResponder).toEqual(shownAll(e.atResponder));
        if (e.reply) {
          const back = zFirst ? (await waitFor(() => side.seen.length > 0, 10_000), side.seen[0]) : (await py.receivedCount(id, 1))[0];
          expect(back).toEqual(shownAll(e.reply));
        }
        await py.close(id);
      });
    });
  });
});

/** One side of a pub-sub pair, whichever engine it runs on. */
interface End {
  send(frames: FrameSpec[]): void;
  /** Messages received so far, as reported frames. */
  seen(): Shown[][];
  /** SUB: the topic filter; XSUB: a subscription message. */
  topic(topic: FrameSpec, on: boolean): void;
}

function zEnd(side: ZSide): End {
  return {
    send: (frames) => side.socket.next!(frames.map(build)),
    seen: () => side.seen,
    topic: (topic, on) => (on ? side.socket.addTopics!(build(topic)) : side.socket.removeTopics!(build(topic))),
  };
}

function pyEnd(id: string, type: PyType): End {
  return {
    send: (frames) => py.send(id, frames),
    seen: () => py.received(id),
    topic: (topic, on) => (type === 'XSUB' ? py.send(id, [(on ? '01' : '00') + topic]) : py.subscribe(id, topic, on)),
  };
}

/** A pub-sub pairing; `publisher` says which side publishes. */
interface PubSub {
  name: string;
  z: SocketType;
  py: PyType;
  publisher: 'zmtp' | 'pyzmq';
}

const pubsubs: PubSub[] = [
  { name: 'PUB -> SUB', z: 'pub', py: 'SUB', publisher: 'zmtp' },
  { name: 'SUB <- PUB', z: 'sub', py: 'PUB', publisher: 'pyzmq' },
  { name: 'XPUB -> SUB', z: 'xpub', py: 'SUB', publisher: 'zmtp' },
  { name: 'SUB <- XPUB', z: 'sub', py: 'XPUB', publisher: 'pyzmq' },
  { name: 'PUB -> XSUB', z: 'pub', py: 'XSUB', publisher: 'zmtp' },
  { name: 'XSUB <- PUB', z: 'xsub', py: 'PUB', publisher: 'pyzmq' },
];

const A = text('a');
const C = text('c');
const PROBE = text('probe');
const firstIs = (topic: FrameSpec, rest?: FrameSpec) => (m: Shown[]) =>
  m[0] === topic && (rest === undefined || m[1] === rest);

/** Publishes `probe` on `topic` until the subscriber has one (the slow joiner), at most 10 s. */
async function publishUntilSeen(publisher: End, subscriber: End, topic: FrameSpec): Promise<void> {
  await waitFor(
    () => {
      publisher.send([topic, PROBE]);
      return subscriber.seen().some(firstIs(topic, PROBE));
    },
    10_000,
    `a message on ${topic}`,
  );
}

describeWithPyzmq('zmtp engine - pyzmq interop: subscriptions', () => {
  describe.each(transports)('%s', (_transport, endpoint) => {
    describe.each(directions)('%s', (_direction, zmtpBinds) => {
      it.each(pubsubs.map((c) => [c.name, c] as const))(
        '%s - only subscribed topics arrive, large frames intact; after unsubscribing they stop',
        async (_name, c) => {
          const { side, id } = await connected(endpoint, zmtpBinds, { type: c.z }, { type: c.py });
          const [publisher, subscriber] =
            c.publisher === 'zmtp' ? [zEnd(side), pyEnd(id, c.py)] : [pyEnd(id, c.py), zEnd(side)];
          /** What an XPUB publisher has seen of the subscriptions: 01 or 00, then the topic. */
          const subscriptions = (): Shown[] =>
            c.z === 'xpub' || c.py === 'XPUB' ? publisher.seen().map((m) => m[0]!) : [];

          subscriber.topic(A, true);
          await publishUntilSeen(publisher, subscriber, A);
          publisher.send([text('b'), text('not subscribed')]);
          publisher.send([A, ...PAYLOAD]);
          await waitFor(() => subscriber.seen().some((m) => m.length === PAYLOAD.length + 1), 10_000, 'the payload');
          expect(subscriber.seen().find((m) => m.length === PAYLOAD.length + 1)).toEqual(shownAll([A, ...PAYLOAD]));
          expect(subscriber.seen().every(firstIs(A))).toBe(true);

          subscriber.topic(A, false);
          subscriber.topic(C, true);
          // The unsubscription travels before the new subscription: once c arrives, a has stopped.
          await publishUntilSeen(publisher, subscriber, C);
          const from = subscriber.seen().length;
          publisher.send([A, text('after')]);
          publisher.send([C, text('end')]);
          await waitFor(() => subscriber.seen().some(firstIs(C, text('end'))), 10_000, 'the last message');
          expect(subscriber.seen().slice(from).every(firstIs(C))).toBe(true);
          if (c.z === 'xpub' || c.py === 'XPUB') {
            expect(subscriptions()).toEqual([`01${A}`, `00${A}`, `01${C}`]);
          }
          await py.close(id);
        },
      );
    });
  });
});

/** The numbers of `m<i>` messages (their last frame) a socket got. */
const numbers = (messages: Shown[][]): number[] =>
  messages.map((m) => Number(Buffer.from(m[m.length - 1]!, 'hex').toString().slice(1)));

describeWithPyzmq('zmtp engine - pyzmq interop: round robin', () => {
  describe.each(transports)('%s', (_transport, endpoint) => {
    describe.each(directions)('%s', (_direction, zmtpBinds) => {
      it.each([
        ['PUSH', 'push', 'PULL'],
        ['DEALER', 'dealer', 'DEALER'],
      ] as const)('%s - 30 messages over three pyzmq peers: 10 each, in rotation', async (_name, zType, pyType) => {
        const ids: string[] = [];
        let side: ZSide;
        if (zmtpBinds) {
          side = zmtp(zType, { bind: endpoint('z') });
          await side.socket.ready;
          for (let i = 0; i < 3; i++) ids.push((await py.open({ type: pyType, connect: side.socket.bindings[0]! })).id);
        } else {
          const endpoints: string[] = [];
          for (let i = 0; i < 3; i++) {
            const opened = await py.open({ type: pyType, bind: endpoint('p') });
            ids.push(opened.id);
            endpoints.push(opened.endpoint);
          }
          side = zmtp(zType, { connect: endpoints });
        }
        await waitFor(() => handshakes(side) === 3, 10_000, 'three handshakes');
        for (let i = 0; i < 30; i++) await side.socket.send!([text(`m${i}`)].map(build));
        await waitFor(() => ids.reduce((n, id) => n + py.received(id).length, 0) === 30, 10_000, '30 messages');
        const perPeer = ids.map((id) => numbers(py.received(id)));
        for (const got of perPeer) {
          expect(got).toHaveLength(10);
          expect(got.slice(1).map((n, i) => n - got[i]!)).toEqual(Array(9).fill(3));
        }
        expect(perPeer.flat().sort((x, y) => x - y)).toEqual([...Array(30).keys()]);
        await Promise.all(ids.map((id) => py.close(id)));
      });
    });
  });
});

describeWithPyzmq('zmtp engine - pyzmq interop: heartbeats and reconnection', () => {
  describe.each(directions)('%s', (_direction, zmtpBinds) => {
    const tcp = transports[0]![1];

    it('pyzmq PINGs an idle connection (HEARTBEAT_IVL 50 ms, TIMEOUT 200 ms): zmtp answers, it stays up for 1 s', async () => {
      const { side, id } = await connected(
        tcp,
        zmtpBinds,
        { type: 'router' },
        { type: 'DEALER', routing_id: PY_ID, heartbeat_ivl: 50, heartbeat_timeout: 200, reconnect_ivl: 20 },
      );
      py.send(id, [text('one')]);
      await waitFor(() => side.seen.length === 1, 10_000, 'the first message');
      await delay(1000); // five heartbeat timeouts of silence
      py.send(id, [text('two')]);
      await waitFor(() => side.seen.length === 2, 10_000, 'the second message');
      expect(side.events).not.toContain('disconnected');
      expect(handshakes(side)).toBe(1);
      expect(side.seen).toEqual([shownAll([PY_ID, text('one')]), shownAll([PY_ID, text('two')])]);
      await py.close(id);
    });

    it('zmtp heartbeats (50 ms, timeout 300 ms) drop a SIGSTOPped pyzmq peer, and talk again after SIGCONT', async () => {
      const stopped = await Pyzmq.start();
      try {
        const heartbeat = { heartbeatInterval: 50, heartbeatTimeout: 300, reconnectInterval: 20 };
        let side: ZSide;
        let id: string;
        if (zmtpBinds) {
          side = zmtp('router', { ...heartbeat, bind: tcp('z') });
          await side.socket.ready;
          ({ id } = await stopped.open({ type: 'DEALER', routing_id: PY_ID, reconnect_ivl: 20, connect: side.socket.bindings[0]! }));
        } else {
          const opened = await stopped.open({ type: 'ROUTER', echo: true, bind: tcp('p') });
          id = opened.id;
          side = zmtp('dealer', { ...heartbeat, connect: opened.endpoint }, false);
        }
        /** A message from pyzmq to zmtp: sent by the DEALER, or echoed by the ROUTER. */
        const roundTrip = async (word: string, count: number): Promise<void> => {
          if (zmtpBinds) stopped.send(id, [text(word)]);
          else await side.socket.send!([build(text(word))]);
          await waitFor(() => side.seen.length === count, 10_000, `'${word}' at zmtp`);
          expect(side.seen[count - 1]!.at(-1)).toBe(text(word));
        };
        await waitFor(() => handshakes(side) === 1, 10_000, 'the handshake');
        await roundTrip('before', 1);
        stopped.peer.signal('SIGSTOP');
        await waitFor(() => side.events.includes('disconnected'), 10_000, 'disconnected');
        stopped.peer.signal('SIGCONT');
        await waitFor(() => handshakes(side) === 2, 10_000, 'the second handshake');
        await roundTrip('after', 2);
      } finally {
        stopped.peer.signal('SIGCONT');
        await stopped.peer.stop();
      }
    });
  });

  describe.each(transports)('%s', (_transport, endpoint) => {
    it('zmtp PUSH reconnects when its pyzmq PULL exits and a new process binds the same endpoint', async () => {
      const first = await Pyzmq.start();
      const second = await Pyzmq.start();
      try {
        const bound = await first.open({ type: 'PULL', bind: endpoint('p') });
        const side = zmtp('push', { connect: bound.endpoint, reconnectInterval: 20 });
        await side.socket.send!([build(text('one'))]);
        expect(await first.receivedCount(bound.id, 1)).toEqual([[text('one')]]);
        await first.peer.stop();
        await waitFor(() => side.events.includes('disconnected'), 10_000, 'disconnected');
        const again = await second.open({ type: 'PULL', bind: bound.endpoint });
        await side.socket.send!([build(text('two'))]);
        expect(await second.receivedCount(again.id, 1)).toEqual([[text('two')]]);
        expect(handshakes(side)).toBe(2);
      } finally {
        await Promise.all([first.peer.stop(), second.peer.stop()]);
      }
    });
  });
});

/**
 * A message over the receiver's limit drops the connection. The connecting
 * side then reconnects when the other side dropped it; a libzmq connector
 * that dropped it itself (a protocol error) stays down, as libzmq does, so
 * the small message is checked only when the refusing side is the bound one.
 */
describeWithPyzmq('zmtp engine - pyzmq interop: maxMessageSize', () => {
  describe.each(directions)('%s', (_direction, zmtpBinds) => {
    it.each([
      ['a zmtp PULL (maxMessageSize 1000) refuses a pyzmq PUSH', true],
      ['a pyzmq PULL (MAXMSGSIZE 1000) refuses a zmtp PUSH', false],
    ])('%s - over the limit: dropped, nothing delivered', async (_name, zmtpRefuses) => {
      const { side, id } = await connected(
        transports[0]![1],
        zmtpBinds,
        zmtpRefuses
          ? { type: 'pull', options: { maxMessageSize: 1000, reconnectInterval: 20 } }
          : { type: 'push', options: { reconnectInterval: 20 } },
        zmtpRefuses ? { type: 'PUSH', reconnect_ivl: 20 } : { type: 'PULL', maxmsgsize: 1000, reconnect_ivl: 20 },
      );
      const send = async (frame: FrameSpec): Promise<void> => {
        if (zmtpRefuses) py.send(id, [frame]);
        else await side.socket.send!([build(frame)]);
      };
      const delivered = (): Shown[][] => (zmtpRefuses ? side.seen : py.received(id));
      await send(gen(1001, 5));
      await waitFor(() => side.events.includes('disconnected'), 10_000, 'the oversized message to drop the connection');
      if (zmtpRefuses === zmtpBinds) {
        await waitFor(() => handshakes(side) >= 2, 10_000, 'the reconnection');
        await send(text('small'));
        await waitFor(() => delivered().length > 0, 10_000, 'the small message');
      }
      expect(delivered()).toEqual(zmtpRefuses === zmtpBinds ? [[text('small')]] : []);
      await py.close(id);
    });
  });
});
