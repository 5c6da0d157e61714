import { map } from 'rxjs';
import { sendTo } from '../../src/operators';
import { MemoryNetwork } from '../../src/testing';
import { HighWaterMarkError } from '../../src';
import { testScheduler, text } from '../helpers';

describe('sendTo', () => {
  it('sendTo - sends each value and emits it once the socket took it', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const out = net.push({ bind: 'inproc://a' });
      const inp = net.pull({ connect: 'inproc://a' });
      expectObservable(cold('-a-b-c|').pipe(sendTo(out))).toBe('-a-b-c|');
      expectObservable(inp.pipe(text()), '^ 8ms !').toBe('-a-b-c');
    });
  });

  it('sendTo - a held socket delays the result, and completion waits for the last send', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      // pipe bound 1 + 1 = 2, and the writer hears of reads one at a time
      const out = net.push({ bind: 'inproc://a', sendHighWaterMark: 1 });
      const inp = net.pull({ connect: 'inproc://a', receiveHighWaterMark: 1 });
      expectObservable(cold('abcd|').pipe(sendTo(out))).toBe('ab----(cd|)');
      expectObservable(inp.pipe(text()), '------^ 5ms !').toBe('------(abcd)');
    });
  });

  it('sendTo - pulls an iterable one value at a time, only after the previous one was sent', () => {
    testScheduler().run(({ expectObservable, flush }) => {
      const net = new MemoryNetwork();
      const out = net.push({ bind: 'inproc://a', sendHighWaterMark: 1 });
      net.pull({ connect: 'inproc://a', receiveHighWaterMark: 1 });
      let pulled = 0;
      function* values(): Generator<string> {
        for (const v of ['a', 'b', 'c', 'd']) {
          pulled++;
          yield v;
        }
      }
      expectObservable(sendTo<string>(out)(values())).toBe('(ab)');
      flush();
      expect(pulled).toBe(3); // the third value waits for room; the fourth is never asked for
    });
  });

  it('sendTo - forwards from a receiving socket demand-driven, so a stalled target holds the upstream sender', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const upstream = net.push({ bind: 'inproc://in', sendHighWaterMark: 1 });
      const middle = net.pull({ connect: 'inproc://in', receiveHighWaterMark: 1 });
      const forward = net.push({ bind: 'inproc://out', sendHighWaterMark: 1 });
      const sink = net.pull({ connect: 'inproc://out', receiveHighWaterMark: 1 });
      sendTo(forward)(middle).subscribe();
      // forward's pipe takes 2, one more waits in sendTo, upstream's pipe takes 2: five sends go, the sixth waits
      const sent = cold('abcdefgh|').pipe(sendTo(upstream));
      expectObservable(sent).toBe('abcde 5ms (fgh|)');
      expectObservable(sink.pipe(text()), '----------^ 5ms !').toBe('----------(abcdefgh)');
    });
  });

  it('sendTo - a push source that outruns bufferSize errors with HighWaterMarkError', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const out = net.push({ connect: 'inproc://nobody' }); // no peer: the first send is held
      const result = cold('abc').pipe(sendTo(out, { bufferSize: 1 }), map(String));
      expectObservable(result).toBe('--#', undefined, new HighWaterMarkError(1));
    });
  });

  it('sendTo - errors when the source errors', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const out = net.push({ bind: 'inproc://a' });
      net.pull({ connect: 'inproc://a' });
      expectObservable(cold('a-#', undefined, new Error('boom')).pipe(sendTo(out))).toBe('a-#', undefined, new Error('boom'));
    });
  });

  it('sendTo - unsubscribing stops pulling the source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const net = new MemoryNetwork();
      const out = net.push({ bind: 'inproc://a' });
      net.pull({ connect: 'inproc://a' });
      const source = cold('-a-b-c-d|');
      expectObservable(source.pipe(sendTo(out)), '^----!').toBe('-a-b-');
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });
});
