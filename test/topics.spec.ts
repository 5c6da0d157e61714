/**
 * subscribeTopic on real sockets:
 *
 *   XPUB (bound, sees subscriptions) <--- SUB (subscribeTopic a, a, b)
 *   XPUB --- [a,1] [b,2] [c,3] ---> SUB
 */
import { firstValueFrom, map, of, take, toArray } from 'rxjs';
import { Context, sub, xpub } from '../src';
import { publishTopic, subscribeTopic } from '../src/operators';
import { waitFor } from './helpers';

describe('subscribeTopic on libzmq', () => {
  let context: Context;
  beforeEach(() => (context = new Context()));
  afterEach(() => context.close());

  it('subscribeTopic - subscribes once per topic and unsubscribes when the last subscriber leaves', async () => {
    const feed = xpub({ bind: 'tcp://127.0.0.1:*', linger: 0, context });
    await feed.ready;
    const seen: string[] = [];
    feed.subscribe(([f]) => seen.push(`${f![0]}${f!.subarray(1).toString()}`));
    const reader = sub({ connect: feed.bindings[0]!, linger: 0, context });

    const one = reader.pipe(subscribeTopic('a')).subscribe();
    const two = reader.pipe(subscribeTopic('a', 'b')).subscribe();
    await waitFor(() => seen.length === 2, 2000, 'two subscriptions');
    one.unsubscribe();
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(['1a', '1b']); // 'a' is still held by the second subscriber
    two.unsubscribe();
    await waitFor(() => seen.length === 4, 2000, 'two cancellations');
    expect(seen.sort()).toEqual(['0a', '0b', '1a', '1b']);
    expect(reader.topics).toEqual([]);
  });

  it('subscribeTopic - receives published topics in both framings', async () => {
    const feed = xpub({ bind: 'tcp://127.0.0.1:*', linger: 0, context });
    await feed.ready;
    const reader = sub({ connect: feed.bindings[0]!, linger: 0, context });
    const plain = firstValueFrom(reader.pipe(subscribeTopic('news'), map((m) => `${m.topic}:${m.frames.join(',')}`), take(2), toArray()));
    const tx = firstValueFrom(
      reader.pipe(subscribeTopic({ topics: ['tx'], framing: 'txzmq' }), map((m) => `${m.topic}:${m.frames.join(',')}`), take(1), toArray()),
    );
    const subscribed = firstValueFrom(feed.pipe(take(2)));
    await subscribed;
    of(['a', 'b']).pipe(publishTopic('news')).subscribe((m) => feed.next(m));
    feed.next(['weather', 'x']);
    of('c').pipe(publishTopic('news.eu')).subscribe((m) => feed.next(m));
    of('body').pipe(publishTopic('tx', { framing: 'txzmq' })).subscribe((m) => feed.next(m));
    expect(await plain).toEqual(['news:a,b', 'news.eu:c']);
    expect(await tx).toEqual(['tx:body']);
  });
});
