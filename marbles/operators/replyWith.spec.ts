import { catchError, EMPTY, map, throwError, timer, type Observable } from 'rxjs';
import type { Message, Sendable } from '../../src';
import { replyWith, type ReplyRecord } from '../../src/operators/replyWith';
import { requestReply } from '../../src/operators/requestReply';
import { MemoryNetwork } from '../../src/testing';
import { described, testScheduler, text } from '../helpers';

/*
 *   dealer / req (client: requestReply or raw) ---> router / rep (server, replyWith)
 *
 * Records show as `request > reply`, `request ! error` or `request -` (no
 * reply); binary frames (routing ids) as `<length>`.
 */

const frames = (msg: readonly Buffer[]): string =>
  msg.map((f) => (/^[ -~]*$/.test(f.toString('latin1')) ? f.toString() : `<${f.length}>`)).join('|');

const record = (r: ReplyRecord): string =>
  frames(r.request) + (r.reply ? ` > ${frames(r.reply)}` : '') + (r.error ? ` ! ${described(r.error)}` : '') + (r.reply || r.error ? '' : ' -');

/** A client's result as text, its error as `name: message`. */
const result = (reply$: Observable<Message>): Observable<string> =>
  reply$.pipe(text(), catchError((err: unknown) => throwError(() => described(err))));

const delayed = (ms: number) => (body: Buffer[]) => timer(ms).pipe(map(() => ['re', ...body]));

