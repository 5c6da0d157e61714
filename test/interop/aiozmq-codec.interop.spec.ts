/**
 * The aiozmq wire codec against the real Python aiozmq.rpc (Debian's
 * python3-aiozmq 1.0.0 through /usr/bin/python3), with rxzmq's raw sockets
 * and no RPC core:
 *
 * ```
 * rxzmq DEALER  -- header|name|args|kwargs -->  Python serve_rpc (ROUTER)
 *               <-- header|body ----------------
 * Python connect_rpc (DEALER) -- request -->  rxzmq ROUTER (decodeRequest, encodeReply)
 * rxzmq PUSH -- name|args|kwargs -->  Python serve_pipeline (PULL)
 * rxzmq PUB  -- topic|name|args|kwargs -->  Python serve_pubsub (SUB 'news')
 * Python connect_pipeline / connect_pubsub -->  rxzmq PULL / SUB
 * ```
 *
 * Malformed input goes only to rxzmq's side: aiozmq's pipeline and pub-sub
 * servers stop reading on it (PROTOCOLS.md).
 */
import { filter, firstValueFrom, map, timeout } from 'rxjs';
import { dealer, pub, pull, push, router, sub, type Message } from '../../src';
import { createHeaderPrefix, headerTime, nextRequestId, packRequestHeader, unpackReplyHeader } from '../../src/rpc/aiozmq/header';
import { decodeRequest, encodeRequest, type DecodedRequest } from '../../src/rpc/aiozmq/request';
import { decodeReply, encodeReply, type DecodedReply } from '../../src/rpc/aiozmq/reply';
import { decodeNotify, encodeNotify } from '../../src/rpc/aiozmq/notify';
import { decodePublish, encodePublish } from '../../src/rpc/aiozmq/publish';
import { ExtData } from '../../src/rpc/aiozmq/values';
import { AiozmqProtocolError } from '../../src/rpc/aiozmq/protocol-error';
import { pythonRepr } from '../../src/rpc/aiozmq/repr';
import {
  AIOZMQ_NOT_FOUND_ERROR,
  AIOZMQ_PARAMETERS_ERROR,
  exceptionMessage,
  exceptionRepr,
  fromPythonName,
} from '../../src/rpc/aiozmq/errors';
import type { WireError } from '../../src/rpc/types';
import {
  describeWithPython,
  startPythonClient,
  startPythonServer,
  stopPythonPeers,
  type PeerLine,
  type PythonServer,
} from './python';

const WAIT = 10_000;

type Closable = { close(): Promise<void> };
const sockets: Closable[] = [];
function track<T extends Closable>(socket: T): T {
  sockets.push(socket);
  return socket;
}

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await stopPythonPeers();
});

const hex = (frames: readonly Buffer[]): string => frames.map((f) => f.toString('hex')).join(' | ');

