/**
 * `busyPoll`: after a zmtp connection reads or writes, the event loop keeps
 * polling (an immediate pending, so libuv does not sleep) for that many
 * microseconds, then stops by itself. Other work runs meanwhile. The
 * libzmq engine refuses the option; bad values are refused on the zmtp one.
 * With `'auto'` (the default where the process may use two CPUs or more), only a
 * REQ's or DEALER's lone requests ask for it, once replies come fast
 * (counted with busyPollRequests()), and the spin ends with the reply.
 */
import { dealer, getDefaultBusyPoll, pull, push, req, router, setDefaultBusyPoll } from '../../src';
import { usableCpus } from '../../src/engine/cpu-quota';
import { awaitReply, busyPollRequests, isBusyPolling, keepAwake, replied } from '../../src/engine/busy-poll';
import { Closer, delay, removeIpcDir, transports, waitFor } from '../helpers';

const closer = new Closer();
// Each test starts with the loop at rest, whatever the one before left spinning.
beforeEach(() => waitFor(() => !isBusyPolling(), 5000, 'the spin to end'));
afterEach(() => closer.closeAll());
afterAll(removeIpcDir);

/** Long enough that a check a few ms later still finds the loop awake on a busy machine. */
const SPAN_US = 400_000;

describe('keepAwake', () => {
  it('keeps the loop turning, lets timers run, extends on activity and stops by itself', async () => {
    expect(isBusyPolling()).toBe(false);
    keepAwake(SPAN_US);
    expect(isBusyPolling()).toBe(true);
    let turns = 0;
    const count = (): void => {
      turns++;
      if (isBusyPolling()) setImmediate(count);
    };
    setImmediate(count);
    await delay(20); // a timer fires while the loop spins
    expect(isBusyPolling()).toBe(true);
    expect(turns).toBeGreaterThan(1);
    keepAwake(SPAN_US); // more activity: the span starts again from here
    await waitFor(() => !isBusyPolling(), 5000, 'the spin to end');
    expect(turns).toBeGreaterThan(2);
  });

  it('takes the longest span asked for while it spins', async () => {
    keepAwake(1);
    keepAwake(SPAN_US);
    await delay(20);
    expect(isBusyPolling()).toBe(true);
    await waitFor(() => !isBusyPolling(), 5000, 'the spin to end');
  });
});

describe('awaitReply', () => {
  it('keeps the loop turning until the reply is read, not for the whole span', async () => {
    const ticket = awaitReply(SPAN_US);
    await delay(20);
    expect(isBusyPolling()).toBe(true);
    const at = performance.now();
    replied(ticket);
    await waitFor(() => !isBusyPolling(), 5000, 'the spin to end');
    expect(performance.now() - at).toBeLessThan(SPAN_US / 1000 / 2); // ended by the reply, not the span
  });

  it('waits for every requester of the chain, and ends at its span when a reply never comes', async () => {
    const first = awaitReply(SPAN_US);
    awaitReply(SPAN_US); // never answered
    replied(first);
    await delay(20);
    expect(isBusyPolling()).toBe(true); // the second still waits
    await waitFor(() => !isBusyPolling(), 5000, 'the spin to end');
  });

  it('a reply to a chain that has ended counts for nothing in the next', async () => {
    const stale = awaitReply(1);
    await waitFor(() => !isBusyPolling(), 5000, 'the first spin to end');
    const ticket = awaitReply(SPAN_US);
    replied(stale);
    await delay(20);
    expect(isBusyPolling()).toBe(true);
    replied(ticket);
    await waitFor(() => !isBusyPolling(), 5000, 'the spin to end');
  });

  it("runs on Node's own timers: a test's fake timers neither stall nor fake the chain", async () => {
    jest.useFakeTimers();
    let ticket: number;
    try {
      ticket = awaitReply(SPAN_US); // the chain's first immediate is scheduled under fake timers
    } finally {
      jest.useRealTimers();
    }
    await delay(20);
    expect(isBusyPolling()).toBe(true);
    replied(ticket);
    await waitFor(() => !isBusyPolling(), 5000, 'the spin to end');
  });

  it('keepAwake still runs its whole span when every requester has its reply', async () => {
    keepAwake(SPAN_US);
    replied(awaitReply(SPAN_US));
    await delay(20);
    expect(isBusyPolling()).toBe(true);
    await waitFor(() => !isBusyPolling(), 5000, 'the spin to end');
  });
});

