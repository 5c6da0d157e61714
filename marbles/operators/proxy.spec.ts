import { map } from 'rxjs';
import { proxy } from '../../src/operators';
import { MemoryNetwork } from '../../src/testing';
import { testScheduler, text } from '../helpers';

describe('proxy', () => {
  it('proxy - streamer: PULL frontend to PUSH backend', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const producer = net.push({ connect: 'inproc://front' });
      const front = net.pull({ bind: 'inproc://front' });
      const back = net.push({ bind: 'inproc://back' });
      const worker = net.pull({ connect: 'inproc://back' });
      proxy(front, back).subscribe();
      cold('-a-b-c').subscribe((s) => producer.next(s));
      expectObservable(worker.pipe(text()), '^ 8ms !').toBe('-a-b-c');
    });
  });

  it('proxy - queue: ROUTER frontend and DEALER backend carry requests and replies', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const front = net.router({ bind: 'inproc://clients' });
      const back = net.dealer({ bind: 'inproc://workers' });
      const worker = net.rep({ connect: 'inproc://workers' });
      worker.subscribe(([body]) => worker.next(`re:${body}`));
      const one = net.req({ connect: 'inproc://clients' });
      const two = net.req({ connect: 'inproc://clients' });
      proxy(front, back).subscribe();
      cold('-a').subscribe((s) => one.next(s));
      cold('--b').subscribe((s) => two.next(s));
      expectObservable(one.pipe(text()), '^ 4ms !').toBe('-x', { x: 're:a' });
      expectObservable(two.pipe(text()), '^ 4ms !').toBe('--y', { y: 're:b' });
    });
  });

  it('proxy - forwarder: XSUB frontend and XPUB backend carry subscriptions up and messages down', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const publisher = net.pub({ bind: 'inproc://up' });
      const front = net.xsub({ connect: 'inproc://up' });
      const back = net.xpub({ bind: 'inproc://down' });
      const reader = net.sub({ connect: 'inproc://down' });
      proxy(front, back).subscribe();
      cold('--s').subscribe(() => reader.addTopics('t'));
      cold('-a-b-c', { a: ['t', '1'], b: ['t', '2'], c: ['u', '3'] }).subscribe((m) => publisher.next(m));
      expectObservable(reader.pipe(text()), '^ 8ms !').toBe('---b', { b: 't|2' });
    });
  });

  it('proxy - capture gets a copy of every message forwarded', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const producer = net.push({ connect: 'inproc://front' });
      const front = net.pull({ bind: 'inproc://front' });
      const back = net.push({ bind: 'inproc://back' });
      net.pull({ connect: 'inproc://back' }).subscribe();
      const tap = net.push({ connect: 'inproc://capture' });
      const captured = net.pull({ bind: 'inproc://capture' });
      proxy(front, back, { capture: tap }).subscribe();
      cold('a-b').subscribe((s) => producer.next(s));
      expectObservable(captured.pipe(text()), '^ 4ms !').toBe('a-b');
    });
  });

  it('proxy - completes when both sockets have closed', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const front = net.pull({ bind: 'inproc://front' });
      const back = net.push({ bind: 'inproc://back' });
      cold('--x').subscribe(() => void front.close());
      expectObservable(proxy(front, back).pipe(map(String))).toBe('--|');
    });
  });

  it('proxy - refuses two sockets nothing can flow between', () => {
    const net = new MemoryNetwork();
    expect(() => proxy(net.pub(), net.push())).toThrow('rxzmq: nothing can flow between a PUB and a PUSH');
    return net.close();
  });
});
