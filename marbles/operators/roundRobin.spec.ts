import { map, Subject } from 'rxjs';
import { broadcast, roundRobin, sendTo, toPeer } from '../../src/operators';
import { MemoryNetwork } from '../../src/testing';
import { testScheduler, text } from '../helpers';

const body = map((m: Buffer[]) => m[m.length - 1]!.toString());

describe('roundRobin, broadcast and toPeer', () => {
  it('roundRobin - takes turns over a list of targets', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const x = new Subject<string>();
      const y = new Subject<string>();
      expectObservable(x).toBe('-a---c---');
      expectObservable(y).toBe('---b---d-');
      expectObservable(cold('-a-b-c-d-|').pipe(roundRobin([x, y]))).toBe('-a-b-c-d-|');
    });
  });

  it('roundRobin - sends through sockets in the list with send$', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const sinks = ['p', 'q'].map((name) => net.push({ bind: `inproc://${name}` }));
      const [p, q] = ['p', 'q'].map((name) => net.pull({ connect: `inproc://${name}` }));
      cold('abcd').pipe(roundRobin(sinks)).subscribe();
      expectObservable(p!.pipe(text()), '^ 5ms !').toBe('a-c');
      expectObservable(q!.pipe(text()), '^ 5ms !').toBe('-b-d');
    });
  });

  it('roundRobin - over a ROUTER, takes turns among the peers in the order they first spoke', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://s' });
      const [one, two] = ['one', 'two'].map((routingId) => net.dealer({ connect: 'inproc://s', routingId }));
      cold('--h').subscribe(() => two!.next('hello'));
      cold('---h').subscribe(() => one!.next('hello'));
      cold('----1234').pipe(roundRobin(server)).subscribe();
      expectObservable(two!.pipe(body), '^ 9ms !').toBe('----1-3');
      expectObservable(one!.pipe(body), '^ 9ms !').toBe('-----2-4');
    });
  });

  it('roundRobin - values wait until a peer is known', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://s' });
      const client = net.dealer({ connect: 'inproc://s' });
      cold('-----h').subscribe(() => client.next('hello'));
      expectObservable(cold('ab|').pipe(roundRobin(server))).toBe('-----(ab|)');
      expectObservable(client.pipe(body), '^ 7ms !').toBe('-----(ab)');
    });
  });

  it('roundRobin - with mandatory, an unreachable peer leaves the rotation and the value goes to the next', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://s', mandatory: true });
      const [one, two] = ['one', 'two'].map((routingId) => net.dealer({ connect: 'inproc://s', routingId }));
      cold('h').subscribe(() => one!.next('hi'));
      cold('-h').subscribe(() => two!.next('hi'));
      cold('---x').subscribe(() => void one!.close());
      cold('--a-bc').pipe(roundRobin(server)).subscribe();
      expectObservable(one!.pipe(body), '^ 7ms !').toBe('--a|');
      expectObservable(two!.pipe(body), '^ 7ms !').toBe('----bc');
    });
  });

  it('roundRobin - a liveness feed removes dead peers from the rotation', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://s' });
      const [one, two] = ['one', 'two'].map((routingId) => net.dealer({ connect: 'inproc://s', routingId }));
      const liveness = cold('a-b---d', {
        a: { peer: Buffer.from('one'), alive: true },
        b: { peer: Buffer.from('two'), alive: true },
        d: { peer: Buffer.from('one'), alive: false },
      });
      cold('---12345').pipe(roundRobin(server, { liveness })).subscribe();
      // 'one' is reported dead at frame 6, before 4 goes: 4 and 5 both go to 'two'
      expectObservable(one!.pipe(body), '^ 9ms !').toBe('---1-3');
      expectObservable(two!.pipe(body), '^ 9ms !').toBe('----2-45');
    });
  });

  it('broadcast - sends each value to every target', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const x = new Subject<string>();
      const y = new Subject<string>();
      expectObservable(x).toBe('-a-b-');
      expectObservable(y).toBe('-a-b-');
      expectObservable(cold('-a-b-|').pipe(broadcast([x, y]))).toBe('-a-b-|');
    });
  });

  it('broadcast - over a ROUTER, reaches every peer heard from', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://s' });
      const [one, two] = ['one', 'two'].map((routingId) => net.dealer({ connect: 'inproc://s', routingId }));
      cold('-h').subscribe(() => one!.next('hi'));
      cold('---h').subscribe(() => two!.next('hi'));
      cold('a-b---c').pipe(broadcast(server)).subscribe();
      expectObservable(one!.pipe(body), '^ 8ms !').toBe('--b---c');
      expectObservable(two!.pipe(body), '^ 8ms !').toBe('------c');
    });
  });

  it('toPeer - addresses each payload to one ROUTER peer', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://s' });
      const [one, two] = ['one', 'two'].map((routingId) => net.dealer({ connect: 'inproc://s', routingId }));
      cold('-a-b').pipe(toPeer('two'), sendTo(server)).subscribe();
      expectObservable(two!.pipe(body), '^ 5ms !').toBe('-a-b');
      expectObservable(one!.pipe(body), '^ 5ms !').toBe('');
    });
  });
});
