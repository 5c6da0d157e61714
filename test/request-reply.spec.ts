import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { dealer, rep, req, router, type Message } from '../src';
import { MalformedRequestError, replyWith, type ReplyRecord } from '../src/operators/replyWith';
import { RequestTimeoutError, requestReply } from '../src/operators/requestReply';
import { MemoryNetwork } from '../src/testing';
import { Closer, delay, engineList, removeIpcDir, take$, transports } from './helpers';

/*
 *   dealer A --(requestReply)--+
 *                              +--> router (replyWith, async handler)
 *   dealer B --(requestReply)--+
 *
 *   req --(requestReply)--> rep (replyWith)          over tcp, ipc and inproc
 *
 *   raw dealer ['x'] -----> router (replyWith)       malformed on purpose
 */
const closer = new Closer();
afterEach(() => closer.closeAll());
afterAll(() => removeIpcDir());

const strings = (msg: Message): string[] => msg.map((f) => f.toString());

describe.each(engineList)('request-reply (engine %s)', (name, engine) => {
  async function server(records: ReplyRecord[], handler: Parameters<typeof replyWith>[0]) {
    const socket = closer.add(router({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await socket.ready;
    socket.pipe(replyWith(handler)).subscribe((record) => records.push(record));
    return socket;
  }

  it('requestReply - 200 concurrent requests from two DEALERs to one ROUTER each get their own reply', async () => {
    const records: ReplyRecord[] = [];
    const socket = await server(records, async ([client, n]) => {
      await delay(Math.random() * 5); // replies leave in a shuffled order
      return ['re', client!, n!];
    });
    const requesters = ['A', 'B'].map((name) => ({
      name,
      request: requestReply(closer.add(dealer({ engine, connect: socket.bindings[0], linger: 0 })), 3000),
    }));
    const calls = Array.from({ length: 200 }, (_, i) => requesters[i % 2]!);
    const replies = await Promise.all(calls.map(({ name, request }, i) => firstValueFrom(request([name, String(i)]))));
    expect(replies.map(strings)).toEqual(calls.map(({ name }, i) => ['re', name, String(i)]));
    expect(requesters.map(({ request }) => [request.late, request.inFlight])).toEqual([[0, 0], [0, 0]]);
    expect(records).toHaveLength(200);
  });

  it('requestReply - times out when the server never answers, and counts a reply that comes afterwards as late', async () => {
    const socket = closer.add(router({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await socket.ready;
    const held: Message[] = [];
    // answers 'b' at once, keeps anything else unanswered
    socket.subscribe(([who, empty, id, body]) => {
      if (body?.toString() === 'b') socket.next([who!, empty!, id!, 're-b']);
      else held.push([who!, empty!, id!]);
    });
    const request = requestReply(closer.add(dealer({ engine, connect: socket.bindings[0], linger: 0 })), 50);

    const err = await firstValueFrom(request('a')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err).toMatchObject({ name: 'RequestTimeoutError', timeout: 50, attempts: 1 });
    expect((err as Error).stack).toContain('request-reply.spec.ts'); // the caller, not the timer
    expect(request.inFlight).toBe(0);
    const untraced = requestReply(closer.add(dealer({ engine, connect: socket.bindings[0], linger: 0 })), {
      timeout: 50,
      callerStack: false,
    });
    const plain = await firstValueFrom(untraced('c')).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(RequestTimeoutError);
    expect((plain as Error).stack).not.toContain('request-reply.spec.ts'); // the timer's own stack

    socket.next([...held[0]!, 'too late']);
    // the late reply waits in the client's queue; the next request reads it first, and drops it
    expect(strings(await firstValueFrom(request('b')))).toEqual(['re-b']);
    expect(request.late).toBe(1);
  });

  it('replyWith - a rejecting Promise handler gives an error record; the client times out and the server serves on', async () => {
    const records: ReplyRecord[] = [];
    const socket = await server(records, async ([body]) => {
      if (body?.toString() === 'boom') throw new Error('boom');
      return ['re', body!];
    });
    const request = requestReply(closer.add(dealer({ engine, connect: socket.bindings[0], linger: 0 })), 100);
    await expect(firstValueFrom(request('boom'))).rejects.toThrow(RequestTimeoutError);
    expect(strings(await firstValueFrom(request('ok')))).toEqual(['re', 'ok']);
    expect(records.map((r) => [strings(r.request), r.reply && strings(r.reply), (r.error as Error)?.message])).toEqual([
      [['boom'], undefined, 'boom'],
      [['ok'], ['re', 'ok'], undefined],
    ]);
  });

  it('replyWith - malformed requests fed on purpose give MalformedRequestError records, then a good one is answered', async () => {
    const records: ReplyRecord[] = [];
    const socket = await server(records, (body) => ['re', ...body]);
    const raw = closer.add(dealer({ engine, connect: socket.bindings[0], linger: 0 }));
    const answer = take$(raw, 1);
    raw.next('x');
    raw.next('');
    raw.next(['', 'id-1', 'ok']);
    expect(await answer).toEqual([['', 'id-1', 're', 'ok']]);
    expect(records.map((r) => r.error && (r.error as Error).name)).toEqual(['MalformedRequestError', 'MalformedRequestError', undefined]);
    const [first] = records.map((r) => r.error as MalformedRequestError);
    expect(first!.frames.map((f) => f.toString()).slice(1)).toEqual(['x']); // after the routing id
  });

  it("requestReply - framing 'txzmq' on both ends over tcp", async () => {
    const socket = closer.add(router({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await socket.ready;
    socket.pipe(replyWith((body, { id }) => [String(id.length), ...body], { framing: 'txzmq' })).subscribe();
    const request = requestReply(closer.add(dealer({ engine, connect: socket.bindings[0], linger: 0 })), {
      timeout: 2000,
      framing: 'txzmq',
    });
    expect(strings(await firstValueFrom(request(['a', '', 'b'])))).toEqual(['16', 'a', '', 'b']);
  });

  it('replyWith - on REP, a failing handler answers one empty frame, so the REQ client drops it and goes on', async () => {
    const server = closer.add(rep({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await server.ready;
    server.pipe(replyWith(async ([body]) => (body?.toString() === 'boom' ? Promise.reject(new Error('boom')) : ['re', body!]))).subscribe();
    const request = requestReply(closer.add(req({ engine, connect: server.bindings[0], linger: 0 })), 100);
    await expect(firstValueFrom(request('boom'))).rejects.toThrow(RequestTimeoutError);
    expect(request.late).toBe(1);
    expect(strings(await firstValueFrom(request('ok')))).toEqual(['re', 'ok']);
  });

  describe.each(transports)('over %s', (_transport, endpoint) => {
    it('replyWith - a REQ client and a REP server take turns, queued requests included', async () => {
      const server = closer.add(rep({ engine, bind: endpoint(), linger: 0 }));
      await server.ready;
      server.pipe(replyWith(async (body) => ['re', ...body])).subscribe();
      const request = requestReply(closer.add(req({ engine, connect: server.bindings[0], linger: 0 })), 2000);
      expect(strings(await firstValueFrom(request('one')))).toEqual(['re', 'one']);
      // three at once: the requester sends them one after the other
      const replies = await Promise.all(['a', 'b', 'c'].map((body) => firstValueFrom(request(body))));
      expect(replies.map(strings)).toEqual([['re', 'a'], ['re', 'b'], ['re', 'c']]);
      expect([request.late, request.inFlight]).toEqual([0, 0]);
    });
  });

  it('replyWith - completes when its socket closes', async () => {
    const socket = closer.add(router({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
    await socket.ready;
    const done = lastValueFrom(socket.pipe(replyWith(() => 'x'), toArray()));
    await socket.close();
    await expect(done).resolves.toEqual([]);
  });
});

describe('request-reply argument checks', () => {
  const net = new MemoryNetwork();
  afterAll(() => net.close());
  const client = net.dealer();

  it('requestReply - should throw TypeError at build time for a socket that cannot request', () => {
    expect(() => requestReply(net.router() as never, 10)).toThrow(TypeError);
    expect(() => requestReply({} as never, 10)).toThrow(TypeError);
    expect(() => requestReply(net.req(), { timeout: 10, framing: 'txzmq' })).toThrow(/needs a DEALER/);
  });

  it('requestReply - should throw TypeError at build time for a bad timeout, retries or framing', () => {
    for (const timeout of [0, -1, NaN, Infinity, undefined]) {
      expect(() => requestReply(client, { timeout } as never)).toThrow(/timeout/);
    }
    for (const retries of [-1, 1.5]) expect(() => requestReply(client, { timeout: 10, retries })).toThrow(/retries/);
    expect(() => requestReply(client, { timeout: 10, framing: 'json' as never })).toThrow(/framing/);
  });

  it('requestReply - should throw TypeError when a request is not a message', () => {
    expect(() => requestReply(client, 10)(42 as never)).toThrow(TypeError);
  });

  it('replyWith - should throw TypeError at build time for a bad handler, concurrency or framing', () => {
    expect(() => replyWith('x' as never)).toThrow(TypeError);
    for (const concurrency of [0, 1.5]) expect(() => replyWith(() => 'x', { concurrency })).toThrow(/concurrency/);
    expect(() => replyWith(() => 'x', { framing: 'zmq' as never })).toThrow(/framing/);
  });
});
