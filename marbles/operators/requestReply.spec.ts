import { catchError, EMPTY, map, merge, mergeMap, throwError, timer, type Observable, type OperatorFunction } from 'rxjs';
import type { Message } from '../../src';
import { replyWith } from '../../src/operators/replyWith';
import { requestReply } from '../../src/operators/requestReply';
import { MemoryNetwork } from '../../src/testing';
import { described, testScheduler, text } from '../helpers';

/*
 *   dealer / req (client, requestReply) ---> router / rep (server, replyWith or raw)
 *
 * Ids are random, so diagrams show the server's view with each id as `#n`,
 * n counting distinct ids in order of arrival, and binary frames as `<length>`.
 */

/** A reply as text, its error as `name: message`. */
const shown = (reply$: Observable<Message>): Observable<string> =>
  reply$.pipe(text(), catchError((err: unknown) => throwError(() => described(err))));

/** What a ROUTER read from an rxzmq client: the body, and the id as `#n`. */
function tagged(): OperatorFunction<Message, string> {
  const ids: string[] = [];
  return map(([, , id, ...body]) => {
    const key = id!.toString('hex');
    if (!ids.includes(key)) ids.push(key);
    return `${body.join('|')}#${ids.indexOf(key) + 1}`;
  });
}

/** Frames as text, binary ones (routing and correlation ids) as `<length>`. */
const wire = (): OperatorFunction<Message, string> =>
  map((msg) => msg.map((f) => (/^[ -~]*$/.test(f.toString('latin1')) ? f.toString() : `<${f.length}>`)).join('|'));

/** A ROUTER that answers `['re', ...body]` after `delay(body)` frames, by hand, in rxzmq framing. */
function echoAfter(server: Observable<Message> & { next(msg: Message): void }, delay: (body: string) => number): void {
  server
    .pipe(mergeMap((msg) => timer(delay(msg.slice(3).join('|'))).pipe(map(() => msg))))
    .subscribe(([who, empty, id, ...body]) => server.next([who!, empty!, id!, Buffer.from('re'), ...body]));
}

/** A handler that ignores the first request it gets and answers `['re', ...body]` from then on. */
function answerTheSecondTime(): (body: Buffer[]) => Observable<string | Buffer> | (string | Buffer)[] {
  let calls = 0;
  return (body) => (++calls === 1 ? EMPTY : ['re', ...body]);
}

