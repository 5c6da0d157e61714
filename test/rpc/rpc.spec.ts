/**
 * Request-reply RPC over real sockets, rxzmq's own protocol.
 *
 *   connectRpc (DEALER) ===tcp===> serveRpc (ROUTER) -> handler
 */
import { finalize, firstValueFrom, interval, take, toArray } from 'rxjs';
import { Context, dealer } from '../../src';
import {
  connectRpc,
  GenericError,
  kwargs,
  method,
  NotFoundError,
  ParameterError,
  RpcTimeoutError,
  serveRpc,
  ValueError,
  type RpcClient,
  type RpcService,
} from '../../src/rpc';
import { HEADER } from '../../src/rpc/protocol';
import { delay, waitFor } from '../helpers';
import { decode, encode } from '@msgpack/msgpack';

class InsufficientFunds extends Error {
  override name = 'InsufficientFunds';
  constructor(readonly needed: number) {
    super(`need ${needed} more`);
  }
}

interface Api {
  add(a: number, b: number): number;
  math: { mul(a: number, b: number): Promise<number> };
  ticks(n: number): import('rxjs').Observable<number>;
  slow(ms: number): Promise<string>;
  fail(kind: string): never;
  echo<T>(x: T): T;
  named(a: number, b?: number): number;
}

