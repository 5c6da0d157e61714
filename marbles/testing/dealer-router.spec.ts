import { catchError, concatMap, map, merge, of } from 'rxjs';
import { MemoryNetwork } from '../../src/testing';
import { described, testScheduler, text } from '../helpers';

describe('model DEALER/ROUTER', () => {
  it('model - DEALER round-robins over three peers', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const peers = ['a', 'b', 'c'].map((name) => net.router({ bind: `inproc://${name}` }));
      const client = net.dealer({ connect: ['inproc://a', 'inproc://b', 'inproc://c'] });
      cold('123456789').subscribe((s) => client.next(s));
      const body = map((m: Buffer[]) => m[1]!.toString());
      expectObservable(peers[0]!.pipe(body), '^ 10ms !').toBe('1--4--7');
      expectObservable(peers[1]!.pipe(body), '^ 10ms !').toBe('-2--5--8');
      expectObservable(peers[2]!.pipe(body), '^ 10ms !').toBe('--3--6--9');
    });
  });

  it('model - ROUTER prefixes the routing id and routes replies back by it', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://s' });
      const one = net.dealer({ connect: 'inproc://s', routingId: 'one' });
      const two = net.dealer({ connect: 'inproc://s', routingId: 'two' });
      server.subscribe(([id, body]) => server.next([id!, `re:${body}`]));
      cold('a-b').subscribe((s) => one.next(s));
      cold('-c').subscribe((s) => two.next(s));
      expectObservable(server.pipe(text()), '^ 5ms !').toBe('abc', { a: 'one|a', b: 'two|c', c: 'one|b' });
      expectObservable(one.pipe(text()), '^ 5ms !').toBe('a-b', { a: 're:a', b: 're:b' });
      expectObservable(two.pipe(text()), '^ 5ms !').toBe('-c', { c: 're:c' });
    });
  });

  it('model - ROUTER fair-queues peers that send at once', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://s' });
      const one = net.dealer({ connect: 'inproc://s', routingId: 'A' });
      const two = net.dealer({ connect: 'inproc://s', routingId: 'B' });
      cold('(123)').subscribe((s) => one.next(s));
      cold('(123)').subscribe((s) => two.next(s));
      expectObservable(server.pipe(text()), '^ 8ms !').toBe('(abcdef)', {
        a: 'A|1', b: 'B|1', c: 'A|2', d: 'B|2', e: 'A|3', f: 'B|3',
      });
    });
  });

  it('model - ROUTER drops messages for unknown peers, or fails with mandatory', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const net = new MemoryNetwork();
      const lax = net.router({ bind: 'inproc://lax' });
      const strict = net.router({ bind: 'inproc://strict', mandatory: true });
      const send = (socket: typeof lax) =>
        cold('a').pipe(concatMap(() => socket.send$(['nobody', 'hi']).pipe(map(() => 'sent'), catchError((e) => of(described(e))))));
      expectObservable(send(lax)).toBe('a', { a: 'sent' });
      expectObservable(send(strict)).toBe('a', {
        a: 'SendError: rxzmq: send failed: no peer with that routing id (EHOSTUNREACH)',
      });
      flush();
      expect(net.inspect(lax).dropped).toBe(0);
    });
  });

  it('model - DEALER holds sends while it has no peer and sends them when one connects', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const client = net.dealer({ connect: 'inproc://late' });
      cold('ab').subscribe((s) => client.next(s));
      cold('----x').subscribe(() => net.router({ bind: 'inproc://late' }).subscribe(() => undefined));
      const sent = merge(cold('ab').pipe(concatMap((s) => client.send$(s).pipe(map(() => s)))));
      expectObservable(sent).toBe('----(ab)');
    });
  });

  it('model - REQ alternates: a second request before the reply is read fails with EFSM', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.rep({ bind: 'inproc://rep' });
      server.subscribe(([body]) => server.next(`re:${body}`));
      const reading = net.req({ connect: 'inproc://rep' });
      const deaf = net.req({ connect: 'inproc://rep' });
      reading.subscribe(() => undefined); // reads each reply, so the next request may go
      const attempt = (client: typeof deaf) => (s: string) =>
        client.send$(s).pipe(map(() => s), catchError((e) => of(described(e))));
      expectObservable(cold('a-b').pipe(concatMap(attempt(reading)))).toBe('a-b');
      expectObservable(cold('a-b').pipe(concatMap(attempt(deaf)))).toBe('a-x', {
        a: 'a',
        x: 'SendError: rxzmq: send failed: REQ must receive a reply before it sends again (EFSM)',
      });
    });
  });

  it('model - REP replies along the envelope of the request it read', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.rep({ bind: 'inproc://rep' });
      const one = net.req({ connect: 'inproc://rep' });
      const two = net.dealer({ connect: 'inproc://rep' });
      server.subscribe(([body]) => server.next(`re:${body}`));
      cold('a').subscribe((s) => one.next(s));
      cold('-b').subscribe((s) => two.next(['', s]));
      expectObservable(one.pipe(text()), '^ 3ms !').toBe('a', { a: 're:a' });
      expectObservable(two.pipe(text()), '^ 3ms !').toBe('-b', { b: '|re:b' });
    });
  });
});
