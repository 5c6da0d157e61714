/**
 * sendTo and proxy on real sockets.
 *
 *   async generator --sendTo--> PUSH ===tcp===> PULL
 *   REQ x3 ===tcp===> ROUTER [proxy] DEALER ===tcp===> REP x2
 */
import { firstValueFrom, lastValueFrom, take, tap, toArray } from 'rxjs';
import { Context, dealer, pull, push, rep, req, router } from '../src';
import { proxy, sendTo } from '../src/operators';

describe('sendTo and proxy on libzmq', () => {
  let context: Context;
  beforeEach(() => (context = new Context()));
  afterEach(() => context.close());

  it('sendTo - pulls an async generator one value at a time and delivers all in order', async () => {
    const inp = pull({ bind: 'tcp://127.0.0.1:*', linger: 0, context });
    await inp.ready;
    const out = push({ connect: inp.bindings[0]!, linger: 0, context });
    const received = firstValueFrom(inp.pipe(take(500), toArray()));
    let pulled = 0;
    let sent = 0;
    let mostAhead = 0;
    async function* numbers(): AsyncGenerator<string> {
      for (let i = 0; i < 500; i++) {
        pulled++;
        mostAhead = Math.max(mostAhead, pulled - sent);
        yield `${i}`;
      }
    }
    const echoed = await lastValueFrom(sendTo<string>(out)(numbers()).pipe(tap(() => sent++), toArray()));
    expect(echoed).toHaveLength(500);
    expect(mostAhead).toBe(1);
    expect((await received).map(([f]) => f!.toString())).toEqual(echoed);
  });

  it('proxy - a ROUTER/DEALER queue serves three REQ clients with two REP workers', async () => {
    const front = router({ bind: 'tcp://127.0.0.1:*', linger: 0, context });
    const back = dealer({ bind: 'tcp://127.0.0.1:*', linger: 0, context });
    await Promise.all([front.ready, back.ready]);
    const broker = proxy(front, back).subscribe();
    for (const name of ['w1', 'w2']) {
      const worker = rep({ connect: back.bindings[0]!, linger: 0, context });
      worker.subscribe(([body]) => worker.next([name, `re:${body}`]));
    }
    const clients = [0, 1, 2].map(() => req({ connect: front.bindings[0]!, linger: 0, context }));
    const results = await Promise.all(
      clients.map(async (client, c) => {
        const replies: string[] = [];
        const workers = new Set<string>();
        for (let i = 0; i < 20; i++) {
          const reply = firstValueFrom(client);
          await client.send(`c${c}-${i}`);
          const [worker, body] = await reply;
          workers.add(worker!.toString());
          replies.push(body!.toString());
        }
        return { replies, workers };
      }),
    );
    broker.unsubscribe();
    results.forEach(({ replies }, c) => expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => `re:c${c}-${i}`)));
    expect(new Set(results.flatMap(({ workers }) => [...workers]))).toEqual(new Set(['w1', 'w2']));
  });
});