describe('RPC request-reply (rxzmq protocol)', () => {
  let context: Context;
  let service: RpcService;
  let client: RpcClient<Api>;
  const aborted: string[] = [];
  const finalized: string[] = [];

  const handler = {
    add: (a: number, b: number) => a + b,
    math: { mul: async (a: number, b: number) => a * b },
    ticks: (n: number) =>
      interval(5).pipe(
        take(n),
        finalize(() => finalized.push(`ticks(${n})`)),
      ),
    slow: method(
      (ms: number, signal: AbortSignal) =>
        new Promise<string>((resolve) => {
          const timer = setTimeout(() => resolve('done'), ms);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            aborted.push(`slow(${ms})`);
          });
        }),
      { signal: true },
    ),
    fail: (kind: string) => {
      if (kind === 'type') throw new TypeError('bad type');
      if (kind === 'value') throw new ValueError('bad value');
      if (kind === 'funds') throw new InsufficientFunds(42);
      throw new (class Weird extends Error {
        override name = 'Weird';
      })('weird');
    },
    echo: <T>(x: T) => x,
    named: method((a: number, b = 10) => a + b, { params: ['a', 'b?'] }),
  };

  beforeEach(async () => {
    context = new Context();
    aborted.length = 0;
    finalized.length = 0;
    service = await serveRpc(handler, { bind: 'tcp://127.0.0.1:*', linger: 0, context });
    client = await connectRpc<Api>({
      connect: service.endpoints[0]!,
      linger: 0,
      context,
      errorTable: { InsufficientFunds: InsufficientFunds as never },
    });
  });
  afterEach(() => context.close());

  it('rpc - calls methods and namespaces, with the bound port resolved', async () => {
    expect(service.endpoints[0]).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(await client.call.add(1, 2)).toBe(3);
    expect(await client.call.math.mul(2, 3)).toBe(6);
  });

  it('rpc - many calls in flight each get their own reply, batched into fewer messages', async () => {
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => client.call.add(i, 1)));
    expect(results).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(service.stats.calls).toBe(500);
    expect(service.stats.messages).toBeLessThan(500);
  });

  it('rpc - values round-trip: Date, bytes, nested objects, null', async () => {
    const value = { when: new Date(1700000000123), bytes: Buffer.from([1, 2, 3]), list: [1, 'two', { three: 3 }], none: null };
    const back = (await client.call.echo(value)) as typeof value;
    expect(back.when).toBeInstanceOf(Date);
    expect(back.when.getTime()).toBe(value.when.getTime());
    expect(Buffer.from(back.bytes)).toEqual(value.bytes);
    expect(back.list).toEqual(value.list);
    expect(back.none).toBeNull();
  });

  it('rpc - an Observable result streams, and unsubscribing cancels it on the server', async () => {
    expect(await firstValueFrom(client.stream.ticks(3).pipe(toArray()))).toEqual([0, 1, 2]);
    const two = await firstValueFrom(client.stream.ticks(1000).pipe(take(2), toArray()));
    expect(two).toEqual([0, 1]);
    await waitFor(() => finalized.includes('ticks(1000)'), 2000, 'the server to stop the stream');
    expect(await client.call.ticks(3)).toBe(2); // a plain call gets the last value
  });

  it('rpc - a client timeout fails with RpcTimeoutError pointing at the caller, and aborts the server call', async () => {
    const err = await client.withTimeout(50).call.slow(2000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcTimeoutError);
    expect((err as Error).stack).toContain('rpc.spec.ts');
    await waitFor(() => aborted.includes('slow(2000)'), 2000, 'the server to abort');
    expect(await client.call.slow(1)).toBe('done');
  });

  it('rpc - with callerStack: false a timeout still fails with RpcTimeoutError, its stack the timer\'s', async () => {
    const quick = await connectRpc<Api>({ connect: service.endpoints[0]!, linger: 0, context, timeout: 50, callerStack: false });
    const err = await quick.call.slow(2000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcTimeoutError);
    expect(err).toMatchObject({ timeout: 50, method: 'slow' });
    expect((err as Error).stack).not.toContain('rpc.spec.ts');
    // withTimeout keeps the choice; the default captures
    const again = await quick.withTimeout(30).call.slow(2000).catch((e: unknown) => e);
    expect((again as Error).stack).not.toContain('rpc.spec.ts');
    const traced = await client.withTimeout(30).call.slow(2000).catch((e: unknown) => e);
    expect((traced as Error).stack).toContain('rpc.spec.ts');
  });

  it('rpc - remote errors arrive as their classes, or GenericError', async () => {
    await expect(client.call.fail('type')).rejects.toThrow(TypeError);
    await expect(client.call.fail('value')).rejects.toThrow(ValueError);
    const funds = await client.call.fail('funds').catch((e: unknown) => e);
    expect(funds).toBeInstanceOf(InsufficientFunds);
    const weird = await client.call.fail('weird').catch((e: unknown) => e);
    expect(weird).toBeInstanceOf(GenericError);
    expect((weird as GenericError).remoteName).toBe('Weird');
    expect((weird as Error).message).toContain('weird');
  });

  it('rpc - nothing beyond what the handler exposes is reachable', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'add.call', 'math.constructor', 'nothing', 'hasOwnProperty']) {
      const err = await (client.call as unknown as Record<string, () => Promise<unknown>>)[name]!().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
    }
  });

  it('rpc - keyword arguments bind to declared parameters; others are ParameterErrors', async () => {
    expect(await client.call.named(1, kwargs({ b: 2 }))).toBe(3);
    expect(await client.call.named(1)).toBe(11);
    await expect(client.call.named(1, kwargs({ c: 2 }))).rejects.toThrow(ParameterError);
    await expect(client.call.add(1, kwargs({ b: 2 }))).rejects.toThrow(ParameterError);
  });

  it('rpc - malformed requests get a ProtocolError reply and the server keeps serving', async () => {
    const raw = dealer({ connect: service.endpoints[0]!, linger: 0, context });
    const replies: string[] = [];
    raw.subscribe(([, body]) => {
      // error replies to one peer may come batched: every packet counts
      for (const packet of decode(body!) as unknown[][]) replies.push(String(packet[2]));
    });
    raw.next(['only one frame']);
    raw.next([Buffer.from('RXZ\x09'), encode([])]); // unknown version
    raw.next([HEADER, Buffer.from([0xc1])]); // never-used msgpack byte
    raw.next([HEADER, encode({ not: 'an array' })]);
    raw.next([HEADER, encode([[0, 7, 'add']])]); // a call packet missing its args
    await waitFor(() => replies.length === 5, 2000, 'five error replies');
    expect(replies).toEqual(['ProtocolError', 'ProtocolError', 'ProtocolError', 'ProtocolError', 'ProtocolError']);
    expect(service.stats.malformed).toBe(5);
    expect(await client.call.add(2, 2)).toBe(4);
  });

  it('rpc - a request over maxMessageSize is refused without decoding, and the server serves on', async () => {
    const small = await serveRpc(handler, { bind: 'tcp://127.0.0.1:*', linger: 0, context, maxMessageSize: 1024 });
    const near = await connectRpc<Api>({ connect: small.endpoints[0]!, linger: 0, context, timeout: 300 });
    // The server cannot tell which calls a refused message carried: its ProtocolError reply has no call id,
    // so the client counts it and the call ends with the client's timeout.
    await expect(near.call.echo('x'.repeat(4096))).rejects.toThrow(RpcTimeoutError);
    expect(small.stats.malformed).toBe(1);
    expect(near.late).toBe(1);
    expect(await near.call.add(1, 1)).toBe(2);
  });

  it('rpc - two clients and two servers, connected any way round, each reply reaches its caller', async () => {
    const second = await serveRpc({ add: (a: number, b: number) => a + b + 1000 }, { bind: 'tcp://127.0.0.1:*', linger: 0, context });
    const both = await connectRpc<Api>({ connect: [service.endpoints[0]!, second.endpoints[0]!], linger: 0, context });
    await delay(50);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => both.call.add(i, 0)));
    results.forEach((r, i) => expect(r === i || r === i + 1000).toBe(true));
    expect(results.some((r, i) => r === i)).toBe(true);
    expect(results.some((r, i) => r === i + 1000)).toBe(true);
    expect(await client.call.add(5, 5)).toBe(10);
  });

  it('rpc - the other way round: servers connect to a bound client', async () => {
    const bound = await connectRpc<Api>({ bind: 'tcp://127.0.0.1:*', linger: 0, context });
    const endpoint = bound.socket.bindings[0]!;
    await serveRpc({ add: (a: number, b: number) => a + b }, { connect: endpoint, linger: 0, context });
    await serveRpc({ add: (a: number, b: number) => a + b }, { connect: endpoint, linger: 0, context });
    await delay(50);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => bound.call.add(i, i)));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i));
  });

  it('rpc - remote stacks cross only when the server opts in', async () => {
    const open = await serveRpc(handler, { bind: 'tcp://127.0.0.1:*', linger: 0, context, exposeStack: true });
    const near = await connectRpc<Api>({ connect: open.endpoints[0]!, linger: 0, context });
    const shown = (await near.call.fail('type').catch((e: unknown) => e)) as Error & { remoteStack?: string };
    expect(shown.remoteStack).toContain('rpc.spec.ts');
    const hidden = (await client.call.fail('type').catch((e: unknown) => e)) as Error & { remoteStack?: string };
    expect(hidden.remoteStack).toBeUndefined();
  });

  it('rpc - closing the client fails waiting calls with ServiceClosedError', async () => {
    const pending = client.call.slow(1000).catch((e: unknown) => e);
    await delay(20);
    await client.close();
    expect(((await pending) as Error).name).toBe('ServiceClosedError');
  });

  it('rpc - the server timeout aborts long calls and answers RpcTimeoutError', async () => {
    const strict = await serveRpc(handler, { bind: 'tcp://127.0.0.1:*', linger: 0, context, timeout: 30 });
    const near = await connectRpc<Api>({ connect: strict.endpoints[0]!, linger: 0, context });
    await expect(near.call.slow(1000)).rejects.toThrow(RpcTimeoutError);
    await waitFor(() => aborted.includes('slow(1000)'), 2000, 'the abort');
  });

  it('rpc - logs handler errors except the excluded classes', async () => {
    const logged: string[] = [];
    const logging = await serveRpc(handler, {
      bind: 'tcp://127.0.0.1:*',
      linger: 0,
      context,
      logErrors: (err) => logged.push((err as Error).name),
      logExclude: [ValueError],
    });
    const near = await connectRpc<Api>({ connect: logging.endpoints[0]!, linger: 0, context });
    await near.call.fail('type').catch(() => undefined);
    await near.call.fail('value').catch(() => undefined);
    expect(logged).toEqual(['TypeError']);
  });
});
