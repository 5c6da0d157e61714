import {
  asyncScheduler,
  catchError,
  map,
  retry,
  tap,
  throwError,
  timer,
  type Observable,
  type OperatorFunction,
  type SchedulerAction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { Message } from '../../src';
import { ZmqError } from '../../src/observables/errors';
import {
  HEARTBEAT,
  heartbeat,
  PeerTimeoutError,
  type Heartbeat,
  type HeartbeatConfig,
  type PeerLiveness,
} from '../../src/operators/heartbeat';

const frames = (...parts: (string | Buffer)[]): Message => parts.map((part) => Buffer.from(part));
const A = Buffer.from('peer-a');
const B = Buffer.from('peer-b');
const C = Buffer.from('peer-c');
const alive = (peer?: Buffer): PeerLiveness => ({ peer, alive: true });
const dead = (peer?: Buffer): PeerLiveness => ({ peer, alive: false });

/** Errors become `{ name, message }`, so that marbles compare them by both. */
const byName = <T>(source: Observable<T>): Observable<T> =>
  source.pipe(catchError((err: Error) => throwError(() => ({ name: err.name, message: err.message }))));
const timedOut = (ms: number) => ({ name: 'PeerTimeoutError', message: `rxzmq: no message from the peer for ${ms} ms` });

/** Virtual frames after which the counting scheduler stops running work, so a leaked timer cannot spin forever. */
const GUARD = 1000;

/** asyncScheduler (virtual time inside `run`) that counts its actions not yet unsubscribed. */
class CountingScheduler implements SchedulerLike {
  live = 0;
  now(): number {
    return asyncScheduler.now();
  }
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
    this.live++;
    const action = asyncScheduler.schedule(
      function (this: SchedulerAction<T>, s?: T) {
        if (asyncScheduler.now() <= GUARD) work.call(this, s);
      },
      delay,
      state,
    );
    action.add(() => this.live--);
    return action;
  }
}

let testScheduler: TestScheduler;
beforeEach(() => {
  testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

/** One operator's diagram: its source, output and source subscriptions, and optionally `peers$`. */
interface Diagram {
  values: Record<string, unknown>;
  /** The source is hot (as a socket is); default cold. */
  hot?: boolean;
  source: string;
  sourceError?: unknown;
  subs: string | string[];
  /** When the output is unsubscribed; default never. */
  unsub?: string;
  expected: string;
  /** The output's error, as `{ name, message }`. */
  error?: unknown;
  /** `peers$` from frame 0, with these values; unchecked when absent. */
  peers?: string;
  liveness?: Record<string, PeerLiveness>;
}

/** Picks the operator under test from a Heartbeat. */
type Pick<T> = (hb: Heartbeat) => OperatorFunction<T, unknown>;

/** Builds `heartbeat(config)` and checks `pick(hb)` against `d` in virtual time; errors compare by name and message. */
function expectDiagram<T>(config: HeartbeatConfig | number, pick: Pick<T>, d: Diagram): void {
  const hb = heartbeat(config);
  testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
    const source = (d.hot ? hot : cold)(d.source, d.values as Record<string, T>, d.sourceError);
    if (d.peers !== undefined) expectObservable(hb.peers$).toBe(d.peers, d.liveness);
    expectObservable(source.pipe(pick(hb), byName), d.unsub).toBe(d.expected, d.values, d.error);
    expectSubscriptions(source.subscriptions).toBe(d.subs);
  });
}

const pickIncoming = (hb: Heartbeat) => hb.incoming();

describe('heartbeat - outgoing, single peer', () => {
  const values = { a: 'one', b: ['two', 'frames'], c: Buffer.from('three'), h: [HEARTBEAT], p: frames('ping') };
  const expectOutgoing = (config: HeartbeatConfig | number, d: Omit<Diagram, 'values'>) =>
    expectDiagram(config, (hb) => hb.outgoing(), { values, ...d });

  it('should send no heartbeat while values come faster than interval', () => {
    expectOutgoing(5, {
      source:   'a 3ms b 3ms c 3ms |',
      subs:     '^ 11ms !',
      expected: 'a 3ms b 3ms c 3ms |',
    });
  });

  it('should repeat the heartbeat every interval while idle', () => {
    expectOutgoing(5, {
      source:   'a 12ms b 3ms |',
      subs:     '^ 16ms !',
      expected: 'a 4ms h 4ms h 2ms b 3ms |',
    });
  });

  it('should error with its source and send nothing after', () => {
    expectOutgoing(5, {
      source:   'a 7ms #',
      subs:     '^ 7ms !',
      expected: 'a 4ms h 2ms #',
      sourceError: new Error('socket failed'),
      error: { name: 'Error', message: 'socket failed' },
    });
  });

  it('should send the configured heartbeat frame', () => {
    expectOutgoing({ interval: 4, message: 'ping' }, {
      source:   'a 9ms |',
      subs:     '^ 9ms !',
      expected: 'a 3ms p 3ms p 1ms |',
    });
  });

  it('should count from subscription and clear its timer on unsubscribe', () => {
    const scheduler = new CountingScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const hb = heartbeat({ interval: 3, scheduler });
      const source = cold('-', values);
      const unsub = '      ^ 9ms !';
      const expected = '   3ms h 2ms h 2ms h';
      const timers = '     11ms (n|)';
      expectObservable(source.pipe(hb.outgoing()), unsub).toBe(expected, values);
      expectSubscriptions(source.subscriptions).toBe(unsub);
      expectObservable(timer(11).pipe(map(() => scheduler.live))).toBe(timers, { n: 0 });
    });
  });
});