describe('replyWith', () => {
  it('replyWith - an Observable handler replies when it emits; quicker handlers answer first', () => {
    testScheduler().run(({ expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rw' });
      const request = requestReply(net.dealer({ connect: 'inproc://rw' }), 10);
      const served = server.pipe(replyWith(([body]) => timer(body!.toString() === 'a' ? 4 : 1).pipe(map(() => ['re', body!]))));
      expectObservable(served.pipe(map(record)), '^ 6ms !').toBe('-b--a', { a: 'a > re|a', b: 'b > re|b' });
      expectObservable(result(request('a'))).toBe('----(x|)', { x: 're|a' });
      expectObservable(result(request('b'))).toBe('-(y|)   ', { y: 're|b' });
    });
  });

  it('replyWith - a throwing handler gives an error record and no reply; the next request is served', () => {
    testScheduler().run(({ expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rw' });
      const request = requestReply(net.dealer({ connect: 'inproc://rw' }), 5);
      const served = server.pipe(
        replyWith(([body]) => {
          if (body!.toString() === 'boom') throw new Error('boom');
          return ['re', body!];
        }),
      );
      expectObservable(served.pipe(map(record)), '^ 6ms !').toBe('e-r', { e: 'boom ! Error: boom', r: 'ok > re|ok' });
      expectObservable(result(request('boom'))).toBe('5ms #', undefined, 'RequestTimeoutError: rxzmq: no reply within 5 ms (1 attempt)');
      expectObservable(result(request('ok')), '--^').toBe('--(r|)', { r: 're|ok' });
    });
  });

  it('replyWith - a malformed request gives a MalformedRequestError record; the server keeps serving', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rw' });
      const raw = net.dealer({ connect: 'inproc://rw' });
      const served = server.pipe(replyWith((body) => ['re', ...body]));
      cold('a-b-c', { a: ['x'], b: [''], c: ['', 'id-1', 'ok'] }).subscribe((msg) => raw.next(msg));
      expectObservable(served.pipe(map(record)), '^ 6ms !').toBe('a-b-c', {
        a: '<5>|x ! MalformedRequestError: rxzmq: malformed request (no empty delimiter frame) of 2 frames',
        b: '<5>| ! MalformedRequestError: rxzmq: malformed request (no id frame after the delimiter) of 2 frames',
        c: 'ok > re|ok',
      });
      expectObservable(raw.pipe(map(frames)), '^ 6ms !').toBe('----c', { c: '|id-1|re|ok' });
    });
  });

  it("replyWith - framing 'txzmq' reads [routing..., id, '', ...body] and replies [routing..., id, '', ...reply]", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rw' });
      const raw = net.dealer({ connect: 'inproc://rw' });
      server.pipe(replyWith((body) => ['re', ...body], { framing: 'txzmq' })).subscribe();
      // the body may hold empty frames: only the first one delimits
      cold('a-b', { a: ['0123456789abcdef', '', 'x', '', 'y'], b: ['x'] }).subscribe((msg) => raw.next(msg));
      expectObservable(raw.pipe(map(frames)), '^ 4ms !').toBe('a', { a: '0123456789abcdef||re|x||y' });
    });
  });

  it('replyWith - txzmq on both ends: requestReply and replyWith understand each other', () => {
    testScheduler().run(({ expectObservable }) => {
      const net = new MemoryNetwork({ latency: 1 });
      const server = net.router({ bind: 'inproc://rw' });
      const request = requestReply(net.dealer({ connect: 'inproc://rw' }), { timeout: 5, framing: 'txzmq' });
      server.pipe(replyWith((body, { id, envelope }) => [`${id.length}/${envelope.length}`, ...body], { framing: 'txzmq' })).subscribe();
      expectObservable(result(request('a'))).toBe('--(r|)', { r: '16/1|a' });
    });
  });

  it('replyWith - the handler gets the id and the envelope (up to and including the delimiter)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rw' });
      const raw = net.dealer({ connect: 'inproc://rw' });
      server.pipe(replyWith((body, { id, envelope }) => [id, frames(envelope), ...body])).subscribe();
      cold('a', { a: ['', 'id-1', 'x'] }).subscribe((msg) => raw.next(msg));
      expectObservable(raw.pipe(map(frames)), '^ 2ms !').toBe('a', { a: '|id-1|id-1|<5>||x' });
    });
  });

  it('replyWith - a handler that completes empty sends nothing; the client times out', () => {
    testScheduler().run(({ expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rw' });
      const request = requestReply(net.dealer({ connect: 'inproc://rw' }), 3);
      const served = server.pipe(replyWith(() => EMPTY));
      expectObservable(served.pipe(map(record)), '^ 4ms !').toBe('a', { a: 'a -' });
      expectObservable(result(request('a'))).toBe('3ms #', undefined, 'RequestTimeoutError: rxzmq: no reply within 3 ms (1 attempt)');
    });
  });

  it('replyWith - on REP, a failed handler still answers one empty frame, which the client drops, so REP reads on', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.rep({ bind: 'inproc://rw' });
      const request = requestReply(net.req({ connect: 'inproc://rw' }), 4);
      const served = server.pipe(replyWith(([body]) => (body!.toString() === 'boom' ? throwError(() => new Error('boom')) : ['re', body!])));
      expectObservable(served.pipe(map(record)), '^ 6ms !').toBe('e---r', { e: 'boom ! Error: boom', r: 'ok > re|ok' });
      expectObservable(result(request('boom'))).toBe('4ms #', undefined, 'RequestTimeoutError: rxzmq: no reply within 4 ms (1 attempt)');
      // over REQ, ok waits for boom's turn to end
      expectObservable(result(request('ok')), '-^').toBe('----(r|)', { r: 're|ok' });
      expectObservable(cold('-x|').pipe(map(() => request.late))).toBe('-1|', { 1: 1 });
    });
  });

  it('replyWith - concurrency 1 on a ROUTER handles one request at a time, so a slow handler holds the rest', () => {
    testScheduler().run(({ expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rw' });
      const request = requestReply(net.dealer({ connect: 'inproc://rw' }), 10);
      const served = server.pipe(replyWith(delayed(2), { concurrency: 1 }));
      expectObservable(served.pipe(map(record)), '^ 8ms !').toBe('--a-b-c', { a: 'a > re|a', b: 'b > re|b', c: 'c > re|c' });
      expectObservable(result(request('a'))).toBe('--(x|)    ', { x: 're|a' });
      expectObservable(result(request('b'))).toBe('----(y|)  ', { y: 're|b' });
      expectObservable(result(request('c'))).toBe('------(z|)', { z: 're|c' });
    });
  });

  it('replyWith - completes when the socket closes, after the handlers running then (whose sends fail)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rw' });
      const request = requestReply(net.dealer({ connect: 'inproc://rw' }), 10);
      cold('---x').subscribe(() => void server.close());
      expectObservable(server.pipe(replyWith(delayed(5)), map(record))).toBe('-----(e|)', {
        e: 'a ! ClosedError: rxzmq: socket is closed',
      });
      expectObservable(result(request('a'))).toBe('10ms #', undefined, 'RequestTimeoutError: rxzmq: no reply within 10 ms (1 attempt)');
    });
  });

  it('replyWith - unsubscribing stops serving and unsubscribes the handlers still running', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const net = new MemoryNetwork();
      const server = net.router({ bind: 'inproc://rw' });
      const request = requestReply(net.dealer({ connect: 'inproc://rw' }), 6);
      const answer = cold<Sendable>('---r|', { r: 'late' });
      expectObservable(server.pipe(replyWith(() => answer), map(record)), '^-!').toBe('---');
      expectSubscriptions(answer.subscriptions).toBe('^-!');
      expectObservable(result(request('a'))).toBe('6ms #', undefined, 'RequestTimeoutError: rxzmq: no reply within 6 ms (1 attempt)');
    });
  });

  it('replyWith - errors with TypeError at subscription when its source is not a ROUTER or REP socket', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const net = new MemoryNetwork();
      const notSocket = cold<Message>('a', { a: [Buffer.from('x')] });
      const dealerSocket = net.dealer({ bind: 'inproc://rw' });
      const shown = (r$: Observable<ReplyRecord>) => r$.pipe(map(record), catchError((e: unknown) => throwError(() => described(e))));
      const why = 'TypeError: rxzmq: replyWith must be applied to a ROUTER or REP socket';
      expectObservable(shown(notSocket.pipe(replyWith(() => 'x')))).toBe('#', undefined, why);
      expectObservable(shown(dealerSocket.pipe(replyWith(() => 'x')))).toBe('#', undefined, why);
    });
  });

  it('replyWith - errors with TypeError at subscription on a REP with concurrency above 1', () => {
    testScheduler().run(({ expectObservable }) => {
      const net = new MemoryNetwork();
      const served = net.rep({ bind: 'inproc://rw' }).pipe(replyWith(() => 'x', { concurrency: 2 }), map(record));
      expectObservable(served.pipe(catchError((e: unknown) => throwError(() => described(e))))).toBe(
        '#',
        undefined,
        "TypeError: rxzmq: replyWith on a REP socket needs concurrency 1 and framing 'rxzmq'",
      );
    });
  });
});
