/**
 * rxzmq's RPC layer with `protocol: 'aiozmq'` against the real Python
 * aiozmq.rpc, all three patterns, both directions:
 *
 * ```
 * connectRpc      (rxzmq DEALER) ---> Python serve_rpc
 * Python connect_rpc             ---> serveRpc        (rxzmq ROUTER)
 * connectPipeline (rxzmq PUSH)   ---> Python serve_pipeline
 * Python connect_pipeline        ---> servePipeline   (rxzmq PULL)
 * connectPubSub   (rxzmq PUB)    ---> Python serve_pubsub ('news')
 * Python connect_pubsub          ---> servePubSub     (rxzmq SUB 'news')
 * ```
 */
import {
  connectPipeline,
  connectPubSub,
  connectRpc,
  kwargs,
  method,
  NotFoundError,
  ParameterError,
  RpcTimeoutError,
  serveRpc,
  servePipeline,
  servePubSub,
  ValueError,
} from '../../src/rpc';
import { describeWithPython, startPythonClient, startPythonServer, stopPythonPeers, type PeerLine } from './python';

const WAIT = 10_000;

type Closable = { close(): Promise<void> };
const open: Closable[] = [];
const track = <T extends Closable>(thing: T): T => (open.push(thing), thing);

class MyError extends Error {
  override name = 'MyError';
  constructor(...args: unknown[]) {
    super(String(args[0]));
    this.args = args;
  }
  args: unknown[];
}