describe('heartbeat - incoming, single peer', () => {
  const values = {
    a: frames('hello'),
    b: frames('world'),
    h: [HEARTBEAT],
    w: frames(HEARTBEAT, 'more'),
    x: frames('x', HEARTBEAT),
    y: frames('rxzmq-heartbeat!'),
    z: [] as Message,
  };
  const liveness = { A: alive(), D: dead() };
  const expectIncoming = (config: HeartbeatConfig | number, d: Omit<Diagram, 'values'>, pick = pickIncoming) =>
    expectDiagram(config, pick, { values, liveness, ...d });

  it('should drop heartbeats, count them as life and report the peer alive once', () => {
    expectIncoming({ interval: 10 }, {
      source:   'a 9ms h 9ms h 9ms b 9ms |',
      subs:     '^ 39ms !',
      expected: 'a 29ms b 9ms |',
      peers:    'A 39ms D',
    });
  });

  it('should keep messages that merely contain the heartbeat frame', () => {
    expectIncoming(10, {
      source:   'w x y z |',
      subs:     '^ 3ms !',
      expected: 'w x y z |',
    });
  });

  it('should error at exactly timeout ms of silence', () => {
    expectIncoming({ interval: 5, timeout: 10 }, {
      source:   'a 5ms b',
      subs:     '^ 15ms !',
      expected: 'a 5ms b 9ms #',
      peers:    'A 15ms D',
      error: timedOut(10),
    });
  });

  it('should stay alive on a message at timeout - 1', () => {
    expectIncoming({ interval: 5, timeout: 10 }, {
      source:   '9ms a 9ms b',
      subs:     '^ 28ms !',
      expected: '9ms a 9ms b 9ms #',
      peers:    '9ms A 19ms D',
      error: timedOut(10),
    });
  });

  it('should time out a peer never heard from, default timeout 3 * interval, reported once across retries', () => {
    const withRetry = (hb: Heartbeat) => (source: Observable<Message>) => source.pipe(hb.incoming(), retry(1));
    expectIncoming(5, {
      source:    '-',
      subs:     ['^ 14ms !', '15ms ^ 14ms !'],
      expected:  '30ms #',
      peers:     '15ms D',
      error: timedOut(15),
    }, withRetry);
  });

  it('should report the peer dead and alive again as retry() resubscribes', () => {
    const withRetry = (hb: Heartbeat) => (source: Observable<Message>) => source.pipe(hb.incoming(), retry());
    expectIncoming({ interval: 5, timeout: 10 }, {
      hot: true,
      source:    'a 19ms b',
      subs:     ['^ 9ms !', '10ms ^ 19ms !', '30ms ^ 4ms !'],
      unsub:     '^ 34ms !',
      expected:  'a 19ms b',
      peers:     'A 9ms D 9ms A 9ms D',
    }, withRetry);
  });

  it("should point the error's stack at the caller of incoming()", () => {
    let caught: unknown;
    const buildIncoming = (hb: Heartbeat) => hb.incoming();
    const caller = (hb: Heartbeat) => (source: Observable<Message>) =>
      source.pipe(buildIncoming(hb), tap({ error: (err: unknown) => (caught = err) }));
    expectIncoming({ interval: 5, timeout: 10 }, {
      source:   '-',
      subs:     '^ 9ms !',
      expected: '10ms #',
      error: timedOut(10),
    }, caller);
    expect(caught).toBeInstanceOf(PeerTimeoutError);
    expect(caught).toBeInstanceOf(ZmqError);
    const err = caught as PeerTimeoutError;
    expect([err.timeout, err.peer, err.code]).toEqual([10, undefined, 'ETIMEDOUT']);
    expect(err.stack).toMatch(/^PeerTimeoutError: rxzmq: no message from the peer for 10 ms\n/);
    expect(err.stack).toContain('buildIncoming');
  });

  it('should clear its timer on unsubscribe', () => {
    const scheduler = new CountingScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const hb = heartbeat({ interval: 5, timeout: 10, scheduler });
      const source = cold('-', values);
      const unsub = '      ^ 5ms !';
      const expected = '   -';
      const peers = '      -';
      const timers = '     11ms (n|)';
      expectObservable(hb.peers$).toBe(peers, liveness);
      expectObservable(source.pipe(hb.incoming()), unsub).toBe(expected, values);
      expectSubscriptions(source.subscriptions).toBe(unsub);
      expectObservable(timer(11).pipe(map(() => scheduler.live))).toBe(timers, { n: 0 });
    });
  });
});

