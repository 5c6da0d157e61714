/**
 * Pipeline and pub-sub RPC over real sockets, rxzmq's protocol:
 *
 *   connectPipeline (PUSH) ===tcp===> servePipeline (PULL) -> handler
 *   connectPubSub   (PUB)  ===tcp===> servePubSub   (SUB, topics) -> handler
 */
import { Context, push } from '../../src';
import { connectPipeline, connectPubSub, kwargs, method, servePipeline, servePubSub } from '../../src/rpc';
import { HEADER } from '../../src/rpc/protocol';
import { waitFor } from '../helpers';

type Notify = Record<string, (...args: unknown[]) => Promise<void>>;

describe('RPC pipeline and pub-sub (rxzmq protocol)', () => {
  let context: Context;
  beforeEach(() => (context = new Context()));
  afterEach(() => context.close());

  it('pipeline - notifications run in order, batched, with keyword arguments', async () => {
    const seen: string[] = [];
    const service = await servePipeline(
      { log: method((line: string, level = 'info') => void seen.push(`${level}:${line}`), { params: ['line', 'level?'] }) },
      { bind: 'tcp://127.0.0.1:*', linger: 0, context },
    );
    const client = await connectPipeline({ connect: service.endpoints[0]!, linger: 0, context });
    const notify = client.notify as unknown as Notify;
    await Promise.all(Array.from({ length: 500 }, (_, i) => notify.log!(`line ${i}`)));
    await notify.log!('last', kwargs({ level: 'warn' }));
    await waitFor(() => seen.length === 501, 3000, 'every notification');
    expect(seen.slice(0, 3)).toEqual(['info:line 0', 'info:line 1', 'info:line 2']);
    expect(seen[500]).toBe('warn:last');
    expect(service.stats.messages).toBeLessThan(501);
  });

  it('pipeline - failures and malformed messages are logged and counted, and serving goes on', async () => {
    const seen: string[] = [];
    const logged: string[] = [];
    const service = await servePipeline(
      {
        ok: (s: string) => void seen.push(s),
        boom: () => {
          throw new RangeError('boom');
        },
      },
      { bind: 'tcp://127.0.0.1:*', linger: 0, context, logErrors: (err) => logged.push((err as Error).name) },
    );
    const raw = push({ connect: service.endpoints[0]!, linger: 0, context });
    await raw.send(['not', 'ours']);
    await raw.send([HEADER, Buffer.from([0xc1])]);
    const client = await connectPipeline({ connect: service.endpoints[0]!, linger: 0, context });
    const notify = client.notify as unknown as Notify;
    await notify.boom!();
    await notify.missing!();
    await notify.ok!('still serving');
    await waitFor(() => seen.length === 1, 3000, 'the good notification');
    expect(service.stats.malformed).toBe(2);
    expect(service.stats.errors).toBe(2);
    expect(logged).toEqual(expect.arrayContaining(['ProtocolError', 'RangeError', 'NotFoundError']));
  });

  it('pub-sub - only the subscribed topics (by prefix) reach the handler, which never sees the topic', async () => {
    const seen: string[] = [];
    const service = await servePubSub(
      { update: (s: string) => void seen.push(s) },
      { bind: 'tcp://127.0.0.1:*', topics: ['news'], linger: 0, context },
    );
    const client = await connectPubSub({ connect: service.endpoints[0]!, linger: 0, context });
    const on = (topic: string) => client.publish(topic) as unknown as Notify;
    // A PUB drops what it sends before the subscription arrives: publish until the first one lands.
    for (let i = 0; i < 100 && seen.length === 0; i++) {
      await on('news').update!('warm-up');
      await new Promise((r) => setTimeout(r, 20));
    }
    seen.length = 0;
    await on('sport').update!('sport');
    await on('newsroom').update!('newsroom');
    await on('news').update!('news');
    await waitFor(() => seen.length === 2, 3000, 'two updates');
    expect(seen).toEqual(['newsroom', 'news']);
  });
});
