/**
 * The zmtp engine's socket types under a hostile peer that completes the
 * handshake properly and then sends arbitrary messages and commands
 * (fast-check): SUBSCRIBE/CANCEL with any topic, PINGs with odd contexts, a
 * second READY, ERROR, unknown commands, messages without envelopes.
 *
 * ```
 * libzmq peer (well-behaved) ---------> zmtp ROUTER | REP | DEALER | PAIR | PUB | XPUB | SUB | XSUB
 * raw tcp peer (handshake, then anything) ---^
 * ```
 *
 * After each hostile connection: no unhandled rejection or uncaught
 * exception, the connection closed and reported, and the well-behaved peer
 * still exchanges messages with the zmtp socket.
 */
import fc from 'fast-check';
import {
  dealer,
  pair,
  pub,
  router,
  rep,
  sub,
  xpub,
  xsub,
  type Message,
  type SocketEventType,
  type SocketType,
  type Receiving,
  type Sending,
  type SocketBase,
} from '../../src';
import { encodeCommand, encodeMessage } from '../../src/engine/zmtp/codec';
import { Closer, waitFor } from '../helpers';
import { cut, FaultWatch, handshake, hostile, portOf } from './hostile-peer';

type Made = SocketBase & Partial<Receiving & Sending>;
type Options = Record<string, unknown>;

/** A zmtp socket type, what the hostile peer says it is, and the well-behaved libzmq peer. */
interface Case {
  type: SocketType;
  make: (options: Options) => Made;
  hostileAs: string;
  good: (options: Options) => Made;
  /**
   * One step of a liveness check, repeated until it returns true: the
   * well-behaved peer and the zmtp socket exchange a message.
   */
  probe: (zmtp: Made, good: Made, seen: { zmtp: Message[]; good: Message[] }) => boolean;
}

const PROBE = 'probe';
const has = (messages: Message[]) => messages.some((m) => m.some((f) => f.toString() === PROBE));

/** The well-behaved peer sends; the zmtp socket echoes (see `echo`); the peer sees it back. */
const echoed = (envelope: string[]) => (_zmtp: Made, good: Made, seen: { good: Message[] }) => {
  good.next!([...envelope, PROBE]);
  return has(seen.good);
};
/** The zmtp socket publishes; the well-behaved SUB sees it. */
const published = (zmtp: Made, _good: Made, seen: { good: Message[] }) => {
  zmtp.next!([PROBE]);
  return has(seen.good);
};
/** The well-behaved PUB publishes; the zmtp SUB/XSUB sees it. */
const subscribed = (_zmtp: Made, good: Made, seen: { zmtp: Message[] }) => {
  good.next!([PROBE]);
  return has(seen.zmtp);
};

const as = <T>(f: T) => f as unknown as (options: Options) => Made;
const cases: Case[] = [
  { type: 'router', make: as(router), hostileAs: 'DEALER', good: as(dealer), probe: echoed([]) },
  { type: 'rep', make: as(rep), hostileAs: 'REQ', good: as(dealer), probe: echoed(['']) },
  { type: 'dealer', make: as(dealer), hostileAs: 'ROUTER', good: as(dealer), probe: echoed([]) },
  { type: 'pair', make: as(pair), hostileAs: 'PAIR', good: as(pair), probe: echoed([]) },
  { type: 'pub', make: as(pub), hostileAs: 'XSUB', good: as(sub), probe: published },
  { type: 'xpub', make: as(xpub), hostileAs: 'SUB', good: as(sub), probe: published },
  { type: 'sub', make: as(sub), hostileAs: 'XPUB', good: as(pub), probe: subscribed },
  { type: 'xsub', make: as(xsub), hostileAs: 'PUB', good: as(pub), probe: subscribed },
];

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const letters = fc.stringMatching(/^[A-Za-z]{1,12}$/);
/** What the hostile peer sends once its handshake is done. */
const item = fc.oneof(
  fc.array(bytes(40), { minLength: 1, maxLength: 5 }).map((frames) => Buffer.concat(encodeMessage(frames))),
  // subscription messages (ZMTP 3.0 style) and anything else starting with 0 or 1
  fc
    .tuple(fc.constantFrom(0, 1), bytes(20))
    .map(([flag, topic]) => Buffer.concat(encodeMessage([Buffer.concat([Buffer.from([flag]), topic])]))),
  fc
    .tuple(fc.oneof(fc.constantFrom('SUBSCRIBE', 'CANCEL', 'PING', 'PONG', 'READY', 'ERROR', 'HELLO', 'JOIN'), letters), bytes(40))
    .map(([name, data]) => Buffer.concat(encodeCommand(name, data))),
);
const offsets = fc.array(fc.nat(), { maxLength: 4 });

/** SUB and XSUB sockets receive everything. */
const topics = (make: Case['make']): Options => (make === as(sub) || make === as(xsub) ? { topics: '' } : {});

const closer = new Closer();
const watch = new FaultWatch();
beforeAll(() => watch.install());
afterEach(() => closer.closeAll());
afterAll(() => watch.uninstall());

describe('zmtp socket types fuzzed after a valid handshake', () => {
  it.each(cases.map((c) => [c.type, c] as const))('%s - survives arbitrary messages and commands', async (_type, c) => {
    const zmtp = closer.add(c.make({ engine: 'zmtp', bind: 'tcp://127.0.0.1:*', linger: 0, ...topics(c.make) }));
    const counts = new Map<SocketEventType, number>();
    const count = (type: SocketEventType): number => counts.get(type) ?? 0;
    zmtp.events$.subscribe((e) => counts.set(e.type, count(e.type) + 1));
    const seen = { zmtp: [] as Message[], good: [] as Message[] };
    const echo = c.probe !== published && c.probe !== subscribed;
    zmtp.subscribe?.((m: Message) => {
      seen.zmtp.push(m);
      if (echo) zmtp.next!(m);
    });
    await zmtp.ready;
    const good = closer.add(c.good({ engine: 'libzmq', connect: zmtp.bindings[0]!, linger: 0, ...topics(c.good) }));
    good.subscribe?.((m: Message) => seen.good.push(m));
    const alive = async (): Promise<void> => {
      seen.good.length = 0;
      seen.zmtp.length = 0;
      await waitFor(() => c.probe(zmtp, good, seen), 5000, `the well-behaved peer of the ${c.type}`);
    };
    await alive();

    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 8 }), offsets, async (items, at) => {
        const disconnected = count('disconnected');
        await hostile(portOf(zmtp.bindings[0]!), cut(Buffer.concat([handshake(c.hostileAs), ...items]), at), true);
        await waitFor(() => count('disconnected') > disconnected, 5000, 'the disconnected event');
        await alive();
        expect(watch.faults).toEqual([]);
        expect(zmtp.isClosed).toBe(false);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 25) },
    );
  });
});