describe('heartbeat - per peer (ROUTER)', () => {
  const values = {
    a: frames(A, 'x'),
    b: frames(B, 'y'),
    c: frames(A, 'z'),
    d: frames(C, 'late'),
    h: frames(A, HEARTBEAT),
    v: frames(A, HEARTBEAT, 'more'),
    w: frames(A, 'w', HEARTBEAT),
  };
  /** What goes out to the ROUTER: values with the routing id first, and heartbeats. */
  const toPeers = {
    r: [A, 'reply 1'],
    s: [A, 'reply 2'],
    t: [C, 'to a stranger'],
    x: [A, HEARTBEAT],
    y: [B, HEARTBEAT],
  };
  const liveness = { A: alive(A), B: alive(B), C: alive(C), a: dead(A), b: dead(B), c: dead(C) };
  const expectPerPeer = (config: HeartbeatConfig, d: Omit<Diagram, 'values'>) =>
    expectDiagram({ ...config, perPeer: true }, pickIncoming, { values, liveness, ...d });

  it('should report only the silent peer dead and never error', () => {
    expectPerPeer({ interval: 10, timeout: 30 }, {
      source:   'a b 8ms h 9ms h 9ms h 9ms h 9ms c',
      subs:     '^ 59ms !',
      unsub:    '^ 59ms !',
      expected: 'a b 48ms c',
      peers:    'A B 29ms b 28ms a',
    });
  });

  it('should report a dead peer alive again when it sends', () => {
    expectPerPeer({ interval: 10, timeout: 30 }, {
      source:   'a 34ms c',
      subs:     '^ 39ms !',
      unsub:    '^ 39ms !',
      expected: 'a 34ms c',
      peers:    'A 29ms a 4ms A 4ms a',
    });
  });

  it('should drop [id, heartbeat] and keep messages that merely contain it', () => {
    expectPerPeer({ interval: 10 }, {
      source:   'h v w |',
      subs:     '^ 2ms !',
      expected: '- v w |',
      peers:    'A 2ms a',
    });
  });

  it('should send heartbeats only to alive peers and only when idle for each', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const hb = heartbeat({ interval: 10, timeout: 33, perPeer: true });
      const received = cold('a 4ms b', values);
      const toSend = cold('  3ms r 8ms s 28ms t', toPeers);
      const unsub = '        ^ 59ms !';
      const expected = '     3ms r 8ms s 2ms y 6ms x 2ms y 6ms x 2ms y 5ms t';
      const passed = '       a 4ms b';
      const peers = '        A 4ms B 27ms a 4ms b';
      expectObservable(hb.peers$).toBe(peers, liveness);
      expectObservable(received.pipe(hb.incoming()), unsub).toBe(passed, values);
      expectObservable(toSend.pipe(hb.outgoing()), unsub).toBe(expected, toPeers);
      expectSubscriptions(received.subscriptions).toBe(unsub);
      expectSubscriptions(toSend.subscriptions).toBe(unsub);
    });
  });

  it('should clear the timers of each operator on its own unsubscribe, and forget every peer', () => {
    const scheduler = new CountingScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const hb = heartbeat({ interval: 10, perPeer: true, scheduler });
      const received = cold('a b 6ms d', values);
      const toSend = cold('  -', toPeers);
      const unsubIn = '      ^ 14ms !';
      const unsubOut = '     ^ 5ms !';
      const passed = '       a b 6ms d';
      const sent = '         -';
      const peers = '        A B 6ms C 6ms (abc)';
      const timers = '       11ms m 4ms n';
      expectObservable(hb.peers$).toBe(peers, liveness);
      expectObservable(received.pipe(hb.incoming()), unsubIn).toBe(passed, values);
      expectObservable(toSend.pipe(hb.outgoing()), unsubOut).toBe(sent, toPeers);
      expectSubscriptions(received.subscriptions).toBe(unsubIn);
      expectSubscriptions(toSend.subscriptions).toBe(unsubOut);
      // Left: the three dead-peer timers of incoming() (none of outgoing(), even for C, seen after it ended), then nothing.
      expectObservable(cold('11ms a 4ms b').pipe(map(() => scheduler.live))).toBe(timers, { m: 3, n: 0 });
    });
  });
});