describe.each(transports.filter(([name]) => name !== 'inproc'))('busyPoll over %s', (_name, endpoint) => {
  it('a send keeps the loop awake, and so does a message read', async () => {
    const inbox = closer.add(pull({ engine: 'zmtp', bind: endpoint(), linger: 0, busyPoll: SPAN_US }));
    await inbox.ready;
    const got: string[] = [];
    inbox.subscribe((msg) => got.push(msg[0]!.toString()));
    const out = closer.add(push({ engine: 'zmtp', connect: inbox.bindings[0]!, linger: 0 }));
    await out.send('one');
    await waitFor(() => got.length === 1);
    expect(isBusyPolling()).toBe(true); // the PULL read it
    await waitFor(() => !isBusyPolling(), 5000, 'the spin to end');
    const quiet = closer.add(push({ engine: 'zmtp', connect: inbox.bindings[0]!, linger: 0, busyPoll: SPAN_US }));
    await quiet.send('two');
    await delay(20);
    expect(isBusyPolling()).toBe(true);
    await waitFor(() => got.length === 2);
  });

  it('request-reply one at a time answers every request, and the loop rests after the last', async () => {
    const server = closer.add(router({ engine: 'zmtp', bind: endpoint(), linger: 0, busyPoll: 50 }));
    await server.ready;
    server.subscribe((msg) => server.next(msg));
    const client = closer.add(dealer({ engine: 'zmtp', connect: server.bindings[0]!, linger: 0, busyPoll: 50 }));
    const replies: number[] = [];
    const next = new Promise<void>((resolve) =>
      client.subscribe((msg) => {
        replies.push(msg[0]!.readUInt32LE(0));
        if (replies.length === 500) resolve();
        else client.next(u32(replies.length));
      }),
    );
    client.next(u32(0));
    await next;
    expect(replies).toEqual(Array.from({ length: 500 }, (_, i) => i));
    await waitFor(() => !isBusyPolling(), 5000, 'the spin to end');
  });

  it('without busyPoll traffic does not keep the loop awake', async () => {
    const inbox = closer.add(pull({ engine: 'zmtp', bind: endpoint(), linger: 0 }));
    await inbox.ready;
    let got = 0;
    inbox.subscribe(() => got++);
    const out = closer.add(push({ engine: 'zmtp', connect: inbox.bindings[0]!, linger: 0 }));
    for (let i = 0; i < 10; i++) await out.send('x');
    await waitFor(() => got === 10);
    expect(isBusyPolling()).toBe(false);
  });
});

describe('busyPoll refused', () => {
  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '50', 'fast'])('zmtp refuses %p with a TypeError', (value) => {
    expect(() => pull({ engine: 'zmtp', linger: 0, busyPoll: value as number })).toThrow(
      /busyPoll must be 'auto' or a number of microseconds/,
    );
  });

  it.each([50, 'auto'] as const)('the libzmq engine refuses %p (ENOTSUP), naming the zmtp engine', (busyPoll) => {
    let caught: unknown;
    try {
      pull({ engine: 'libzmq', linger: 0, busyPoll });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect((caught as { code?: string }).code).toBe('ENOTSUP');
    expect(String(caught)).toMatch(/zmtp engine/);
  });

  it.each([-1, Number.NaN, 'fast'])('setDefaultBusyPoll refuses %p with a TypeError and keeps the default', (value) => {
    const before = getDefaultBusyPoll();
    expect(() => setDefaultBusyPoll(value as number)).toThrow(/busyPoll must be 'auto' or a number of microseconds/);
    expect(getDefaultBusyPoll()).toBe(before);
  });

  it('0 is off', async () => {
    const inbox = closer.add(pull({ engine: 'zmtp', bind: 'tcp://127.0.0.1:*', linger: 0, busyPoll: 0 }));
    await inbox.ready;
    let got = 0;
    inbox.subscribe(() => got++);
    const out = closer.add(push({ engine: 'zmtp', connect: inbox.bindings[0]!, linger: 0, busyPoll: 0 }));
    await out.send('x');
    await waitFor(() => got === 1);
    expect(isBusyPolling()).toBe(false);
  });
});