/** A bare aiozmq client on a rxzmq DEALER: one request, one reply, matched by id. */
async function rawClient(endpoint: string) {
  const socket = track(dealer({ connect: endpoint, linger: 0 }));
  await socket.ready;
  const prefix = createHeaderPrefix();
  let id = 0;
  async function send(frames: Buffer[], requestId: number, ms = WAIT): Promise<Message> {
    const reply = firstValueFrom(
      socket.pipe(
        filter((m) => m.length === 2 && m[0].length === 17 && m[0].readUInt32LE(4) === requestId),
        timeout(ms),
      ),
    );
    await socket.send(frames);
    return reply;
  }
  return {
    prefix,
    /** Sends a call and returns the raw reply frames. */
    async callRaw(method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<Message> {
      id = nextRequestId(id);
      const header = { ...prefix, requestId: id, time: headerTime() };
      return send(encodeRequest({ header, method, args, kwargs }), id);
    },
    /** Sends a call and decodes the reply. */
    async call(method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<DecodedReply> {
      return decodeReply(await this.callRaw(method, args, kwargs));
    },
    /** Sends frames after a fresh header, as they are. */
    async callFrames(rest: Buffer[]): Promise<DecodedReply> {
      id = nextRequestId(id);
      return decodeReply(await send([packRequestHeader({ ...prefix, requestId: id, time: headerTime() }), ...rest], id));
    },
  };
}

function valueOf(reply: DecodedReply): unknown {
  if (reply.isError) throw new Error(`unexpected error reply ${reply.error.name}: ${reply.repr}`);
  return reply.value;
}

function errorOf(reply: DecodedReply): WireError & { repr: string } {
  if (!reply.isError) throw new Error(`expected an error, got ${JSON.stringify(reply.value)}`);
  return { ...reply.error, repr: reply.repr };
}

describeWithPython('aiozmq interop', () => {
  describe('rxzmq DEALER calling Python serve_rpc', () => {
    let server: PythonServer;
    beforeEach(async () => {
      server = await startPythonServer('rpc');
    });

    it('should get add(1, 2) = 3 with the server header aiozmq writes', async () => {
      const client = await rawClient(server.endpoint);
      const first = await client.callRaw('add', [1, 2]);
      expect(first[1].toString('hex')).toBe('03');
      const header = unpackReplyHeader(first[0]);
      expect(header).toMatchObject({ requestId: 1, isError: false, pid: server.peer.pid % 0x10000 });
      expect(Math.abs(header.time - Date.now() / 1000)).toBeLessThan(60);
      const second = await client.call('add', [40, 2]);
      expect(second).toMatchObject({ requestId: 2, isError: false, value: 42 });
      // The server's random half is fixed for its life, and is its own, not the client's.
      expect(second.header.random).toBe(header.random);
    });

    it('should pass keyword arguments, and get the tuple back as an array', async () => {
      const client = await rawClient(server.endpoint);
      expect(valueOf(await client.call('kw', [1], { b: 2, c: 'x' }))).toEqual([1, 2, 'x']);
      expect(valueOf(await client.call('kw', [1], { c: 'y' }))).toEqual([1, 2, 'y']);
      expect(valueOf(await client.call('kw', [], { a: 5 }))).toEqual([5, 2, 'x']);
    });

    it('should reach nested namespaces by dotted names', async () => {
      const client = await rawClient(server.endpoint);
      expect(valueOf(await client.call('ns.mul', [2, 3]))).toBe(6);
      expect(valueOf(await client.call('ns.sub.neg', [2]))).toBe(-2);
    });

    it('should decode a raised ValueError as builtins.ValueError with its args', async () => {
      const client = await rawClient(server.endpoint);
      const raw = await client.callRaw('fail_value');
      expect(raw[0][16]).toBe(1);
      expect(raw[1].toString('hex')).toBe(
        '93b36275696c74696e732e56616c75654572726f7292a96261642076616c75652abb56616c75654572726f7228276261642076616c7565272c20343229',
      );
      const error = errorOf(decodeReply(raw));
      expect(error).toEqual({
        name: 'builtins.ValueError',
        message: "('bad value', 42)",
        args: ['bad value', 42],
        repr: "ValueError('bad value', 42)",
      });
      expect(fromPythonName(error.name)).toBe('ValueError');
    });

    it('should decode a user exception class under its full name', async () => {
      const client = await rawClient(server.endpoint);
      const error = errorOf(await client.call('fail_custom', ['oops', 3]));
      expect(error).toMatchObject({ name: '__main__.MyError', args: ['oops', 3], repr: "MyError('oops', 3)" });
    });

    it('should get NotFoundError for unknown and empty method names', async () => {
      const client = await rawClient(server.endpoint);
      const unknown = errorOf(await client.call('nope.missing'));
      expect(unknown).toMatchObject({ name: AIOZMQ_NOT_FOUND_ERROR, args: ['nope.missing'], message: 'nope.missing' });
      expect(fromPythonName(unknown.name)).toBe('NotFoundError');
      const empty = errorOf(await client.callFrames([Buffer.alloc(0), Buffer.from('90', 'hex'), Buffer.from('80', 'hex')]));
      expect(empty).toMatchObject({ name: AIOZMQ_NOT_FOUND_ERROR, args: [''] });
    });

    it('should get ParametersError for arguments that do not fit', async () => {
      const client = await rawClient(server.endpoint);
      const missing = errorOf(await client.call('add', [1]));
      expect(missing).toMatchObject({
        name: AIOZMQ_PARAMETERS_ERROR,
        args: ['TypeError("missing a required argument: \'b\'")'],
      });
      expect(fromPythonName(missing.name)).toBe('ParameterError');
      const extra = errorOf(await client.call('add', [1, 2], { z: 3 }));
      expect(extra.name).toBe(AIOZMQ_PARAMETERS_ERROR);
      expect(String(extra.args[0])).toContain("unexpected keyword argument 'z'");
    });

    it('should round-trip values as aiozmq packs them', async () => {
      const client = await rawClient(server.endpoint);
      const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
      const opaque = new ExtData(42, new Uint8Array([1, 2, 3]));
      const value = {
        text: 'héllo ✓',
        bytes: Buffer.from([0, 255]),
        nested: [1, [2, [3]], []],
        map: { a: null, b: true, c: 1.5 },
        when,
        opaque,
        big: [2 ** 40, 2n ** 63n, -(2n ** 63n)],
      };
      const back = valueOf(await client.call('echo', [value])) as typeof value;
      expect(back).toEqual({ ...value, bytes: expect.any(Uint8Array), opaque: expect.any(ExtData) });
      expect(Buffer.from(back.bytes).toString('hex')).toBe('00ff');
      expect(back.when).toBeInstanceOf(Date);
      expect(back.when.getTime()).toBe(when.getTime());
      expect(back.opaque.type).toBe(42);
      expect(Buffer.from(back.opaque.data as Uint8Array).toString('hex')).toBe('010203');
    });

    it('should show how Python receives each value', async () => {
      const client = await rawClient(server.endpoint);
      const described = async (x: unknown) => valueOf(await client.call('describe', [x])) as { type: string; repr: string };
      expect(await described([1, [2]])).toEqual({ type: 'tuple', repr: '(1, (2,))' });
      expect(await described(Buffer.from('ab'))).toEqual({ type: 'bytes', repr: "b'ab'" });
      expect(await described({ k: 'v' })).toEqual({ type: 'dict', repr: "{'k': 'v'}" });
      expect((await described(new Date(1500))).type).toBe('Timestamp');
      expect((await described(1.0)).type).toBe('int');
      expect((await described(0.5)).type).toBe('float');
      expect((await described(2n ** 64n - 1n)).repr).toBe('18446744073709551615');
      expect(await described(new ExtData(100, new Uint8Array([0x80])))).toEqual({
        type: 'ExtType',
        repr: "ExtType(code=100, data=b'\\x80')",
      });
    });

    it('should build the same repr and str as Python', async () => {
      const client = await rawClient(server.endpoint);
      const samples: unknown[] = [
        'plain',
        "it's",
        'say "hi"',
        `both ' and "`,
        'tab\tnew\nline\r back\\slash',
        '\x00\x1f\x7f\x80\x9f\xa0\xadé\u2028\ufeff😀',
        1.5e-5,
        1e16,
        0.1,
        123.456,
        -2.5e-300,
        2 ** 53,
        Number.MAX_VALUE,
        [1, 'a', [2]],
        [[]],
        { a: [1], 'b"': null, c: false },
        Buffer.from([0x27, 0x22, 0x5c, 0x00, 0x41, 0xff]),
        new Date(-1),
        new ExtData(7, new Uint8Array([9])),
      ];
      for (const sample of samples) {
        const { repr } = valueOf(await client.call('describe', [sample])) as { repr: string };
        expect([sample, pythonRepr(sample)]).toEqual([sample, repr]);
      }
      for (const args of [['bad value', 42], [], ['only'], [1.5, [1, 2]]]) {
        const [repr, str] = valueOf(await client.call('exception_repr', ['ValueError', ...args])) as string[];
        expect(exceptionRepr('builtins.ValueError', args)).toBe(repr);
        expect(exceptionMessage('builtins.ValueError', args)).toBe(str);
      }
      const [keyRepr, keyStr] = valueOf(await client.call('exception_repr', ['KeyError', 'k'])) as string[];
      expect([exceptionRepr('builtins.KeyError', ['k']), exceptionMessage('builtins.KeyError', ['k'])]).toEqual([keyRepr, keyStr]);
    });

    it('should keep a pickled datetime (ext 126) opaque', async () => {
      const client = await rawClient(server.endpoint);
      const now = valueOf(await client.call('now')) as ExtData;
      expect(now).toBeInstanceOf(ExtData);
      expect(now.type).toBe(126);
      const pickle = Buffer.from(now.data as Uint8Array);
      expect(pickle.subarray(0, 2).toString('hex')).toBe('8005');
      expect(pickle.includes(Buffer.from('datetime'))).toBe(true);
      // Sent back unchanged, Python unpickles it as its own datetime again.
      expect(valueOf(await client.call('describe', [now]))).toEqual({
        type: 'datetime',
        repr: 'datetime.datetime(2024, 1, 2, 3, 4, 5, 6)',
      });
    });

    it('should decode integers beyond 2^53 as bigint and the rest as numbers', async () => {
      const client = await rawClient(server.endpoint);
      expect(valueOf(await client.call('big'))).toEqual([2 ** 40, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 64n - 1n, -(2 ** 40)]);
    });

    it('should refuse a reply with an int map key, keeping its request id', async () => {
      const client = await rawClient(server.endpoint);
      const raw = await client.callRaw('int_keys');
      let caught: unknown;
      try {
        decodeReply(raw);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(AiozmqProtocolError);
      expect(caught).toMatchObject({ reason: 'map-key', requestId: 1 });
    });
  });

  describe('Python connect_rpc calling a rxzmq ROUTER', () => {
    /** Serves with the codec only; `answer` returns a result, throws a WireError-shaped object, or returns `NO_REPLY`. */
    const NO_REPLY = Symbol('no reply');
    async function serve(answer: (call: DecodedRequest) => unknown) {
      const socket = track(router({ bind: 'tcp://127.0.0.1:*', linger: 0 }));
      await socket.ready;
      const prefix = createHeaderPrefix();
      const received: DecodedRequest[] = [];
      const frames: Message[] = [];
      socket.subscribe((message) => {
        frames.push(message);
        const call = decodeRequest(message);
        received.push(call);
        const address = { envelope: call.envelope, requestHeader: call.headerBytes, serverHeaderFields: prefix };
        let reply: Buffer[];
        try {
          const result = answer(call);
          if (result === NO_REPLY) return;
          reply = encodeReply({ ...address, result });
        } catch (error) {
          reply = encodeReply({ ...address, error: error as WireError });
        }
        void socket.send(reply);
      });
      return { endpoint: socket.bindings[0], received, frames };
    }

    const methods = (call: DecodedRequest): unknown => {
      const [a, b] = call.args as number[];
      switch (call.method) {
        case 'add':
          return a + b;
        case 'ns.mul':
          return a * b;
        case 'kw':
          return { args: call.args, kwargs: call.kwargs };
        case 'echo':
          return call.args[0];
        case 'fail':
          throw { name: 'ValueError', message: 'bad', args: ['bad', 7] };
        case 'range':
          throw { name: 'RangeError', message: 'too big', args: ['too big'] };
        case 'missing':
          throw { name: 'NotFoundError', message: 'missing', args: ['missing'] };
        case 'params':
          throw { name: 'ParameterError', message: 'wrong', args: ['wrong'] };
        case 'custom':
          throw { name: 'MyJsError', message: 'mine', args: ['mine', 1] };
        case 'never':
          return NO_REPLY;
        default:
          throw { name: 'NotFoundError', message: call.method, args: [call.method] };
      }
    };

    it('should answer results and errors that Python raises as its own classes', async () => {
      const { endpoint, received, frames } = await serve(methods);
      const client = startPythonClient({
        mode: 'rpc',
        endpoint,
        timeout: 5,
        calls: [
          { method: 'add', args: [1, 2] },
          { method: 'ns.mul', args: [6, 7] },
          { method: 'kw', args: [1], kwargs: { b: 2, c: 'x' } },
          { method: 'echo', args: [{ $tuple: [1, { $bytes: '00ff' }, { k: [2] }] }] },
          { method: 'fail' },
          { method: 'range' },
          { method: 'missing' },
          { method: 'params' },
          { method: 'custom' },
          { method: 'never', timeout: 0.3 },
        ],
      });
      const results = await client.results(10, 20_000);
      const byIndex = (i: number): PeerLine => results.find((r) => r.index === i) as PeerLine;
      expect(byIndex(0).ok).toBe(3);
      expect(byIndex(1).ok).toBe(42);
      expect(byIndex(2).ok).toEqual({ args: { $tuple: [1] }, kwargs: { b: 2, c: 'x' } });
      expect(byIndex(3).ok).toEqual({ $tuple: [1, { $bytes: '00ff' }, { k: { $tuple: [2] } }] });
      expect(byIndex(4).error).toEqual({ type: 'builtins.ValueError', args: { $tuple: ['bad', 7] }, repr: "ValueError('bad', 7)" });
      expect(byIndex(5).error).toMatchObject({ type: 'builtins.ValueError', args: { $tuple: ['too big'] } });
      expect(byIndex(6).error).toMatchObject({ type: AIOZMQ_NOT_FOUND_ERROR, args: { $tuple: ['missing'] } });
      expect(byIndex(7).error).toMatchObject({ type: AIOZMQ_PARAMETERS_ERROR, args: { $tuple: ['wrong'] } });
      // A name Python does not know: GenericError(exc_type, args, exc_repr).
      expect(byIndex(8).error).toMatchObject({
        type: 'aiozmq.rpc.base.GenericError',
        args: { $tuple: ['MyJsError', { $tuple: ['mine', 1] }, "MyJsError('mine', 1)"] },
      });
      expect(byIndex(9).error).toMatchObject({ type: 'builtins.TimeoutError' });

      // What Python sent: its pid in the header, ids from 1, one routing id in front.
      expect(received.map((r) => r.requestId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(received.every((r) => r.header.pid === client.pid % 0x10000 && r.envelope.length === 1)).toBe(true);
      expect(new Set(received.map((r) => r.header.random)).size).toBe(1);
      expect(received[0].headerBytes.length).toBe(16);
      expect(hex(frames[0].slice(2))).toBe('616464 | 920102 | 80');
      expect(hex(frames[2].slice(2))).toBe('6b77 | 9101 | 82a16202a163a178');
      expect(hex(frames[1].slice(2, 3))).toBe('6e732e6d756c');
    });
  });

  describe('rxzmq PUSH notifying Python serve_pipeline', () => {
    it('should run notify.log("x", level=1), and keep serving after an unknown method', async () => {
      const server = await startPythonServer('pipeline');
      const out = track(push({ connect: server.endpoint, linger: 0 }));
      await out.ready;
      const frames = encodeNotify({ method: 'log', args: ['x'], kwargs: { level: 1 } });
      expect(hex(frames)).toBe('6c6f67 | 91a178 | 81a56c6576656c01');
      await out.send(frames);
      const line = await server.peer.waitFor((l) => l.event === 'call', WAIT);
      expect(line).toMatchObject({ method: 'log', args: { $tuple: ['x'] }, kwargs: { level: 1 } });
      // NotFoundError is only logged by the pipeline server; the next call still runs.
      await out.send(encodeNotify({ method: 'nope' }));
      await out.send(encodeNotify({ method: 'log', args: ['y'] }));
      await server.peer.waitFor((l) => l.event === 'call' && JSON.stringify(l.args) === '{"$tuple":["y"]}', WAIT);
    });
  });

  describe('rxzmq PUB publishing to Python serve_pubsub', () => {
    it('should reach the subscribed topic and its prefixes only', async () => {
      const server = await startPythonServer('pubsub', ['news']);
      const out = track(pub({ connect: server.endpoint, linger: 0 }));
      await out.ready;
      expect(hex(encodePublish({ topic: 'news', method: 'log', args: ['x'], kwargs: { level: 1 } }))).toBe(
        '6e657773 | 6c6f67 | 91a178 | 81a56c6576656c01',
      );
      const seen = (arg: string) => (l: PeerLine) => l.event === 'call' && JSON.stringify(l.args) === `{"$tuple":["${arg}"]}`;
      // A PUB drops what it sends before the subscription reaches it: publish every 100 ms until seen (bounded by WAIT).
      const timer = setInterval(() => {
        out.next(encodePublish({ topic: 'other', method: 'log', args: ['o'] }));
        out.next(encodePublish({ topic: null, method: 'log', args: ['none'] }));
        out.next(encodePublish({ topic: 'news', method: 'log', args: ['x'], kwargs: { level: 1 } }));
        out.next(encodePublish({ topic: Buffer.from('newsroom'), method: 'log', args: ['r'] }));
      }, 100);
      try {
        const news = await server.peer.waitFor(seen('x'), WAIT);
        expect(news.kwargs).toEqual({ level: 1 });
        await server.peer.waitFor(seen('r'), WAIT);
      } finally {
        clearInterval(timer);
      }
      expect(server.peer.lines.some(seen('o'))).toBe(false);
      expect(server.peer.lines.some(seen('none'))).toBe(false);
    });
  });

  describe('Python clients notifying and publishing to rxzmq', () => {
    it('should decode connect_pipeline notifications byte for byte', async () => {
      const inbox = track(pull({ bind: 'tcp://127.0.0.1:*', linger: 0 }));
      await inbox.ready;
      const first = firstValueFrom(inbox.pipe(timeout(WAIT)));
      startPythonClient({
        mode: 'pipeline',
        endpoint: inbox.bindings[0],
        calls: [{ method: 'log', args: ['x'], kwargs: { level: 1 } }],
        repeat: 100,
        interval: 0.1,
      });
      const frames = await first;
      expect(hex(frames)).toBe('6c6f67 | 91a178 | 81a56c6576656c01');
      expect(decodeNotify(frames)).toEqual({ method: 'log', args: ['x'], kwargs: { level: 1 } });
    });

    it('should decode connect_pubsub publications byte for byte', async () => {
      const inbox = track(sub({ bind: 'tcp://127.0.0.1:*', linger: 0, topics: ['news'] }));
      await inbox.ready;
      const first = firstValueFrom(inbox.pipe(map((frames) => decodePublish(frames)), timeout(WAIT)));
      const raw = firstValueFrom(inbox.pipe(timeout(WAIT)));
      startPythonClient({
        mode: 'pubsub',
        endpoint: inbox.bindings[0],
        calls: [
          { method: 'log', args: ['o'], topic: 'other' },
          { method: 'log', args: ['x'], kwargs: { level: 1 }, topic: 'news' },
        ],
        repeat: 100,
        interval: 0.1,
      });
      expect(hex(await raw)).toBe('6e657773 | 6c6f67 | 91a178 | 81a56c6576656c01');
      const publication = await first;
      expect(publication.topic.toString()).toBe('news');
      expect(publication).toMatchObject({ method: 'log', args: ['x'], kwargs: { level: 1 } });
    });
  });
});
