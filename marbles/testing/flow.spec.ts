import { map, timer } from 'rxjs';
import { MemoryNetwork } from '../../src/testing';
import { described, testScheduler, text } from '../helpers';

describe('model flow control and lifecycle', () => {
  it('model - demand-driven reading keeps at most N messages in flight', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const net = new MemoryNetwork();
      const out = net.push({ bind: 'inproc://jobs' });
      const inp = net.pull({ connect: 'inproc://jobs' });
      let running = 0;
      let most = 0;
      cold('(abcdef)').subscribe((s) => out.next(s));
      const done = inp.consume(
        ([job]) => {
          most = Math.max(most, ++running);
          return timer(5).pipe(map(() => (running--, job!.toString())));
        },
        { concurrency: 2 },
      );
      expectObservable(done, '^ 20ms !').toBe('-----(ab)-(cd)-(ef)');
      flush();
      expect(most).toBe(2);
    });
  });

  it('model - writable$ turns false at the queue high mark and true again at the low mark', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const out = net.push({ connect: 'inproc://later', sendQueueHighWaterMark: 4, sendQueueLowWaterMark: 1 });
      cold('abcd').subscribe((s) => out.next(s)); // no peer yet: every message waits in the queue
      cold('------x').subscribe(() => net.pull({ bind: 'inproc://later' }).subscribe(() => undefined));
      expectObservable(out.writable$, '^ 9ms !').toBe('t--f--t', { t: true, f: false });
    });
  });

  it('model - next() beyond the queue bound reports HighWaterMarkError on errors$', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const out = net.push({ connect: 'inproc://nobody', sendQueueHighWaterMark: 2 });
      cold('abcd').subscribe((s) => out.next(s));
      expectObservable(out.errors$.pipe(map(described)), '^ 5ms !').toBe('--ee', {
        e: 'HighWaterMarkError: rxzmq: send queue is full (2 messages waiting)',
      });
    });
  });

  it('model - complete() sends what is queued, then the socket closes', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const net = new MemoryNetwork();
      const out = net.push({ connect: 'inproc://sink' });
      cold('ab(c|)').subscribe(out); // queued: nobody is bound yet
      cold('-----x').subscribe(() => net.pull({ bind: 'inproc://sink' }).pipe(text()).subscribe((s) => seen.push(s)));
      const seen: string[] = [];
      expectObservable(out.writable$).toBe('t----|', { t: true });
      flush();
      expect(seen).toEqual(['a', 'b', 'c']);
      expect(out.isClosed).toBe(true);
    });
  });

  it('model - a peer comes back when its endpoint is bound again', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const inp = net.pull({ connect: 'inproc://moving' });
      let out = net.push({ bind: 'inproc://moving' });
      cold('a--(u)-b').subscribe((s) => {
        if (s === 'u') {
          void out.close();
          out = net.push({ bind: 'inproc://moving' });
        } else out.next(s);
      });
      expectObservable(inp.pipe(text()), '^ 9ms !').toBe('a------b');
    });
  });

  it('model - events$ reports the connection on both sides', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.pull({ bind: 'inproc://ev' });
      const types = (s: typeof server) => s.events$.pipe(map((e) => e.type));
      expectObservable(types(server), '^ 5ms !').toBe('--(ah)', { a: 'accepted', h: 'handshakeSucceeded' });
      cold('--x').subscribe(() => net.push({ connect: 'inproc://ev' }));
    });
  });
});