describe.each(transports.filter(([name]) => name !== 'inproc'))("busyPoll 'auto' over %s", (_name, endpoint) => {
  /** Echoes every message back; `busyPoll` on the server as given. */
  async function echo(busyPoll?: 'auto'): Promise<string> {
    const server = closer.add(router({ engine: 'zmtp', bind: endpoint(), linger: 0, busyPoll }));
    await server.ready;
    server.subscribe((msg) => server.next(msg));
    return server.bindings[0]!;
  }

  /** Sends `count` requests one at a time on `client`, each after the reply to the one before. */
  async function oneAtATime(client: ReturnType<typeof dealer> | ReturnType<typeof req>, count: number): Promise<number[]> {
    const replies: number[] = [];
    let subscription: { unsubscribe(): void } | undefined;
    const done = new Promise<void>((resolve) => {
      subscription = client.subscribe((msg) => {
        replies.push(msg[0]!.readUInt32LE(0));
        if (replies.length === count) resolve();
        else client.next(u32(replies.length));
      });
    });
    client.next(u32(0));
    await done;
    subscription!.unsubscribe();
    return replies;
  }

  it('a DEALER spins after its lone requests once replies come fast, at most once per request', async () => {
    const client = closer.add(dealer({ engine: 'zmtp', connect: await echo(), linger: 0, busyPoll: 'auto' }));
    const before = busyPollRequests();
    const replies = await oneAtATime(client, 200);
    const asked = busyPollRequests() - before;
    expect(replies).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(asked).toBeGreaterThan(0);
    expect(asked).toBeLessThanOrEqual(200);
  });

  it.each([
    ['DEALER', dealer],
    ['REQ', req],
  ] as const)('is the default for a %s where the process may use two CPUs or more, and off below', async (_name, make) => {
    const client = closer.add(make({ engine: 'zmtp', connect: await echo(), linger: 0 }));
    const before = busyPollRequests();
    await oneAtATime(client, 50);
    const asked = busyPollRequests() - before;
    if (usableCpus() >= 2) expect(asked).toBeGreaterThan(0);
    else expect(asked).toBe(0);
    expect(asked).toBeLessThanOrEqual(50);
  });

  it('setDefaultBusyPoll changes what sockets made afterwards get, and undefined gives rxzmq\'s default back', async () => {
    const machine = getDefaultBusyPoll();
    expect(machine).toBe(usableCpus() >= 2 ? 'auto' : 0);
    const server = await echo();
    try {
      setDefaultBusyPoll(0);
      expect(getDefaultBusyPoll()).toBe(0);
      const quiet = closer.add(dealer({ engine: 'zmtp', connect: server, linger: 0 }));
      setDefaultBusyPoll('auto'); // later changes leave sockets already made as they are
      const before = busyPollRequests();
      await oneAtATime(quiet, 50);
      expect(busyPollRequests() - before).toBe(0);
      const spinning = closer.add(dealer({ engine: 'zmtp', connect: server, linger: 0 }));
      const then = busyPollRequests();
      await oneAtATime(spinning, 50);
      expect(busyPollRequests() - then).toBeGreaterThan(0);
    } finally {
      setDefaultBusyPoll(undefined);
    }
    expect(getDefaultBusyPoll()).toBe(machine);
  });

  it('a ROUTER never spins, whatever its clients do', async () => {
    const client = closer.add(dealer({ engine: 'zmtp', connect: await echo('auto'), linger: 0, busyPoll: 0 }));
    const before = busyPollRequests();
    expect(await oneAtATime(client, 100)).toHaveLength(100);
    expect(busyPollRequests() - before).toBe(0);
  });

  it('a DEALER does not spin for a batch, nor for messages nobody answers', async () => {
    const client = closer.add(dealer({ engine: 'zmtp', connect: await echo(), linger: 0, busyPoll: 'auto' }));
    await oneAtATime(client, 20); // replies came fast: lone requests would spin now
    const before = busyPollRequests();
    const got: Buffer[][] = [];
    client.subscribe((msg) => got.push(msg));
    for (let i = 0; i < 10; i++) client.next(u32(i)); // one tick: one write of ten
    await waitFor(() => got.length === 10);
    expect(busyPollRequests() - before).toBe(0);

    const sink = closer.add(router({ engine: 'zmtp', bind: endpoint(), linger: 0 }));
    await sink.ready;
    let heard = 0;
    sink.subscribe(() => heard++);
    const talker = closer.add(dealer({ engine: 'zmtp', connect: sink.bindings[0]!, linger: 0, busyPoll: 'auto' }));
    const quiet = busyPollRequests();
    for (let i = 0; i < 20; i++) await talker.send(u32(i));
    await waitFor(() => heard === 20);
    expect(busyPollRequests() - quiet).toBe(0);
  });
});

function u32(n: number): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt32LE(n, 0);
  return body;
}