describeWithPython('RPC with protocol aiozmq against Python aiozmq.rpc', () => {
  afterEach(async () => {
    await Promise.all(open.splice(0).map((x) => x.close()));
    await stopPythonPeers();
  });

  it('interop - connectRpc calls a Python server: values, kwargs, namespaces, errors, timeouts', async () => {
    const server = await startPythonServer('rpc');
    const client = track(
      await connectRpc({ connect: server.endpoint, protocol: 'aiozmq', linger: 0, timeout: 5000, errorTable: { '__main__.MyError': MyError } }),
    );
    const call = client.call as unknown as Record<string, (...args: unknown[]) => Promise<unknown>> & {
      ns: Record<string, (...args: unknown[]) => Promise<unknown>>;
    };
    expect(await call.add!(1, 2)).toBe(3);
    expect(await call.kw!(1, kwargs({ c: 'y' }))).toEqual([1, 2, 'y']);
    expect(await call.ns.mul!(6, 7)).toBe(42);
    expect(await call.echo!({ a: [1, 'two'], b: Buffer.from([0, 255]) })).toEqual({ a: [1, 'two'], b: Buffer.from([0, 255]) });
    const value = await call.fail_value!().catch((e: unknown) => e);
    expect(value).toBeInstanceOf(ValueError);
    expect((value as ValueError & { args?: unknown[] }).message).toBe("('bad value', 42)");
    const mine = await call.fail_custom!('mine', 1).catch((e: unknown) => e);
    expect(mine).toBeInstanceOf(MyError);
    expect((mine as MyError).args).toEqual(['mine', 1]);
    await expect(call.missing!()).rejects.toThrow(NotFoundError);
    await expect(call.add!(1)).rejects.toThrow(ParameterError);
    await expect(client.withTimeout(100).call.slow(2)).rejects.toThrow(RpcTimeoutError);
  });

  it('interop - serveRpc answers a Python client: results, kwargs, namespaces and errors Python can raise', async () => {
    const service = track(
      await serveRpc(
        {
          add: (a: number, b: number) => a + b,
          kw: method((a: number, b = 2, c = 'x') => [a, b, c], { params: ['a', 'b?', 'c?'] }),
          ns: { mul: (a: number, b: number) => a * b },
          fail: () => {
            throw new ValueError('bad');
          },
        },
        { bind: 'tcp://127.0.0.1:*', protocol: 'aiozmq', linger: 0 },
      ),
    );
    const client = startPythonClient({
      mode: 'rpc',
      endpoint: service.endpoints[0]!,
      timeout: 5,
      calls: [
        { method: 'add', args: [1, 2] },
        { method: 'kw', args: [1], kwargs: { c: 'y' } },
        { method: 'ns.mul', args: [6, 7] },
        { method: 'fail' },
        { method: 'missing' },
        { method: 'add', args: [1], kwargs: { z: 2 } },
      ],
    });
    const results = await client.results(6, 20_000);
    const at = (i: number): PeerLine => results.find((r) => r.index === i) as PeerLine;
    expect(at(0).ok).toBe(3);
    expect(at(1).ok).toEqual({ $tuple: [1, 2, 'y'] });
    expect(at(2).ok).toBe(42);
    expect(at(3).error).toMatchObject({ type: 'builtins.ValueError', args: { $tuple: ['bad'] } });
    expect(at(4).error).toMatchObject({ type: 'aiozmq.rpc.base.NotFoundError' });
    expect(at(5).error).toMatchObject({ type: 'aiozmq.rpc.base.ParametersError' });
  });

  it('interop - connectPipeline notifies a Python pipeline server', async () => {
    const server = await startPythonServer('pipeline');
    const client = track(await connectPipeline({ connect: server.endpoint, protocol: 'aiozmq', linger: 0 }));
    await (client.notify as unknown as Record<string, (...a: unknown[]) => Promise<void>>).log!('x', kwargs({ level: 1 }));
    const line = await server.peer.waitFor((l) => l.event === 'call', WAIT);
    expect(line).toMatchObject({ method: 'log', args: { $tuple: ['x'] }, kwargs: { level: 1 } });
  });

  it('interop - servePipeline runs notifications from a Python client', async () => {
    const seen: unknown[][] = [];
    const service = track(
      await servePipeline({ log: (...args: unknown[]) => void seen.push(args) }, { bind: 'tcp://127.0.0.1:*', protocol: 'aiozmq', linger: 0 }),
    );
    startPythonClient({ mode: 'pipeline', endpoint: service.endpoints[0]!, calls: [{ method: 'log', args: ['x', 1] }], repeat: 50, interval: 0.1 });
    await waitUntil(() => seen.length > 0);
    expect(seen[0]).toEqual(['x', 1]);
  });

  it('interop - connectPubSub publishes to a Python pub-sub server on its topic', async () => {
    const server = await startPythonServer('pubsub', ['news']);
    const client = track(await connectPubSub({ connect: server.endpoint, protocol: 'aiozmq', linger: 0 }));
    const publish = client.publish('news') as unknown as Record<string, (...a: unknown[]) => Promise<void>>;
    const seen = server.peer.waitFor((l) => l.event === 'call', WAIT);
    let got = false;
    void seen.then(() => (got = true));
    // A PUB drops what it sends before the subscription reaches it: publish until the server has seen one.
    for (let i = 0; i < 100 && !got; i++) {
      await publish.log!('x');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await seen).toMatchObject({ method: 'log', args: { $tuple: ['x'] } });
  });

  it('interop - servePubSub runs what a Python publisher sends on its topics', async () => {
    const seen: string[] = [];
    const service = track(
      await servePubSub({ log: (s: string) => void seen.push(s) }, { bind: 'tcp://127.0.0.1:*', topics: ['news'], protocol: 'aiozmq', linger: 0 }),
    );
    startPythonClient({
      mode: 'pubsub',
      endpoint: service.endpoints[0]!,
      calls: [
        { method: 'log', args: ['sport'], topic: 'sport' },
        { method: 'log', args: ['newsroom'], topic: 'newsroom' },
      ],
      repeat: 50,
      interval: 0.1,
    });
    await waitUntil(() => seen.length > 0);
    expect(seen.every((s) => s === 'newsroom')).toBe(true);
  });
});

async function waitUntil(check: () => boolean, ms = WAIT): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
