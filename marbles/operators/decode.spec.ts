import { catchError, map, Subject, throwError, type Observable } from 'rxjs';
import { jsonCodec, msgpackCodec, utf8Codec } from '../../src/operators/codec';
import { decode, decodeErrors$, DecodeError } from '../../src/operators/decode';
import { described, testScheduler } from '../helpers';

/** Replaces the error of `source` with its `name: message`, so diagrams compare both. */
const withErrorDescribed = <T>(source: Observable<T>): Observable<T> =>
  source.pipe(catchError((err: unknown) => throwError(() => described(err))));

/** A reported failure as `name: message` and the text of its raw frames. */
const report = (err: DecodeError) => ({ error: described(err), frames: err.frames.map((f) => f.toString('latin1')) });

const frame = (text: string): Buffer => Buffer.from(text, 'latin1');
const msg = (...frames: string[]): Buffer[] => frames.map(frame);

/** TextDecoder's own wording differs between runtimes, so only rxzmq's part is pinned. */
const invalidUtf8 = expect.stringMatching(/^DecodeError: rxzmq: utf8 codec could not decode a frame: ./);

describe('decode', () => {
  it('decode - skips an undecodable message and reports it to config.errors with its raw frames', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const errors = new Subject<DecodeError>();
      const source = cold('--a--x--c--|', { a: frame('one'), x: frame('\xff'), c: frame('three') });
      const subs = '       ^----------!';
      const expected = '   --a-----c--|';
      const reported = '   -----x------';
      expectObservable(source.pipe(decode(utf8Codec(), { errors }))).toBe(expected, { a: 'one', c: 'three' });
      expectObservable(errors.pipe(map(report))).toBe(reported, { x: { error: invalidUtf8, frames: ['\xff'] } });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('decode - reports to a function given as config.errors', () => {
    const seen: DecodeError[] = [];
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-x-|', { a: frame('[1]'), x: frame('[1') });
      const expected = '   -a---|';
      expectObservable(source.pipe(decode(jsonCodec(), { errors: (e) => seen.push(e) }))).toBe(expected, { a: [1] });
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ name: 'DecodeError', codec: 'json', frames: [frame('[1')], cause: expect.any(SyntaxError) });
  });

  it('decode - sends failures to decodeErrors$ when no side channel is given', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('--a--x--c--|', { a: frame('one'), x: frame('\xc3'), c: frame('three') });
      const expected = '   --a-----c--|';
      const reported = '   -----x------';
      const watching = '   ^----------!';
      expectObservable(source.pipe(decode(utf8Codec()))).toBe(expected, { a: 'one', c: 'three' });
      expectObservable(decodeErrors$.pipe(map(report)), watching).toBe(reported, {
        x: { error: invalidUtf8, frames: ['\xc3'] },
      });
    });
  });

  it('decode - with fatal: true errors the output at the undecodable message', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a--x--c--|', { a: frame('one'), x: frame('\xff'), c: frame('three') });
      const subs = '       ^----!';
      const expected = '   --a--#';
      const watching = '   ^----------!';
      const decoded = source.pipe(decode(utf8Codec(), { fatal: true }));
      expectObservable(withErrorDescribed(decoded)).toBe(expected, { a: 'one' }, invalidUtf8);
      expectObservable(decodeErrors$, watching).toBe('------------');
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('decode - reads the last frame of a multipart message by default', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-|', { a: msg('prices', '"up"'), b: msg('"alone"') });
      const expected = '   -a-b-|';
      expectObservable(source.pipe(decode(jsonCodec()))).toBe(expected, { a: 'up', b: 'alone' });
    });
  });

  it('decode - reads the chosen frame, counting from the end when negative', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-|', { a: msg('t1', 'first', 'last'), b: msg('t2', 'one', 'two') });
      const expected = '   -a-b-|';
      expectObservable(source.pipe(decode(utf8Codec(), { frame: 0 }))).toBe(expected, { a: 't1', b: 't2' });
      expectObservable(source.pipe(decode(utf8Codec(), { frame: -2 }))).toBe(expected, { a: 'first', b: 'one' });
    });
  });

  it('decode - reports a message without the chosen frame as a failure', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const errors = new Subject<DecodeError>();
      const source = cold('-a-b-c-|', { a: msg('t', 'x'), b: msg('t', 'x', 'y'), c: [] });
      const expected = '   ---b---|';
      const reported = '   -a---c--';
      expectObservable(source.pipe(decode(utf8Codec(), { frame: 2, errors }))).toBe(expected, { b: 'y' });
      expectObservable(errors.pipe(map(report))).toBe(reported, {
        a: { error: 'DecodeError: rxzmq: no frame 2 in a 2-frame message', frames: ['t', 'x'] },
        c: { error: 'DecodeError: rxzmq: no frame 2 in a 0-frame message', frames: [] },
      });
    });
  });

  it('decode - decodes a plain Uint8Array frame and reports it as a Buffer', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const errors = new Subject<DecodeError>();
      const packed = msgpackCodec().encode({ ok: 1 });
      const source = cold('-a-x-|', { a: new Uint8Array(packed), x: new Uint8Array(packed.subarray(0, 2)) });
      const expected = '   -a---|';
      const reported = '   ---x--';
      expectObservable(source.pipe(decode(msgpackCodec(), { errors }))).toBe(expected, { a: { ok: 1 } });
      expectObservable(errors.pipe(map((e) => e.frames))).toBe(reported, { x: [packed.subarray(0, 2)] });
    });
  });

  it('decode - reports an input that is neither a frame nor a message', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const errors = new Subject<DecodeError>();
      const source = cold('-s-a-|', { s: 'text' as unknown as Buffer, a: frame('a') });
      const expected = '   ---a-|';
      const reported = '   -s----';
      expectObservable(source.pipe(decode(utf8Codec(), { errors }))).toBe(expected, { a: 'a' });
      expectObservable(errors.pipe(map(report))).toBe(reported, {
        s: { error: 'DecodeError: rxzmq: decode expects a frame or a message, got string', frames: [] },
      });
    });
  });

  it('decode - unsubscribing the output unsubscribes the source', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('--a--b--c--|', { a: frame('a'), b: frame('b'), c: frame('c') });
      const subs = '      ^----!';
      const expected = '  --a---';
      expectObservable(source.pipe(decode(utf8Codec())), subs).toBe(expected, { a: 'a' });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('decode - passes the source error through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-#', { a: frame('a') }, new Error('socket gone'));
      const expected = '   -a-#';
      expectObservable(withErrorDescribed(source.pipe(decode(utf8Codec())))).toBe(
        expected,
        { a: 'a' },
        'Error: socket gone',
      );
    });
  });

  it('decode - errors the output when the side channel function throws', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-x-c-|', { a: frame('a'), x: frame('\xff'), c: frame('c') });
      const subs = '       ^--!';
      const expected = '   -a-#';
      const errors = () => {
        throw new Error('logger down');
      };
      expectObservable(withErrorDescribed(source.pipe(decode(utf8Codec(), { errors })))).toBe(
        expected,
        { a: 'a' },
        'Error: logger down',
      );
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });
});
