import { concatMap, map } from 'rxjs';
import { MemoryNetwork } from '../../src/testing';
import { testScheduler, text } from '../helpers';

describe('model PUSH/PULL', () => {
  it('model - delivers in the frame it was sent, in order', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const out = net.push({ bind: 'inproc://a' });
      const inp = net.pull({ connect: 'inproc://a' });
      cold('-a-b-(cd)').subscribe((s) => out.next(s));
      expectObservable(inp.pipe(text()), '^ 10ms !').toBe('-a-b-(cd)');
    });
  });

  it('model - latency delays every message by that much', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork({ latency: 3 });
      const out = net.push({ bind: 'inproc://a' });
      const inp = net.pull({ connect: 'inproc://a' });
      cold('a-b').subscribe((s) => out.next(s));
      expectObservable(inp.pipe(text()), '^ 10ms !').toBe('---a-b');
    });
  });

  it('model - PUSH holds at the high-water mark while the puller stalls and resumes as it reads', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      // pipe bound = 2 (send) + 2 (receive) = 4; the writer hears of reads every 2
      const out = net.push({ bind: 'inproc://a', sendHighWaterMark: 2 });
      const inp = net.pull({ connect: 'inproc://a', receiveHighWaterMark: 2 });
      const sent = cold('abcdef|').pipe(concatMap((s) => out.send$(s).pipe(map(() => s))));
      expectObservable(sent).toBe('abcd 5ms (ef|)');
      expectObservable(inp.pipe(text()), '---------^ 5ms !').toBe('---------(abcdef)');
    });
  });
});