describe('requestReply', () => {
  it('requestReply - emits the reply and completes when it comes in time', () => {
    testScheduler().run(({ expectObservable }) => {
      const net = new MemoryNetwork({ latency: 2 });
      const server = net.router({ bind: 'inproc://rr' });
      const request = requestReply(net.dealer({ connect: 'inproc://rr' }), 5);
      server.pipe(replyWith((body) => ['re', ...body])).subscribe();
      expectObservable(shown(request('a'))).toBe('----(r|)', { r: 're|a' });
      expectObservable(server.pipe(wire()), '^ 6ms !').toBe('--a', { a: '<5>||<8>|a' });
    });
  });

  it('requestReply - errors with RequestTimeoutError at exactly the timeout, with the caller in its stack', () => {
    testScheduler().run(({ expectObservable, flush }) => {
      const net = new MemoryNetwork();
      net.router({ bind: 'inproc://rr' }); // reads nothing, answers nothing
      const request = requestReply(net.dealer({ connect: 'inproc://rr' }), 5);
      expectObservable(shown(request('a'))).toBe('5ms #', undefined, 'RequestTimeoutError: rxzmq: no reply within 5 ms (1 attempt)');
      let stack = '';
      request('b').subscribe({ error: (err: Error) => (stack = err.stack ?? '') });
      flush();
      expect(stack).toMatch(/^RequestTimeoutError: rxzmq: no reply within 5 ms \(1 attempt\)\n\s+at .*requestReply\.spec\.ts/);
    });
  });

  it.each([
    ['a DEALER', (net: MemoryNetwork) => net.dealer({ connect: 'inproc://rr' })],
    ['a relaxed REQ (Lazy Pirate)', (net: MemoryNetwork) => net.req({ connect: 'inproc://rr', relaxed: true })],
  ])('requestReply - over %s, resends with the same id at each timeout; a reply to the 2nd attempt succeeds', (_kind, client) => {
    testScheduler().run(({ expectObservable }) => {
      const net = new MemoryNetwork({ latency: 1 });
      const server = net.router({ bind: 'inproc://rr' });
      const request = requestReply(client(net), { timeout: 4, retries: 2 });
      server.pipe(replyWith(answerTheSecondTime())).subscribe();
      // sent at 0 and at 4 (the timeout), read 1 frame later; the 2nd is answered
      expectObservable(shown(request('a'))).toBe('------(r|)', { r: 're|a' });
      expectObservable(server.pipe(tagged()), '^ 12ms !').toBe('-a---a', { a: 'a#1' });
    });
  });

  it('requestReply - retries exhausted: errors at (retries + 1) * timeout after that many sends', () => {
    testScheduler().run(({ expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rr' });
      const request = requestReply(net.dealer({ connect: 'inproc://rr' }), { timeout: 3, retries: 2 });
      expectObservable(shown(request('a'))).toBe('9ms #', undefined, 'RequestTimeoutError: rxzmq: no reply within 3 ms (3 attempts)');
      expectObservable(server.pipe(tagged()), '^ 12ms !').toBe('a--a--a', { a: 'a#1' });
    });
  });

  it('requestReply - a reply to an earlier attempt satisfies the request; the later one is late', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork({ latency: 1 });
      const server = net.router({ bind: 'inproc://rr' });
      const request = requestReply(net.dealer({ connect: 'inproc://rr' }), { timeout: 4, retries: 1 });
      let calls = 0;
      server.pipe(replyWith((body) => timer(5).pipe(map(() => [`re${++calls}`, ...body])))).subscribe();
      // a: sent 0 and 4, answered at 7 and 11; b keeps the requester reading at 11
      expectObservable(shown(request('a'))).toBe('-------(r|)', { r: 're1|a' });
      expectObservable(shown(request('b')), '---------^').toBe('----------------(s|)', { s: 're3|b' });
      expectObservable(cold('--------x---x|').pipe(map(() => request.late))).toBe('--------0---1|', { 0: 0, 1: 1 });
    });
  });

  it('requestReply - many requests in flight, answered out of order, each reach their own caller', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rr' });
      const request = requestReply(net.dealer({ connect: 'inproc://rr' }), 10);
      const delays: Record<string, number> = { a: 5, b: 1, c: 3 };
      server.pipe(replyWith(([body]) => timer(delays[body!.toString()]!).pipe(map(() => ['re', body!])))).subscribe();
      expectObservable(shown(request('a'))).toBe('-----(x|)', { x: 're|a' });
      expectObservable(shown(request('b'))).toBe('-(y|)     ', { y: 're|b' });
      expectObservable(shown(request('c'))).toBe('---(z|)   ', { z: 're|c' });
      expectObservable(cold('--x-x-x|').pipe(map(() => request.inFlight))).toBe('--2-1-0|', { 2: 2, 1: 1, 0: 0 });
    });
  });

  it('requestReply - a reply after the timeout is dropped and counted as late', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rr' });
      const request = requestReply(net.dealer({ connect: 'inproc://rr' }), 3);
      echoAfter(server, (body) => (body === 'a' ? 5 : 2));
      expectObservable(shown(request('a'))).toBe('3ms #', undefined, 'RequestTimeoutError: rxzmq: no reply within 3 ms (1 attempt)');
      // b is in flight from 4 to 6, so the requester reads a's reply at 5, and drops it
      expectObservable(shown(request('b')), '----^').toBe('------(y|)', { y: 're|b' });
      expectObservable(cold('--x----x|').pipe(map(() => request.late))).toBe('--0----1|', { 0: 0, 1: 1 });
    });
  });

  it('requestReply - unsubscribing cancels the request; one socket subscription is shared while any is in flight', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rr' });
      const client = net.dealer({ connect: 'inproc://rr' });
      // `probe` joins the client's stream, so its subscriptions are the requester's
      const probe = hot<Message>('-');
      const watched = Object.assign(merge(client, probe), { type: client.type, send$: client.send$.bind(client) });
      const request = requestReply(watched, 10);
      server.pipe(replyWith(([body]) => timer(body!.toString() === 'c' ? 1 : 4).pipe(map(() => ['re', body!])))).subscribe();
      expectObservable(shown(request('a')), '^-!').toBe('---');
      expectObservable(shown(request('b')), '-^').toBe('-----(y|)', { y: 're|b' });
      expectObservable(shown(request('c')), '-------^').toBe('--------(z|)', { z: 're|c' });
      expectObservable(cold('------x|').pipe(map(() => request.late))).toBe('------1|', { 1: 1 });
      expectSubscriptions(probe.subscriptions).toBe(['^----!', '-------^!']);
    });
  });

  it('requestReply - malformed, unknown and nearly right ids are dropped and counted; the right reply still arrives', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rr' });
      const request = requestReply(net.dealer({ connect: 'inproc://rr' }), 5);
      server.subscribe(([who, , id]) => {
        server.next([who!, 'no delimiter']);
        server.next([who!, '', 'unknown-id', 'x']);
        server.next([who!, '']); // no id frame
        // Near misses of the right id: the same counter after another prefix, and one byte more.
        const otherPrefix = Buffer.from(id!);
        otherPrefix[0] ^= 0xff;
        server.next([who!, '', otherPrefix, 'x']);
        server.next([who!, '', Buffer.concat([id!, Buffer.alloc(1)]), 'x']);
        server.next([who!, '', id!, 'ok']);
      });
      expectObservable(shown(request('a'))).toBe('(r|)', { r: 'ok' });
      expectObservable(cold('-x|').pipe(map(() => request.late))).toBe('-5|', { 5: 5 });
    });
  });

  it("requestReply - framing 'txzmq' sends [id, '', ...body] with a 16-byte id and reads [id, '', ...reply]", () => {
    testScheduler().run(({ expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rr' });
      const request = requestReply(net.dealer({ connect: 'inproc://rr' }), { timeout: 5, framing: 'txzmq' });
      // frame 1 of the reply is not checked, as txZMQ does not check it
      server.subscribe(([who, id, , ...body]) => server.next([who!, id!, 'x', 're', ...body]));
      expectObservable(server.pipe(wire()), '^ 4ms !').toBe('a', { a: '<5>|<16>||a|b' });
      expectObservable(shown(request(['a', 'b']))).toBe('(r|)', { r: 're|a|b' });
    });
  });

  it('requestReply - over REQ, requests queue and go one at a time', () => {
    testScheduler().run(({ expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.rep({ bind: 'inproc://rr' });
      const request = requestReply(net.req({ connect: 'inproc://rr' }), 3);
      server.pipe(replyWith((body) => timer(2).pipe(map(() => ['re', ...body])))).subscribe();
      // b's timer starts when it is sent, at 2: it does not time out at 3
      expectObservable(shown(request('a'))).toBe('--(x|)  ', { x: 're|a' });
      expectObservable(shown(request('b'))).toBe('----(y|)', { y: 're|b' });
      expectObservable(server.pipe(wire()), '^ 6ms !').toBe('a-b', { a: '<8>|a', b: '<8>|b' });
    });
  });

  it('requestReply - over a strict REQ, the retry is refused (EFSM) and fails the request', () => {
    testScheduler().run(({ expectObservable }) => {
      const net = new MemoryNetwork();
      net.router({ bind: 'inproc://rr' });
      const request = requestReply(net.req({ connect: 'inproc://rr' }), { timeout: 3, retries: 1 });
      expectObservable(shown(request('a'))).toBe(
        '3ms #',
        undefined,
        'SendError: rxzmq: send failed: REQ must receive a reply before it sends again (EFSM)',
      );
    });
  });

  it('requestReply - a send the socket refuses fails that request only', () => {
    testScheduler().run(({ expectObservable }) => {
      const net = new MemoryNetwork();
      // no peer: the first send waits in the queue (bound 1), the second is refused
      const request = requestReply(net.dealer({ connect: 'inproc://nobody', sendQueueHighWaterMark: 1 }), 5);
      expectObservable(shown(request('a'))).toBe('5ms #', undefined, 'RequestTimeoutError: rxzmq: no reply within 5 ms (1 attempt)');
      expectObservable(shown(request('b'))).toBe('#', undefined, 'HighWaterMarkError: rxzmq: send queue is full (1 messages waiting)');
    });
  });

  it('requestReply - requests waiting when the socket closes fail with ClosedError, and so do later ones', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      net.router({ bind: 'inproc://rr' });
      const client = net.dealer({ connect: 'inproc://rr' });
      const request = requestReply(client, 10);
      cold('---x').subscribe(() => void client.close());
      const closed = 'ClosedError: rxzmq: the socket closed while the request waited for its reply';
      expectObservable(shown(request('a'))).toBe('---#', undefined, closed);
      expectObservable(shown(request('b')), '-----^').toBe('-----#', undefined, closed);
    });
  });
});
