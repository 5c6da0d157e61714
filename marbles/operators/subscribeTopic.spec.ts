import { map } from 'rxjs';
import { MemoryNetwork } from '../../src/testing';
import { publishTopic, subscribeTopic, type TopicMessage } from '../../src/operators';
import { testScheduler, text } from '../helpers';

const shown = map(({ topic, frames }: TopicMessage) => `${topic}:${frames.map(String).join(',')}`);

describe('subscribeTopic', () => {
  it('subscribeTopic - emits the messages of its topics, matched by prefix', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const feed = net.pub({ bind: 'inproc://f' });
      const reader = net.sub({ connect: 'inproc://f' });
      const values = { a: ['news', '1'], b: ['wx', '2'], c: ['news.eu', '3', '4'], d: ['sport', '5'] };
      cold('-a-b-c-d', values).subscribe((m) => feed.next(m));
      expectObservable(reader.pipe(subscribeTopic('news'), shown), '^ 9ms !').toBe('-a---c', {
        a: 'news:1',
        c: 'news.eu:3,4',
      });
    });
  });

  it('subscribeTopic - each subscription sees only its own topics on a shared socket', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const feed = net.pub({ bind: 'inproc://f' });
      const reader = net.sub({ connect: 'inproc://f' });
      cold('-a-b-a-b', { a: ['a', 'x'], b: ['b', 'y'] }).subscribe((m) => feed.next(m));
      expectObservable(reader.pipe(subscribeTopic('a'), shown), '^ 9ms !').toBe('-x---x', { x: 'a:x' });
      expectObservable(reader.pipe(subscribeTopic('b'), shown), '^ 9ms !').toBe('---y---y', { y: 'b:y' });
    });
  });

  it('subscribeTopic - holds the ZeroMQ subscription from the first subscriber until the last leaves', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const feed = net.pub({ bind: 'inproc://f' });
      const reader = net.sub({ connect: 'inproc://f' });
      cold('0123456789').subscribe((s) => feed.next(['t', s]));
      const body = map((m: TopicMessage) => m.frames[0]!.toString());
      // a message sent in the frame a subscription starts goes before it
      expectObservable(reader.pipe(subscribeTopic('t'), body), '--^---!').toBe('---345');
      expectObservable(reader.pipe(subscribeTopic('t'), body), '----^---!').toBe('----4567');
      // the raw socket shows what the publisher delivers: only while a subscribeTopic holds 't'
      expectObservable(reader.pipe(text()), '^ 10ms !').toBe('---abcde', {
        a: 't|3', b: 't|4', c: 't|5', d: 't|6', e: 't|7',
      });
    });
  });

  it('subscribeTopic - keeps topics the socket had before it', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const feed = net.pub({ bind: 'inproc://f' });
      const reader = net.sub({ connect: 'inproc://f', topics: 't' });
      cold('0123').subscribe((s) => feed.next(['t', s]));
      expectObservable(reader.pipe(subscribeTopic('t'), map((m) => m.frames[0]!.toString())), '^!').toBe('0');
      expectObservable(reader.pipe(text()), '^ 5ms !').toBe('abcd', { a: 't|0', b: 't|1', c: 't|2', d: 't|3' });
    });
  });

  it('subscribeTopic - with thousands of topics matches each by prefix, and gives back exactly what it took', () => {
    const topics = Array.from({ length: 3000 }, (_, i) => `sym.${String(i).padStart(4, '0')}`);
    const net = new MemoryNetwork();
    const feed = net.pub({ bind: 'inproc://f' });
    const reader = net.sub({ connect: 'inproc://f', topics: 'keep' });
    testScheduler().run(({ cold, expectObservable }) => {
      const values = {
        a: ['sym.0001', '1'],
        b: ['sym.0001x', '2'],
        c: ['sym', '3'],
        d: ['other', '4'],
        e: ['keep.it', '5'],
        f: ['sym.2999', '6'],
        g: ['sym.3000', '7'],
      };
      cold('-abcdefg', values).subscribe((m) => feed.next(m));
      const many = subscribeTopic({ topics: [...topics, 'keep', 'sym.0001'] });
      expectObservable(reader.pipe(many, shown), '^ 9ms !').toBe('-ab--ef', {
        a: 'sym.0001:1',
        b: 'sym.0001x:2',
        e: 'keep.it:5',
        f: 'sym.2999:6',
      });
    });
    expect(reader.topics).toEqual(['keep']);
  });

  it('subscribeTopic - reads txZMQ framing: one frame topic NUL body, or two frames', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const feed = net.pub({ bind: 'inproc://f' });
      const reader = net.sub({ connect: 'inproc://f' });
      const values = { a: ['news\0body-0'], b: ['news', 'body-1'], c: ['news-without-nul'], d: ['wx\0x'] };
      cold('-abcd', values).subscribe((m) => feed.next(m));
      expectObservable(reader.pipe(subscribeTopic({ topics: ['news'], framing: 'txzmq' }), shown), '^ 5ms !').toBe('-ab', {
        a: 'news:body-0',
        b: 'news:body-1',
      });
    });
  });

  it('subscribeTopic - completes when the socket closes', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const reader = net.sub({ connect: 'inproc://f' });
      cold('---x').subscribe(() => void reader.close());
      expectObservable(reader.pipe(subscribeTopic('t'))).toBe('---|');
    });
  });

  it('publishTopic - puts the topic in a frame of its own', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b|', { a: 'x', b: ['y', 'z'] });
      expectObservable(source.pipe(publishTopic('t'), map((m) => m.map(String).join('|')))).toBe('-a-b|', {
        a: 't|x',
        b: 't|y|z',
      });
    });
  });

  it('publishTopic - txZMQ framing joins topic and body with NUL and refuses several frames', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b|', { a: 'x', b: ['y', 'z'] });
      const result = source.pipe(publishTopic('t', { framing: 'txzmq' }), map((m) => m.map(String).join('|')));
      expectObservable(result).toBe('-a-#', { a: 't\0x' }, new TypeError('rxzmq: txZMQ topic framing carries one frame, got 2'));
    });
  });

  it('publishTopic and subscribeTopic - round trip over PUB/SUB in both framings', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const feed = net.pub({ bind: 'inproc://f' });
      const reader = net.sub({ connect: 'inproc://f' });
      for (const framing of ['frames', 'txzmq'] as const) {
        cold('-a-b').pipe(publishTopic(framing, { framing })).subscribe((m) => feed.next(m));
      }
      expectObservable(reader.pipe(subscribeTopic({ topics: ['frames'] }), shown), '^ 5ms !').toBe('-a-b', {
        a: 'frames:a',
        b: 'frames:b',
      });
      expectObservable(reader.pipe(subscribeTopic({ topics: ['txzmq'], framing: 'txzmq' }), shown), '^ 5ms !').toBe('-a-b', {
        a: 'txzmq:a',
        b: 'txzmq:b',
      });
    });
  });

  it('subscribeTopic - refuses a source that is not a SUB socket', () => {
    testScheduler().run(({ cold }) => {
      expect(() => cold('a', { a: [Buffer.from('t')] }).pipe(subscribeTopic('t'))).toThrow(TypeError);
    });
  });
});
