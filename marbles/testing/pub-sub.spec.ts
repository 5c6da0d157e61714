import { map } from 'rxjs';
import { MemoryNetwork } from '../../src/testing';
import { testScheduler, text } from '../helpers';

describe('model PUB/SUB', () => {
  it('model - PUB drops at the high-water mark while a subscriber stalls', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const net = new MemoryNetwork();
      // a PUB holds its send HWM (4) per subscriber, whatever the subscriber's receive HWM
      const feed = net.pub({ bind: 'inproc://feed', sendHighWaterMark: 4 });
      const reader = net.sub({ connect: 'inproc://feed', receiveHighWaterMark: 2, topics: '' });
      cold('abcdefg 8ms h').subscribe((s) => feed.next(s));
      // nobody reads until frame 7: a-d wait in the pipe, e-g are dropped
      expectObservable(reader.pipe(text()), '-------^ 10ms !').toBe('-------(abcd)--h');
      flush();
      expect(net.inspect(feed).dropped).toBe(3);
    });
  });

  it('model - a stalled subscriber does not slow another one', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const feed = net.pub({ bind: 'inproc://feed', sendHighWaterMark: 2 });
      const fast = net.sub({ connect: 'inproc://feed', receiveHighWaterMark: 1, topics: '' });
      const slow = net.sub({ connect: 'inproc://feed', receiveHighWaterMark: 1, topics: '' });
      cold('abcd').subscribe((s) => feed.next(s));
      expectObservable(fast.pipe(text()), '^ 6ms !').toBe('abcd');
      expectObservable(slow.pipe(text()), '-----^ 2ms !').toBe('-----(ab)');
    });
  });

  it('model - SUB receives only topics it subscribed to, by prefix', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const feed = net.pub({ bind: 'inproc://feed' });
      const reader = net.sub({ connect: 'inproc://feed', topics: ['news', 'wx'] });
      const values = { a: ['news.eu', '1'], b: ['sport', '2'], c: ['wx', '3'], d: ['new', '4'], e: ['newsroom', '5'] };
      cold('abcde', values).subscribe((m) => feed.next(m));
      expectObservable(reader.pipe(text()), '^ 6ms !').toBe('a-c-e', {
        a: 'news.eu|1',
        c: 'wx|3',
        e: 'newsroom|5',
      });
    });
  });

  it('model - topics added and removed later change what arrives', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const feed = net.pub({ bind: 'inproc://feed' });
      const reader = net.sub({ connect: 'inproc://feed' });
      cold('a-b-c-d').subscribe((s) => feed.next(`t|${s}`));
      cold('-s---u').subscribe((op) => (op === 's' ? reader.addTopics('t') : reader.removeTopics('t')));
      expectObservable(reader.pipe(map(([f]) => f!.toString().slice(2))), '^ 8ms !').toBe('--b-c');
    });
  });

  it('model - XPUB receives subscriptions and their cancellation once per topic', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const feed = net.xpub({ bind: 'inproc://feed' });
      const one = net.sub({ connect: 'inproc://feed' });
      const two = net.sub({ connect: 'inproc://feed' });
      cold('-a-b-c-d').subscribe((op) => {
        if (op === 'a') one.addTopics('t');
        if (op === 'b') two.addTopics('t');
        if (op === 'c') one.removeTopics('t');
        if (op === 'd') two.removeTopics('t');
      });
      const shown = feed.pipe(map(([f]) => `${f![0]}${f!.subarray(1).toString()}`));
      expectObservable(shown, '^ 9ms !').toBe('-a-----b', { a: '1t', b: '0t' });
    });
  });

  it('model - XSUB subscribes upstream with subscription messages', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const feed = net.pub({ bind: 'inproc://feed' });
      const reader = net.xsub({ connect: 'inproc://feed' });
      cold('--x').subscribe(() => reader.addTopics('a'));
      cold('a-ab-a').subscribe((s) => feed.next(s));
      expectObservable(reader.pipe(text()), '^ 7ms !').toBe('--a--a');
    });
  });

  it('model - an XPUB refuses topics, and a manual XPUB, which only the engines have', () => {
    const net = new MemoryNetwork();
    const hub = net.xpub({ bind: 'inproc://hub' });
    expect(() => hub.addTopics('a')).toThrow(new TypeError('rxzmq: an XPUB takes topics only in manual mode (manual: true)'));
    expect(() => net.xpub({ manual: true })).toThrow(/the memory model has no manual XPUB; use a real engine/);
    hub.close();
  });
});
